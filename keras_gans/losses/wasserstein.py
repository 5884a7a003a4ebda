"""The Wasserstein loss on critic scores (Arjovsky et al. 2017)."""

from keras_gans.losses.adversarial_loss import AdversarialLoss
from keras_gans.losses.reduction import global_batch_mean


class Wasserstein(AdversarialLoss):
    """Wasserstein loss on critic scores: the critic maximises E[f(x)] - E[f(G(z))].

    Only meaningful with a Lipschitz-constrained critic: weight clipping
    (`kg.WGAN`, `tricks.WeightClipping`) or a gradient penalty (`kg.WGANGP`,
    `tricks.GradientPenalty`). Logs `wasserstein`, the critic's estimate
    E[f(x)] - E[f(G(z))].

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks",
        ICML 2017.
    """

    name = "wasserstein"
    has_targets = False

    def discriminator_loss(self, real_logits, fake_logits):
        return global_batch_mean(fake_logits) - global_batch_mean(real_logits)

    def generator_loss(self, fake_logits, real_logits=None):
        return global_batch_mean(-fake_logits)

    def discriminator_logs(self, real_logits, fake_logits):
        """`wasserstein`: the critic's estimate E[f(x)] - E[f(G(z))]."""
        return {"wasserstein": -self.discriminator_loss(real_logits, fake_logits)}
