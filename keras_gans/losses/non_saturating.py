"""The non-saturating generator loss (Goodfellow et al. 2014, sec. 3)."""

from keras_gans.losses.adversarial_loss import bce_with_logits
from keras_gans.losses.minimax import Minimax
from keras_gans.losses.reduction import global_batch_mean


class NonSaturating(Minimax):
    """Minimax discriminator loss with the non-saturating generator loss.

    G minimises -E[log D(G(z))] instead of E[log(1 - D(G(z)))]: the same fixed
    point, but strong gradients while D still rejects the fakes.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, sec. 3.
    """

    name = "non_saturating"

    def generator_loss(self, fake_logits, real_logits=None):
        return global_batch_mean(bce_with_logits(1.0, fake_logits))
