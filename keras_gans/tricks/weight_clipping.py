"""Weight clipping of the critic (Arjovsky et al. 2017)."""

import keras
from keras import ops

from keras_gans.tricks.trick import Option, Trick


@keras.saving.register_keras_serializable(package="keras_gans")
class WeightClipping(Trick):
    """Clips every discriminator weight to [-c, c] after each discriminator update.

    Keeps a WGAN critic (crudely) Lipschitz: `kg.WGAN` is the Wasserstein
    loss with this trick. Not a term of the loss: an after-D hook. Turned on
    by `compile(weight_clipping=c)` or `WGAN(clip_value=c)`.

    Args:
        weight: float > 0, c, the bound (0.01 in the paper; 0 turns it off).

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks",
        ICML 2017, Algorithm 1.
    """

    options = (
        Option("weight_clipping", "weight", 0.0, float, "clip D's weights to [-c, c] (WGAN)"),
    )

    def after_discriminator_step(self, model):
        for variable in model.player_variables("discriminator"):
            variable.assign(ops.clip(variable, -self.weight, self.weight))
        return {}
