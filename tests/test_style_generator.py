"""StyleGAN2 generator: modulated convolution, noise, style mixing, truncation, saving."""

import math
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.layers import (
    EqualizedDense,
    MixingLatent,
    ModulatedConv2D,
    NoiseInjection,
    StyleMixing,
    Truncation,
)

RNG = np.random.default_rng(0)
LATENT = 8


def normal(*shape):
    return RNG.normal(size=shape).astype("float32")


def tiny_generator(size=16, style_mixing=0.9, **kwargs):
    return kg.networks.style_generator(
        LATENT, (size, size, 3), mapping_layers=2, filters=8, style_mixing=style_mixing, **kwargs
    )


def set_noise_strengths(generator, value):
    for layer in generator.get_layer("synthesis").layers:
        if isinstance(layer, NoiseInjection):
            layer.strength.assign(value)


def broadcast(w, num_ws):
    return np.repeat(np.asarray(w)[:, None], num_ws, axis=1)


# === Structure ===


@pytest.mark.parametrize(("size", "num_ws"), [(16, 6), (32, 8)])
def test_shapes_and_the_two_halves(size, num_ws):
    g = tiny_generator(size)
    z = normal(3, LATENT)
    images = np.asarray(g(z))
    assert images.shape == (3, size, size, 3) and images.dtype == np.float32
    assert np.abs(images).max() <= 1.0
    mapping, synthesis = g.get_layer("mapping"), g.get_layer("synthesis")
    assert synthesis.inputs[0].shape == (None, num_ws, LATENT)  # 2 log2(size) - 2
    w = mapping(z)
    assert tuple(w.shape) == (3, LATENT)
    # Outside training: tanh(synthesis(w broadcast to every layer)).
    np.testing.assert_allclose(images, np.tanh(synthesis(broadcast(w, num_ws))), atol=1e-6)


def test_mapping_network_normalises_z_and_uses_equalised_dense_layers():
    g = kg.networks.style_generator(LATENT, (16, 16, 3), mapping_layers=3, w_dim=5, filters=8)
    mapping = g.get_layer("mapping")
    dense = [layer for layer in mapping.layers if isinstance(layer, EqualizedDense)]
    assert [layer.lr_multiplier for layer in dense] == [0.01] * 3 and dense[-1].units == 5
    z = normal(2, LATENT)
    np.testing.assert_allclose(mapping(z), mapping(7.0 * z), rtol=1e-4, atol=1e-6)  # pixel norm


def test_equalised_dense_scales_its_weights_at_run_time():
    layer = EqualizedDense(3, lr_multiplier=0.01, bias_initializer=2.0)
    x = normal(4, 5)
    outputs = np.asarray(layer(x))
    kernel, bias = np.asarray(layer.kernel), np.asarray(layer.bias)
    np.testing.assert_allclose(bias, 2.0)  # stored; used times 0.01
    np.testing.assert_allclose(outputs, x @ kernel * 0.01 / math.sqrt(5) + 0.02, rtol=1e-5)
    assert 50 < kernel.std() < 200  # stored as N(0, 1 / 0.01**2)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"power of two.*height=48, width=48"):
        kg.networks.style_generator(LATENT, (48, 48, 3))
    with pytest.raises(ValueError, match=r"square.*height=32, width=64"):
        kg.networks.style_generator(LATENT, (32, 64, 3))
    with pytest.raises(ValueError, match="mapping_layers=0"):
        kg.networks.style_generator(LATENT, (32, 32, 3), mapping_layers=0)
    with pytest.raises(ValueError, match=r"probability=1.5"):
        kg.networks.style_generator(LATENT, (32, 32, 3), style_mixing=1.5)
    with pytest.raises(ValueError, match="style_generator"):
        kg.networks.truncated(kg.networks.dcgan_generator(LATENT, (16, 16, 1)), 0.7)
    with pytest.raises(ValueError, match="psi='0.7'"):
        kg.networks.truncated(tiny_generator(), "0.7")


# === Modulated convolution ===


def conv_same(x, kernel):
    """A stride-1, "same"-padded convolution of one (H, W, C) image, as loops."""
    k = kernel.shape[0]
    pad = (k - 1) // 2
    padded = np.pad(x, ((pad, k - 1 - pad), (pad, k - 1 - pad), (0, 0)))
    out = np.zeros((*x.shape[:2], kernel.shape[-1]))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = np.tensordot(padded[i : i + k, j : j + k], kernel, axes=3)
    return out


@pytest.mark.parametrize("demodulate", [True, False])
def test_modulated_conv_matches_a_per_example_kernel(demodulate):
    x, w = normal(2, 4, 4, 3), normal(2, 5)
    layer = ModulatedConv2D(2, 3, demodulate=demodulate)
    layer.build([x.shape, w.shape])
    layer.bias.assign(normal(2))
    affine = layer.affine
    styles = w @ np.asarray(affine.kernel) / math.sqrt(5) + np.asarray(affine.bias)
    gain = 1 / math.sqrt(3 * 3 * 3)
    expected = []
    for example in range(2):
        kernel = np.asarray(layer.kernel) * gain * styles[example][None, None, :, None]
        if demodulate:  # each output channel's kernel to unit norm
            kernel = kernel / np.sqrt((kernel**2).sum(axis=(0, 1, 2)) + 1e-8)
        else:  # the toRGB layers: the style times the gain, once more
            kernel = kernel * gain
        expected.append(conv_same(x[example], kernel) + np.asarray(layer.bias))
    np.testing.assert_allclose(layer([x, w]), np.stack(expected), rtol=1e-4, atol=1e-5)


def test_demodulation_removes_the_style_scale():
    x, w = normal(1, 4, 4, 3), normal(1, 5)
    layer = ModulatedConv2D(2, 3, use_bias=False)
    y = np.asarray(layer([x, w]))
    layer.affine.bias.assign(3.0 * np.asarray(layer.affine.bias))  # styles = 3 * ...
    layer.affine.kernel.assign(3.0 * np.asarray(layer.affine.kernel))
    np.testing.assert_allclose(layer([x, w]), y, rtol=1e-4, atol=1e-6)


# === Noise ===


def test_noise_injection_fresh_in_training_fixed_otherwise():
    x = normal(2, 4, 4, 3)
    layer = NoiseInjection(seed=1)
    np.testing.assert_array_equal(layer(x, training=True), x)  # strength starts at 0
    layer.strength.assign(0.5)
    first, second = (np.asarray(layer(x, training=True)) for _ in range(2))
    assert np.abs(first - second).min() > 0  # fresh noise at every training call
    noise = (first - x) / 0.5
    np.testing.assert_allclose(noise, noise[..., :1].repeat(3, axis=-1), atol=1e-6)  # per pixel
    fixed = np.asarray(layer.fixed_noise)[None]
    np.testing.assert_allclose(layer(x), x + 0.5 * fixed, atol=1e-6)
    np.testing.assert_array_equal(layer(x), layer(x))


def test_zero_noise_strength_makes_a_training_call_deterministic():
    g = tiny_generator(style_mixing=0.0)
    z = normal(3, LATENT)
    np.testing.assert_array_equal(g(z, training=True), g(z, training=True))  # strengths are 0
    set_noise_strengths(g, 0.3)
    assert np.abs(np.asarray(g(z, training=True)) - np.asarray(g(z, training=True))).max() > 1e-4
    np.testing.assert_array_equal(g(z), g(z))  # the fixed noise outside training


def test_seeded_draws_are_the_global_batch_rows_under_mirrored_strategy(mirrored_strategy):
    x = normal(8, 4, 4, 1)
    one_device = NoiseInjection(seed=3)
    one_device.build(x.shape)
    one_device.strength.assign(1.0)
    expected = np.asarray(one_device(x, training=True))
    with mirrored_strategy.scope():
        layer = NoiseInjection(seed=3)
        layer.build(x.shape)
        layer.strength.assign(1.0)

    def replica_step():
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        return layer(x[4 * replica : 4 * replica + 4], training=True)

    outputs = mirrored_strategy.experimental_local_results(mirrored_strategy.run(replica_step))
    np.testing.assert_allclose(np.concatenate([np.asarray(o) for o in outputs]), expected)


# === Style mixing ===


def test_style_mixing_layer_switches_to_the_second_latent_after_a_crossover():
    w, w_mix = normal(400, 3), normal(400, 3)
    layer = StyleMixing(num_ws=6, probability=0.5, seed=0)
    np.testing.assert_array_equal(layer([w, w_mix]), broadcast(w, 6))  # not training
    ws = np.asarray(layer([w, w_mix], training=True))
    from_w = (ws == w[:, None]).all(axis=-1)  # (batch, num_ws)
    from_mix = (ws == w_mix[:, None]).all(axis=-1)
    assert (from_w ^ from_mix).all()
    crossover = from_w.sum(axis=1)  # rows 0..c-1 are w, the rest w_mix
    np.testing.assert_array_equal(from_mix, np.arange(6)[None] >= crossover[:, None])
    mixed = crossover < 6
    assert 0.4 < mixed.mean() < 0.6
    assert set(crossover[mixed]) == {1, 2, 3, 4, 5}
    always = np.asarray(StyleMixing(6, probability=1.0)([w, w_mix], training=True))
    assert not (always == w[:, None]).all(axis=-1).all(axis=1).any()


def test_style_mixing_happens_only_in_training_and_changes_the_images():
    g = tiny_generator(style_mixing=1.0)
    z = normal(4, LATENT)
    inference = np.asarray(g(z))
    np.testing.assert_array_equal(g(z), inference)
    assert np.abs(np.asarray(g(z, training=True)) - inference).max() > 1e-3
    no_mixing = tiny_generator(style_mixing=0.0)
    assert "mixing_latent" not in [layer.name for layer in no_mixing.layers]
    no_mixing.set_weights(g.get_weights())  # the mixing layers have no weights
    np.testing.assert_allclose(no_mixing(z, training=True), inference, atol=1e-6)


def test_mixing_latent_draws_a_fresh_normal_only_in_training():
    z = normal(500, LATENT)
    layer = MixingLatent(seed=0)
    np.testing.assert_array_equal(layer(z), z)
    drawn = np.asarray(layer(z, training=True))
    assert abs(drawn.mean()) < 0.05 and abs(drawn.std() - 1) < 0.05
    assert np.abs(np.corrcoef(drawn.ravel(), z.ravel())[0, 1]) < 0.05


# === Truncation ===


def test_w_avg_moves_during_training_calls_only():
    g = tiny_generator()
    truncation = g.get_layer("truncation")
    np.testing.assert_array_equal(truncation.w_avg, 0.0)
    z = normal(4, LATENT)
    g(z)
    np.testing.assert_array_equal(truncation.w_avg, 0.0)
    g(z, training=True)
    mean_w = np.asarray(g.get_layer("mapping")(z)).mean(axis=0)
    np.testing.assert_allclose(truncation.w_avg, 0.005 * mean_w, rtol=1e-4, atol=1e-7)
    before = np.asarray(truncation.w_avg)
    kg.networks.truncated(g, 0.5)(z)
    np.testing.assert_array_equal(truncation.w_avg, before)


def test_truncation_layer_formula():
    layer = Truncation(beta=0.5)
    w = normal(3, 4)
    layer(w, training=True)
    w_avg = 0.5 * w.mean(axis=0)
    np.testing.assert_allclose(layer.w_avg, w_avg, rtol=1e-6)
    np.testing.assert_allclose(layer(w, psi=0.7), w_avg + 0.7 * (w - w_avg), rtol=1e-5)
    with pytest.raises(ValueError, match="beta=1"):
        Truncation(beta=1)


def test_w_avg_follows_the_global_batch_under_mirrored_strategy(mirrored_strategy):
    w = normal(8, 3) + np.arange(8)[:, None]  # the halves have different means
    with mirrored_strategy.scope():
        layer = Truncation()
        layer.build(w.shape)

    def replica_step():
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        return layer(w[4 * replica : 4 * replica + 4], training=True)

    mirrored_strategy.run(replica_step)
    np.testing.assert_allclose(layer.w_avg, 0.005 * w.mean(axis=0), rtol=1e-5)


def test_truncation_psi_0_is_the_average_image_and_psi_1_the_generator():
    g = tiny_generator()
    for _ in range(3):
        g(normal(4, LATENT), training=True)
    z = normal(5, LATENT)
    average = np.asarray(kg.networks.truncated(g, 0.0)(z, training=False))
    np.testing.assert_allclose(average, np.broadcast_to(average[:1], average.shape), atol=1e-6)
    w_avg = np.asarray(g.get_layer("truncation").w_avg)[None]
    w_avg_image = np.tanh(g.get_layer("synthesis")(broadcast(w_avg, 6)))
    np.testing.assert_allclose(average[:1], w_avg_image, atol=1e-6)
    np.testing.assert_allclose(kg.networks.truncated(g, 1.0)(z), g(z), atol=1e-6)
    assert np.abs(average - np.asarray(g(z))).max() > 1e-3


def test_path_length_reaches_w_through_the_style_mixing_output():
    g = tiny_generator()
    ws_model = keras.Model(g.input, g.get_layer("style_mixing").output)
    synthesis = g.get_layer("synthesis")
    z = normal(2, LATENT)
    ws = ws_model(z, training=True)
    with tf.GradientTape() as tape:
        tape.watch(ws)
        images = synthesis(ws, training=True)
        projected = tf.reduce_sum(images * normal(*images.shape))
    gradient = tape.gradient(projected, ws)
    assert gradient.shape == (2, 6, LATENT) and np.abs(np.asarray(gradient)).min() > 0


# === Saving, mixed precision, models ===


def test_save_and_load_keep_outputs_w_avg_and_random_states(tmp_path):
    g = tiny_generator()
    set_noise_strengths(g, 0.2)
    z = normal(4, LATENT)
    g(z, training=True)
    g.save(tmp_path / "g.keras")
    loaded = keras.models.load_model(tmp_path / "g.keras")
    np.testing.assert_array_equal(loaded(z), g(z))
    np.testing.assert_array_equal(
        loaded.get_layer("truncation").w_avg, g.get_layer("truncation").w_avg
    )
    # The noise and mixing draws continue where the saved model's stopped.
    np.testing.assert_array_equal(loaded(z, training=True), g(z, training=True))
    truncated = kg.networks.truncated(loaded, 0.5)(z)
    np.testing.assert_array_equal(truncated, kg.networks.truncated(g, 0.5)(z))


def test_outputs_are_float32_under_mixed_precision():
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        g = tiny_generator()
        set_noise_strengths(g, 0.1)
        images = g(normal(2, LATENT), training=True)
        truncated = kg.networks.truncated(g, 0.7)(normal(2, LATENT))
    finally:
        keras.config.set_dtype_policy(policy)
    assert images.dtype == "float32" and truncated.dtype == "float32"
    assert g.get_layer("synthesis").get_layer("b16_conv0_conv").compute_dtype == "float16"
    assert np.isfinite(np.asarray(images)).all()


def test_plugs_into_a_gan_with_an_ema_copy():
    g = tiny_generator()
    d = kg.networks.resnet_discriminator((16, 16, 3), filters=8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ends in tanh: no warning
        model = kg.GAN(g, d, latent_dim=LATENT, ema_decay=0.999, seed=0)
    ema = model.ema["generator"].generator  # keras.models.clone_model of g
    g(normal(4, LATENT), training=True)
    model.ema["generator"].update(g)
    np.testing.assert_array_equal(
        ema.get_layer("truncation").w_avg, g.get_layer("truncation").w_avg
    )
    z = normal(3, LATENT)
    average = kg.networks.truncated(g, 0.0)(z)
    np.testing.assert_allclose(kg.networks.truncated(ema, 0.0)(z), average, atol=1e-5)
    images = model.generate(4, seed=0)
    np.testing.assert_array_equal(images, model.generate(4, seed=0))


@pytest.mark.slow  # about 10-20 s on 2 shared cores: the traced GAN step
def test_a_gan_trains_a_step_with_it():
    keras.utils.set_random_seed(0)
    g = tiny_generator()
    d = kg.networks.resnet_discriminator((16, 16, 3), filters=8)
    model = kg.GAN(g, d, latent_dim=LATENT, seed=0)
    model.compile()
    history = model.fit(np.tanh(normal(8, 16, 16, 3)), batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])
    assert np.abs(np.asarray(g.get_layer("truncation").w_avg)).max() > 0
