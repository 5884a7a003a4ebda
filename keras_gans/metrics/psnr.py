"""PSNR: the peak signal-to-noise ratio of translations against their targets."""

import numpy as np
import tensorflow as tf

from keras_gans.metrics.paired_images import chunks, unit_pairs
from keras_gans.metrics.registry import register_metric


def psnr(images, targets):
    """Mean peak signal-to-noise ratio of each image against its target, in dB (higher is better).

    `10 log10(1 / MSE)` per image, with the pixels in [0, 1] (so the peak is
    1, and the value is that of the 8-bit pictures with peak 255), averaged
    over the images (`tf.image.psnr`). An image equal to its target has an
    infinite PSNR, and so has the mean.

    Args:
        images: `(n, height, width, channels)` float images in [-1, 1], or
            uint8 pictures in [0, 255].
        targets: the targets, of the same shape and kind.

    Returns:
        The mean PSNR in dB, a Python float.

    Example:

    ```python
    outputs = p2p.translate(sources)
    kg.metrics.psnr(outputs, targets)  # e.g. 21.3
    ```

    Reference:
        Wang et al., "Image Quality Assessment: From Error Visibility to
        Structural Similarity", IEEE TIP 2004 (PSNR as the baseline it
        improves on); Dong et al., "Image Super-Resolution Using Deep
        Convolutional Networks", TPAMI 2016.
    """
    images, targets = unit_pairs(images, targets)
    values = [tf.image.psnr(a, b, max_val=1.0).numpy() for a, b in chunks(images, targets)]
    return float(np.mean(np.concatenate(values)))


@register_metric(
    "psnr",
    title="PSNR",
    lower_is_better=False,
    needs=("pairs",),
    compares="in dB: {num_images} translations vs their targets, pixel for pixel (8-bit)",
    order=70,
)
def _psnr_of_pass(inputs):
    return psnr(*inputs.pairs)
