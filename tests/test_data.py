import os

import numpy as np
import pytest
from PIL import Image

import keras_gans as kg
from keras_gans.data import builtin_datasets


@pytest.mark.fashion_mnist
def test_fashion_mnist_loads_offline_in_range_with_labels():
    ds = kg.data.load("fashion_mnist", split="test", batch_size=100, with_labels=True, seed=0)
    images, labels = next(iter(ds))
    assert images.shape == (100, 28, 28, 1) and images.dtype == "float32"
    assert float(images.numpy().min()) >= -1.0 and float(images.numpy().max()) <= 1.0
    assert float(images.numpy().min()) == -1.0  # background pixels map to -1
    assert labels.dtype == "int32" and set(np.unique(labels.numpy())) <= set(range(10))
    assert sum(1 for _ in ds) == 100  # 10,000 test images, whole batches


@pytest.mark.fashion_mnist
def test_shuffling_is_seeded_and_reshuffles_each_epoch():
    ds = kg.data.load("fashion_mnist", split="test", batch_size=50, seed=1)
    first_epoch = next(iter(ds)).numpy()
    second_epoch = next(iter(ds)).numpy()
    again = next(iter(kg.data.load("fashion_mnist", split="test", batch_size=50, seed=1))).numpy()
    np.testing.assert_array_equal(first_epoch, again)
    assert not np.array_equal(first_epoch, second_epoch)


def test_missing_data_error_says_where_it_looked_and_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setitem(builtin_datasets.DEBIAN_DIRS, "fashion_mnist", str(tmp_path / "debian"))
    with pytest.raises(ValueError) as error:
        kg.data.load("fashion_mnist", download=False)
    message = str(error.value)
    assert str(tmp_path / "datasets" / "fashion-mnist") in message
    assert str(tmp_path / "debian") in message
    assert "apt-get install -y dataset-fashion-mnist" in message


@pytest.mark.fashion_mnist
def test_keras_cache_is_tried_before_the_debian_package(monkeypatch, tmp_path):
    cache = tmp_path / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    debian = builtin_datasets.DEBIAN_DIRS["fashion_mnist"]
    for name in builtin_datasets.IDX_FILES["test"]:
        os.symlink(os.path.join(debian, name), cache / name)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setitem(builtin_datasets.DEBIAN_DIRS, "fashion_mnist", str(tmp_path / "nowhere"))
    x, y = builtin_datasets.load_builtin_arrays("fashion_mnist", "test", download=False)
    assert x.shape == (10000, 28, 28, 1) and y.shape == (10000,)


def test_npz_uint8_and_float(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (20, 8, 8), dtype="uint8")
    np.savez(tmp_path / "pixels.npz", x=pixels, y=np.arange(20) % 3)
    images, labels = next(
        iter(
            kg.data.load(
                str(tmp_path / "pixels.npz"), batch_size=20, with_labels=True, shuffle=False
            )
        )
    )
    np.testing.assert_allclose(images.numpy()[..., 0], pixels / 127.5 - 1, atol=1e-6)
    np.testing.assert_array_equal(labels.numpy(), np.arange(20) % 3)

    floats = rng.uniform(-1, 1, (20, 8, 8, 3)).astype("float32")
    np.savez(tmp_path / "floats.npz", x=floats)
    batch = next(iter(kg.data.load(str(tmp_path / "floats.npz"), batch_size=20, shuffle=False)))
    np.testing.assert_array_equal(batch.numpy(), floats)
    with pytest.raises(ValueError, match="has none"):
        kg.data.load(str(tmp_path / "floats.npz"), with_labels=True)
    with pytest.raises(ValueError, match="batch_size=64"):
        kg.data.load(str(tmp_path / "floats.npz"), batch_size=64)


def test_image_folder_with_class_subfolders(tmp_path):
    for label, value in (("cats", 0), ("dogs", 255)):
        (tmp_path / label).mkdir()
        for i in range(3):
            Image.fromarray(np.full((8, 8), value, "uint8")).save(tmp_path / label / f"{i}.png")
    images, labels = next(
        iter(kg.data.load(str(tmp_path), batch_size=6, with_labels=True, shuffle=False))
    )
    assert images.shape == (6, 8, 8, 1)
    # Class 0 is "cats" (all black -> -1), class 1 "dogs" (all white -> +1).
    for image, label in zip(images.numpy(), labels.numpy(), strict=True):
        assert np.allclose(image, -1.0 if label == 0 else 1.0)


def test_unknown_paths_and_bad_arguments():
    with pytest.raises(ValueError, match="Received: name='./missing/data'"):
        kg.data.load("./missing/data")
    with pytest.raises(ValueError, match="batch_size=0"):
        kg.data.load("fashion_mnist", batch_size=0)
    with pytest.raises(ValueError, match="split='validation'"):
        kg.data.load("fashion_mnist", split="validation")
