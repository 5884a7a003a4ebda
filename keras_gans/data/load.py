"""`keras_gans.data.load`: any supported dataset as batches of images in [-1, 1]."""

import os

import numpy as np
import tensorflow as tf

from keras_gans.data.builtin_datasets import BUILTIN, load_builtin_arrays
from keras_gans.data.local_files import image_folder_dataset, load_npz_arrays
from keras_gans.data.scaling import scale_images

AUTOTUNE = tf.data.AUTOTUNE


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
):
    """Loads a dataset as a shuffled, batched, prefetched `tf.data.Dataset`.

    Images are float32 in [-1, 1], shape `(batch, height, width, channels)`;
    with `with_labels=True` each element is `(images, int32 labels)`.

    Args:
        name: `"fashion_mnist"` (the default, found offline first: see
            `keras_gans.data.builtin_datasets`), `"mnist"`, `"cifar10"`, any
            TensorFlow Datasets image dataset by its tfds name, a path to a
            `.npz` file (array `x` of images, optional `y` of int labels; uint8
            images are rescaled from [0, 255], float images must already be
            in [-1, 1]; a `ValueError` names the file and what is wrong with
            it), or a path to a folder of images (one sub-folder per class
            when labels are asked for).
        split: `"train"` or `"test"` (any tfds split string for tfds names).
            Defaults to `"train"`.
        batch_size: images per batch. Defaults to `128`.
        with_labels: yield `(images, labels)` instead of images. Defaults to `False`.
        shuffle: reshuffle the images every epoch. Defaults to `True`.
        seed: shuffling seed. Defaults to `None`.
        drop_remainder: drop the last incomplete batch, so every step sees
            `batch_size` images. Defaults to `True`.
        download: allow the online sources (tfds, Keras download) when the
            data is not found locally. Defaults to `True`.
        image_size: `(height, width)` to resize a folder's images to; defaults
            to the size of the first image.

    Returns:
        A `tf.data.Dataset`.

    Example:

    ```python
    ds = keras_gans.data.load("fashion_mnist", batch_size=128)
    images = next(iter(ds))  # (128, 28, 28, 1) float32 in [-1, 1]
    ```
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(
            f"`batch_size` must be a positive int. Received: batch_size={batch_size!r}"
        )
    name = os.fspath(name)
    if os.path.isdir(name):
        images = image_folder_dataset(name, with_labels, image_size, shuffle, seed)
        return _batch(images, batch_size, drop_remainder, scale=True)
    if name.endswith(".npz"):
        if not os.path.exists(name):
            raise ValueError(f"No such .npz file. Received: name={name!r}")
        x, y = load_npz_arrays(name, split)
    elif name in BUILTIN:
        x, y = load_builtin_arrays(name, split, download=download)
    elif os.path.sep in name or name.startswith("."):
        raise ValueError(
            "Expected a dataset name, a .npz file or a folder of images. "
            f"Received: name={name!r}, which is none of these on this machine."
        )
    else:
        return _tfds_dataset(name, split, batch_size, with_labels, shuffle, seed, drop_remainder)
    return _from_arrays(x, y, batch_size, with_labels, shuffle, seed, drop_remainder, name)


def _from_arrays(x, y, batch_size, with_labels, shuffle, seed, drop_remainder, name):
    if with_labels and y is None:
        raise ValueError(
            f"Labels were asked for (with_labels=True), but '{name}' has none. "
            "Received: images only; expected an array 'y' of int labels."
        )
    if drop_remainder and len(x) < batch_size:
        raise ValueError(
            f"'{name}' has {len(x)} images, fewer than one batch, so dropping the "
            f"incomplete batch would leave nothing. Received: batch_size={batch_size}; "
            "expected a batch_size <= the number of images (or drop_remainder=False)."
        )
    # Float images are taken as already in [-1, 1] (GAN.fit checks it);
    # anything else is pixels in [0, 255].
    is_float = np.issubdtype(x.dtype, np.floating)
    if is_float:
        x = x.astype("float32")
    elements = (x, np.asarray(y, "int32")) if with_labels else x
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return _batch(dataset, batch_size, drop_remainder, scale=not is_float)


def _batch(dataset, batch_size, drop_remainder, scale):
    """Batches (then rescales [0, 255] pixels to [-1, 1], batch-wise) and prefetches.

    tf.data's autotuning is turned off: an iterator with autotuning on blocks
    the thread that deletes it for up to about a second (no CPU used), and
    `fit` deletes its iterator at the end of every call, which made repeated
    short `fit` calls (notebooks, loops of callbacks) far slower than one long
    `fit` (measured in benchmarks/throughput.py). This pipeline is light: with
    autotuning off, AUTOTUNE means one parallel call per core and a prefetch
    buffer that grows when the consumer waits.
    """
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    if scale:
        dataset = dataset.map(scale_images, num_parallel_calls=AUTOTUNE)
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.prefetch(AUTOTUNE).with_options(options)


def _tfds_dataset(name, split, batch_size, with_labels, shuffle, seed, drop_remainder):
    import tensorflow_datasets as tfds

    dataset = tfds.load(name, split=split, as_supervised=True)
    if not with_labels:
        dataset = dataset.map(lambda image, label: image, num_parallel_calls=AUTOTUNE)
    if shuffle:
        dataset = dataset.shuffle(10_000, seed=seed, reshuffle_each_iteration=True)
    return _batch(dataset, batch_size, drop_remainder, scale=True)
