"""GAN layers that see the batch (minibatch discrimination, minibatch standard deviation,
virtual batch normalisation) against their papers' formulas, and every layer's saving.
The feature layers (maxout, the mixture latent, Fourier features): test_feature_layers.py."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import normal

from keras_gans.layers import (
    FourierFeatures,
    GaussianMixtureLatent,
    Maxout,
    MinibatchDiscrimination,
    MinibatchStdDev,
    VirtualBatchNormalization,
)

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
