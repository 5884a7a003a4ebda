import os
import socket
import time
import urllib.request

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from PIL import Image

import keras_gans as kg
from keras_gans.data import builtin_datasets, network


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


# === Folders of images: scanned, checked and converted up front ===


def _save(path, image):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not isinstance(image, Image.Image):
        image = Image.fromarray(np.asarray(image, "uint8"))
    image.save(path)


def _batch(folder, count, **kwargs):
    kwargs.setdefault("shuffle", False)
    return next(iter(kg.data.load(str(folder), batch_size=count, **kwargs))).numpy()


def test_folder_images_are_resized_and_centre_cropped(tmp_path):
    wide = np.zeros((8, 16), "uint8")
    wide[:, 4:12] = 255  # a white middle between black sides
    _save(tmp_path / "wide.png", wide)
    np.testing.assert_array_equal(_batch(tmp_path, 1, image_size=8), np.ones((1, 8, 8, 1)))
    halved = _batch(tmp_path, 1, image_size=(4, 8))  # the same aspect ratio: nothing cut
    np.testing.assert_array_equal(halved[0, :, 3:5], 1.0)
    np.testing.assert_array_equal(halved[0, :, ::7], -1.0)
    with pytest.raises(ValueError, match=r"image_size=\(8, 0\)"):
        kg.data.load(str(tmp_path), image_size=(8, 0))


def test_mixed_sizes_need_image_size_and_the_error_lists_them(tmp_path):
    for name in ("a", "b"):
        _save(tmp_path / f"{name}.png", np.zeros((8, 8)))
    _save(tmp_path / "c.png", np.zeros((16, 8)))
    with pytest.raises(ValueError) as error:
        kg.data.load(str(tmp_path), batch_size=1)
    message = str(error.value)
    assert "2 images of 8x8 (e.g. " in message and "1 images of 16x8 (e.g. " in message
    assert "c.png" in message and "image_size=(8, 8), the most common" in message
    assert _batch(tmp_path, 3, image_size=8).shape == (3, 8, 8, 1)


def test_mixed_modes_become_rgb_with_one_warning_that_counts_them(tmp_path):
    _save(tmp_path / "0_gray.png", np.full((4, 4), 100))
    _save(tmp_path / "1_rgb.png", np.full((4, 4, 3), (10, 20, 30)))
    _save(tmp_path / "2_rgba.png", Image.new("RGBA", (4, 4), (0, 0, 0, 128)))  # half-black
    _save(tmp_path / "3_palette.png", Image.new("RGB", (4, 4), (0, 255, 0)).quantize(2))
    _save(tmp_path / "4_la.png", Image.new("LA", (4, 4), (50, 255)))  # opaque
    _save(tmp_path / "5_16bit.png", Image.fromarray(np.full((4, 4), 25700, "uint16")))
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.warns(UserWarning) as record:
        images = _batch(tmp_path, 6)
    assert len(record) == 1
    message = str(record[0].message)
    assert "5 of 6 images converted to 8-bit RGB" in message
    assert "1 16-bit to 8-bit" in message and "3 grayscale to RGB" in message
    assert "2 transparency composited on white" in message and "1 palette to RGB" in message
    assert "skipped 1 file(s) not images by their extension: " in message
    expected = [(100,) * 3, (10, 20, 30), (127,) * 3, (0, 255, 0), (50,) * 3, (100,) * 3]
    np.testing.assert_allclose(images[:, 0, 0], np.array(expected) / 127.5 - 1, atol=1e-6)


def test_grayscale_folders_stay_one_channel_unless_color_mode_says(tmp_path):
    _save(tmp_path / "a.png", np.full((4, 4), 100))
    _save(tmp_path / "b.png", Image.fromarray(np.full((4, 4), 65535, "uint16")))
    with pytest.warns(UserWarning, match=r"1 of 2 images converted to 8-bit grayscale \(1 16-bit"):
        gray = _batch(tmp_path, 2)
    np.testing.assert_allclose(gray[:, 0, 0, 0], [100 / 127.5 - 1, 1.0], atol=1e-6)
    with pytest.warns(UserWarning, match="2 grayscale to RGB"):
        assert _batch(tmp_path, 2, color_mode="rgb").shape == (2, 4, 4, 3)
    _save(tmp_path / "c.png", np.full((4, 4, 3), (255, 0, 0)))
    with pytest.warns(UserWarning, match="1 colour to grayscale"):
        red = _batch(tmp_path, 3, color_mode="grayscale")[2, 0, 0, 0]
    assert red == pytest.approx(76 / 127.5 - 1, abs=1e-6)  # PIL's luma of pure red
    with pytest.raises(ValueError, match="color_mode='grey'"):
        kg.data.load(str(tmp_path), color_mode="grey")
    with pytest.raises(ValueError, match="applies to folders of images only"):
        kg.data.load("fashion_mnist", color_mode="rgb")


def test_corrupt_and_non_image_files_are_named_when_the_folder_is_scanned(tmp_path):
    _save(tmp_path / "good.png", np.zeros((4, 4)))
    (tmp_path / "fake.png").write_text("a text file named .png")
    whole = (tmp_path / "good.png").read_bytes()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "cut.png").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ValueError) as error:
        kg.data.load(str(tmp_path), batch_size=1)
    message = str(error.value)
    assert "2 of 3 image files in" in message and "Remove or replace them" in message
    assert str(tmp_path / "fake.png") in message and str(tmp_path / "sub" / "cut.png") in message
    assert "good.png" not in message


def test_a_jpeg_cut_in_its_pixel_data_passes_the_scan_and_is_named_when_decoded(tmp_path):
    """`verify()` checks a JPEG's header only (the documented limit of the scan)."""
    noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype="uint8")
    _save(tmp_path / "whole.jpg", noise)
    whole = (tmp_path / "whole.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(whole[: int(len(whole) * 0.7)])
    dataset = kg.data.load(str(tmp_path), batch_size=2, shuffle=False)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Cannot decode the image file .*cut.jpg"
    ):
        next(iter(dataset))


def test_labels_need_class_subfolders(tmp_path):
    for i in range(3):
        _save(tmp_path / f"{i}.png", np.zeros((4, 4)))
    with pytest.raises(
        ValueError, match=r"one sub-folder per class .* no sub-folders \(it holds 3 "
    ):
        kg.data.load(str(tmp_path), with_labels=True)
    _save(tmp_path / "b_dogs" / "0.png", np.full((4, 4), 255))
    _save(tmp_path / "a_cats" / "deep" / "0.png", np.zeros((4, 4)))
    with pytest.warns(UserWarning, match=r"left out 3 image\(s\) not in a class sub-folder"):
        dataset = kg.data.load(str(tmp_path), batch_size=2, with_labels=True, shuffle=False)
    assert dataset.class_names == ["a_cats", "b_dogs"]
    images, labels = next(iter(dataset))
    np.testing.assert_array_equal(labels, [0, 1])
    np.testing.assert_array_equal(images[:, 0, 0, 0], [-1.0, 1.0])
    (tmp_path / "c_empty").mkdir()
    for name in ("0.png", "1.png", "2.png"):
        (tmp_path / name).unlink()
    (tmp_path / "b_dogs" / "0.png").unlink()
    (tmp_path / "a_cats" / "deep" / "0.png").unlink()
    with pytest.raises(
        ValueError, match="No images .* found in the folder or its class sub-folders"
    ):
        kg.data.load(str(tmp_path), with_labels=True)


def test_image_size_resizes_and_centre_crops_arrays_too(tmp_path):
    pixels = np.zeros((2, 8, 16), "uint8")
    pixels[:, :, 4:8] = 255  # white columns 4-7: the left half of the middle 8x8
    np.savez(tmp_path / "x.npz", x=pixels)
    images = _batch(tmp_path / "x.npz", 2, image_size=4)  # 8x16 -> the middle 8x8 -> 4x4
    assert images.shape == (2, 4, 4, 1)
    np.testing.assert_allclose(images[:, :, 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(images[:, :, 3], -1.0, atol=1e-6)


# === Names and downloads ===


def test_unknown_names_are_answered_with_the_closest_ones_in_one_line():
    for name, close in (
        ("fashon_mnist", "'fashion_mnist'"),
        ("colored_fashion", "'colored_fashion_mnist'"),
        ("cifar_10", "'cifar10'"),
    ):
        with pytest.raises(ValueError) as error:
            kg.data.load(name)
        message = str(error.value)
        assert "\n" not in message and len(message) < 400
        assert f"Received: name={name!r}. Did you mean {close}" in message
    with pytest.raises(ValueError) as error:
        kg.data.load("qqqqzzzz")
    assert "Did you mean" not in str(error.value) and "Unknown dataset" in str(error.value)


def _refuse(*args, **kwargs):
    raise AssertionError("no download may be tried offline")


def test_offline_a_download_fails_within_seconds_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.setattr(network, "is_online", lambda *args, **kwargs: False)
    monkeypatch.setattr(builtin_datasets, "_from_tfds", _refuse)
    monkeypatch.setattr(builtin_datasets, "_keras_load_data", _refuse)
    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", _refuse)
    for name, hint in (("cifar10", "keras.datasets.cifar10.load_data()"), ("kmnist", "tfds.load")):
        start = time.perf_counter()
        with pytest.raises(ValueError) as error:
            kg.data.load(name)
        assert time.perf_counter() - start < 5
        message = str(error.value)
        assert "\n" not in message and "this machine is offline" in message and hint in message
    with pytest.raises(ValueError, match="not prepared in .* and download=False"):
        kg.data.load("kmnist", download=False)


class _Connection:
    def close(self):
        pass


def test_the_online_probe_answers_within_its_timeout(monkeypatch):
    def no_dns(address, timeout=None):
        raise socket.gaierror("Name or service not known")

    monkeypatch.setattr(urllib.request, "getproxies", dict)
    monkeypatch.setattr(socket, "create_connection", no_dns)
    assert network.is_online() is False
    monkeypatch.setattr(socket, "create_connection", lambda address, timeout=None: _Connection())
    assert network.is_online() is True

    def hangs(address, timeout=None):
        time.sleep(3)
        return _Connection()

    monkeypatch.setattr(socket, "create_connection", hangs)
    start = time.perf_counter()
    assert network.is_online(timeout=0.2) is False
    assert time.perf_counter() - start < 1

    tried = []
    monkeypatch.setattr(urllib.request, "getproxies", lambda: {"https": "http://proxy.lan:3128"})
    monkeypatch.setattr(
        socket, "create_connection", lambda a, timeout=None: tried.append(a) or _Connection()
    )
    assert network.is_online() is True
    assert network.is_online() is True
    assert tried == [("proxy.lan", 3128)] * 2  # through the proxy, as the downloads would go
