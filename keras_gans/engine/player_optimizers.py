"""`model.optimizer` for a GAN: one view of both players' optimizers for Keras' callbacks."""

import keras
from keras import ops


class PlayerOptimizers:
    """What Keras' callbacks see as `model.optimizer`: every player's optimizer at once.

    `keras.callbacks.LearningRateScheduler` and `ReduceLROnPlateau` read and
    set `model.optimizer.learning_rate`. Here the learning rate read is the
    generator's, and setting it scales every player's learning rate by the
    same factor, so their ratio (e.g. a two time-scale rule, D at 4x G) is
    kept. To schedule one player alone, set its own optimizer:
    `model.optimizers["discriminator"].learning_rate = ...` in a callback, or
    give that optimizer a `keras.optimizers.schedules.LearningRateSchedule`.
    `iterations` are the generator's updates: one per training step.

    Args:
        optimizers: `{player name: keras optimizer}`, the generator's included.
        reference: the player whose learning rate is read. Defaults to
            `"generator"`.
    """

    def __init__(self, optimizers, reference="generator"):
        self.optimizers_by_player = dict(optimizers)
        self.reference = reference

    @property
    def built(self):
        return all(optimizer.built for optimizer in self.optimizers_by_player.values())

    def build(self, variables):
        """Nothing to build: each player's optimizer is built by `compile`."""

    @property
    def iterations(self):
        return self.optimizers_by_player[self.reference].iterations

    @property
    def learning_rate(self):
        return self.optimizers_by_player[self.reference].learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        current = {
            player: float(ops.convert_to_numpy(optimizer.learning_rate))
            for player, optimizer in self.optimizers_by_player.items()
        }
        reference = current[self.reference]
        if reference == 0.0:
            raise ValueError(
                "Cannot scale the learning rates: the generator's is 0. Received: "
                f"learning_rate={value!r}. Set each optimizer in model.optimizers instead."
            )
        factor = float(value) / reference
        for player, optimizer in self.optimizers_by_player.items():
            try:
                optimizer.learning_rate = current[player] * factor
            except TypeError as error:  # a LearningRateSchedule: not settable
                raise ValueError(
                    f"The {player}'s optimizer follows a learning-rate schedule, so its "
                    f"learning rate cannot be set by a callback. Received: "
                    f"learning_rate={value!r} for both players. Schedule with one mechanism."
                ) from error

    def __repr__(self):
        players = ", ".join(
            f"{player}={type(optimizer).__name__}"
            for player, optimizer in self.optimizers_by_player.items()
        )
        return f"PlayerOptimizers({players})"


def resolve_optimizer(identifier, default):
    """A Keras optimizer from `"auto"` (then `default()`), a name, a config or an instance."""
    if isinstance(identifier, str) and identifier == "auto":
        return default()
    return keras.optimizers.get(identifier)
