"""The `normalization=` choices of the image-to-image builders, by name."""

from keras import layers

from keras_gans.networks.arguments import check_choice
from keras_gans.networks.dcgan import _NORMALIZATIONS

TRANSLATION_NORMALIZATIONS = ("batch", "instance", None)


def instance_normalization(name):
    """Instance normalisation (Ulyanov et al. 2016): each example's channels over (H, W).

    `GroupNormalization` with one group per channel; no statistics shared by
    the examples of a batch, and none kept for inference.
    """
    return layers.GroupNormalization(groups=-1, name=name)


def check_normalization(normalization):
    """Returns `normalization` if it is `"batch"`, `"instance"` or `None`, else a `ValueError`."""
    return check_choice("normalization", normalization, TRANSLATION_NORMALIZATIONS)


def add_normalization(x, normalization, name):
    """`x` through the normalisation layer `normalization` (named `name`), or `x` if `None`."""
    if normalization is None:
        return x
    if normalization == "instance":
        return instance_normalization(name)(x)
    return _NORMALIZATIONS[normalization](name)(x)
