"""Feature matching (Salimans et al. 2016): G matches the statistics of D's features."""

from keras import ops

from keras_gans.losses import global_batch_mean
from keras_gans.tricks.trick import Trick


class FeatureMatching(Trick):
    """Adds `weight * ||E f(x) - E f(G(z))||^2` to the generator's loss.

    f is the output of the discriminator's layer named `"features"` (the
    DCGAN and MLP discriminators have one), E the mean over the batch. G is
    asked to match the statistics of real features instead of maximising D's
    output, which keeps it from over-training on the current D. Turned on by
    `compile(feature_matching=weight)`; `compile(loss="feature_matching")`
    uses it alone as G's objective, as in the paper. Logged as
    `feature_matching`.

    The means are over each replica's batch: under `tf.distribute` the term
    is the mean over replicas of the per-replica terms (minibatch statistics
    are per-replica by nature), and equals one device's on one replica.

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, sec. 3.1.
    """

    compile_argument = "feature_matching"

    def configure(self, model):
        model.require_discriminator_features(self.compile_argument)

    def generator_terms(self, model, step):
        real = ops.stop_gradient(ops.mean(step["real_features"], axis=0))
        fake = ops.mean(step["fake_features"], axis=0)
        return {"feature_matching": global_batch_mean(ops.sum(ops.square(real - fake)))}
