"""The TensorFlow Datasets path of `kg.data.load`, offline (tfds' own mock_data, no download)."""

import numpy as np
import pytest
import tensorflow_datasets as tfds

import keras_gans as kg
from keras_gans.data import network


@pytest.fixture(autouse=True)
def mocked_network(monkeypatch):
    """The machine counts as online (no probe): tfds is mocked, nothing is downloaded."""
    monkeypatch.setattr(network, "is_online", lambda *args, **kwargs: True)


def _all(dataset):
    return [element for element in dataset.as_numpy_iterator()]


def test_a_tfds_name_loads_images_and_labels_in_the_unit_range():
    with tfds.testing.mock_data(num_examples=12):
        batches = _all(kg.data.load("kmnist", batch_size=4, with_labels=True, seed=0))
    assert len(batches) == 3
    images, labels = batches[0]
    assert images.shape == (4, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0 and images.max() > images.min()
    assert labels.shape == (4,) and 0 <= labels.min() and labels.max() < 10


def test_a_builtin_name_missing_from_the_caches_comes_from_tfds(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # nothing in Keras' cache
    with tfds.testing.mock_data(num_examples=8):
        batches = _all(kg.data.load("mnist", split="test", batch_size=4, shuffle=False))
    # tfds' mock has 8 examples; the real MNIST test split (Keras download) has 10,000.
    assert len(batches) == 2 and batches[0].shape == (4, 28, 28, 1)
    assert batches[0].min() >= -1.0 and batches[0].max() <= 1.0


class Offline(Exception):
    pass


def test_the_tfds_download_path_gets_as_far_as_the_download(monkeypatch, tmp_path):
    """tfds locates the builder's checksums before downloading, which imports
    `importlib_resources` (declared by tfds for Python < 3.9 only, so keras-gans
    depends on it): without it this raised ModuleNotFoundError before any download."""

    def refuse(*args, **kwargs):
        raise Offline("this test does not download")

    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))  # nothing prepared yet
    monkeypatch.setattr(tfds.download.DownloadManager, "download_and_extract", refuse)
    monkeypatch.setattr(tfds.download.DownloadManager, "download", refuse)
    with pytest.raises(Offline):
        kg.data.load("kmnist", batch_size=4)
