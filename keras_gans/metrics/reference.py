"""Reference features of a real split, read in batches, computed once and cached on disk."""

import collections
import hashlib
import os

import keras
import numpy as np

from keras_gans.metrics.feature_extractor import extract_features
from keras_gans.metrics.feature_statistics import FeatureStatistics

Reference = collections.namedtuple("Reference", ["statistics", "features", "path", "from_cache"])
Reference.__doc__ = """Real-image reference for the metrics.

    statistics: `FeatureStatistics` of every image of the split (for FID).
    features: `(k, d)` float32 features of a random subset of the split (KID, precision/recall).
    path: the cache file, or None when not cached.
    from_cache: whether it was read from the cache.
"""


def default_cache_dir():
    """`$KERAS_HOME/keras_gans/reference` (default `~/.keras/keras_gans/reference`)."""
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.join(home, "keras_gans", "reference")


def dataset_key(dataset):
    """A short, file-name-safe identity for a dataset name or path (for cache files).

    Paths include a hash of the real path, size and modification time, so an
    edited file gets new reference statistics.
    """
    dataset = os.fspath(dataset)
    if not os.path.exists(dataset):
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in dataset)
    real = os.path.realpath(dataset)
    stat = os.stat(real)
    digest = hashlib.sha256(f"{real}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:10]
    stem = os.path.splitext(os.path.basename(real.rstrip(os.sep)))[0] or "data"
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem) + "-" + digest


def reference_cache_path(cache_dir, dataset, split, extractor, num_features, seed=0):
    """The cache file for one dataset split, extractor (by weights) and subset size."""
    name = (
        f"{dataset_key(dataset)}-{split}-{extractor.name}-{extractor.fingerprint()[:12]}"
        f"-k{num_features}-s{seed}.npz"
    )
    return os.path.join(cache_dir, name)


def reference_features(
    extractor,
    dataset="fashion_mnist",
    split="train",
    num_features=10_000,
    cache_dir="default",
    seed=0,
    batch_size=500,
    verbose=0,
):
    """Statistics of a whole real split and the features of a random subset of it.

    One pass over the split (in batches, so memory does not grow with its
    size) gives both. The result is saved to `cache_dir` and read back on
    later calls with the same dataset, split, extractor weights, subset size
    and seed; nothing is cached for an in-memory array.

    Args:
        extractor: a `FeatureExtractor`.
        dataset: a dataset `keras_gans.data.load` understands (name or path),
            or an array of real images in [-1, 1]. Defaults to `"fashion_mnist"`.
        split: `"train"` or `"test"`. Defaults to `"train"`.
        num_features: size of the random subset of features kept. Defaults to `10_000`.
        cache_dir: folder of the cache files; `"default"` for
            `default_cache_dir()`, `None` for no caching. Defaults to `"default"`.
        seed: seed of the random subset. Defaults to `0`.
        batch_size: images read per batch. Defaults to `500`.
        verbose: `1` or `2` shows a progress bar while extracting. Defaults to `0`.

    Returns:
        A `Reference(statistics, features, path, from_cache)`.

    Example:

    ```python
    ref = reference_features(kg.metrics.fashion_classifier(), "fashion_mnist", "train")
    fid(ref.statistics, generated_features)
    ```
    """
    in_memory = isinstance(dataset, np.ndarray)
    if cache_dir == "default":
        cache_dir = default_cache_dir()
    path = None
    if cache_dir is not None and not in_memory:
        path = reference_cache_path(cache_dir, dataset, split, extractor, num_features, seed)
        if os.path.exists(path):
            with np.load(path) as cached:
                statistics = FeatureStatistics.from_arrays(cached)
                features = cached["features"]
            return Reference(statistics, features, path, True)

    if in_memory:
        batches = (dataset[i : i + batch_size] for i in range(0, len(dataset), batch_size))
        total = len(dataset)
    else:
        batches, total = _dataset_batches(dataset, split, batch_size), None
    progress = None
    where = "the array" if in_memory else f"{dataset}/{split}"
    if verbose:
        print(f"Reference: real images of {where} through {extractor.name}")
        progress = keras.utils.Progbar(total, verbose=verbose, unit_name="image")
    extraction = extract_features(
        extractor,
        batches,
        keep=num_features,
        seed=seed,
        progress=progress,
        name=f"the real images of {where}",
    )
    if extraction.count < 2:
        raise ValueError(
            f"The reference split needs at least 2 images. Received: {extraction.count} "
            f"images from {'the array' if in_memory else f'{dataset}/{split}'}."
        )
    if path is not None:
        os.makedirs(cache_dir, exist_ok=True)
        temporary = path + ".tmp.npz"
        np.savez(temporary, features=extraction.features, **extraction.statistics.to_arrays())
        os.replace(temporary, path)  # atomic: a crash leaves no half-written cache
    return Reference(extraction.statistics, extraction.features, path, False)


def _dataset_batches(name, split, batch_size):
    """Every image of a dataset split once, in order, as float32 batches in [-1, 1].

    `name` is anything `keras_gans.data.load` takes (built-in name, tfds name,
    `.npz` file, image folder).
    """
    from keras_gans.data import load

    dataset = load(name, split=split, batch_size=batch_size, shuffle=False, drop_remainder=False)
    yield from dataset.as_numpy_iterator()
