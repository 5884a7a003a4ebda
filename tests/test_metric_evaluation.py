"""Registering a metric (and everything that then uses it), extraction and the reference cache,
`Evaluator`, and the dataset and shipped classifiers (loading only: the shipped classifier's
accuracy is in test_metrics_fashion.py).
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
    conditional_accuracy,
    dataset_classifier,
    default_protocols,
    describe_metrics,
    extract_features,
    fashion_classifier,
    fid,
    get_extractor,
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


@pytest.fixture(scope="module")
def conditional_model():
    return tiny_model(kg.ConditionalGAN)


# === A metric registered from a new file ===


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
