"""The R1 penalty (Mescheder et al. 2018): D's gradient on real data, held near 0."""

import keras
from keras import ops

from keras_gans import mixed_precision
from keras_gans.losses import global_batch_mean
from keras_gans.step_schedule import lazily
from keras_gans.tricks.trick import Option, Trick, check_count


@keras.saving.register_keras_serializable(package="keras_gans")
class R1Penalty(Trick):
    """Adds `gamma / 2 * E ||grad_x D(x)||^2` over real images to D's loss.

    Penalising D's gradient on the data makes the game locally convergent
    where the unregularised one oscillates (Mescheder et al. 2018). The
    gradient is taken with respect to the real images as they come, through
    D's augmentation (`augment`, instance noise) as StyleGAN2-ADA does, so
    that the penalty is on the function D is trained as. Turned on by
    `compile(r1_penalty=gamma)`; logged as `r1_penalty`, the unweighted
    E ||grad_x D(x)||^2 / 2 on the steps that compute it.

    Lazy regularisation (Karras et al. 2020, StyleGAN2): with
    `every_n_steps=k` (`r1_every_n_steps`) the penalty is computed on one
    training step in k (those where the generator has made a multiple of k
    updates, so step 0 is one), on every D update of that step, multiplied by
    k: the same average strength for 1/k of the cost. On the other steps the
    term (and its log) is 0.

    Args:
        weight: gamma >= 0, the penalty's weight.
        every_n_steps: int >= 1, training steps per computed penalty.
            Defaults to `1` (every step).

    References:
        Mescheder et al., "Which Training Methods for GANs do actually
        Converge?", ICML 2018; Karras et al., "Analyzing and Improving the
        Image Quality of StyleGAN", CVPR 2020 (lazy regularisation).
    """

    options = (
        Option("r1_penalty", "weight", 0.0, float, "gamma of R1, D's gradient on real images"),
        Option("r1_every_n_steps", "every_n_steps", 1, int, "compute R1 every N steps (lazy)"),
    )
    log_name = "r1_penalty"

    def __init__(self, weight, every_n_steps=1, **kwargs):
        super().__init__(weight, **kwargs)
        self.every_n_steps = check_count(every_n_steps, self.options[1].name)

    def penalised_images(self, state):
        return state.real

    def gradient_penalty(self, model, images, state):
        """E ||grad_x D(x)||^2 / 2 over `images`, a global-batch mean."""
        # Per example, through D's augmentation, under D's loss scale
        # (mixed_float16), unscaled to float32.
        gradients, finite = mixed_precision.input_gradients(
            lambda x: model.discriminate(x, state)[0], images, model.optimizers["discriminator"]
        )
        axes = list(range(1, len(gradients.shape)))
        penalty = global_batch_mean(0.5 * ops.sum(ops.square(gradients), axis=axes))
        return mixed_precision.zero_if_overflowed(penalty, finite)

    def discriminator_terms(self, model, state):
        images = ops.stop_gradient(self.penalised_images(state))
        penalty = lazily(
            model, self.every_n_steps, lambda: self.gradient_penalty(model, images, state)
        )
        return {self.log_name: penalty}
