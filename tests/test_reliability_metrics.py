"""Issue 34: no silently wrong numbers from the metrics (non-finite data, Inception Score
splits, FID below the feature dimension, KID's arguments)."""

import warnings

import numpy as np
import pytest
from conftest import IMAGE_SHAPE, NUM_CLASSES, tiny_images
from helpers import tiny_extractor

from keras_gans.metrics import (
    Evaluator,
    FeatureStatistics,
    conditional_accuracy,
    extract_features,
    fid,
    inception_score,
    kid,
    mode_coverage,
    precision_recall,
    reference_features,
)


class ConstantGenerator:
    """A stand-in generator whose every pixel is `value` (NaN: a diverged generator)."""

    latent_dim = 8
    image_shape = IMAGE_SHAPE

    def __init__(self, value):
        self.value = value

    def generate_from_latent(self, z, labels=None, batch_size=256):
        return np.full((len(z), *IMAGE_SHAPE), self.value, "float32")


# === Non-finite images and features ===


@pytest.mark.parametrize("metric", ["fid", "kid", "is", "precision"])
def test_a_generator_of_nan_is_refused_not_scored(extractor, metric):
    """Measured before the fix: FID 904, KID 963, IS 1.0 for an all-NaN generator (the
    classifier's ReLU and max-pooling turn NaN pixels into finite features)."""
    evaluator = Evaluator(
        [f"{metric}_tiny_classifier_40"],
        dataset=tiny_images(40),
        extractors={"tiny_classifier": extractor},
        cache_dir=None,
        batch_size=16,
    )
    pixels = 16 * 16 * 16  # the first batch: 16 images of 16x16x1
    with pytest.raises(
        ValueError,
        match=rf"Expected finite values in the generated images \(images 0 to 15\). "
        rf"Received: {pixels} non-finite values \({pixels} NaN, 0 infinite\) among {pixels}\.",
    ):
        evaluator.evaluate(ConstantGenerator(np.nan))


def test_non_finite_real_images_are_refused_and_named_as_real(extractor):
    real = tiny_images(40)
    real[20, 0, 0, 0] = np.inf
    real[21, 3, 3, 0] = np.nan
    with pytest.raises(
        ValueError,
        match=r"in the real images of the array \(images 16 to 31\). Received: 2 non-finite "
        r"values \(1 NaN, 1 infinite\) among 4096\.",
    ):
        reference_features(extractor, real, num_features=10, cache_dir=None, batch_size=16)


def test_the_extractor_refuses_non_finite_images(extractor):
    images = tiny_images(3)
    images[1, 2, 2, 0] = -np.inf
    with pytest.raises(
        ValueError, match=r"Expected finite values in images. Received: 1 non-finite values"
    ):
        extractor(images)


def test_non_finite_features_from_the_extractor_are_refused(extractor):
    broken = tiny_extractor(IMAGE_SHAPE, NUM_CLASSES, seed=1)
    kernel, bias = broken.classifier.get_layer("features").get_weights()
    broken.classifier.get_layer("features").set_weights([kernel, np.full_like(bias, np.nan)])
    with pytest.raises(
        ValueError,
        match=r"Expected finite values in the features of the generated images "
        r"\(images 0 to 15\)\. Received: 128 non-finite values \(128 NaN, 0 infinite\)",
    ):
        extract_features(broken, [tiny_images(16)], name="the generated images")


def _with_bad_value(array, value=np.nan):
    array = np.array(array, dtype="float64")
    array.flat[3] = value
    return array


GOOD = np.random.default_rng(0).standard_normal((40, 4))
LOGITS = np.random.default_rng(1).standard_normal((40, NUM_CLASSES))


@pytest.mark.parametrize(
    "compute, message",
    [
        (lambda: fid(GOOD, _with_bad_value(GOOD)), r"in `generated`\. Received: 1 non-finite"),
        (lambda: fid(_with_bad_value(GOOD, np.inf), GOOD), r"in `real`\. .*\(0 NaN, 1 infinite\)"),
        (lambda: kid(GOOD, _with_bad_value(GOOD)), r"in `generated_features`\. Received: 1 non"),
        (lambda: kid(_with_bad_value(GOOD), GOOD), r"in `real_features`\. Received: 1 non"),
        (
            lambda: precision_recall(GOOD, _with_bad_value(GOOD, -np.inf)),
            r"in `generated_features`\. Received: 1 non-finite values \(0 NaN, 1 infinite\)",
        ),
        (lambda: inception_score(_with_bad_value(LOGITS), 4), r"in `logits`\. Received: 1 non"),
        (
            lambda: conditional_accuracy(_with_bad_value(LOGITS), np.arange(40) % NUM_CLASSES),
            r"in `logits`\. Received: 1 non-finite",
        ),
        (lambda: mode_coverage(_with_bad_value(GOOD[:, :2]), "ring8"), r"in `samples`\. Rec"),
        (
            lambda: FeatureStatistics().update(_with_bad_value(GOOD)),
            r"in `features`\. Received: 1 non-finite values \(1 NaN, 0 infinite\) among 160\.",
        ),
    ],
)
def test_every_metric_refuses_non_finite_inputs(compute, message):
    with pytest.raises(ValueError, match=r"Expected finite values " + message):
        compute()


# === Inception Score ===


def class_sorted_logits(n=1000, classes=10):
    """Confident logits, the first n/classes for class 0, the next for class 1, ..."""
    logits = np.full((n, classes), -20.0)
    logits[np.arange(n), np.arange(n) * classes // n] = 20.0
    return logits


def test_inception_score_does_not_depend_on_the_order_of_the_images():
    """Measured before the fix: 1.0 on class-sorted logits (each split one class), 9.54
    on the same logits shuffled."""
    logits = class_sorted_logits()
    shuffled = np.random.default_rng(0).permutation(logits)
    sorted_score = inception_score(logits)
    assert sorted_score > 9.0
    assert sorted_score == pytest.approx(inception_score(shuffled), rel=0.03)
    # The shuffle is seeded: the same seed gives the same score, another seed nearly so.
    assert inception_score(logits, seed=0) == sorted_score
    assert inception_score(logits, seed=1) == pytest.approx(sorted_score, rel=0.03)
    assert inception_score(logits, seed=1) != sorted_score


def test_inception_score_needs_two_images_per_split():
    logits = np.random.default_rng(0).standard_normal((19, 10))
    with pytest.raises(
        ValueError,
        match=r"at least 2 images per split \(one image per split scores 1 whatever it is\)\. "
        r"Received: 19 images, num_splits=10",
    ):
        inception_score(logits, num_splits=10)
    # One image per split gave 1.0 whatever the images.
    with pytest.raises(ValueError, match="Received: 10 images, num_splits=10"):
        inception_score(class_sorted_logits(10), num_splits=10)
    assert inception_score(class_sorted_logits(20), num_splits=10) > 1.0  # 2 per split is enough


def test_the_evaluator_gives_each_split_at_least_two_images(extractor):
    """Measured before the fix: `is_tiny_classifier_3` made 3 splits of 1 image: 1.0."""
    model = ConstantGenerator(0.0)
    model.generate_from_latent = lambda z, labels=None, batch_size=256: tiny_images(len(z))
    evaluator = Evaluator(
        ["is_tiny_classifier_3", "is_tiny_classifier_25"],
        dataset=tiny_images(40),
        extractors={"tiny_classifier": extractor},
        cache_dir=None,
    )
    scores = evaluator.evaluate(model)
    _, logits = extractor(tiny_images(25))
    assert scores == {
        "is_tiny_classifier_3": pytest.approx(inception_score(logits[:3], num_splits=1)),
        "is_tiny_classifier_25": pytest.approx(inception_score(logits, num_splits=10)),
    }
    assert scores["is_tiny_classifier_3"] > 1.0


# === FID below the feature dimension ===


def test_fid_warns_when_the_images_are_fewer_than_the_feature_dimension():
    rng = np.random.default_rng(0)
    real, generated = rng.standard_normal((100, 32)), rng.standard_normal((20, 32))
    with pytest.warns(
        UserWarning,
        match=r"FID from 20 generated images with 32-d features: fewer images than feature "
        r"dimensions, so the covariance is singular",
    ):
        fid(real, generated)
    with pytest.warns(UserWarning, match="FID from 20 real images with 32-d features"):
        fid(generated, real)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fid(real, real[:32])  # as many images as dimensions: no warning


# === KID's arguments ===

FEATURES = np.random.default_rng(0).standard_normal((20, 4))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_subsets": 0}, r"`num_subsets` must be an int >= 1. Received: num_subsets=0"),
        ({"num_subsets": 2.5}, r"`num_subsets` must be an int >= 1. Received: num_subsets=2.5"),
        ({"num_subsets": True}, r"Received: num_subsets=True"),
        (
            {"max_subset_size": 1},
            r"`max_subset_size` must be an int >= 2. Received: max_subset_size=1",
        ),
        ({"max_subset_size": 10.5}, r"Received: max_subset_size=10.5"),
        ({"max_subset_size": "10"}, r"Received: max_subset_size='10'"),
    ],
)
def test_kid_validates_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kid(FEATURES, FEATURES, **kwargs)


@pytest.mark.parametrize(
    "real, generated, message",
    [
        (FEATURES[:, 0], FEATURES, r"real_features.shape=\(20,\), generated_features.shape="),
        (FEATURES, FEATURES[None], r"generated_features.shape=\(1, 20, 4\)"),
        (FEATURES[:, :0], FEATURES[:, :0], r"at least one feature dimension. Received: real_f"),
        (FEATURES + 0j, FEATURES, r"\(int or float\)\. Received: real_features.dtype=complex"),
        (FEATURES, FEATURES > 0, r"Received: generated_features.dtype=bool"),
        (FEATURES.astype(str), FEATURES, r"Received: real_features.dtype=<U"),
        (FEATURES.astype(object), FEATURES, r"Received: real_features.dtype=object"),
    ],
)
def test_kid_validates_its_features(real, generated, message):
    with pytest.raises(ValueError, match=message):
        kid(real, generated)


def test_kid_still_accepts_integer_features():
    integers = np.random.default_rng(0).integers(-5, 5, (20, 4))
    assert kid(integers, integers, num_subsets=3) == pytest.approx(
        kid(integers.astype("float64"), integers.astype("float64"), num_subsets=3)
    )
