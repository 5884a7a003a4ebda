"""SSIM: the structural similarity of translations to their targets."""

import numpy as np
import tensorflow as tf

from keras_gans.metrics.paired_images import chunks, unit_pairs
from keras_gans.metrics.registry import register_metric

FILTER_SIZE = 11  # the paper's Gaussian window, sigma 1.5


def ssim(images, targets):
    """Mean structural similarity of each image to its target, in [-1, 1] (higher is better).

    `tf.image.ssim` with the paper's constants (K1 = 0.01, K2 = 0.03) and its
    11x11 Gaussian window of sigma 1.5 (smaller images: a window of their
    size), on the pixels in [0, 1]: SSIM compares local means, so it is
    computed on non-negative pixels, as on the 8-bit pictures. Colour images
    average their channels. An image equal to its target scores 1.

    Args:
        images: `(n, height, width, channels)` float images in [-1, 1], or
            uint8 pictures in [0, 255].
        targets: the targets, of the same shape and kind.

    Returns:
        The mean SSIM, a Python float.

    Example:

    ```python
    kg.metrics.ssim(p2p.translate(sources), targets)  # e.g. 0.81
    ```

    Reference:
        Wang et al., "Image Quality Assessment: From Error Visibility to
        Structural Similarity", IEEE TIP 2004.
    """
    images, targets = unit_pairs(images, targets)
    size = min(FILTER_SIZE, images.shape[1], images.shape[2])
    values = [
        tf.image.ssim(a, b, max_val=1.0, filter_size=size).numpy()
        for a, b in chunks(images, targets)
    ]
    return float(np.mean(np.concatenate(values)))


@register_metric(
    "ssim",
    title="SSIM",
    lower_is_better=False,
    needs=("pairs",),
    compares="{num_images} translations vs their targets, 11x11 windows (8-bit)",
    order=71,
)
def _ssim_of_pass(inputs):
    return ssim(*inputs.pairs)
