"""`PathLengthPenalty` (StyleGAN2): hand-computed lengths, running mean, gradient, laziness."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import tiny_discriminator, tiny_generator
from helpers import one_step_of_each_player

import keras_gans as kg
from keras_gans.engine import StepState
from keras_gans.tricks import PathLengthPenalty

LATENT, NUM_WS, W_DIM, SIDE = 3, 2, 2, 2  # ws (batch, 2, 2) -> images (batch, 2, 2, 1)


def linear_style_generator(seed=0):
    """z -> Dense -> ws (layer "style_mixing") -> linear "synthesis" (images = A ws) -> tanh."""
    keras.utils.set_random_seed(seed)
    ws_in = keras.Input((NUM_WS, W_DIM), name="ws")
    flat = keras.layers.Flatten()(ws_in)
    pixels = keras.layers.Dense(SIDE * SIDE, use_bias=False, name="linear")(flat)
    synthesis = keras.Model(ws_in, keras.layers.Reshape((SIDE, SIDE, 1))(pixels), name="synthesis")
    z = keras.Input((LATENT,), name="z")
    w = keras.layers.Dense(W_DIM, name="mapping")(z)
    ws = keras.layers.RepeatVector(NUM_WS, name="style_mixing")(w)
    images = keras.layers.Activation("tanh", name="tanh")(synthesis(ws))
    return keras.Model(z, images, name="generator")


def linear_style_gan(**compile_kwargs):
    images = keras.Input((SIDE, SIDE, 1))
    logits = keras.layers.Dense(1)(keras.layers.Flatten(name="features")(images))
    discriminator = keras.Model(images, logits, name="discriminator")
    gan = kg.GAN(linear_style_generator(), discriminator, latent_dim=LATENT, seed=0)
    gan.compile(**compile_kwargs)
    return gan


def kernel(gan):
    """A of the synthesis, `images_flat = ws_flat @ A`: (NUM_WS * W_DIM, SIDE * SIDE)."""
    return np.asarray(gan.generator.get_layer("synthesis").get_layer("linear").kernel)


def expected_lengths(a, noise):
    """L_i = sqrt(mean over ws rows of ||d <A ws_i, y_i> / d ws_i||^2), the gradient being A y_i."""
    gradients = (a @ noise.reshape(len(noise), -1).T).T.reshape(-1, NUM_WS, W_DIM)
    return np.sqrt(np.mean(np.sum(gradients**2, axis=2), axis=1))


NOISE = np.random.default_rng(1).standard_normal((4, SIDE, SIDE, 1)).astype("float32") / SIDE


def test_path_lengths_of_a_linear_synthesis_match_the_hand_computed_ones():
    gan = linear_style_gan(path_length=2.0)
    (trick,) = gan.tricks
    ws = tf.random.normal((4, NUM_WS, W_DIM))
    lengths, finite = trick.path_lengths(ws, tf.constant(NOISE))
    np.testing.assert_allclose(lengths, expected_lengths(kernel(gan), NOISE), rtol=1e-5)
    assert bool(finite)


def fixed_draws(trick, monkeypatch):
    z = np.random.default_rng(2).standard_normal((4, LATENT)).astype("float32")
    monkeypatch.setattr(trick, "draw", lambda model, n: (tf.constant(z[:n]), tf.constant(NOISE)))


def test_running_mean_and_penalty_follow_stylegan2(monkeypatch):
    gan = linear_style_gan(path_length=2.0)
    (trick,) = gan.tricks
    fixed_draws(trick, monkeypatch)
    lengths = expected_lengths(kernel(gan), NOISE)  # a linear map: the same at any ws
    a = 0.0
    for _ in range(3):
        a = a + 0.01 * (lengths.mean() - a)  # pl_mean.lerp(mean L, pl_decay)
        penalty = float(trick.penalty(gan, 4))
        assert float(trick.mean) == pytest.approx(a, rel=1e-5)
        assert penalty == pytest.approx(np.mean((lengths - a) ** 2), rel=1e-5)
    assert trick.weights == [trick.mean] and trick.mean.path.endswith("path_length_mean")


def test_the_penalty_gradient_reaches_the_synthesis_weights_second_order(monkeypatch):
    gan = linear_style_gan(path_length=2.0)
    (trick,) = gan.tricks
    fixed_draws(trick, monkeypatch)
    a = kernel(gan)
    linear = gan.generator.get_layer("synthesis").get_layer("linear")
    with tf.GradientTape() as tape:
        penalty = trick.penalty(gan, 4)
    (gradient,) = tape.gradient(penalty, [linear.kernel])
    # d/dA mean_i (L_i - a)^2 with a held fixed: L_i = ||A y_i|| / sqrt(R), R = NUM_WS rows,
    # so dL_i/dA = (A y_i) y_i^T / (R L_i).
    y = NOISE.reshape(4, -1)
    lengths, mean = expected_lengths(a, NOISE), float(trick.mean)
    expected = (
        sum(
            2 * (lengths[i] - mean) * np.outer(a @ y[i], y[i]) / (NUM_WS * lengths[i])
            for i in range(4)
        )
        / 4
    )
    np.testing.assert_allclose(gradient, expected, rtol=1e-4, atol=1e-7)


def test_lazy_penalty_every_k_steps_scaled_by_k_and_the_mean_moves_only_then(monkeypatch):
    gan = linear_style_gan(path_length=1.0, path_length_every_n_steps=4)
    (trick,) = gan.tricks
    fixed_draws(trick, monkeypatch)
    state = StepState(real=None, fake=tf.zeros((8, SIDE, SIDE, 1)))  # penalty batch 8 // 2
    lengths = expected_lengths(kernel(gan), NOISE)
    a = 0.01 * lengths.mean()
    for iteration, expected, mean in (
        (0, 4 * np.mean((lengths - a) ** 2), a),
        (1, 0.0, a),
        (3, 0.0, a),
    ):
        gan.optimizers["generator"].iterations.assign(iteration)
        term = trick.generator_terms(gan, state)["path_length"]
        assert float(term) == pytest.approx(expected, rel=1e-5), iteration
        assert float(trick.mean) == pytest.approx(mean, rel=1e-5)
    assert gan.get_compile_config()["tricks"][0]["config"]["every_n_steps"] == 4


def test_trains_a_style_generator_and_the_mean_is_saved(tmp_path):
    generator = kg.networks.style_generator(8, (8, 8, 3), filters=8, mapping_layers=1)
    discriminator = kg.networks.resnet_discriminator((8, 8, 3), filters=8)
    gan = kg.GAN(generator, discriminator, latent_dim=8, seed=0)
    gan.compile(path_length=2.0, run_eagerly=True)
    before = [np.array(w) for w in generator.trainable_weights]
    _, g_logs = one_step_of_each_player(gan, tf.random.uniform((4, 8, 8, 3), -1, 1))
    assert float(g_logs["path_length"]) > 0 and np.isfinite(float(g_logs["g_loss"]))
    (trick,) = gan.tricks
    assert float(trick.mean) > 0
    mapping = generator.get_layer("mapping").trainable_weights[0]
    assert not np.allclose(mapping, before[generator.trainable_weights.index(mapping)])
    gan.save(tmp_path / "pl.keras")
    loaded = keras.models.load_model(tmp_path / "pl.keras")
    assert float(loaded.tricks[0].mean) == float(trick.mean)
    assert loaded.get_compile_config()["tricks"][0]["config"]["weight"] == 2.0


def test_a_generator_without_a_synthesis_sub_model_is_refused():
    gan = kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=8)
    with pytest.raises(ValueError, match="sub-model named 'synthesis'.*Received: a GAN whose"):
        gan.compile(path_length=2.0)
    with pytest.raises(ValueError, match=r"Received: path_length_every_n_steps=0"):
        gan.compile(path_length=2.0, path_length_every_n_steps=0)
    with pytest.raises(ValueError, match=r"Received: decay=0"):
        PathLengthPenalty(2.0, decay=0)
