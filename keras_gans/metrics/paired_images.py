"""What the metrics of paired translations share: checked pairs of pictures in [0, 1]."""

import numpy as np

CHUNK = 256  # images per TensorFlow call: the memory of a metric does not grow with the count


def unit_pairs(images, targets):
    """`(images, targets)` as float32 arrays in [0, 1], checked to pair up.

    Float images are taken in [-1, 1] (the library's range) and mapped to
    [0, 1]; uint8 pictures in [0, 255] are divided by 255.

    Raises:
        ValueError: naming the shapes or dtypes received, for arrays that
            are not batches of images of one shape, or that are empty.
    """
    images, targets = _unit(images, "images"), _unit(targets, "targets")
    if images.shape != targets.shape or images.ndim != 4 or not len(images):
        raise ValueError(
            "A paired metric compares each image with its target: two batches of the same "
            "shape (n, height, width, channels), n >= 1. Received: images of shape "
            f"{images.shape} and targets of shape {targets.shape}."
        )
    return images, targets


def _unit(values, name):
    values = np.asarray(values)
    if values.dtype == np.uint8:
        return values.astype("float32") / 255.0
    if not np.issubdtype(values.dtype, np.floating):
        raise ValueError(
            f"`{name}` must be float images in [-1, 1] or uint8 pictures in [0, 255]. "
            f"Received: dtype {values.dtype}."
        )
    return (values.astype("float32") + 1.0) / 2.0


def chunks(images, targets):
    """`(images, targets)` in chunks of `CHUNK` images."""
    for start in range(0, len(images), CHUNK):
        yield images[start : start + CHUNK], targets[start : start + CHUNK]
