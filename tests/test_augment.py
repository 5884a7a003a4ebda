"""Augmentation of every discriminator input (keras_gans/augment): DiffAugment's ops
against their definitions, gradients into G, the same pipeline for every D input,
ADA's p update for a given r_t, saving, resuming, MirroredStrategy and bad values."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import assert_keep_training_alike, tiny_dataset, tiny_images, tiny_model
from test_distribution import assert_same_training
from test_resume import assert_same_state, resumed_and_uninterrupted, training_state

import keras_gans as kg
from keras_gans.augment import ADA, DiffAugment, operations
from keras_gans.engine import StepState


def fixed(value):
    """A `uniform` that returns `value` for every example (to check the ops by hand)."""

    def uniform(images, shape, minval, maxval):
        return tf.fill((images.shape[0], *shape), float(value))

    return uniform


def test_translation_shifts_whole_pixels_and_fills_with_zero():
    images = tiny_images(2)  # 16x16: ratio 1/8 of 16 = up to 2 pixels
    shifted = np.array(operations.translation(tf.constant(images), fixed(0.125)))
    expected = np.zeros_like(images)
    expected[:, 2:, 2:] = images[:, :-2, :-2]  # down and right by 2
    np.testing.assert_array_equal(shifted, expected)
    back = np.array(operations.translation(tf.constant(images), fixed(-0.0625)))
    expected = np.zeros_like(images)
    expected[:, :-1, :-1] = images[:, 1:, 1:]
    np.testing.assert_array_equal(back, expected)


def test_cutout_zeroes_a_square_of_half_the_side():
    images = np.ones((1, 16, 16, 1), "float32")
    out = np.array(operations.cutout(tf.constant(images), fixed(0.5)))
    # Corner floor(0.5 * 17) - 4 = 4: rows and columns 4..11 are cut.
    expected = images.copy()
    expected[:, 4:12, 4:12] = 0.0
    np.testing.assert_array_equal(out, expected)
    corner = np.array(operations.cutout(tf.constant(images), fixed(0.0)))
    assert (corner[0, :4, :4] == 0).all() and corner.sum() == 256 - 16  # leaves the image


def test_color_is_brightness_saturation_contrast():
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    x = tf.constant(images)
    np.testing.assert_allclose(operations.brightness(x, fixed(0.25)), images + 0.25, atol=1e-6)
    mean_c = images.mean(axis=3, keepdims=True)
    np.testing.assert_allclose(
        operations.saturation(x, fixed(1.5)), (images - mean_c) * 1.5 + mean_c, atol=1e-6
    )
    mean = images.mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(
        operations.contrast(x, fixed(0.5)), (images - mean) * 0.5 + mean, atol=1e-6
    )
    gray = tf.constant(images[..., :1])
    np.testing.assert_allclose(operations.saturation(gray, fixed(1.9)), images[..., :1], atol=1e-6)
    # No clipping: the paper's ops keep values (and gradients) outside [-1, 1].
    assert np.array(operations.brightness(tf.fill((1, 2, 2, 1), -1.0), fixed(-0.5))).min() == -1.5


@pytest.mark.parametrize("policy", ["translation", "cutout", "color"])
def test_gradients_flow_through_each_operation_into_the_generator(policy):
    gan = tiny_model(kg.GAN, compile_kwargs={"augment": policy})
    z = tf.random.normal((4, gan.latent_dim))
    with tf.GradientTape() as tape:
        fakes = gan.generator(z, training=True)
        logits, _ = gan.discriminate(fakes, gan.judge(fakes, fakes, None))
        loss = tf.reduce_mean(logits)
    gradients = tape.gradient(loss, gan.generator.trainable_variables)
    assert all(g is not None for g in gradients)
    assert sum(float(tf.reduce_sum(tf.abs(g))) for g in gradients) > 0
    assert all(np.isfinite(g).all() for g in gradients)


def test_every_discriminator_input_goes_through_the_same_pipeline_in_both_steps():
    seen = []

    class Counting(DiffAugment):
        def augment(self, images, model):
            seen.append(images.shape[0])
            return super().augment(images, model)

    gan = tiny_model(kg.GAN, compile_kwargs={"augment": Counting("color"), "run_eagerly": True})
    gan.fit(tiny_dataset(n=16), epochs=1, verbose=0)
    assert seen == [16, 16, 16]  # D step: real and fake; G step: fake
    # And the augmented images are what D sees: fresh parameters per call.
    images = tf.constant(tiny_images(8))
    first, second = gan.tricks[0].augment(images, gan), gan.tricks[0].augment(images, gan)
    assert not np.allclose(first, second) and not np.allclose(first, images)


def test_unknown_augmentation_names_are_refused_before_training():
    gan = tiny_model(kg.GAN)
    with pytest.raises(ValueError, match=r"Unknown augmentation \['flip'\].*augment='color,flip'"):
        gan.compile(augment="color,flip")
    with pytest.raises(ValueError, match=r"Received: augment=3"):
        gan.compile(augment=3)
    with pytest.raises(ValueError, match=r"Received: target=1.2"):
        ADA(target=1.2)
    with pytest.raises(ValueError, match=r"Received: interval=0"):
        ADA(interval=0)
    ada = ADA()
    gan.compile(augment=ada)
    gan.compile(augment=ada)  # the same model again: fine, p carries on
    with pytest.raises(ValueError, match="ADA in use by another model"):
        tiny_model(kg.GAN).compile(augment=ada)


def ada_model(**ada_kwargs):
    gan = tiny_model(kg.GAN, compile_kwargs={"augment": ADA(**ada_kwargs), "run_eagerly": True})
    return gan, gan.tricks[0]


def feed(ada, gan, logits):
    ada.discriminator_terms(
        gan, StepState(None, None, real_logits=tf.constant(logits, "float32")[:, None])
    )
    return ada.after_discriminator_step(gan)


def test_ada_moves_p_by_the_images_seen_towards_the_target():
    gan, ada = ada_model(target=0.4, interval=2, adjustment_images=100)
    assert float(ada.p) == 0.0
    logs = feed(ada, gan, [1.0, 2.0, 3.0, -1.0])  # E[sign] = 0.5; 1 step of 2: no change yet
    assert float(ada.p) == 0.0 and float(logs["ada_p"]) == 0.0
    feed(ada, gan, [1.0, 1.0, 1.0, 1.0])  # r_t = (0.5 + 1) / 2 = 0.75 > 0.4
    assert float(ada.rt) == pytest.approx(0.75)
    assert float(ada.p) == pytest.approx(8 / 100)  # + sign(0.75 - 0.4) * 8 images / 100
    feed(ada, gan, [-1.0, -1.0, 1.0, 1.0])
    feed(ada, gan, [-1.0, -1.0, -1.0, 1.0])  # r_t = (0 - 0.5) / 2 = -0.25 < 0.4
    assert float(ada.rt) == pytest.approx(-0.25) and float(ada.p) == pytest.approx(0.0)
    feed(ada, gan, [-1.0] * 4)
    feed(ada, gan, [-1.0] * 4)
    assert float(ada.p) == 0.0  # clipped at 0


def test_ada_applies_each_operation_with_probability_p():
    gan, ada = ada_model()
    images = tf.constant(tiny_images(64))
    np.testing.assert_array_equal(ada.augment(images, gan), images)  # p = 0: untouched
    ada.p.assign(1.0)
    changed = np.abs(np.array(ada.augment(images, gan)) - images).max(axis=(1, 2, 3)) > 0
    assert changed.all()
    ada.p.assign(0.5)
    policy = ADA(policy="color")
    policy.configure(gan)
    policy.p.assign(0.5)
    changed = np.abs(np.array(policy.augment(images, gan)) - images).max(axis=(1, 2, 3)) > 0
    assert 20 <= changed.sum() <= 44  # Binomial(64, 0.5): outside with probability < 1e-3


def test_ada_logs_p_and_rt_and_they_are_saved_and_restored(tmp_path):
    gan = tiny_model(kg.GAN, compile_kwargs={"augment": ADA(interval=1, adjustment_images=64)})
    ada = gan.tricks[0]
    ada.p.assign(0.3)  # 4 steps move it by 16 / 64 each, up or down
    logs = gan.fit(tiny_dataset(), epochs=1, verbose=0).history
    assert {"ada_p", "ada_rt"} <= set(logs) and -1 <= logs["ada_rt"][0] <= 1
    assert min(abs(float(ada.p) - p) for p in (0.0, 0.05, 0.3, 0.55, 0.8, 1.0)) < 1e-6
    assert float(ada.rt) != 0.0
    gan.save(tmp_path / "ada.keras")
    loaded = keras.models.load_model(tmp_path / "ada.keras")
    restored = loaded.tricks[0]
    assert isinstance(restored, ADA) and restored.get_config() == ada.get_config()
    for a, b in zip(ada.weights, restored.weights, strict=True):
        np.testing.assert_array_equal(np.array(a), np.array(b))
    assert_keep_training_alike(gan, loaded)


@pytest.mark.slow  # > 10 s
def test_a_resumed_run_with_ada_matches_an_uninterrupted_one(tmp_path):
    # ADA covers both: its p and sums, and the augmentation's draws from the model's noise.
    def model(seed):
        ada = ADA(interval=1, adjustment_images=64)
        return tiny_model(kg.GAN, seed=seed, compile_kwargs={"augment": ada})

    resumed, uninterrupted = resumed_and_uninterrupted(model, tmp_path)
    assert_same_state(training_state(resumed), training_state(uninterrupted))
    assert float(resumed.tricks[0].p) == float(uninterrupted.tricks[0].p)


@pytest.mark.slow  # > 10 s
def test_ada_under_mirrored_strategy_matches_one_device(mirrored_strategy):
    # Every random draw of the augmentation is the global batch's, sliced per
    # replica (DiffAugment draws the same way); ADA's r_t is summed over replicas.
    ada = keras.saving.serialize_keras_object(ADA(interval=1, adjustment_images=64))
    # A config, not an instance: each model makes its own ADA.
    assert_same_training(mirrored_strategy, kg.GAN, compile_kwargs={"augment": ada})
