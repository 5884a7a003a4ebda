"""Feature layers (maxout, the Gaussian mixture latent, Fourier features) against their
papers' formulas, hand-computed with numpy. Their saving: test_layers.py."""

import numpy as np
import pytest
import tensorflow as tf
from helpers import normal

from keras_gans.layers import (
    FourierFeatures,
    GaussianMixtureLatent,
    Maxout,
)

# === Maxout (Goodfellow et al. 2013) ===


def test_maxout_takes_the_largest_of_each_group_of_consecutive_features():
    x = np.array([[1.0, -2.0, 3.0, 0.5, -1.0, -4.0], [-1.0, 2.0, -3.0, 7.0, 8.0, 6.0]], "float32")
    np.testing.assert_array_equal(Maxout(2)(x), [[3.0, 0.5], [2.0, 8.0]])
    np.testing.assert_array_equal(Maxout(3)(x), [[1.0, 3.0, -1.0], [2.0, 7.0, 8.0]])
    images = normal(2, 3, 3, 8)  # any leading axes
    np.testing.assert_array_equal(Maxout(4)(images), images.reshape(2, 3, 3, 4, 2).max(-1))


def test_maxout_bad_arguments():
    with pytest.raises(ValueError, match="positive integer. Received: num_units=0"):
        Maxout(0)
    with pytest.raises(
        ValueError, match=r"multiple of `num_units` \(4\). Received: input_shape=\(None, 6\)"
    ):
        Maxout(4).build((None, 6))


# === Gaussian mixture latent (DeLiGAN, Gurumurthy et al. 2017) ===


def test_gaussian_mixture_latent_picks_a_component_by_the_normal_cdf_of_z0():
    from scipy.stats import norm

    layer = GaussianMixtureLatent(4)
    z = normal(64, 3)
    layer.build(z.shape)
    means, stddevs = normal(4, 2), np.abs(normal(4, 2)) + 0.1
    layer.set_weights([means, stddevs])
    component = np.minimum(np.floor(norm.cdf(z[:, 0]) * 4), 3).astype(int)
    assert set(component) == {0, 1, 2, 3}  # quartiles of N(0, 1): all four occur
    expected = means[component] + stddevs[component] * z[:, 1:]
    np.testing.assert_allclose(layer(z), expected, rtol=1e-5, atol=1e-6)
    # The component boundaries are the quantiles 0.25, 0.5, 0.75 of z[0].
    z0 = np.array([[-0.6745 - 1e-3, 0, 0], [-0.6745 + 1e-3, 0, 0], [1e-3, 0, 0], [5.0, 0, 0]])
    np.testing.assert_allclose(layer(z0.astype("float32")), means[[0, 1, 2, 3]], rtol=1e-6)


def test_gaussian_mixture_latent_initial_weights_and_gradients():
    layer = GaussianMixtureLatent(5, stddev=0.2)
    z = tf.constant(normal(16, 4))
    with tf.GradientTape() as tape:
        out = layer(z)
    assert out.shape == (16, 3) and layer.compute_output_shape((None, 4)) == (None, 3)
    np.testing.assert_array_equal(layer.stddevs, np.full((5, 3), 0.2, "float32"))
    assert np.all(np.abs(layer.means) <= 1.0)
    grads = tape.gradient(out, [layer.means, layer.stddevs])
    assert all(np.any(np.asarray(g) != 0) for g in grads)  # both are learned


def test_gaussian_mixture_latent_bad_arguments():
    with pytest.raises(ValueError, match="positive integer. Received: num_components=0"):
        GaussianMixtureLatent(0)
    with pytest.raises(ValueError, match="positive number. Received: stddev=0"):
        GaussianMixtureLatent(3, stddev=0)
    with pytest.raises(ValueError, match=r"size >= 2.*Received: input_shape=\(None, 1\)"):
        GaussianMixtureLatent(3).build((None, 1))


# === Fourier features (Tancik et al. 2020, sec. 5) ===


def test_fourier_features_are_the_inputs_then_cosines_then_sines_of_2_pi_x_b():
    x = np.array([[0.25, -0.5], [0.1, 0.3], [0.0, 0.0]], "float32")
    b = np.array([[1.0, 0.0, 2.0], [0.5, -1.0, 0.25]], "float32")
    layer = FourierFeatures(3)
    layer.build(x.shape)
    layer.frequencies.assign(b)
    angles = 2 * np.pi * x @ b  # row 0: 2 pi (0, 0.5, 0.375)
    np.testing.assert_allclose(angles[0], [0.0, np.pi, 0.75 * np.pi], rtol=1e-6)
    expected = np.concatenate([x, np.cos(angles), np.sin(angles)], axis=1)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer(x)[0, 2:5], [1.0, -1.0, -np.sqrt(0.5)], atol=1e-6)
    without = FourierFeatures(3, include_inputs=False)
    without.build(x.shape)
    without.frequencies.assign(b)
    np.testing.assert_allclose(without(x), expected[:, 2:], rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape((None, 2)) == (None, 8)
    assert without.compute_output_shape((None, 2)) == (None, 6)


def test_fourier_frequencies_are_fixed_draws_of_n_0_scale_squared():
    layer = FourierFeatures(4000, scale=0.25, seed=3)
    x = tf.constant(normal(5, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        sine = layer(x)[:, 2 + 4000 + 7]  # the sine of frequency 7
    b = np.asarray(layer.frequencies)
    assert b.shape == (2, 4000) and not layer.trainable_weights  # never trained
    assert abs(b.mean()) < 0.01 and abs(b.std() - 0.25) < 0.01  # 8,000 draws: std error 0.002
    again = FourierFeatures(4000, scale=0.25, seed=3)
    again.build((None, 2))
    np.testing.assert_array_equal(again.frequencies, b)  # the seed repeats the draw
    # The input gradient, which the generator learns from: d sin(2 pi x b) / dx = 2 pi b cos(.)
    grad = tape.gradient(sine, x)
    angles = 2 * np.pi * np.asarray(x) @ b[:, 7]
    expected = 2 * np.pi * np.cos(angles)[:, None] * b[:, 7]
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-5)


def test_fourier_features_in_float32_under_mixed_precision():
    layer = FourierFeatures(8, scale=4.0, seed=0, dtype="mixed_float16")
    x = normal(4, 2)
    out = layer(x)
    assert out.dtype == "float16"
    reference = FourierFeatures(8, scale=4.0, seed=0)
    reference.build(x.shape)
    reference.frequencies.assign(layer.frequencies)
    np.testing.assert_allclose(np.asarray(out, "float32"), reference(x), atol=2e-3)


def test_fourier_features_are_the_same_on_each_replica(mirrored_strategy):
    with mirrored_strategy.scope():
        layer = FourierFeatures(3, seed=0)
        layer.build((None, 2))
    batch = normal(8, 2)
    shards = [batch[:4], batch[4:]]

    def replica_step():
        return layer(shards[tf.distribute.get_replica_context().replica_id_in_sync_group])

    outputs = mirrored_strategy.experimental_local_results(mirrored_strategy.run(replica_step))
    # One frequency matrix for both replicas, and per-sample features: the one-device output.
    np.testing.assert_allclose(np.concatenate(outputs), layer(batch), rtol=1e-6, atol=1e-6)


def test_fourier_features_bad_arguments():
    with pytest.raises(ValueError, match="positive integer. Received: num_frequencies=0"):
        FourierFeatures(0)
    with pytest.raises(ValueError, match="positive number. Received: scale=-1"):
        FourierFeatures(4, scale=-1)
    with pytest.raises(ValueError, match="True or False. Received: include_inputs='yes'"):
        FourierFeatures(4, include_inputs="yes")
    with pytest.raises(ValueError, match=r"\(batch, features\).*input_shape=\(None, 2, 2\)"):
        FourierFeatures(4).build((None, 2, 2))
