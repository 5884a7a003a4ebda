"""The least-squares GAN loss (Mao et al. 2017)."""

from keras import ops

from keras_gans.losses.adversarial_loss import AdversarialLoss
from keras_gans.losses.reduction import global_batch_mean


class LeastSquares(AdversarialLoss):
    """Least-squares GAN loss (a=0, b=1, c=1), on raw discriminator outputs.

    D minimises 1/2 (D(x) - 1)^2 + 1/2 D(G(z))^2 and G minimises
    1/2 (D(G(z)) - 1)^2. CycleGAN trains with it (Zhu et al. 2017).

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    """

    name = "least_squares"

    def discriminator_loss(self, real_logits, fake_logits):
        real = 0.5 * ops.square(real_logits - self.real_target)
        fake = 0.5 * ops.square(fake_logits)
        return global_batch_mean(real) + global_batch_mean(fake)

    def generator_loss(self, fake_logits, real_logits=None):
        return global_batch_mean(0.5 * ops.square(fake_logits - 1.0))
