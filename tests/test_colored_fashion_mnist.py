"""Colored Fashion-MNIST (built offline from Fashion-MNIST) and its shipped classifier."""

import functools
import json
import os

import numpy as np
import pytest
from matplotlib.colors import rgb_to_hsv

import keras_gans as kg
from keras_gans.data import colored_fashion_mnist as cfm
from keras_gans.metrics.classifier_features import saved_models_dir


@functools.cache
def _test_split(image_size=32):
    """The test split at `image_size`, built once per session (read it, never change it)."""
    return cfm.colored_fashion_mnist("test", image_size=image_size)


def test_colorize_mixes_garment_and_background_by_intensity():
    intensity = np.array([[[0, 255], [51, 102]]], "uint8")  # (1, 2, 2)
    garment = np.array([[1.0, 0.5, 0.0]], "float32")
    background = np.array([[0.0, 0.0, 1.0]], "float32")
    expected = np.array(
        [[[[0, 0, 255], [255, 128, 0]], [[51, 26, 204], [102, 51, 153]]]], "uint8"
    )  # 255 * (p * garment + (1 - p) * background), p = intensity / 255, rounded
    np.testing.assert_array_equal(cfm.colorize(intensity, garment, background), expected)
    np.testing.assert_array_equal(cfm.colorize(intensity[..., None], garment, background), expected)


def test_colors_are_fixed_per_split_with_a_darker_background_of_another_hue():
    garment, background = cfm.colors(1000, "train")
    again, _ = cfm.colors(1000, "train")
    np.testing.assert_array_equal(garment, again)
    assert not np.array_equal(garment, cfm.colors(1000, "test")[0])
    g, b = rgb_to_hsv(garment), rgb_to_hsv(background)
    apart = np.abs(g[:, 0] - b[:, 0])
    apart = np.minimum(apart, 1 - apart)  # around the colour wheel
    assert apart.min() >= 1 / 6 - 1e-4  # at least 60 degrees
    assert np.all(g[:, 2] > 0.999) and np.all(b[:, 2] <= 0.55 + 1e-6)
    assert np.ptp(g[:, 0]) > 0.9  # every hue


def test_bad_sizes_are_refused_before_anything_is_read():
    for size in (4, (32, 16), None):
        with pytest.raises(ValueError, match="square, at least 8x8"):
            cfm.colored_fashion_mnist("test", image_size=size)
    with pytest.raises(ValueError, match="Received: image_size='32'"):
        cfm.colored_fashion_mnist("test", image_size="32")


@pytest.mark.fashion_mnist
def test_colored_fashion_mnist_at_28_32_and_64():
    native, labels = _test_split(28)
    padded, padded_labels = _test_split(32)
    large, _ = _test_split(64)
    gray, fashion_labels = kg.data.builtin_datasets.load_builtin_arrays("fashion_mnist", "test")
    assert native.shape == (10000, 28, 28, 3) and padded.shape == (10000, 32, 32, 3)
    assert large.shape == (10000, 64, 64, 3) and native.dtype == np.uint8
    np.testing.assert_array_equal(labels, fashion_labels)
    np.testing.assert_array_equal(padded_labels, fashion_labels)
    # 32 is 28 padded with 2 pixels of background: the garments' pixels are unchanged.
    np.testing.assert_array_equal(padded[:, 2:30, 2:30], native)
    garment, background = cfm.colors(10000, "test")
    np.testing.assert_array_equal(padded[:, 0, 0], np.rint(background * 255).astype("uint8"))
    np.testing.assert_array_equal(native[:5], cfm.colorize(gray[:5], garment[:5], background[:5]))
    # 64 is the 32x32 canvas upsampled: averaging its 2x2 blocks gives it back, nearly.
    blocks = large[:500].reshape(500, 32, 2, 32, 2, 3).astype("float32").mean(axis=(2, 4))
    assert np.abs(blocks - padded[:500]).mean() < 3.0

    batch, batch_labels = next(
        iter(kg.data.load("colored_fashion_mnist", "test", 16, with_labels=True, shuffle=False))
    )
    np.testing.assert_allclose(batch, padded[:16] / 127.5 - 1, atol=1e-6)
    np.testing.assert_array_equal(batch_labels, fashion_labels[:16])
    small = next(iter(kg.data.load("colored_fashion_mnist", "test", 4, image_size=28, seed=0)))
    assert small.shape == (4, 28, 28, 3)


# === The shipped classifier ===


def _metadata():
    folder = os.path.join(saved_models_dir(), "colored_fashion_classifier", "1")
    with open(os.path.join(folder, "metadata.json")) as f:
        return json.load(f)


def test_the_shipped_classifier_is_registered_with_its_metadata():
    metadata = _metadata()
    assert metadata["name"] == "colored_fashion_classifier"
    assert metadata["image_shape"] == [32, 32, 3] and metadata["num_classes"] == 10
    assert metadata["test_accuracy"] >= 0.85 and metadata["test_images"] == 10000
    extractor = kg.metrics.get_extractor("colored_fashion_classifier")
    assert isinstance(extractor, kg.metrics.ColoredFashionFeatures)
    assert extractor.name == "colored_fashion_classifier" and extractor.feature_dim == 128
    for name in ("fid", "kid", "precision", "recall", "accuracy"):
        assert f"{name}_colored_fashion_classifier_10k" in kg.metrics.PROTOCOLS
    for shape in ((32, 32, 1), (32, 32), (4, 4, 3)):
        with pytest.raises(ValueError, match=r"RGB images of at least 8x8"):
            extractor.check_image_shape(shape)


@pytest.mark.fashion_mnist
def test_the_classifier_scores_28_32_and_64_alike():
    extractor = kg.metrics.colored_fashion_classifier()
    count = 2000
    images = {}
    for size in (28, 32, 64):
        x, labels = _test_split(size)
        images[size] = x[:count] / 127.5 - 1.0
    labels = labels[:count]
    accuracy = {}
    features = {}
    for size, x in images.items():
        features[size], logits = extractor(x.astype("float32"))
        accuracy[size] = np.mean(np.argmax(logits, axis=1) == labels)
    assert accuracy[32] >= 0.86, accuracy  # 0.8918 on all 10,000 test images
    assert abs(accuracy[28] - accuracy[32]) <= 0.03, accuracy
    assert abs(accuracy[64] - accuracy[32]) <= 0.03, accuracy
    # Where most of the 28x28 image's outer ring is background, padding with its median
    # colour gives the 32x32 image: the same features.
    gray, _ = kg.data.builtin_datasets.load_builtin_arrays("fashion_mnist", "test")
    ring = np.ones((28, 28), bool)
    ring[1:-1, 1:-1] = False
    clear = np.flatnonzero(np.mean(gray[:count, ring, 0] == 0, axis=1) > 0.55)
    assert len(clear) > 0.8 * count
    np.testing.assert_allclose(features[28][clear], features[32][clear], atol=1e-4)


class _Memorizer:
    """A 'generator' that returns real test images of the asked labels (a perfect model)."""

    latent_dim = 4
    num_classes = 10
    image_shape = (32, 32, 3)

    def __init__(self, images, labels, spoil=False):
        self.by_label = [images[labels == c] for c in range(10)]
        self.spoil = spoil
        self.used = np.zeros(10, int)

    def generate_from_latent(self, z, labels=None, batch_size=None):
        out = []
        for label in labels:
            out.append(self.by_label[label][self.used[label]])
            self.used[label] += 1
        out = np.stack(out)
        return np.full_like(out, out.mean()) if self.spoil else out


@pytest.mark.fashion_mnist
def test_metrics_run_offline_on_rgb_with_the_colored_classifier():
    x, y = _test_split(32)
    x = (x / 127.5 - 1.0).astype("float32")
    names = [f"{m}_colored_fashion_classifier_500" for m in ("fid", "recall", "accuracy")]
    evaluator = kg.metrics.Evaluator(
        names, dataset="colored_fashion_mnist", split="test", cache_dir=None
    )
    real = evaluator.evaluate(_Memorizer(x, y))
    flat = evaluator.evaluate(_Memorizer(x, y, spoil=True))
    assert real[names[2]] >= 0.85  # the classifier's accuracy on real images
    assert real[names[1]] >= 0.8 and flat[names[1]] < 0.1  # one flat colour covers nothing
    assert flat[names[0]] > 10 * real[names[0]]
