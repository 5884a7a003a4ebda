"""The hinge GAN loss (Lim & Ye 2017; Miyato et al. 2018)."""

from keras import ops

from keras_gans.losses.adversarial_loss import AdversarialLoss
from keras_gans.losses.reduction import global_batch_mean


class Hinge(AdversarialLoss):
    """Hinge GAN loss, on raw discriminator outputs.

    D minimises max(0, 1 - D(x)) + max(0, 1 + D(G(z))); G minimises -D(G(z)).

    Reference:
        Lim & Ye, "Geometric GAN", 2017; Miyato et al., "Spectral
        Normalization for Generative Adversarial Networks", ICLR 2018.
    """

    name = "hinge"
    has_targets = False

    def discriminator_loss(self, real_logits, fake_logits):
        real = ops.relu(1.0 - real_logits)
        fake = ops.relu(1.0 + fake_logits)
        return global_batch_mean(real) + global_batch_mean(fake)

    def generator_loss(self, fake_logits, real_logits=None):
        return global_batch_mean(-fake_logits)
