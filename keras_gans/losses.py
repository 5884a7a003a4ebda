"""Adversarial losses as named discriminator / generator pairs.

Every loss takes the discriminator's raw outputs (logits, or critic scores for
the Wasserstein loss) and returns a scalar averaged over the *global* batch:
under `tf.distribute` each replica's mean is divided by the number of replicas,
exactly as `keras.losses` reduces with `"sum_over_batch_size"`, so that the
gradients the optimizer sums across replicas equal the single-device ones.

| name             | discriminator loss                         | generator loss        |
|------------------|--------------------------------------------|-----------------------|
| `minimax`        | -log D(x) - log(1 - D(G(z)))               | log(1 - D(G(z)))      |
| `non_saturating` | same as minimax                            | -log D(G(z))          |
| `least_squares`  | 1/2 (D(x) - 1)^2 + 1/2 D(G(z))^2           | 1/2 (D(G(z)) - 1)^2   |
| `hinge`          | max(0, 1 - D(x)) + max(0, 1 + D(G(z)))     | -D(G(z))              |
| `wasserstein`    | D(G(z)) - D(x)                             | -D(G(z))              |
| `feature_matching` | same as minimax                          | feature matching only |

Here D(x) = sigmoid(logit) for the first two and the raw output otherwise.
Each loss also names what is worth logging about D's outputs
(`discriminator_logs`): `d_real` / `d_fake`, D's mean probabilities, for the
two losses whose outputs are logits of a probability; the critic's estimate
`wasserstein` = E[f(x)] - E[f(G(z))]; and the mean raw outputs `real_score` /
`fake_score` for the others.
One-sided label smoothing (Salimans et al. 2016) replaces the real target 1 by
`1 - label_smoothing` and leaves the fake target at 0; it applies to the losses
that have targets (`minimax`, `non_saturating`, `least_squares`).
"""

import keras
import tensorflow as tf
from keras import ops


def num_replicas():
    """Number of replicas the current `tf.distribute` strategy runs in sync."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def global_batch_mean(values):
    """Mean of per-example `values` over the global batch.

    Each replica averages its own examples and divides by the number of
    replicas, as `keras.losses.Loss` does, so that summing across replicas
    gives the mean over the global batch.
    """
    return ops.mean(values) / num_replicas()


def unscale_for_logging(value):
    """Undo the per-replica scaling of `global_batch_mean` for metric trackers."""
    return value * num_replicas()


def _bce_with_logits(target, logits):
    """Per-example binary cross-entropy of `sigmoid(logits)` against `target`."""
    # softplus(l) - t * l == -t log sigmoid(l) - (1 - t) log(1 - sigmoid(l)),
    # computed without forming sigmoid(l), so it is finite for any logit.
    return ops.softplus(logits) - target * logits


class AdversarialLoss:
    """A named pair of discriminator and generator losses on logits.

    Subclasses implement `discriminator_loss(real_logits, fake_logits)` and
    `generator_loss(fake_logits)`; both return a scalar already averaged over
    the global batch (see `global_batch_mean`).

    Args:
        label_smoothing: float in [0, 1). One-sided label smoothing: the real
            target becomes `1 - label_smoothing`, the fake target stays 0.
            Only losses with targets accept a non-zero value.
            Defaults to `0.0`.
    """

    name = None
    has_targets = True

    def __init__(self, label_smoothing=0.0):
        if not 0.0 <= float(label_smoothing) < 1.0:
            raise ValueError(
                f"`label_smoothing` must be in [0, 1). Received: label_smoothing={label_smoothing}"
            )
        if label_smoothing and not self.has_targets:
            raise ValueError(
                f"The '{self.name}' loss has no real/fake targets, so one-sided "
                "label smoothing does not apply to it. Use it with 'minimax', "
                "'non_saturating' or 'least_squares'. "
                f"Received: label_smoothing={label_smoothing}"
            )
        self.label_smoothing = float(label_smoothing)

    @property
    def real_target(self):
        return 1.0 - self.label_smoothing

    def discriminator_loss(self, real_logits, fake_logits):
        raise NotImplementedError

    def generator_loss(self, fake_logits):
        raise NotImplementedError

    def discriminator_logs(self, real_logits, fake_logits):
        """What D's outputs say, as `{name: global-batch mean}` for the step's logs.

        Defaults to the mean raw outputs, `real_score` and `fake_score`.
        """
        return {
            "real_score": global_batch_mean(real_logits),
            "fake_score": global_batch_mean(fake_logits),
        }

    def get_config(self):
        return {"label_smoothing": self.label_smoothing}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}(label_smoothing={self.label_smoothing})"


class Minimax(AdversarialLoss):
    """The original minimax GAN loss (Goodfellow et al. 2014).

    D maximises V(D, G) = E[log D(x)] + E[log(1 - D(G(z)))]; G minimises
    E[log(1 - D(G(z)))], whose gradient vanishes when D confidently rejects
    the fakes early in training (see `NonSaturating`).

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    name = "minimax"

    def discriminator_loss(self, real_logits, fake_logits):
        real = _bce_with_logits(self.real_target, real_logits)
        fake = _bce_with_logits(0.0, fake_logits)
        return global_batch_mean(real) + global_batch_mean(fake)

    def generator_loss(self, fake_logits):
        # log(1 - sigmoid(l)) == -softplus(l)
        return global_batch_mean(-ops.softplus(fake_logits))

    def discriminator_logs(self, real_logits, fake_logits):
        """`d_real` / `d_fake`: D's mean probability of "real" for each batch."""
        return {
            "d_real": global_batch_mean(ops.sigmoid(real_logits)),
            "d_fake": global_batch_mean(ops.sigmoid(fake_logits)),
        }


class NonSaturating(Minimax):
    """Minimax discriminator loss with the non-saturating generator loss.

    G minimises -E[log D(G(z))] instead of E[log(1 - D(G(z)))]: the same fixed
    point, but strong gradients while D still rejects the fakes.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, sec. 3.
    """

    name = "non_saturating"

    def generator_loss(self, fake_logits):
        return global_batch_mean(_bce_with_logits(1.0, fake_logits))


class LeastSquares(AdversarialLoss):
    """Least-squares GAN loss (a=0, b=1, c=1), on raw discriminator outputs.

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    """

    name = "least_squares"

    def discriminator_loss(self, real_logits, fake_logits):
        real = 0.5 * ops.square(real_logits - self.real_target)
        fake = 0.5 * ops.square(fake_logits)
        return global_batch_mean(real) + global_batch_mean(fake)

    def generator_loss(self, fake_logits):
        return global_batch_mean(0.5 * ops.square(fake_logits - 1.0))


class Hinge(AdversarialLoss):
    """Hinge GAN loss, on raw discriminator outputs.

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

    def generator_loss(self, fake_logits):
        return global_batch_mean(-fake_logits)


class Wasserstein(AdversarialLoss):
    """Wasserstein loss on critic scores: the critic maximises E[f(x)] - E[f(G(z))].

    Only meaningful with a Lipschitz-constrained critic (weight clipping in
    `WGAN`, gradient penalty in `WGANGP`).

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks",
        ICML 2017.
    """

    name = "wasserstein"
    has_targets = False

    def discriminator_loss(self, real_logits, fake_logits):
        return global_batch_mean(fake_logits) - global_batch_mean(real_logits)

    def generator_loss(self, fake_logits):
        return global_batch_mean(-fake_logits)

    def discriminator_logs(self, real_logits, fake_logits):
        """`wasserstein`: the critic's estimate E[f(x)] - E[f(G(z))]."""
        return {"wasserstein": -self.discriminator_loss(real_logits, fake_logits)}


class FeatureMatchingLoss(Minimax):
    """Feature matching as G's whole objective; D keeps the minimax loss.

    The generator loss here is 0: `GAN.compile(loss="feature_matching")`
    turns on the `tricks.FeatureMatching` term (weight 1 unless
    `feature_matching=` says otherwise), which is then all G minimises.

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, sec. 3.1.
    """

    name = "feature_matching"

    def generator_loss(self, fake_logits):
        return global_batch_mean(0.0 * fake_logits)


ALL_LOSSES = {
    cls.name: cls
    for cls in (Minimax, NonSaturating, LeastSquares, Hinge, Wasserstein, FeatureMatchingLoss)
}


def get(identifier, label_smoothing=0.0):
    """Returns an `AdversarialLoss` from its name (or passes an instance through).

    Args:
        identifier: one of `"minimax"`, `"non_saturating"`, `"least_squares"`,
            `"hinge"`, `"wasserstein"`, an `AdversarialLoss` instance, or the
            config `serialize` made of a custom one.
        label_smoothing: one-sided label smoothing for a loss given by name.
    """
    if isinstance(identifier, AdversarialLoss):
        return identifier
    if isinstance(identifier, dict):  # a custom loss saved by `serialize`
        return keras.saving.deserialize_keras_object(identifier)
    if identifier not in ALL_LOSSES:
        raise ValueError(
            f"Unknown adversarial loss. Expected one of {sorted(ALL_LOSSES)}. "
            f"Received: loss={identifier!r}"
        )
    return ALL_LOSSES[identifier](label_smoothing=label_smoothing)


def serialize(loss):
    """A built-in loss by name; a custom `AdversarialLoss` as a Keras config.

    A custom loss must be registered with
    `@keras.saving.register_keras_serializable()` so that `load_model` finds
    its class (in safe mode); its constructor arguments come from `get_config`.
    """
    if ALL_LOSSES.get(loss.name) is type(loss):
        return loss.name
    if keras.saving.get_registered_object(keras.saving.get_registered_name(type(loss))) is None:
        raise ValueError(
            "A custom AdversarialLoss must be registered to be saved with the model. "
            f"Received: loss={loss!r}, whose class {type(loss).__name__} is not registered. "
            "Decorate it with @keras.saving.register_keras_serializable()."
        )
    return keras.saving.serialize_keras_object(loss)
