"""FID: the Fréchet distance between Gaussians fitted to real and generated features."""

import warnings

from keras_gans.metrics.feature_statistics import FeatureStatistics, check_finite
from keras_gans.metrics.frechet import frechet_distance
from keras_gans.metrics.registry import register_metric


def _statistics(value, name):
    if isinstance(value, FeatureStatistics):
        return value
    value = check_finite(value, f"`{name}`")
    if value.ndim != 2:
        raise ValueError(
            f"`{name}` must be FeatureStatistics or features of shape (n, d). "
            f"Received: {name} with shape {value.shape}"
        )
    return FeatureStatistics.from_features(value)


def fid(real, generated):
    """Fréchet Inception Distance between two sets of features (lower is better).

    Fits a Gaussian (mean, covariance) to each set and returns their squared
    Fréchet distance (`frechet_distance`). With InceptionV3 pool3 features it
    is the FID of Heusel et al.; with another extractor it is the same
    distance in that extractor's feature space (`fid_fashion_classifier_10k`).
    FID is biased upwards for few samples: compare scores computed with the
    same number of generated images (the protocol names say how many). With
    fewer images than feature dimensions a covariance is singular: a warning
    says so. Non-finite features raise a `ValueError`.

    Args:
        real: `FeatureStatistics` of the real images (e.g. cached reference
            statistics of a whole split) or their features, shape `(n, d)`.
        generated: `FeatureStatistics` or features of the generated images.

    Returns:
        FID, a Python float >= 0.

    Example:

    ```python
    extractor = kg.metrics.fashion_classifier()
    fid(extractor(real_images)[0], extractor(model.generate(10_000))[0])
    ```

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium", NeurIPS 2017.
    """
    real = _statistics(real, "real")
    generated = _statistics(generated, "generated")
    for name, statistics in (("generated", generated), ("real", real)):
        if statistics.count < statistics.dim:
            warnings.warn(
                f"FID from {statistics.count} {name} images with {statistics.dim}-d features: "
                "fewer images than feature dimensions, so the covariance is singular and the "
                f"score is unreliable (biased upwards). Use at least {statistics.dim} images.",
                stacklevel=2,
            )
    return frechet_distance(real.mean, real.covariance, generated.mean, generated.covariance)


@register_metric(
    "fid",
    title="FID",
    lower_is_better=True,
    needs=("reference",),
    compares="on {extractor} features: {num_images} generated images "
    "vs the statistics of all of {dataset}/{split}",
    order=10,
)
def _fid_of_pass(inputs):
    return fid(inputs.reference.statistics, inputs.generated.statistics)
