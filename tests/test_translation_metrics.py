"""PSNR, SSIM and L1 by hand, their protocol names, and the Evaluator on translation models."""

import math

import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_cycle_gan, tiny_extractor, tiny_pix2pix, translation_pairs

import keras_gans as kg
from keras_gans.metrics import Evaluator, Protocol, get_protocol, register_metric
from keras_gans.metrics.feature_statistics import FeatureStatistics


def constant(value, n=2, shape=(12, 12, 1)):
    return np.full((n, *shape), value, "float32")


# === The maths, by hand ===


def test_psnr_of_images_in_minus_one_one_and_of_pictures():
    # In [0, 1] units 0 -> 0.5 and 0.5 -> 0.75: MSE 0.0625, PSNR 10 log10(1 / 0.0625).
    assert kg.metrics.psnr(constant(0.0), constant(0.5)) == pytest.approx(10 * math.log10(16))
    # Per image, then the mean: MSEs 0.0625 and 0.25 -> (12.041 + 6.021) / 2.
    images = np.concatenate([constant(0.0, 1), constant(0.0, 1)])
    targets = np.concatenate([constant(0.5, 1), constant(1.0, 1)])
    expected = (10 * math.log10(16) + 10 * math.log10(4)) / 2
    assert kg.metrics.psnr(images, targets) == pytest.approx(expected)
    # 8-bit pictures: the same peak (255), the same value.
    pictures = np.full((2, 12, 12, 3), 100, "uint8"), np.full((2, 12, 12, 3), 110, "uint8")
    assert kg.metrics.psnr(*pictures) == pytest.approx(10 * math.log10(255**2 / 100), rel=1e-5)


def test_ssim_of_constant_images_is_their_luminance_term():
    # Constant images: no variance, so SSIM = (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1),
    # C1 = (0.01 * 1)^2, on pixels in [0, 1] (0.5 -> 0.75, -0.5 -> 0.25).
    c1 = 0.01**2
    expected = (2 * 0.75 * 0.25 + c1) / (0.75**2 + 0.25**2 + c1)
    assert kg.metrics.ssim(constant(0.5), constant(-0.5)) == pytest.approx(expected, rel=1e-4)
    images = np.random.default_rng(0).uniform(-1, 1, (3, 16, 16, 3)).astype("float32")
    assert kg.metrics.ssim(images, images) == pytest.approx(1.0, abs=1e-6)
    assert kg.metrics.ssim(images, -images) < 0.1
    # Images smaller than the 11x11 window use a window of their size.
    assert kg.metrics.ssim(constant(0.5, shape=(8, 8, 1)), constant(0.5, shape=(8, 8, 1))) == 1.0


def test_l1_is_in_the_units_of_pix2pix_term():
    assert kg.metrics.l1_distance(constant(-1.0), constant(1.0)) == pytest.approx(2.0)
    images, targets = translation_pairs(4)
    assert kg.metrics.l1_distance(images, targets) == pytest.approx(
        np.mean(np.abs(images - targets)), rel=1e-5
    )
    assert kg.metrics.l1_distance(
        np.zeros((1, 2, 2, 1), "uint8"), np.full((1, 2, 2, 1), 51, "uint8")
    ) == pytest.approx(51 / 127.5)


def test_paired_metrics_refuse_mismatched_or_integer_images():
    with pytest.raises(ValueError, match=r"Received: images of shape \(2, 12, 12, 1\) and "):
        kg.metrics.psnr(constant(0.0), constant(0.0, n=3))
    with pytest.raises(ValueError, match=r"Received: dtype int64"):
        kg.metrics.ssim(np.zeros((1, 4, 4, 1), "int64"), np.zeros((1, 4, 4, 1), "int64"))


# === Names ===


def test_pixel_metrics_are_registered_and_named_without_an_extractor():
    for name in ("psnr", "ssim", "l1"):
        spec = kg.metrics.get_metric(name)
        assert spec.needs == {"pairs"} and spec.pixels
        protocol = get_protocol(f"{name}_1k")
        assert (protocol.metric, protocol.extractor, protocol.num_images) == (name, None, 1000)
        assert protocol.name == f"{name}_1k"
    assert get_protocol("psnr_500").describe("fashion_mnist", "test") == (
        "PSNR (higher is better) in dB: 500 translations vs their targets, pixel for pixel (8-bit)"
    )
    with pytest.raises(ValueError, match=r"its name has no extractor, e.g. psnr_1k"):
        get_protocol("psnr_inception_1k")
    with pytest.raises(ValueError, match=r"fid compares features: its name is fid_<extractor>"):
        get_protocol("fid_1k")
    with pytest.raises(ValueError, match=r"`pairs` comes alone"):
        register_metric("pixelfeat", title="x", lower_is_better=True,
                        needs=("pairs", "features"), compares="")  # fmt: skip
    latent = kg.metrics.default_protocols("inception", 2000)
    assert not any(p.extractor is None for p in latent)
    paired = kg.metrics.default_protocols("inception", 2000, paired=True)
    assert [p.name for p in paired][-3:] == ["psnr_2k", "ssim_2k", "l1_2k"]


# === The Evaluator on translation models ===


@pytest.fixture(scope="module")
def extractor():
    return tiny_extractor((8, 8, 1), 3)


def test_evaluator_translates_the_sources_and_compares_with_the_target_domain(extractor):
    model = tiny_pix2pix()
    sources, targets = translation_pairs(12)
    labels = np.arange(12) % 3
    # (source, target, labels) batches of 5: the evaluator reads them in order, by its batches.
    inputs = tf.data.Dataset.from_tensor_slices((sources, targets, labels)).batch(5)
    evaluator = Evaluator(
        ["fid_tiny_classifier_10", "accuracy_tiny_classifier_10", "psnr_10", "ssim_10", "l1_10"],
        dataset=targets, extractors={"tiny_classifier": extractor}, cache_dir=None,
        batch_size=4,
    )  # fmt: skip
    values = evaluator.evaluate(model, inputs=inputs)
    outputs = model.translate(sources[:10])
    real = FeatureStatistics.from_features(extractor(targets)[0])
    translated = extractor(outputs)[0]
    assert values["fid_tiny_classifier_10"] == pytest.approx(
        kg.metrics.fid(real, translated), rel=1e-4
    )
    # The accuracy: the classifier's class of each translation against its source's label.
    kept = np.argmax(extractor(outputs)[1], axis=1) == labels[:10]
    assert values["accuracy_tiny_classifier_10"] == pytest.approx(kept.mean())
    pictures = kg.images.to_uint8(outputs), kg.images.to_uint8(targets[:10])
    assert values["psnr_10"] == pytest.approx(kg.metrics.psnr(*pictures))
    assert values["ssim_10"] == pytest.approx(kg.metrics.ssim(*pictures))
    assert values["l1_10"] == pytest.approx(kg.metrics.l1_distance(*pictures))
    assert values["l1_10"] == pytest.approx(np.mean(np.abs(outputs - targets[:10])), abs=4e-3)
    assert evaluator.describe("fid_tiny_classifier_10", translated=True).startswith(
        "FID (lower is better) on tiny_classifier features: 10 translated images vs"
    )


def test_a_baseline_function_and_a_cycle_gan_direction_are_evaluated(extractor):
    sources, targets = translation_pairs(12)
    evaluator = Evaluator(["psnr_12", "l1_12"], cache_dir=None)
    # A baseline that is not a model: halving the source (targets are -source).
    values = evaluator.evaluate(lambda images: -0.5 * images, inputs=(sources, targets))
    labelled = (sources, targets, np.zeros(12, "int32"))
    accuracy = Evaluator(["accuracy_tiny_classifier_12"], cache_dir=None,
                         extractors={"tiny_classifier": extractor})  # fmt: skip
    kept = np.argmax(extractor(-0.5 * sources)[1], axis=1) == 0
    assert accuracy.evaluate(lambda images: -0.5 * images, inputs=labelled) == {
        "accuracy_tiny_classifier_12": pytest.approx(kept.mean())
    }
    with pytest.raises(ValueError, match=r"Received: inputs without labels"):
        accuracy.evaluate(lambda images: images, inputs=(sources, targets))
    assert values["l1_12"] == pytest.approx(
        kg.metrics.l1_distance(kg.images.to_uint8(-0.5 * sources), kg.images.to_uint8(targets))
    )
    cycle = tiny_cycle_gan()
    fid = Evaluator(["fid_tiny_classifier_12"], dataset=targets, cache_dir=None,
                    extractors={"tiny_classifier": extractor})  # fmt: skip
    b_to_a = fid.evaluate(cycle, inputs=sources, direction="b_to_a")["fid_tiny_classifier_12"]
    expected = kg.metrics.fid(
        extractor(targets)[0], extractor(cycle.translate(sources, direction="b_to_a"))[0]
    )
    assert b_to_a == pytest.approx(expected, rel=1e-4)
    with pytest.raises(ValueError, match=r"`direction` must be one of \['a_to_b', 'b_to_a'\]"):
        fid.evaluate(cycle, inputs=sources, direction="up")


def test_translation_evaluations_name_what_is_missing(extractor):
    model = tiny_pix2pix()
    sources, targets = translation_pairs(4)
    evaluator = Evaluator(["psnr_4"], cache_dir=None)
    with pytest.raises(ValueError, match=r"evaluate\(model, inputs=...\) needs the source images"):
        evaluator.evaluate(model)
    with pytest.raises(
        ValueError, match=r"Received: inputs without targets \(source images only\)"
    ):
        evaluator.evaluate(model, inputs=sources)
    with pytest.raises(ValueError, match=r"ask for 8 translations .* Received: inputs with 4 "):
        Evaluator(["l1_8"], cache_dir=None).evaluate(model, inputs=(sources, targets))
    with pytest.raises(ValueError, match=r"PSNR, SSIM and L1 compare translations with their"):
        evaluator.evaluate(kg.GAN(
            kg.networks.dcgan_generator(4, (8, 8, 1), filters=4),
            kg.networks.dcgan_discriminator((8, 8, 1), filters=4), latent_dim=4))  # fmt: skip
    assert Protocol("l1", None, 4).name == "l1_4"
