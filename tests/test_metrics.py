"""Metric maths on synthetic features, protocols, extraction, the reference cache, Evaluator."""

import json

import keras
import numpy as np
import pytest
from conftest import IMAGE_SHAPE, NUM_CLASSES, tiny_images, tiny_model

import keras_gans as kg
from keras_gans.latent import latent_vectors
from keras_gans.metrics import (
    PROTOCOLS,
    ClassifierFeatures,
    Evaluator,
    FeatureStatistics,
    Protocol,
    conditional_accuracy,
    dataset_classifier,
    extract_features,
    fid,
    get_protocol,
    inception_score,
    kid,
    precision_recall,
    reference_features,
)


def clusters(n, classes, seed, d=16, spread=0.3):
    """`n` points around the first `classes` of 10 fixed cluster centres, with their cluster ids."""
    centres = np.random.default_rng(123).standard_normal((10, d)) * 3
    rng = np.random.default_rng(seed)
    ids = rng.choice(classes, n)
    return centres[ids] + spread * rng.standard_normal((n, d)), ids


def tiny_extractor(num_classes=NUM_CLASSES, seed=0):
    keras.utils.set_random_seed(seed)
    classifier = dataset_classifier(IMAGE_SHAPE, num_classes, feature_dim=8, name="tiny_classifier")
    return ClassifierFeatures(classifier, batch_size=16)


# === KID ===


def test_kid_is_the_unbiased_mmd_estimate():
    """One subset holding every sample gives exactly the textbook unbiased MMD^2."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((12, 5)), rng.standard_normal((12, 5)) + 0.3
    k = lambda a, b: (a @ b / 5 + 1) ** 3  # noqa: E731
    m = len(x)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    assert kid(y, x, num_subsets=1, max_subset_size=m) == pytest.approx(xx + yy - 2 * xy, rel=1e-10)


def test_kid_is_near_zero_for_one_distribution_and_large_for_another():
    a, _ = clusters(1000, 10, seed=1)
    b, _ = clusters(1000, 10, seed=2)
    c, _ = clusters(1000, 2, seed=3)
    same = kid(a, b, num_subsets=10, max_subset_size=500)
    different = kid(a, c, num_subsets=10, max_subset_size=500)
    assert abs(same) < 0.01 * different
    assert different > 1.0


# === Inception Score ===


def test_inception_score_bounds():
    confident = np.full((1000, 10), -20.0)
    confident[np.arange(1000), np.arange(1000) % 10] = 20.0
    assert inception_score(confident) == pytest.approx(10.0, rel=1e-6)
    assert inception_score(np.zeros((1000, 10))) == pytest.approx(1.0)
    one_class = np.zeros((1000, 10))
    one_class[:, 3] = 20.0
    assert inception_score(one_class) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="one image per split"):
        inception_score(np.zeros((5, 10)))


# === Precision and recall ===


def test_precision_recall_of_identical_sets_is_one():
    a, _ = clusters(1000, 10, seed=4)
    assert precision_recall(a, a) == (1.0, 1.0)


def test_precision_recall_see_a_missing_mode_as_lost_recall():
    """Measured (d=8, k=3): same distribution P=0.869 R=0.860; 2 of 10 modes P=0.891 R=0.188."""
    real, _ = clusters(2000, 10, seed=5, d=8)
    full, _ = clusters(2000, 10, seed=6, d=8)
    two_modes, _ = clusters(2000, 2, seed=7, d=8)
    full_p, full_r = precision_recall(real, full)
    two_p, two_r = precision_recall(real, two_modes)
    assert full_p > 0.8 and full_r > 0.8
    assert two_p > full_p - 0.05  # every sample is as realistic...
    assert two_r < 0.3  # ...but 8 of the 10 modes are missing


def test_precision_recall_blocks_do_not_change_the_result():
    real, _ = clusters(300, 10, seed=8)
    fake, _ = clusters(250, 4, seed=9)
    assert precision_recall(real, fake, block_size=1000) == precision_recall(
        real, fake, block_size=7
    )


# === Conditional accuracy, FID helper ===


def test_conditional_accuracy():
    logits = np.eye(4)[[0, 1, 2, 3, 0, 0]]
    assert conditional_accuracy(logits, [0, 1, 2, 3, 1, 2]) == pytest.approx(4 / 6)
    with pytest.raises(ValueError, match=r"Labels must be in \[0, 4\)"):
        conditional_accuracy(logits, [0, 1, 2, 3, 4, 0])


def test_fid_accepts_features_or_statistics():
    a, _ = clusters(500, 10, seed=10)
    b, _ = clusters(500, 3, seed=11)
    assert fid(a, b) == pytest.approx(fid(FeatureStatistics.from_features(a), b))
    assert fid(a, a) == pytest.approx(0.0, abs=1e-6)


# === Protocol names ===


def test_protocol_names_state_metric_extractor_and_count():
    assert Protocol("fid", "fashion_classifier", 10_000).name == "fid_fashion_classifier_10k"
    assert Protocol("kid", "inception", 2500).name == "kid_inception_2500"
    for name in ("fid_inception_10k", "is_fashion_classifier_50k", "recall_my_net_v2_500"):
        assert get_protocol(name).name == name
    assert get_protocol("precision_my_net_v2_500") == Protocol("precision", "my_net_v2", 500)
    assert "fid_inception_50k" in PROTOCOLS and "accuracy_fashion_classifier_10k" in PROTOCOLS
    assert "accuracy_inception_10k" not in PROTOCOLS  # ImageNet classes are not the labels
    assert all(get_protocol(name) == protocol for name, protocol in PROTOCOLS.items())
    with pytest.raises(ValueError, match="<metric>_<extractor>_<count>"):
        get_protocol("fid10k")
    with pytest.raises(ValueError, match="Unknown metric"):
        Protocol("psnr", "inception", 100)


# === Extraction and the reference cache ===


def test_extraction_keeps_statistics_of_everything_and_a_random_subset():
    extractor = tiny_extractor()
    images = np.random.default_rng(0).uniform(-1, 1, (50, *IMAGE_SHAPE)).astype("float32")
    everything = extract_features(extractor, [images], keep=True, keep_logits=True)
    batched = extract_features(extractor, [images[i : i + 7] for i in range(0, 50, 7)], keep=20)
    assert everything.features.shape == (50, 8) and everything.logits.shape == (50, NUM_CLASSES)
    assert batched.count == 50 and batched.logits is None
    np.testing.assert_allclose(batched.statistics.mean, everything.statistics.mean, rtol=1e-5)
    # The subset is 20 distinct rows of the full feature set.
    matches = [
        np.flatnonzero(np.all(np.isclose(everything.features, row, atol=1e-5), axis=1))
        for row in batched.features
    ]
    assert len(batched.features) == 20 and all(len(m) >= 1 for m in matches)
    assert len({int(m[0]) for m in matches}) == 20
    assert sorted(int(m[0]) for m in matches) != list(range(20))  # not just the first 20


def test_extractor_rejects_wrong_images():
    extractor = tiny_extractor()
    with pytest.raises(ValueError, match=r"trained on images of shape \(16, 16, 1\)"):
        extractor(np.zeros((2, 28, 28, 1), "float32"))
    with pytest.raises(ValueError, match="dtype uint8"):
        extractor(np.zeros((2, 16, 16, 1), "uint8"))
    with pytest.raises(ValueError, match=r"Expected images in \[-1, 1\]"):
        extractor(np.full((2, 16, 16, 1), 255.0, "float32"))


def test_reference_is_cached_on_disk_and_reused(tmp_path):
    extractor = tiny_extractor()
    pixels = ((tiny_images(40) + 1) * 127.5).astype("uint8")
    np.savez(tmp_path / "real.npz", x=pixels)
    path = str(tmp_path / "real.npz")
    first = reference_features(
        extractor, path, num_features=30, cache_dir=tmp_path / "cache", batch_size=16
    )
    again = reference_features(
        extractor, path, num_features=30, cache_dir=tmp_path / "cache", batch_size=16
    )
    assert not first.from_cache and again.from_cache and again.path == first.path
    np.testing.assert_array_equal(again.features, first.features)
    np.testing.assert_array_equal(again.statistics.covariance, first.statistics.covariance)
    assert first.statistics.count == 40 and first.features.shape == (30, 8)
    # Another subset size, or other extractor weights, get their own file.
    other_size = reference_features(extractor, path, num_features=20, cache_dir=tmp_path / "cache")
    other_weights = reference_features(
        tiny_extractor(seed=1), path, num_features=30, cache_dir=tmp_path / "cache"
    )
    assert not other_size.from_cache and not other_weights.from_cache
    assert len({first.path, other_size.path, other_weights.path}) == 3
    # Statistics of the whole split equal those of the images read directly.
    direct = extractor(tiny_images(40))[0]
    np.testing.assert_allclose(first.statistics.mean, direct.mean(0), rtol=1e-4, atol=1e-5)


# === Evaluator ===


def test_evaluator_computes_every_metric_deterministically(tmp_path):
    model = tiny_model(kg.ConditionalGAN)
    names = [
        f"{m}_tiny_classifier_60" for m in ("fid", "kid", "is", "precision", "recall", "accuracy")
    ]
    evaluator = Evaluator(
        names,
        dataset=tiny_images(64),
        extractors={"tiny_classifier": tiny_extractor()},
        cache_dir=None,
        batch_size=16,
    )
    first, second = evaluator.evaluate(model), evaluator.evaluate(model)
    assert list(first) == names and first == second
    assert (
        first["fid_tiny_classifier_60"] > 0 and 1 <= first["is_tiny_classifier_60"] <= NUM_CLASSES
    )
    for name in names[3:]:
        assert 0 <= first[name] <= 1
    # FID agrees with the functions applied by hand to the same images.
    labels = np.arange(60) % NUM_CLASSES
    generated = model.generate_from_latent(latent_vectors(60, model.latent_dim, 0), labels)
    extractor = evaluator.extractor("tiny_classifier")
    expected = fid(extractor(tiny_images(64))[0], extractor(generated)[0])
    assert first["fid_tiny_classifier_60"] == pytest.approx(expected, rel=1e-4)


def test_evaluator_rejects_what_cannot_be_computed():
    extractor = tiny_extractor()
    gan = tiny_model(kg.GAN)
    with pytest.raises(ValueError, match="for conditional models"):
        Evaluator(
            ["accuracy_tiny_classifier_60"], extractors={"tiny_classifier": extractor}
        ).check_model(gan)
    four_classes = tiny_extractor(num_classes=4)
    with pytest.raises(ValueError, match="model's 3 classes"):
        Evaluator(
            ["accuracy_tiny_classifier_60"], extractors={"tiny_classifier": four_classes}
        ).check_model(tiny_model(kg.ConditionalGAN))
    with pytest.raises(ValueError, match="Unknown feature extractor"):
        Evaluator(["fid_nonexistent_60"]).check_model(gan)


# === The dataset classifier ===


def test_train_classifier_script_saves_a_safe_loading_classifier_and_its_accuracy(tmp_path):
    from keras_gans.metrics.train_classifier import main

    labels = np.arange(96) % NUM_CLASSES
    pixels = ((tiny_images(96) + 1) * 127.5).astype("uint8")
    pixels[labels == 1] = 255 - pixels[labels == 1]  # classes the CNN can tell apart
    pixels[labels == 2] //= 2
    np.savez(tmp_path / "tiny.npz", x=pixels, y=labels, x_test=pixels[:48], y_test=labels[:48])
    out = tmp_path / "classifier" / "1" / "tiny_classifier.keras"
    assert (
        main(
            [
                "--dataset",
                str(tmp_path / "tiny.npz"),
                "--out",
                str(out),
                "--epochs",
                "2",
                "--batch-size",
                "16",
                "--name",
                "tiny_classifier",
            ]
        )
        == 0
    )
    metadata = json.loads((out.parent / "metadata.json").read_text())
    assert metadata["name"] == "tiny_classifier" and metadata["test_images"] == 48
    assert 0 <= metadata["test_accuracy"] <= 1 and metadata["num_classes"] == NUM_CLASSES
    assert "--name tiny_classifier" in metadata["command"]
    extractor = ClassifierFeatures(out)  # keras.models.load_model in the default safe mode
    assert extractor.name == "tiny_classifier" and extractor.feature_dim == 128
    images = (pixels[:48] / 127.5 - 1).astype("float32")
    _, logits = extractor(images)
    assert conditional_accuracy(logits, labels[:48]) == pytest.approx(
        metadata["test_accuracy"], abs=1e-4
    )
