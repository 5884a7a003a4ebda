"""Metric maths on synthetic features, the registry and protocols, extraction, the reference
cache, Evaluator, the shipped classifier (loading only: its accuracy is in test_metrics_fashion.py).
"""

import json
import os
import sys
import textwrap

import numpy as np
import pytest
from conftest import IMAGE_SHAPE, NUM_CLASSES, tiny_images, tiny_model
from helpers import tiny_extractor

import keras_gans as kg
from keras_gans.callbacks.fid import GenerativeMetricCallback
from keras_gans.latent import latent_vectors
from keras_gans.metrics import (
    PROTOCOLS,
    ClassifierFeatures,
    Evaluator,
    FeatureStatistics,
    Protocol,
    conditional_accuracy,
    dataset_classifier,
    default_protocols,
    describe_metrics,
    extract_features,
    fashion_classifier,
    fid,
    get_extractor,
    get_metric,
    get_protocol,
    inception_score,
    kid,
    precision_recall,
    reference_features,
    register_metric,
    registered_metrics,
    registry,
    shipped_classifier_path,
)


def clusters(n, classes, seed, d=16, spread=0.3):
    """`n` points around the first `classes` of 10 fixed cluster centres, with their cluster ids."""
    centres = np.random.default_rng(123).standard_normal((10, d)) * 3
    rng = np.random.default_rng(seed)
    ids = rng.choice(classes, n)
    return centres[ids] + spread * rng.standard_normal((n, d)), ids


@pytest.fixture(scope="module")
def extractor():
    """One untrained tiny classifier for the module: its traced forward pass is shared."""
    return tiny_extractor(IMAGE_SHAPE, NUM_CLASSES)


@pytest.fixture(scope="module")
def conditional_model():
    return tiny_model(kg.ConditionalGAN)


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


def test_kid_and_precision_recall_reject_unusable_feature_sets():
    a, _ = clusters(10, 10, seed=12)
    with pytest.raises(ValueError, match=r"same d. Received: real_features.shape=\(10, 16\), "):
        kid(a, a[:, :8])
    with pytest.raises(ValueError, match="KID needs at least 2 features in each set. Received: 1"):
        kid(a[:1], a)
    with pytest.raises(ValueError, match="more than k=3 features. Received: 10 real, 3 generated"):
        precision_recall(a, a[:3])


# === Inception Score ===


def test_inception_score_bounds():
    confident = np.full((1000, 10), -20.0)
    confident[np.arange(1000), np.arange(1000) % 10] = 20.0
    # One split holds every class equally often: the maximum, 10. Ten splits of the
    # shuffled images are not exactly balanced: a little less.
    assert inception_score(confident, num_splits=1) == pytest.approx(10.0, rel=1e-6)
    assert 9.0 < inception_score(confident) < 10.0
    assert inception_score(np.zeros((1000, 10))) == pytest.approx(1.0)
    one_class = np.zeros((1000, 10))
    one_class[:, 3] = 20.0
    assert inception_score(one_class) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="at least 2 images per split"):
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
    with pytest.raises(ValueError, match=r"<metric>_<extractor>_<count>.*Received: name='fid10k'"):
        get_protocol("fid10k")
    with pytest.raises(
        ValueError, match=r"Unknown metric. Received: metric='lpips'; expected one of"
    ):
        Protocol("lpips", "inception", 100)
    with pytest.raises(ValueError, match="Unknown metric. Received: metric='lpips'"):
        get_protocol("lpips_inception_10k")
    with pytest.raises(ValueError, match=r"an int >= 2. Received: num_images=1"):
        Protocol("fid", "inception", 1)


# === The registry ===


def test_the_builtin_metrics_are_registered_in_order_with_their_direction():
    assert list(registered_metrics()) == [
        "fid", "kid", "is", "precision", "recall", "accuracy", "psnr", "ssim", "l1",
    ]  # fmt: skip
    assert [name for name, m in registered_metrics().items() if m.lower_is_better] == [
        "fid", "kid", "l1",
    ]  # fmt: skip
    assert get_metric("is").title == "Inception Score" and get_metric("accuracy").needs == {
        "logits",
        "labels",
    }
    assert describe_metrics().startswith("fid (FID, lower is better); kid (KID, lower is better)")
    assert [p.metric for p in default_protocols("inception", 2000)] == list(registered_metrics())[
        :5
    ]
    assert default_protocols(conditional=True)[-1].name == "accuracy_fashion_classifier_10k"
    # Precision and recall come from one computation, registered twice.
    assert get_metric("precision").compute is get_metric("recall").compute
    assert Protocol("kid", "inception", 2000).describe("fashion_mnist", "test") == (
        "KID (lower is better) on inception features: 2000 generated images "
        "vs 2000 random real images of fashion_mnist/test"
    )


@pytest.fixture
def scratch_registry(monkeypatch):
    """The registry as it is, restored after the test (metrics registered in it are dropped)."""
    monkeypatch.setattr(registry, "_METRICS", dict(registry.registered_metrics()))
    return registry


def test_register_metric_rejects_bad_names_needs_and_duplicates(scratch_registry):
    options = dict(title="t", lower_is_better=True, compares="")
    with pytest.raises(ValueError, match=r"lowercase letters and digits.*Received: name='my_fid'"):
        register_metric("my_fid", **options)
    with pytest.raises(ValueError, match=r"Unknown needs. Received: needs=\['pixels'\]"):
        register_metric("pixels", needs=("pixels",), **options)
    with pytest.raises(
        ValueError, match="already registered under this name. Received: name='fid'"
    ):
        register_metric("fid", **options)(lambda inputs: 0.0)


# A metric in a new file of keras_gans/metrics/, and nothing else: two values
# computed together (as precision and recall are), one of them conditional.
NEW_METRIC_FILE = """
import numpy as np

from keras_gans.metrics.registry import register_metric

CALLS = []


@register_metric(
    "labelhit",
    title="label hits",
    lower_is_better=False,
    needs=("logits", "labels"),
    compares="of {extractor} on {num_images} images",
    output=1,
)
@register_metric(
    "meanlogit",
    title="mean logit",
    lower_is_better=True,
    needs=("logits",),
    compares="of {extractor} on {num_images} images of {dataset}",
    output=0,
    order=15,
)
def _both(inputs):
    CALLS.append(inputs.num_images)
    logits = inputs.generated.logits
    hits = np.mean(np.argmax(logits, 1) == inputs.labels) if inputs.labels is not None else -1
    return float(logits.mean()), float(hits)
"""


def test_one_new_file_adds_a_metric_everywhere(
    scratch_registry, monkeypatch, tmp_path, extractor, conditional_model
):
    """The file is found by the registry; protocols, Evaluator, defaults and callbacks use it."""
    (tmp_path / "new_metric_for_test.py").write_text(textwrap.dedent(NEW_METRIC_FILE))
    monkeypatch.setattr(kg.metrics, "__path__", [*kg.metrics.__path__, str(tmp_path)])
    monkeypatch.setattr(registry, "_discovered", False)
    monkeypatch.delitem(sys.modules, "keras_gans.metrics.new_metric_for_test", raising=False)
    try:
        names = list(registered_metrics())
        module = sys.modules["keras_gans.metrics.new_metric_for_test"]
    finally:
        sys.modules.pop("keras_gans.metrics.new_metric_for_test", None)
    assert names == [
        "fid", "meanlogit", "kid", "is", "precision", "recall", "accuracy",
        "psnr", "ssim", "l1", "labelhit",
    ]  # fmt: skip
    assert "meanlogit (mean logit, lower is better)" in describe_metrics()
    assert [p.metric for p in default_protocols("x", 100)][:2] == ["fid", "meanlogit"]
    assert "labelhit" not in [p.metric for p in default_protocols("x", 100)]
    assert "labelhit_fashion_classifier_50k" in PROTOCOLS  # the dataset's own classifier...
    assert "labelhit_inception_50k" not in PROTOCOLS  # ...not ImageNet's classes
    protocol = get_protocol("meanlogit_tiny_classifier_60")
    assert protocol.describe("array", "train") == (
        "mean logit (lower is better) of tiny_classifier on 60 images of array"
    )

    names = ["labelhit_tiny_classifier_60", "meanlogit_tiny_classifier_60"]
    evaluator = Evaluator(
        names, dataset=tiny_images(8), extractors={"tiny_classifier": extractor}, cache_dir=None
    )
    values = evaluator.evaluate(conditional_model)
    assert module.CALLS == [60]  # one computation for both metrics
    labels = np.arange(60) % NUM_CLASSES
    z = latent_vectors(60, conditional_model.latent_dim, 0)
    _, logits = extractor(conditional_model.generate_from_latent(z, labels))
    assert values == {
        "labelhit_tiny_classifier_60": pytest.approx(conditional_accuracy(logits, labels)),
        "meanlogit_tiny_classifier_60": pytest.approx(float(logits.mean()), rel=1e-5),
    }
    with pytest.raises(
        ValueError,
        match=r"labelhit_tiny_classifier_60 \(label hits\) is for conditional models. Received",
    ):
        Evaluator(names, extractors={"tiny_classifier": extractor}).check_model(tiny_model(kg.GAN))
    # A callback monitors any registered metric, in the registered direction.
    callback = GenerativeMetricCallback("meanlogit", extractor=extractor, num_images=60)
    assert callback.name == "meanlogit_tiny_classifier_60" and callback.mode == "min"
    assert GenerativeMetricCallback("precision", extractor=extractor).mode == "max"


# === Extraction and the reference cache ===


def test_extraction_keeps_statistics_of_everything_and_a_random_subset(extractor):
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


def test_extractor_rejects_wrong_images(extractor):
    with pytest.raises(ValueError, match=r"trained on images of shape \(16, 16, 1\)"):
        extractor(np.zeros((2, 28, 28, 1), "float32"))
    with pytest.raises(
        ValueError, match=r"\(height, width, 1 or 3\). Received: image shape \(16, 2\)"
    ):
        extractor.check_image_shape((16, 2))
    with pytest.raises(ValueError, match=r"batch of images \(n, height, width, channels\)"):
        extractor(np.zeros((16, 16, 1), "float32"))
    with pytest.raises(ValueError, match="dtype uint8"):
        extractor(np.zeros((2, 16, 16, 1), "uint8"))
    with pytest.raises(ValueError, match=r"Expected images in \[-1, 1\]"):
        extractor(np.full((2, 16, 16, 1), 255.0, "float32"))


def test_reference_is_cached_on_disk_and_reused(tmp_path, extractor):
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
        tiny_extractor(IMAGE_SHAPE, NUM_CLASSES, seed=1),
        path,
        num_features=30,
        cache_dir=tmp_path / "cache",
    )
    assert not other_size.from_cache and not other_weights.from_cache
    assert len({first.path, other_size.path, other_weights.path}) == 3
    # Statistics of the whole split equal those of the images read directly.
    direct = extractor(tiny_images(40))[0]
    np.testing.assert_allclose(first.statistics.mean, direct.mean(0), rtol=1e-4, atol=1e-5)


# === Evaluator ===


def test_evaluator_computes_every_metric_deterministically(extractor, conditional_model):
    model = conditional_model
    names = [
        f"{m}_tiny_classifier_60" for m in ("fid", "kid", "is", "precision", "recall", "accuracy")
    ]
    evaluator = Evaluator(
        names,
        dataset=tiny_images(64),
        extractors={"tiny_classifier": extractor},
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
    # Every value is its function applied by hand to the same images (balanced labels,
    # latent seed 0) and the same real reference (all 64 images, a random subset of 60).
    labels = np.arange(60) % NUM_CLASSES
    generated = model.generate_from_latent(latent_vectors(60, model.latent_dim, 0), labels)
    features, logits = extractor(generated)
    reference = evaluator.reference("tiny_classifier", 60)
    assert reference.statistics.count == 64 and reference.features.shape == (60, 8)
    precision, recall = precision_recall(reference.features, features)
    expected = {
        "fid": fid(extractor(tiny_images(64))[0], features),
        "kid": kid(reference.features, features, seed=0),
        "is": inception_score(logits, num_splits=10),
        "precision": precision,
        "recall": recall,
        "accuracy": conditional_accuracy(logits, labels),
    }
    assert first == {
        f"{m}_tiny_classifier_60": pytest.approx(value, rel=1e-4, abs=1e-6)
        for m, value in expected.items()
    }


class RepeatingGenerator:
    """A stand-in generator that only ever shows a few real images (a collapsed GAN)."""

    latent_dim = 8

    def __init__(self, images):
        self.images = images

    def generate_from_latent(self, z, labels=None, batch_size=256):
        return self.images[(np.abs(np.asarray(z)[:, 0]) * 1000).astype(int) % len(self.images)]


def test_evaluator_sees_a_generator_of_few_real_images_as_precise_with_lost_recall(extractor):
    """Measured: 10 of the 64 real images, as 60 samples: precision 1.0, recall 0.383."""
    names = ["precision_tiny_classifier_60", "recall_tiny_classifier_60"]
    evaluator = Evaluator(
        names, dataset=tiny_images(64), extractors={"tiny_classifier": extractor}, cache_dir=None
    )
    values = evaluator.evaluate(RepeatingGenerator(tiny_images(64)[:10]))
    assert values["precision_tiny_classifier_60"] == 1.0  # every sample is a real image...
    assert values["recall_tiny_classifier_60"] < 0.5  # ...but most real images are not covered


def test_evaluator_rejects_what_cannot_be_computed(extractor, conditional_model):
    gan = tiny_model(kg.GAN)
    with pytest.raises(
        ValueError,
        match=r"accuracy_tiny_classifier_60 \(conditional accuracy\) is for conditional models. "
        "Received: a GAN without num_classes",
    ):
        Evaluator(
            ["accuracy_tiny_classifier_60"], extractors={"tiny_classifier": extractor}
        ).check_model(gan)
    four_classes = tiny_extractor(IMAGE_SHAPE, 4)
    with pytest.raises(
        ValueError, match="model's 3 classes. Received: extractor tiny_classifier with 4 classes"
    ):
        Evaluator(
            ["accuracy_tiny_classifier_60"], extractors={"tiny_classifier": four_classes}
        ).check_model(conditional_model)
    with pytest.raises(ValueError, match="Unknown feature extractor. Received: name='nonexistent'"):
        Evaluator(["fid_nonexistent_60"]).check_model(gan)
    with pytest.raises(ValueError, match=r"at least one metric. Received: metrics=\[\]"):
        Evaluator([])
    with pytest.raises(ValueError, match="map names to FeatureExtractor instances. Received: 'x'"):
        Evaluator(["fid_x_60"], extractors={"x": object()})


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


# === The shipped classifier (its accuracy on real images: test_metrics_fashion.py) ===


def test_the_shipped_classifier_loads_in_safe_mode_as_a_28x28_extractor():
    extractor = get_extractor("fashion_classifier")
    assert extractor.name == "fashion_classifier" and extractor.image_shape == (28, 28, 1)
    assert extractor.feature_dim == 128 and extractor.num_classes == 10
    assert extractor.path == shipped_classifier_path()
    assert extractor.fingerprint() == fashion_classifier().fingerprint()  # the same weights
    features, logits = extractor(np.zeros((3, 28, 28, 1), "float32"))
    assert features.shape == (3, 128) and logits.shape == (3, 10)


def test_a_missing_shipped_classifier_says_where_to_find_or_retrain_it(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="No classifier is shipped for this dataset. Received: "):
        shipped_classifier_path("mnist")
    monkeypatch.setenv("KERAS_GANS_SAVED_MODELS", str(tmp_path))
    expected = os.path.join(tmp_path, "fashion_classifier", "1", "fashion_classifier.keras")
    with pytest.raises(ValueError, match="classifier was not found") as error:
        fashion_classifier()
    assert expected in str(error.value) and "train_classifier" in str(error.value)


def test_a_classifier_without_the_feature_layer_is_rejected():
    classifier = dataset_classifier(IMAGE_SHAPE, NUM_CLASSES, feature_dim=8)
    with pytest.raises(ValueError, match=r"no layer named 'pool3'. Received: layers \['images'"):
        ClassifierFeatures(classifier, feature_layer="pool3")
