"""Adversarial losses as named discriminator / generator pairs, one file each.

Every loss takes the discriminator's raw outputs (logits, or critic scores for
the Wasserstein loss) and returns a scalar averaged over the *global* batch
(`global_batch_mean`, the one replica-scaling helper), so that the gradients
the optimizer sums across replicas equal the single-device ones.

| name             | discriminator loss                         | generator loss        |
|------------------|--------------------------------------------|-----------------------|
| `minimax`        | -log D(x) - log(1 - D(G(z)))               | log(1 - D(G(z)))      |
| `non_saturating` | same as minimax                            | -log D(G(z))          |
| `least_squares`  | 1/2 (D(x) - 1)^2 + 1/2 D(G(z))^2           | 1/2 (D(G(z)) - 1)^2   |
| `hinge`          | max(0, 1 - D(x)) + max(0, 1 + D(G(z)))     | -D(G(z))              |
| `wasserstein`    | D(G(z)) - D(x)                             | -D(G(z))              |
| `feature_matching` | same as minimax                          | feature matching only |
| `relativistic_average` | -log D_ra(x) - log(1 - D_ra(G(z)))     | the mirror image      |

Here D(x) = sigmoid(logit) for the first two and the raw output otherwise;
D_ra(x) = sigmoid(C(x) - E C(G(z))) and D_ra(G(z)) = sigmoid(C(G(z)) - E C(x)).
Each loss also names what is worth logging about D's outputs
(`discriminator_logs`): `d_real` / `d_fake`, D's mean probabilities, for the
losses whose outputs are logits of a probability; the critic's estimate
`wasserstein`; and the mean raw outputs `real_score` / `fake_score` for the
others. One-sided label smoothing (Salimans et al. 2016) replaces the real
target 1 by `1 - label_smoothing`; it applies to the losses that have targets.

A new loss is one file in this package (an `AdversarialLoss` subclass with a
`name`) plus its line in `LOSSES` below.
"""

import keras

from keras_gans.losses.adversarial_loss import AdversarialLoss, bce_with_logits
from keras_gans.losses.feature_matching_loss import FeatureMatchingLoss
from keras_gans.losses.hinge import Hinge
from keras_gans.losses.least_squares import LeastSquares
from keras_gans.losses.minimax import Minimax
from keras_gans.losses.non_saturating import NonSaturating
from keras_gans.losses.reduction import (
    global_batch_mean,
    mean_over_global_batch,
    num_replicas,
    unscale_for_logging,
)
from keras_gans.losses.relativistic_average import RelativisticAverage
from keras_gans.losses.wasserstein import Wasserstein

LOSSES = (
    Minimax,
    NonSaturating,
    LeastSquares,
    Hinge,
    Wasserstein,
    FeatureMatchingLoss,
    RelativisticAverage,
)
ALL_LOSSES = {cls.name: cls for cls in LOSSES}


def get(identifier, label_smoothing=0.0):
    """Returns an `AdversarialLoss` from its name (or passes an instance through).

    Args:
        identifier: a name of `ALL_LOSSES` (`"minimax"`, `"non_saturating"`,
            `"least_squares"`, `"hinge"`, `"wasserstein"`, ...), an
            `AdversarialLoss` instance, or the config `serialize` made of a
            custom one.
        label_smoothing: one-sided label smoothing for a loss given by name.

    Example:

    ```python
    loss = kg.losses.get("hinge")
    ```
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


__all__ = [
    "AdversarialLoss",
    "FeatureMatchingLoss",
    "Hinge",
    "LeastSquares",
    "Minimax",
    "NonSaturating",
    "RelativisticAverage",
    "Wasserstein",
    "ALL_LOSSES",
    "bce_with_logits",
    "get",
    "global_batch_mean",
    "mean_over_global_batch",
    "num_replicas",
    "serialize",
    "unscale_for_logging",
]
