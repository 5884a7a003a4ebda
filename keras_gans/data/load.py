"""`keras_gans.data.load`: any supported dataset as batches of images in [-1, 1]."""

import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data.batching import batch_and_prefetch, check_batch_size, check_count
from keras_gans.data.builtin_datasets import BUILTIN, load_builtin_arrays
from keras_gans.data.colored_fashion_mnist import CANVAS_SIZE, colored_fashion_mnist
from keras_gans.data.image_files import image_size_pair
from keras_gans.data.image_folder import image_folder_dataset
from keras_gans.data.local_files import load_npz_arrays
from keras_gans.data.scaling import scale_images
from keras_gans.data.tfds_source import check_dataset_name, tfds_dataset

AUTOTUNE = tf.data.AUTOTUNE
COLORED = "colored_fashion_mnist"


def load(
    name="fashion_mnist",
    split="train",
    batch_size=128,
    with_labels=False,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    download=True,
    image_size=None,
    color_mode=None,
):
    """Loads a dataset as a shuffled, batched, prefetched `tf.data.Dataset`.

    Images are float32 in [-1, 1], shape `(batch, height, width, channels)`;
    with `with_labels=True` each element is `(images, int32 labels)`.

    Args:
        name: `"fashion_mnist"` (the default, found offline first: see
            `keras_gans.data.builtin_datasets`), `"mnist"`, `"cifar10"`,
            `"colored_fashion_mnist"` (Fashion-MNIST's garments coloured on
            coloured backgrounds, built offline: see
            `keras_gans.data.colored_fashion_mnist`), any TensorFlow Datasets
            image dataset by its tfds name, a path to a `.npz` file (array `x`
            of images, optional `y` of int labels; uint8 images are rescaled
            from [0, 255], float images must already be in [-1, 1]; a
            `ValueError` names the file and what is wrong with it), or a path
            to a folder of images (one sub-folder per class when labels are
            asked for; every file is checked when the folder is scanned: see
            `keras_gans.data.image_files` for the conversion rules). An
            unknown name is answered with the closest known names.
        split: `"train"` or `"test"` (any tfds split string for tfds names).
            Defaults to `"train"`.
        batch_size: images per batch. Defaults to `128`.
        with_labels: yield `(images, labels)` instead of images. Defaults to `False`.
        shuffle: reshuffle the images every epoch. Defaults to `True`.
        seed: shuffling seed. Defaults to `None`.
        drop_remainder: drop the last incomplete batch, so every step sees
            `batch_size` images. Defaults to `True`.
        download: allow the online sources (tfds, Keras download) when the
            data is not found locally; offline, a one-line `ValueError`
            comes within seconds. Defaults to `True`.
        image_size: an int N (`(N, N)`) or `(height, width)`: the images
            are resized and centre-cropped to it (aspect ratio kept, then the
            middle cut out). For a folder, required when its images have
            different sizes; for `"colored_fashion_mnist"` the side (default
            32). Defaults to `None` (the images' own size).
        color_mode: for a folder: `"grayscale"`, `"rgb"`, or `None` for
            grayscale only if every image is grayscale. Defaults to `None`.

    Returns:
        A `tf.data.Dataset`. For a folder with labels its `class_names`
        attribute lists the classes (label `i` is `class_names[i]`).

    Example:

    ```python
    ds = keras_gans.data.load("fashion_mnist", batch_size=128)
    images = next(iter(ds))  # (128, 28, 28, 1) float32 in [-1, 1]
    ```
    """
    check_batch_size(batch_size)
    name = os.fspath(name)
    if color_mode is not None and not os.path.isdir(name):
        raise ValueError(
            "`color_mode` applies to folders of images only. "
            f"Received: color_mode={color_mode!r}, name={name!r}"
        )
    if os.path.isdir(name):
        images, class_names = image_folder_dataset(
            name, with_labels, image_size, shuffle, seed, color_mode
        )
        check_count(int(images.cardinality()), batch_size, drop_remainder, name)
        dataset = _batch(images, batch_size, drop_remainder, scale=True)
        dataset.class_names = class_names
        return dataset
    size = image_size_pair(image_size)
    if name.endswith(".npz"):
        if not os.path.exists(name):
            raise ValueError(f"No such .npz file. Received: name={name!r}")
        x, y = load_npz_arrays(name, split)
    elif name == COLORED:
        x, y = colored_fashion_mnist(split, size or CANVAS_SIZE, download=download)
        size = None
    elif name in BUILTIN:
        x, y = load_builtin_arrays(name, split, download=download)
    elif os.path.sep in name or name.startswith("."):
        raise ValueError(
            "Expected a dataset name, a .npz file or a folder of images. "
            f"Received: name={name!r}, which is none of these on this machine."
        )
    else:
        check_dataset_name(name, (*BUILTIN, COLORED))
        return _tfds_dataset(
            name, split, batch_size, with_labels, shuffle, seed, drop_remainder, download, size
        )
    return _from_arrays(x, y, batch_size, with_labels, shuffle, seed, drop_remainder, name, size)


def resize_images(images, size):
    """Images (one or a batch) resized and centre-cropped to `size`, aspect ratio kept.

    Bilinear with antialiasing (no overshoot: [-1, 1] or [0, 255] stays in
    range); the identity when the static size already is `size`.
    """
    if size is None or tuple(images.shape[-3:-1]) == tuple(size):
        return images
    return keras.ops.image.resize(
        tf.cast(images, tf.float32), size, antialias=True, crop_to_aspect_ratio=True
    )


def _from_arrays(x, y, batch_size, with_labels, shuffle, seed, drop_remainder, name, size):
    if with_labels and y is None:
        raise ValueError(
            f"Labels were asked for (with_labels=True), but '{name}' has none. "
            "Received: images only; expected an array 'y' of int labels."
        )
    check_count(len(x), batch_size, drop_remainder, name)
    # Float images are taken as already in [-1, 1] (GAN.fit checks it);
    # anything else is pixels in [0, 255].
    is_float = np.issubdtype(x.dtype, np.floating)
    if is_float:
        x = x.astype("float32")
    elements = (x, np.asarray(y, "int32")) if with_labels else x
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return _batch(dataset, batch_size, drop_remainder, scale=not is_float, size=size)


def _batch(dataset, batch_size, drop_remainder, scale, size=None):
    """Batches, resizes to `size`, rescales [0, 255] pixels to [-1, 1] (if `scale`), prefetches."""

    def prepare(images, *rest):
        images = resize_images(images, size)
        images = scale_images(images) if scale else images
        return (images, *rest) if rest else images

    return batch_and_prefetch(dataset, batch_size, drop_remainder, prepare)


def _tfds_dataset(
    name, split, batch_size, with_labels, shuffle, seed, drop_remainder, download, size
):
    dataset = tfds_dataset(name, split, download=download)
    # Resized one by one, before batching: tfds images may differ in size.
    if with_labels:
        dataset = dataset.map(
            lambda image, label: (resize_images(image, size), label), num_parallel_calls=AUTOTUNE
        )
    else:
        dataset = dataset.map(
            lambda image, label: resize_images(image, size), num_parallel_calls=AUTOTUNE
        )
    if shuffle:
        dataset = dataset.shuffle(10_000, seed=seed, reshuffle_each_iteration=True)
    return _batch(dataset, batch_size, drop_remainder, scale=True)
