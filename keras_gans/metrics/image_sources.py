"""Streams of image batches in [-1, 1] for the metrics: arrays, datasets, generators."""

import os

import numpy as np

from keras_gans.latent import latent_vectors


def array_batches(images, batch_size):
    """Yields consecutive slices of an array of images in [-1, 1]."""
    for start in range(0, len(images), batch_size):
        yield images[start : start + batch_size]


def dataset_batches(name, split="train", batch_size=500, download=True):
    """Yields every image of a dataset split once, in order, as float32 in [-1, 1].

    `name` is anything `keras_gans.data.load` takes (built-in name, tfds name,
    `.npz` file, image folder).
    """
    from keras_gans.data import load

    dataset = load(
        name,
        split=split,
        batch_size=batch_size,
        shuffle=False,
        drop_remainder=False,
        download=download,
    )
    yield from dataset.as_numpy_iterator()


def dataset_key(dataset):
    """A short, file-name-safe identity for a dataset name or path (for cache files).

    Paths include a hash of the real path, size and modification time, so an
    edited file gets new reference statistics.
    """
    dataset = os.fspath(dataset)
    if not os.path.exists(dataset):
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in dataset)
    import hashlib

    real = os.path.realpath(dataset)
    stat = os.stat(real)
    digest = hashlib.sha256(f"{real}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:10]
    stem = os.path.splitext(os.path.basename(real.rstrip(os.sep)))[0] or "data"
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem) + "-" + digest


def balanced_labels(num_images, num_classes):
    """`num_images` int32 labels cycling through the classes: 0, 1, ..., C-1, 0, ..."""
    return (np.arange(num_images) % num_classes).astype("int32")


def generated_batches(model, num_images, batch_size=500, seed=0, labels=None):
    """Yields `num_images` images of a GAN in batches, without holding them all.

    The latent vectors are drawn at once from `seed` (`num_images x latent_dim`
    floats), so the same seed gives the same images whatever the batch size.

    Args:
        model: a `keras_gans` model (anything with `latent_dim` and
            `generate_from_latent(z, labels=None)`).
        num_images: int, images to generate.
        batch_size: images per generator call. Defaults to `500`.
        seed: latent seed. Defaults to `0`.
        labels: int labels, one per image, for a conditional model; `None`
            otherwise. Defaults to `None`.
    """
    z = latent_vectors(num_images, model.latent_dim, seed)
    for start in range(0, num_images, batch_size):
        stop = start + batch_size
        batch_labels = None if labels is None else labels[start:stop]
        yield model.generate_from_latent(z[start:stop], labels=batch_labels, batch_size=batch_size)
