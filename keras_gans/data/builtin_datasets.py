"""Finding Fashion-MNIST, MNIST and CIFAR-10, offline first.

For each dataset the places are tried in order and the first that works wins:

1. Keras' cache, `$KERAS_HOME/datasets/` (default `~/.keras/datasets/`), where
   `keras.datasets.*.load_data()` leaves its files;
2. Debian's package (`apt-get install dataset-fashion-mnist` puts the IDX files
   in `/usr/share/datasets/fashion-mnist/`);
3. online: TensorFlow Datasets, then Keras' own download; first the machine
   is checked to be online (`network.require_online`), so that offline the
   answer is a one-line `ValueError` within seconds, not minutes of retries.
"""

import os

import numpy as np

from keras_gans.data.idx import read_idx
from keras_gans.data.network import require_online

DEBIAN_DIRS = {"fashion_mnist": "/usr/share/datasets/fashion-mnist"}
IDX_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
BUILTIN = ("fashion_mnist", "mnist", "cifar10")


def keras_datasets_dir():
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.join(home, "datasets")


def _from_idx_dir(directory, split):
    images_file, labels_file = IDX_FILES[split]
    images_path = os.path.join(directory, images_file)
    if not os.path.exists(images_path):
        return None
    return read_idx(images_path), read_idx(os.path.join(directory, labels_file))


def _from_keras_cache(name, split):
    cache = keras_datasets_dir()
    if name == "fashion_mnist":
        path = os.path.join(cache, "fashion-mnist")
        return _from_idx_dir(path, split), path
    if name == "mnist":
        path = os.path.join(cache, "mnist.npz")
        if not os.path.exists(path):
            return None, path
        with np.load(path) as f:
            return (f[f"x_{split}"], f[f"y_{split}"]), path
    path = os.path.join(cache, "cifar-10-batches-py")
    if not os.path.isdir(path):
        return None, path
    return _keras_load_data(name, split), path


def _keras_load_data(name, split):
    import keras

    train, test = getattr(keras.datasets, name).load_data()
    x, y = train if split == "train" else test
    return x, np.asarray(y).reshape(-1)


def _from_tfds(name, split):
    import tensorflow_datasets as tfds

    from keras_gans.data.tfds_source import tfds_dataset

    # Not `batch_size=-1`: when tfds does not know the split's size it batches by
    # sys.maxsize, which aborts the process (std::length_error) on TensorFlow 2.21.
    dataset = tfds_dataset(name, split).batch(10_000)
    batches = list(tfds.as_numpy(dataset))
    return np.concatenate([x for x, _ in batches]), np.concatenate([y for _, y in batches])


def _hint(name):
    debian = "On Debian/Ubuntu: `apt-get install -y dataset-fashion-mnist`. Or run "
    return (
        f"{debian if name in DEBIAN_DIRS else 'Run '}`keras.datasets.{name}.load_data()` once "
        f"on a machine with internet and copy {keras_datasets_dir()} here, or pass a local "
        "`.npz` file or image folder to keras_gans.data.load."
    )


def load_builtin_arrays(name, split, download=True):
    """Returns `(images uint8 (n, h, w, c), labels int (n,))` for a built-in dataset.

    Raises a `ValueError` that lists every place looked in and how to get the
    data when none of them has it.
    """
    if split not in IDX_FILES:
        raise ValueError(f"`split` must be 'train' or 'test'. Received: split={split!r}")
    looked = []
    arrays, where = _from_keras_cache(name, split)
    looked.append(f"Keras cache: {where}")
    if arrays is None and name in DEBIAN_DIRS:
        arrays = _from_idx_dir(DEBIAN_DIRS[name], split)
        looked.append(f"Debian package directory: {DEBIAN_DIRS[name]}")
    if arrays is None and download:
        require_online(
            f"the '{name}' dataset ({split} split; not found locally in {'; '.join(looked)})",
            _hint(name),
        )
        for label, loader in (
            ("TensorFlow Datasets", _from_tfds),
            ("Keras download", _keras_load_data),
        ):
            try:
                arrays = loader(name, split)
                break
            except Exception as error:  # offline machines fail here
                looked.append(f"{label}: {type(error).__name__}: {str(error)[:200]}")
    if arrays is None:
        raise ValueError(
            f"Could not find the '{name}' dataset ({split} split). Looked in:\n  - "
            + "\n  - ".join(looked)
            + f"\n{_hint(name)}"
        )
    x, y = arrays
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[..., None]
    return x, np.asarray(y).reshape(-1).astype("int32")
