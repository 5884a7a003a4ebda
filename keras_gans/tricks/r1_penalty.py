"""The R1 penalty (Mescheder et al. 2018): D's gradient on real data, held near 0."""

from keras import ops

from keras_gans import mixed_precision
from keras_gans.losses import global_batch_mean
from keras_gans.tricks.trick import Trick


class R1Penalty(Trick):
    """Adds `gamma / 2 * E ||grad_x D(x)||^2` over real images to D's loss.

    Penalising D's gradient on the data makes the game locally convergent
    where the unregularised one oscillates (Mescheder et al. 2018). The
    gradient is taken with respect to the real images as they come, through
    D's augmentation (`augment`, instance noise) as StyleGAN2-ADA does, so
    that the penalty is on the function D is trained as. Turned on by
    `compile(r1_penalty=gamma)`;
    logged as `r1_penalty`, the unweighted E ||grad_x D(x)||^2 / 2 on the
    steps that compute it.

    Lazy regularisation (Karras et al. 2020, StyleGAN2): with
    `r1_interval=k` the penalty is computed on one discriminator step in k,
    multiplied by k, so that it costs 1/k as much for the same average
    strength. Which steps: those where D's optimizer has made a multiple of k
    updates; on the others the term (and its log) is 0.

    Args:
        weight: gamma >= 0, the penalty's weight.
        interval: int >= 1, discriminator steps per computed penalty.
            Defaults to `1` (every step).

    References:
        Mescheder et al., "Which Training Methods for GANs do actually
        Converge?", ICML 2018; Karras et al., "Analyzing and Improving the
        Image Quality of StyleGAN", CVPR 2020 (lazy regularisation).
    """

    compile_argument = "r1_penalty"
    interval_argument = "r1_interval"
    images_key = "real_images"  # the step's images whose gradient is penalised

    def __init__(self, weight, interval=1, **kwargs):
        super().__init__(weight, **kwargs)
        if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
            raise ValueError(
                f"`{self.interval_argument}` must be an int >= 1. "
                f"Received: {self.interval_argument}={interval!r}"
            )
        self.interval = interval

    def gradient_penalty(self, model, images, labels):
        """E ||grad_x D(x)||^2 / 2 over `images`, a global-batch mean."""
        # Per example, through D's augmentation, under D's loss scale
        # (mixed_float16), unscaled to float32.
        gradients, finite = mixed_precision.input_gradients(
            lambda x: model.discriminate(x, labels)[0], images, model.d_optimizer
        )
        axes = list(range(1, len(gradients.shape)))
        penalty = global_batch_mean(0.5 * ops.sum(ops.square(gradients), axis=axes))
        return mixed_precision.zero_if_overflowed(penalty, finite)

    def discriminator_terms(self, model, step):
        images, labels = ops.stop_gradient(step[self.images_key]), step["labels"]
        if self.interval == 1:
            return {self.compile_argument: self.gradient_penalty(model, images, labels)}
        due = ops.equal(model.d_optimizer.iterations % self.interval, 0)
        penalty = ops.cond(
            due,
            lambda: self.interval * self.gradient_penalty(model, images, labels),
            lambda: ops.zeros((), "float32"),
        )
        return {self.compile_argument: penalty}

    def compile_config(self):
        return {**super().compile_config(), self.interval_argument: self.interval}
