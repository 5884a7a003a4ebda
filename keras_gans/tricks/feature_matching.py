"""Feature matching (Salimans et al. 2016): G matches the statistics of D's features."""

import keras
from keras import ops

from keras_gans.losses import global_batch_mean
from keras_gans.tricks.trick import Option, Trick


@keras.saving.register_keras_serializable(package="keras_gans")
class FeatureMatching(Trick):
    """Adds `weight * ||E f(x) - E f(G(z))||^2` to the generator's loss.

    f is the output of the discriminator's layer named `"features"` (the
    networks of `kg.networks` have one), E the mean over the batch. G is asked
    to match the statistics of real features instead of maximising D's output,
    which keeps it from over-training on the current D. Turned on by
    `compile(feature_matching=weight)`; `compile(loss="feature_matching")`
    uses it alone as G's objective, as in the paper. Logged as
    `feature_matching`.

    The means are over each replica's batch: under `tf.distribute` the term
    is the mean over replicas of the per-replica terms (minibatch statistics
    are per-replica by nature), and equals one device's on one replica.

    Args:
        weight: float >= 0, the term's weight.

    Example:

    ```python
    gan.compile(tricks=[kg.tricks.FeatureMatching(1.0)])  # or feature_matching=1.0
    ```

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, sec. 3.1.
    """

    options = (
        Option("feature_matching", "weight", 0.0, float, "weight of feature matching in G's loss"),
    )

    def configure(self, model):
        model.require_discriminator_features(self.switch)

    def generator_terms(self, model, state):
        real = ops.stop_gradient(ops.mean(state.real_features, axis=0))
        fake = ops.mean(state.fake_features, axis=0)
        return {"feature_matching": global_batch_mean(ops.sum(ops.square(real - fake)))}
