"""The R2 penalty (Mescheder et al. 2018): D's gradient on generated data, held near 0."""

import keras

from keras_gans.tricks.r1_penalty import R1Penalty
from keras_gans.tricks.trick import Option


@keras.saving.register_keras_serializable(package="keras_gans")
class R2Penalty(R1Penalty):
    """Adds `gamma / 2 * E ||grad_x D(x)||^2` over generated images to D's loss.

    `R1Penalty` on the fakes of the discriminator step instead of the real
    images; the two can be combined. Turned on by
    `compile(r2_penalty=gamma)`, lazily with `r2_every_n_steps=k`; logged as
    `r2_penalty`.

    Args:
        weight: gamma >= 0, the penalty's weight.
        every_n_steps: int >= 1, training steps per computed penalty.
            Defaults to `1`.

    Reference:
        Mescheder et al., "Which Training Methods for GANs do actually
        Converge?", ICML 2018, sec. 4.1.
    """

    options = (
        Option("r2_penalty", "weight", 0.0, float, "gamma of R2, D's gradient on generated images"),
        Option("r2_every_n_steps", "every_n_steps", 1, int, "compute R2 every N steps (lazy)"),
    )
    log_name = "r2_penalty"

    def penalised_images(self, state):
        return state.fake
