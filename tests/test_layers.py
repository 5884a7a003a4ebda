"""GAN layers against their papers' formulas, hand-computed with numpy, and their saving."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.layers import (
    FourierFeatures,
    GaussianMixtureLatent,
    Maxout,
    MinibatchDiscrimination,
    MinibatchStdDev,
    VirtualBatchNormalization,
)

RNG = np.random.default_rng(0)


def normal(*shape):
    return RNG.normal(size=shape).astype("float32")


# === MinibatchDiscrimination (Salimans et al. 2016, sec. 3.2) ===


def minibatch_features(x, kernel, num_kernels, kernel_dim):
    """o(x_i)_b = sum_j exp(-||M_i,b - M_j,b||_L1), M_i = x_i T, written as loops."""
    m = (x @ kernel).reshape(len(x), num_kernels, kernel_dim)
    o = np.zeros((len(x), num_kernels))
    for i in range(len(x)):
        for j in range(len(x)):  # j = i included
            for b in range(num_kernels):
                o[i, b] += np.exp(-np.abs(m[i, b] - m[j, b]).sum())
    return np.concatenate([x, o], axis=1)


def test_minibatch_discrimination_matches_the_paper():
    x, kernel = normal(3, 4), 0.3 * normal(4, 2 * 3)  # batch 3, A=4, B=2, C=3
    layer = MinibatchDiscrimination(num_kernels=2, kernel_dim=3)
    layer.build(x.shape)
    layer.kernel.assign(kernel)
    np.testing.assert_allclose(layer(x), minibatch_features(x, kernel, 2, 3), rtol=1e-5)


def test_minibatch_discrimination_sums_over_j_including_i():
    layer = MinibatchDiscrimination(num_kernels=5, kernel_dim=2)
    alone = np.asarray(layer(normal(1, 4)))
    np.testing.assert_allclose(alone[:, 4:], 1.0)  # only c(x_i, x_i) = exp(0)
    copies = np.asarray(layer(np.repeat(normal(1, 4), 3, axis=0)))
    np.testing.assert_allclose(copies[:, 4:], 3.0)  # a collapsed batch: every c = 1


def test_minibatch_discrimination_shapes():
    features = keras.Input((6,))
    outputs = MinibatchDiscrimination(num_kernels=7, kernel_dim=3)(features)
    assert outputs.shape == (None, 13)
    with pytest.raises(ValueError, match=r"\(batch, features\).*input_shape=\(None, 4, 4, 2\)"):
        MinibatchDiscrimination()(keras.Input((4, 4, 2)))


@pytest.mark.parametrize(("arg", "value"), [("num_kernels", 0), ("kernel_dim", -1)])
def test_minibatch_discrimination_rejects_bad_sizes(arg, value):
    with pytest.raises(ValueError, match=f"positive integer. Received: {arg}={value}"):
        MinibatchDiscrimination(**{arg: value})
    with pytest.raises(ValueError, match=f"Received: {arg}=2.5"):
        MinibatchDiscrimination(**{arg: 2.5})


# === MinibatchStdDev (Karras et al. 2018, sec. 3) ===


def group_std(samples):
    """Population std of each feature over the samples, averaged to one scalar."""
    return np.sqrt(samples.var(axis=0) + 1e-8).mean()


def test_minibatch_std_dev_groups_of_four():
    x = normal(8, 2, 2, 3)
    out = np.asarray(MinibatchStdDev(group_size=4)(x))
    assert out.shape == (8, 2, 2, 4)
    np.testing.assert_array_equal(out[..., :3], x)
    # Two groups: samples {0, 2, 4, 6} and {1, 3, 5, 7}, one constant channel per sample.
    for sample in range(8):
        expected = group_std(x[sample % 2 :: 2])
        np.testing.assert_allclose(out[sample, ..., 3], expected, rtol=1e-5)


@pytest.mark.parametrize(
    ("group_size", "batch_size"), [(4, 6), (4, 3), (None, 8), (None, 5), (3, 3)]
)
def test_minibatch_std_dev_falls_back_to_the_whole_batch(group_size, batch_size):
    """A batch that is not a multiple of group_size (or group_size=None) is one group."""
    x = normal(batch_size, 5)
    out = np.asarray(MinibatchStdDev(group_size=group_size)(x))
    assert out.shape == (batch_size, 6)
    np.testing.assert_allclose(out[:, 5], group_std(x), rtol=1e-5)


def test_minibatch_std_dev_with_an_unknown_batch_size():
    layer = MinibatchStdDev()
    traced = tf.function(layer, input_signature=[tf.TensorSpec((None, 5))])
    for batch_size in (6, 8):  # one group, then two groups of four
        x = normal(batch_size, 5)
        np.testing.assert_allclose(traced(x), layer(x), rtol=1e-6)
    images = keras.Input((2, 2, 3))
    assert MinibatchStdDev()(images).shape == (None, 2, 2, 4)


def test_minibatch_std_dev_rejects_a_bad_group_size():
    with pytest.raises(ValueError, match="positive integer. Received: group_size=0"):
        MinibatchStdDev(group_size=0)


# === VirtualBatchNormalization (Salimans et al. 2016, sec. 3.4) ===


def virtual_batch_norm(x, reference, epsilon=1e-3):
    """The paper's virtual batch: the reference batch plus the example itself."""
    axes = tuple(range(reference.ndim - 1))
    spatial = tuple(range(1, x.ndim - 1))
    weight = 1 / (len(reference) + 1)
    mean = weight * x.mean(spatial, keepdims=True) + (1 - weight) * reference.mean(axes)
    mean_square = weight * (x**2).mean(spatial, keepdims=True) + (1 - weight) * (reference**2).mean(
        axes
    )
    return (x - mean) / np.sqrt(mean_square - mean**2 + epsilon)


def batch_norm(x, epsilon=1e-3):
    axes = tuple(range(x.ndim - 1))
    return (x - x.mean(axes)) / np.sqrt(x.var(axes) + epsilon)


def test_vbn_records_the_first_training_batch_then_uses_it():
    reference, x = normal(4, 2, 2, 3), normal(2, 2, 2, 3)
    layer = VirtualBatchNormalization()
    # The reference batch is normalised by its own statistics, which are recorded.
    np.testing.assert_allclose(layer(reference, training=True), batch_norm(reference), atol=1e-5)
    assert layer.reference_is_set and float(layer.reference_size) == 4
    np.testing.assert_allclose(layer.reference_mean, reference.mean((0, 1, 2)), atol=1e-6)
    np.testing.assert_allclose(layer.reference_mean_square, (reference**2).mean((0, 1, 2)))
    expected = virtual_batch_norm(x, reference)
    np.testing.assert_allclose(layer(x, training=True), expected, atol=1e-5)
    np.testing.assert_allclose(layer(x, training=False), expected, atol=1e-5)
    # Each example is normalised independently of the others in its batch.
    np.testing.assert_allclose(layer(x[:1], training=True), expected[:1], atol=1e-5)
    np.testing.assert_allclose(layer.reference_mean, reference.mean((0, 1, 2)), atol=1e-6)


def test_vbn_on_feature_vectors_and_learned_scale_and_offset():
    reference, x = normal(5, 4), normal(3, 4)
    layer = VirtualBatchNormalization(epsilon=0.01)
    layer.set_reference(reference)
    layer.gamma.assign([1.0, 2.0, 3.0, 4.0])
    layer.beta.assign([0.0, -1.0, 1.0, 0.5])
    expected = virtual_batch_norm(x, reference, 0.01) * [1, 2, 3, 4] + [0, -1, 1, 0.5]
    np.testing.assert_allclose(layer(x, training=True), expected, atol=1e-5)


def test_vbn_before_any_reference_and_after_a_reset():
    x = normal(6, 3)
    layer = VirtualBatchNormalization()
    np.testing.assert_allclose(layer(x, training=False), batch_norm(x), atol=1e-5)
    assert not layer.reference_is_set  # inference records nothing
    layer(x, training=True)
    layer.reset_reference()
    assert not layer.reference_is_set
    new_reference = normal(3, 3) + 5.0
    layer(new_reference, training=True)
    np.testing.assert_allclose(layer.reference_mean, new_reference.mean(0), atol=1e-6)


def test_vbn_captures_reference_activations_inside_a_trained_model():
    """In a functional model the reference is the activations reaching the layer in `fit`."""
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4, name="dense")(inputs)
    model = keras.Model(inputs, VirtualBatchNormalization(name="vbn")(hidden))
    dense_kernel = np.array(model.get_layer("dense").kernel)
    first_batch = normal(8, 3)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    model.fit(first_batch, normal(8, 4), batch_size=8, epochs=1, shuffle=False, verbose=0)
    vbn = model.get_layer("vbn")
    assert float(vbn.reference_size) == 8
    np.testing.assert_allclose(vbn.reference_mean, (first_batch @ dense_kernel).mean(0), atol=1e-5)


def test_minibatch_layers_see_each_replicas_own_batch(mirrored_strategy):
    # Documented: under tf.distribute the minibatch statistics are per replica.
    with mirrored_strategy.scope():
        std_dev = MinibatchStdDev(group_size=None)
        discrimination = MinibatchDiscrimination(num_kernels=2, kernel_dim=3)
        discrimination.build((None, 4))
    batch = normal(8, 4)
    shards = [batch[:4], batch[4:]]

    def replica_step():
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        return std_dev(shards[replica]), discrimination(shards[replica])

    std_outputs, mbd_outputs = mirrored_strategy.run(replica_step)
    kernel = np.array(discrimination.kernel)
    for shard, std_out, mbd_out in zip(
        shards,
        mirrored_strategy.experimental_local_results(std_outputs),
        mirrored_strategy.experimental_local_results(mbd_outputs),
        strict=True,
    ):
        expected_std = np.sqrt(shard.var(axis=0) + 1e-8).mean()
        np.testing.assert_allclose(np.array(std_out)[:, -1], expected_std, rtol=1e-5)
        expected = minibatch_features(shard, kernel.reshape(4, -1), 2, 3)
        np.testing.assert_allclose(np.array(mbd_out), expected, rtol=1e-5)


def test_vbn_reference_is_the_global_first_batch_under_mirrored_strategy(mirrored_strategy):
    strategy = mirrored_strategy
    with strategy.scope():
        layer = VirtualBatchNormalization()
        layer.build((None, 3))
    batch = normal(8, 3)
    shards = [batch[:4], batch[4:]]

    def replica_step():
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        return layer(shards[replica], training=True)

    outputs = strategy.run(replica_step)
    for shard, output in zip(shards, strategy.experimental_local_results(outputs), strict=True):
        np.testing.assert_allclose(output, batch_norm(shard), atol=1e-5)  # per-replica capture
    np.testing.assert_allclose(layer.reference_mean, batch.mean(0), atol=1e-6)
    np.testing.assert_allclose(layer.reference_mean_square, (batch**2).mean(0), atol=1e-6)
    assert layer.reference_is_set and layer.reference_size.numpy() == 4  # per-replica batch


def test_vbn_rejects_bad_arguments():
    with pytest.raises(ValueError, match="positive number. Received: epsilon=0"):
        VirtualBatchNormalization(epsilon=0)
    with pytest.raises(ValueError, match=r"channels.*input_shape=\(None,\)"):
        VirtualBatchNormalization().build((None,))


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


# === Saving ===


@pytest.mark.parametrize(
    "layer",
    [
        MinibatchDiscrimination(num_kernels=7, kernel_dim=2, kernel_initializer="he_normal"),
        MinibatchStdDev(group_size=None),
        VirtualBatchNormalization(epsilon=1e-4),
        Maxout(num_units=3),
        GaussianMixtureLatent(num_components=7, stddev=0.3),
        FourierFeatures(num_frequencies=5, scale=2.0, include_inputs=False, seed=4),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_serialization_round_trip(layer):
    config = keras.saving.serialize_keras_object(layer)
    assert config["registered_name"] == f"keras_gans>{type(layer).__name__}"
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(layer) and restored.get_config() == layer.get_config()


def test_save_and_load_keep_outputs_and_reference_statistics(tmp_path):
    inputs = keras.Input((4,))
    x = FourierFeatures(3, scale=1.0, name="fourier")(inputs)  # its frequencies are weights
    x = keras.layers.Dense(6)(x)
    x = VirtualBatchNormalization(name="vbn")(x)
    x = MinibatchStdDev(name="stddev")(x)
    x = MinibatchDiscrimination(num_kernels=3, kernel_dim=2, name="minibatch")(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    model(normal(8, 4), training=True)  # records the reference
    model.get_layer("vbn").gamma.assign(np.linspace(0.5, 1.5, 6))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.get_layer("vbn").reference_is_set
    for weight, restored in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(weight, restored)
    x = normal(8, 4)
    np.testing.assert_allclose(loaded(x, training=True), model(x, training=True), rtol=1e-6)
    # A resumed model keeps its reference: new training batches do not replace it.
    loaded(normal(8, 4) + 3.0, training=True)
    np.testing.assert_array_equal(
        loaded.get_layer("vbn").reference_mean, model.get_layer("vbn").reference_mean
    )
