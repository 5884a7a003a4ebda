"""The relativistic average GAN loss (Jolicoeur-Martineau 2018)."""

from keras import ops

from keras_gans.losses.adversarial_loss import AdversarialLoss, bce_with_logits
from keras_gans.losses.reduction import global_batch_mean, mean_over_global_batch


class RelativisticAverage(AdversarialLoss):
    """D judges whether real images are more realistic than the average fake, and the reverse.

    With C the raw output, D(x_r) = sigmoid(C(x_r) - E C(x_f)) and
    D(x_f) = sigmoid(C(x_f) - E C(x_r)), the means over the global batch:

    - D minimises -E log D(x_r) - E log(1 - D(x_f)) (RaSGAN);
    - G minimises the mirror image, -E log D(x_f) - E log(1 - D(x_r)): G also
      lowers how much more realistic the real images look, so it reads the
      real logits (`uses_real_logits`).

    Logs `d_real` = E D(x_r) and `d_fake` = E D(x_f): both near 0.5 when D
    cannot rank real above fake. One-sided label smoothing moves the target
    of the real term.

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element
        missing from standard GAN", ICLR 2019 (arXiv 2018).
    """

    name = "relativistic_average"
    uses_real_logits = True

    def _relative(self, real_logits, fake_logits):
        real = real_logits - mean_over_global_batch(fake_logits)
        fake = fake_logits - mean_over_global_batch(real_logits)
        return real, fake

    def discriminator_loss(self, real_logits, fake_logits):
        real, fake = self._relative(real_logits, fake_logits)
        return global_batch_mean(bce_with_logits(self.real_target, real)) + global_batch_mean(
            bce_with_logits(0.0, fake)
        )

    def generator_loss(self, fake_logits, real_logits=None):
        if real_logits is None:
            raise ValueError(
                "The relativistic average loss compares fakes with real images: the "
                "generator's loss needs the real logits. Received: real_logits=None."
            )
        real, fake = self._relative(real_logits, fake_logits)
        return global_batch_mean(bce_with_logits(1.0, fake)) + global_batch_mean(
            bce_with_logits(0.0, real)
        )

    def discriminator_logs(self, real_logits, fake_logits):
        real, fake = self._relative(real_logits, fake_logits)
        return {
            "d_real": global_batch_mean(ops.sigmoid(real)),
            "d_fake": global_batch_mean(ops.sigmoid(fake)),
        }
