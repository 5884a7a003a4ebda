"""Historical averaging (Salimans et al. 2016): each player is pulled to its own past mean."""

import keras
from keras import ops

from keras_gans.losses import global_batch_mean
from keras_gans.tricks.trick import Option, Trick

_ROLES = {"d": "discriminator", "g": "generator"}


@keras.saving.register_keras_serializable(package="keras_gans")
class HistoricalAveraging(Trick):
    """Adds `weight * sum ||theta - mean of past theta||^2` to both players' losses.

    For each player, theta is its trainable weights and the historical mean
    is the running average (1/t) sum_i theta_i of its weights after each of
    its t updates so far (`after_*_step` hooks). The term damps the
    oscillations a gradient game falls into. Turned on by
    `compile(historical_averaging=weight)`; logged as `d_historical_average`
    and `g_historical_average`. The averages and their count are weights of
    this trick: saved, restored and resumed with the model.

    Args:
        weight: float >= 0, the term's weight.

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, sec. 3.3.
    """

    options = (
        Option(
            "historical_averaging", "weight", 0.0, float,
            "weight of each player's distance to its past mean weights",
        ),
    )  # fmt: skip

    def configure(self, model):
        self.averages = {}
        for role, player in _ROLES.items():
            self.averages[role] = [
                self.add_weight(
                    shape=variable.shape,
                    initializer="zeros",
                    trainable=False,
                    name=f"{role}_average_{i}",
                )
                for i, variable in enumerate(model.player_variables(player))
            ]
        self.counts = {
            role: self.add_weight(
                shape=(), initializer="zeros", trainable=False, name=f"{role}_count"
            )
            for role in _ROLES
        }

    def _distance(self, role, model):
        # No past yet (count 0): the average is not defined, the term is 0.
        started = ops.cast(self.counts[role] > 0, "float32")
        squares = [
            ops.sum(ops.square(variable - ops.stop_gradient(average)))
            for variable, average in zip(
                model.player_variables(_ROLES[role]), self.averages[role], strict=True
            )
        ]
        # A penalty on the weights, not a batch mean: each replica adds its share.
        return {f"{role}_historical_average": global_batch_mean(started * ops.sum(squares))}

    def _update(self, role, model):
        count = self.counts[role]
        count.assign(count + 1.0)
        variables = model.player_variables(_ROLES[role])
        for variable, average in zip(variables, self.averages[role], strict=True):
            average.assign(average + (variable - average) / count)
        return {}

    def discriminator_terms(self, model, state):
        return self._distance("d", model)

    def generator_terms(self, model, state):
        return self._distance("g", model)

    def after_discriminator_step(self, model):
        return self._update("d", model)

    def after_generator_step(self, model):
        return self._update("g", model)
