"""Feature matching as the generator's whole objective (Salimans et al. 2016)."""

from keras_gans.losses.minimax import Minimax
from keras_gans.losses.reduction import global_batch_mean


class FeatureMatchingLoss(Minimax):
    """Feature matching as G's whole objective; D keeps the minimax loss.

    The generator loss here is 0: `compile(loss="feature_matching")` turns on
    the `tricks.FeatureMatching` term (weight 1 unless `feature_matching=`
    says otherwise), which is then all G minimises.

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, sec. 3.1.
    """

    name = "feature_matching"

    def generator_loss(self, fake_logits, real_logits=None):
        return global_batch_mean(0.0 * fake_logits)
