"""The original minimax GAN loss (Goodfellow et al. 2014)."""

from keras import ops

from keras_gans.losses.adversarial_loss import AdversarialLoss, bce_with_logits
from keras_gans.losses.reduction import global_batch_mean


class Minimax(AdversarialLoss):
    """The original minimax GAN loss.

    D maximises V(D, G) = E[log D(x)] + E[log(1 - D(G(z)))]; G minimises
    E[log(1 - D(G(z)))], whose gradient vanishes when D confidently rejects
    the fakes early in training (see `NonSaturating`). D(x) = sigmoid(logit).

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    name = "minimax"

    def discriminator_loss(self, real_logits, fake_logits):
        real = bce_with_logits(self.real_target, real_logits)
        fake = bce_with_logits(0.0, fake_logits)
        return global_batch_mean(real) + global_batch_mean(fake)

    def generator_loss(self, fake_logits, real_logits=None):
        # log(1 - sigmoid(l)) == -softplus(l)
        return global_batch_mean(-ops.softplus(fake_logits))

    def discriminator_logs(self, real_logits, fake_logits):
        """`d_real` / `d_fake`: D's mean probability of "real" for each batch."""
        return {
            "d_real": global_batch_mean(ops.sigmoid(real_logits)),
            "d_fake": global_batch_mean(ops.sigmoid(fake_logits)),
        }
