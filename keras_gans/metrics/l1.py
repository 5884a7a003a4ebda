"""L1: the mean absolute difference of translations and their targets."""

import numpy as np

from keras_gans.metrics.paired_images import unit_pairs
from keras_gans.metrics.registry import register_metric


def l1_distance(images, targets):
    """Mean absolute difference of images and their targets, in [-1, 1] units (lower is better).

    The units of `Pix2Pix`'s L1 term (`l1` in its logs): 2 is black against
    white. Of 8-bit pictures, `|a - b| / 127.5`.

    Args:
        images: `(n, height, width, channels)` float images in [-1, 1], or
            uint8 pictures in [0, 255].
        targets: the targets, of the same shape and kind.

    Returns:
        The mean absolute difference, a Python float.

    Example:

    ```python
    kg.metrics.l1_distance(p2p.translate(sources), targets)  # e.g. 0.12
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017 (the L1 term, sec. 3.1).
    """
    images, targets = unit_pairs(images, targets)
    return float(2.0 * np.mean(np.abs(images - targets), dtype="float64"))


@register_metric(
    "l1",
    title="L1",
    lower_is_better=True,
    needs=("pairs",),
    compares="in [-1, 1] units: {num_images} translations vs their targets (8-bit)",
    order=72,
)
def _l1_of_pass(inputs):
    return l1_distance(*inputs.pairs)
