"""Pixel scaling between stored images and the [-1, 1] range GANs train on."""

import tensorflow as tf

# Float images a hair outside [-1, 1] (resizing, rounding) are still accepted as in range.
RANGE_TOLERANCE = 1e-3


def scale_images(images, *rest):
    """Maps images in [0, 255] (uint8 or float) to float32 in [-1, 1].

    Extra arguments (labels) pass through unchanged, so it can be mapped over
    a dataset of `(images, labels)` too.

    Example:

    ```python
    ds = tf.data.Dataset.from_tensor_slices(uint8_images).batch(128)
    ds = ds.map(keras_gans.data.scale_images)
    ```
    """
    scaled = tf.cast(images, tf.float32) / 127.5 - 1.0
    return (scaled, *rest) if rest else scaled
