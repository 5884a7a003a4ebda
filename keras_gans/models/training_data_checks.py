"""Checks run on the training data before the first step of `fit`.

They turn the usual silent failures of GAN training (uint8 images, images in
[0, 1] or [0, 255], the wrong image size, an empty dataset) into a `ValueError`
that names what was received and what was expected, before any work is lost.
"""

import numpy as np
import tensorflow as tf

from keras_gans.models.batches import split_batch

# Float images a hair outside [-1, 1] (resizing, rounding) are still accepted.
RANGE_TOLERANCE = 1e-3


def check_training_data(model, x, y=None, batch_size=None):
    """Raises `ValueError` if `model` cannot train on `x` (and `y`).

    A `tf.data.Dataset` is checked on its element spec and its first batch;
    arrays are checked whole (with `fit`'s `batch_size`, Keras' default 32 if
    None). Other inputs (generators, `PyDataset`) are left to Keras.
    """
    if isinstance(x, tf.data.Dataset):
        images_spec, _ = split_batch(x.element_spec)
        _check_shape(model, images_spec.shape, images_spec.dtype)
        first = next(iter(x.take(1)), None)
        if first is None:
            raise ValueError(
                "The training dataset is empty: it yielded no batch. Received: a "
                f"tf.data.Dataset with element_spec={x.element_spec}. If it is "
                "batched with drop_remainder=True, check that it holds at least "
                "one full batch."
            )
        images, labels = split_batch(first)
        model.check_batch_size(len(images))
    elif isinstance(x, (np.ndarray, tf.Tensor)):
        if len(x) == 0:
            raise ValueError(f"The training data is empty. Received: x with shape {x.shape}")
        images, labels = x, y
        model.check_batch_size(min(batch_size or 32, len(x)))
    else:
        return
    images = np.asarray(images)
    _check_shape(model, images.shape, images.dtype)
    _check_range(images)
    model.check_labels(None if labels is None else np.asarray(labels))


def _check_shape(model, shape, dtype):
    expected = model.image_shape
    shape = tuple(shape)
    if expected is None:
        return
    matches = len(shape) == len(expected) + 1 and all(
        got is None or want is None or got == want
        for got, want in zip(shape[1:], expected, strict=True)
    )
    if not matches:
        raise ValueError(
            "The training images do not fit the networks. Received: images of "
            f"shape {shape}; expected (batch, {', '.join(map(str, expected))}) "
            "as the discriminator's input and the generator's output."
        )
    if not tf.as_dtype(dtype).is_floating:
        raise ValueError(
            f"The training images must be floats in [-1, 1]. Received: dtype "
            f"{tf.as_dtype(dtype).name}. Rescale uint8 images in [0, 255] with "
            "`keras_gans.data.scale_images`, e.g. `ds.map(keras_gans.data.scale_images)`"
            " (keras_gans.data.load does this for you)."
        )


def _check_range(images):
    low, high = float(np.min(images)), float(np.max(images))
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(
            "The training images contain NaN or infinite values. "
            f"Received: values in [{low}, {high}]; expected finite values in [-1, 1]."
        )
    if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
        raise ValueError(
            "The training images must be in [-1, 1], the range of the generator's "
            f"tanh output. Received: values in [{low:g}, {high:g}]. Images in "
            "[0, 255] can be rescaled with `keras_gans.data.scale_images`; images in "
            "[0, 1] with `x * 2 - 1`."
        )
