"""ResNet generator and discriminator (SNGAN / SAGAN), self-attention and conditional BatchNorm."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.layers import ConditionalBatchNormalization, SelfAttention

RNG = np.random.default_rng(0)
LATENT = 8


def normal(*shape):
    return RNG.normal(size=shape).astype("float32")


def tiny_pair(size, channels=3, num_classes=None, **kwargs):
    g = kg.networks.resnet_generator(
        LATENT, (size, size, channels), num_classes=num_classes, filters=8, **kwargs
    )
    d = kg.networks.resnet_discriminator((size, size, channels), num_classes=num_classes, filters=8)
    return g, d


# === Shapes and sizes ===


@pytest.mark.parametrize("size", [16, 32, 48, 64, 100])
def test_networks_fit_together_at_any_size(size):
    g, d = tiny_pair(size)
    images = np.asarray(g(normal(2, LATENT)))
    assert images.shape == (2, size, size, 3) and images.dtype == np.float32
    assert np.abs(images).max() <= 1.0
    assert tuple(d(images).shape) == (2, 1)
    assert d.get_layer("features").output.shape == (None, 8)


def test_one_channel_images_and_non_square_sizes():
    g = kg.networks.resnet_generator(LATENT, (28, 28, 1), filters=8)
    d = kg.networks.resnet_discriminator((28, 28, 1), filters=8)
    assert g.output_shape == (None, 28, 28, 1) and d.output_shape == (None, 1)
    g = kg.networks.resnet_generator(LATENT, (48, 80, 3), filters=8)
    assert g.output_shape == (None, 48, 80, 3)
    assert kg.networks.resnet_discriminator((48, 80, 3), filters=8).output_shape == (None, 1)


def test_generator_grows_from_a_small_map_and_crops_to_the_size():
    # 100 = 7 * 16 - 12: a 7x7 projection, four upsamplings to 112, 6 pixels cropped a side.
    g = kg.networks.resnet_generator(LATENT, (100, 100, 3), filters=8)
    assert g.get_layer("reshape").output.shape == (None, 7, 7, 8)
    assert g.get_layer("crop").cropping == ((6, 6), (6, 6))
    g = kg.networks.resnet_generator(LATENT, (48, 48, 3), filters=8)  # SNGAN STL-10: 6 * 8
    assert g.get_layer("reshape").output.shape == (None, 6, 6, 8)
    assert "crop" not in [layer.name for layer in g.layers]


def test_discriminator_blocks_follow_the_sngan_nets():
    def block_sizes(size):
        d = kg.networks.resnet_discriminator((size, size, 3), filters=8)
        return [layer.output.shape[1] for layer in d.layers if layer.name.endswith("_add")]

    assert block_sizes(32) == [16, 8, 8, 8]  # the CIFAR-10 discriminator
    assert block_sizes(64) == [32, 16, 8, 4, 4]
    assert block_sizes(100) == [50, 25, 13, 7, 7]


def test_default_filters_by_size():
    def conv_widths(model):
        return [
            layer.filters
            for layer in model._flatten_layers()
            if isinstance(layer, keras.layers.Conv2D) and "_conv2" in layer.name
        ]

    g = kg.networks.resnet_generator(128, (32, 32, 3))
    assert g.get_layer("reshape").output.shape[-1] == 256 and conv_widths(g) == [256] * 3
    assert conv_widths(kg.networks.resnet_discriminator((32, 32, 3))) == [128] * 4
    g = kg.networks.resnet_generator(128, (48, 48, 3))
    assert g.get_layer("reshape").output.shape[-1] == 512 and conv_widths(g) == [256, 128, 64]


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"at least 8.*height=6"):
        kg.networks.resnet_generator(LATENT, (6, 6, 3))
    with pytest.raises(ValueError, match=r"list of 4 positive ints.*filters=\[8, 8\]"):
        kg.networks.resnet_generator(LATENT, (32, 32, 3), filters=[8, 8])
    with pytest.raises(ValueError, match=r"list of 4 positive ints.*filters=0"):
        kg.networks.resnet_discriminator((32, 32, 3), filters=0)
    with pytest.raises(ValueError, match=r"num_classes=1"):
        kg.networks.resnet_discriminator((32, 32, 3), num_classes=1)


# === Conditioning ===


def test_projection_discriminator_adds_embedding_dot_features():
    d = kg.networks.resnet_discriminator((16, 16, 3), num_classes=3, filters=8)
    parts = keras.Model(d.inputs, [d.get_layer("logit").output, d.get_layer("features").output])
    images, labels = normal(4, 16, 16, 3), np.array([0, 1, 2, 1], "int32")
    logit, features = (np.asarray(t) for t in parts([images, labels]))
    embeddings = np.asarray(d.get_layer("label_projection").layer.kernel)  # (classes, features)
    expected = logit[:, 0] + (embeddings[labels] * features).sum(axis=1)
    np.testing.assert_allclose(np.asarray(d([images, labels]))[:, 0], expected, rtol=1e-5)
    other = np.asarray(d([images, (labels + 1) % 3]))[:, 0]
    assert np.abs(other - expected).min() > 1e-4  # every logit depends on its label


def test_conditional_generator_uses_class_scales_and_offsets():
    g = kg.networks.resnet_generator(LATENT, (16, 16, 3), num_classes=3, filters=8)
    norms = [layer for layer in g.layers if isinstance(layer, ConditionalBatchNormalization)]
    assert len(norms) == 4  # two per block; the output BN is unconditional
    assert isinstance(g.get_layer("output_bn"), keras.layers.BatchNormalization)
    for layer in norms:
        layer.gamma.assign(1.0 + 0.5 * normal(*layer.gamma.shape))
        layer.beta.assign(0.5 * normal(*layer.beta.shape))
    z = np.repeat(normal(1, LATENT), 3, axis=0)
    images = np.asarray(g([z, np.array([0, 1, 2], "int32")]))
    assert np.abs(images[0] - images[1]).max() > 1e-3 and np.abs(images[1] - images[2]).max() > 1e-3
    again = np.asarray(g([z, np.array([0, 0, 2], "int32")]))
    np.testing.assert_allclose(again[1], images[0], atol=1e-6)


def cbn_reference(x, labels, gamma, beta, epsilon=1e-3):
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    return (x - mean) / np.sqrt(var + epsilon) * gamma[labels, None, None] + beta[
        labels, None, None
    ]


def test_conditional_batch_norm_is_batch_norm_with_a_scale_and_offset_per_class():
    x, labels = normal(6, 3, 3, 2), np.array([0, 1, 2, 2, 1, 0], "int32")
    layer = ConditionalBatchNormalization(3)
    layer.build([x.shape, labels.shape])
    initial = cbn_reference(x, labels, np.ones((3, 2)), np.zeros((3, 2)))  # plain BatchNorm
    np.testing.assert_allclose(layer([x, labels], training=True), initial, atol=1e-5)
    gamma, beta = normal(3, 2), normal(3, 2)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    np.testing.assert_allclose(
        layer([x, labels], training=True), cbn_reference(x, labels, gamma, beta), atol=1e-5
    )
    # Inference uses the moving statistics: two updates at momentum 0.9 from mean 0, variance 1.
    kept = 0.9**2
    mean, var = (1 - kept) * x.mean(axis=(0, 1, 2)), kept + (1 - kept) * x.var(axis=(0, 1, 2))
    expected = (x - mean) / np.sqrt(var + 1e-3) * gamma[labels, None, None] + beta[
        labels, None, None
    ]
    np.testing.assert_allclose(layer([x, labels], training=False), expected, atol=1e-5)


def test_conditional_batch_norm_bad_arguments():
    with pytest.raises(ValueError, match="num_classes=0"):
        ConditionalBatchNormalization(0)
    with pytest.raises(ValueError, match=r"expects inputs \[x, labels\]"):
        ConditionalBatchNormalization(3)(keras.Input((4, 4, 2)))


@pytest.mark.parametrize("synchronized", [True, False])
def test_conditional_batch_norm_under_mirrored_strategy(mirrored_strategy, synchronized):
    x, labels = normal(8, 3, 3, 2) + np.arange(8)[:, None, None, None], np.arange(8) % 3
    gamma, beta = normal(3, 2), normal(3, 2)

    def make():
        layer = ConditionalBatchNormalization(3, synchronized=synchronized)
        layer.build([(None, 3, 3, 2), (None,)])
        layer.gamma.assign(gamma)
        layer.beta.assign(beta)
        return layer

    one_device = make()
    expected = np.asarray(one_device([x, labels], training=True))
    with mirrored_strategy.scope():
        layer = make()

    def replica_step():
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        rows = slice(4 * replica, 4 * replica + 4)
        return layer([x[rows], labels[rows]], training=True)

    outputs = mirrored_strategy.experimental_local_results(mirrored_strategy.run(replica_step))
    outputs = np.concatenate([np.asarray(output) for output in outputs])
    if synchronized:  # the global batch's statistics: what one device computes
        np.testing.assert_allclose(outputs, expected, atol=1e-5)
        for ours, theirs in zip(
            layer.batch_norm.weights, one_device.batch_norm.weights, strict=True
        ):
            np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=1e-5)
    else:  # each replica's own statistics (the halves have different means)
        assert np.abs(outputs - expected).max() > 0.1


# === Self-attention ===


def attention_reference(x, layer):
    """SAGAN's formula in numpy, from the layer's own 1x1 kernels (no pooling)."""

    def conv(t, conv_layer):
        return t @ np.asarray(conv_layer.kernel)[0, 0]

    b, h, w, c = x.shape
    q, k, v = (
        conv(x, cl).reshape(b, h * w, -1)
        for cl in (layer.query_conv, layer.key_conv, layer.value_conv)
    )
    logits = q @ k.transpose(0, 2, 1)
    attention = np.exp(logits - logits.max(-1, keepdims=True))
    attention /= attention.sum(-1, keepdims=True)
    o = conv((attention @ v).reshape(b, h, w, -1), layer.output_conv)
    return x + float(layer.gamma.numpy()) * o


def test_self_attention_starts_as_identity_then_follows_sagan():
    x = normal(2, 4, 4, 16)
    layer = SelfAttention(pool=False)
    np.testing.assert_array_equal(layer(x), x)  # gamma = 0
    assert [c.filters for c in (layer.query_conv, layer.key_conv, layer.value_conv)] == [2, 2, 8]
    layer.gamma.assign(0.7)
    np.testing.assert_allclose(layer(x), attention_reference(x, layer), rtol=1e-4, atol=1e-5)
    pooled = SelfAttention()  # BigGAN's: keys and values max-pooled, odd sizes too
    assert pooled(normal(2, 5, 5, 16)).shape == (2, 5, 5, 16)


@pytest.mark.parametrize("resolution", [8, 16])
def test_self_attention_goes_where_asked(resolution):
    g = kg.networks.resnet_generator(LATENT, (32, 32, 3), filters=8, self_attention=resolution)
    d = kg.networks.resnet_discriminator((32, 32, 3), filters=8, self_attention=resolution)
    for model in (g, d):
        layer = model.get_layer("self_attention")
        assert layer.output.shape == (None, resolution, resolution, 8)
        assert float(layer.gamma.numpy()) == 0.0
    assert sum(isinstance(layer, SelfAttention) for layer in d.layers) == 1


def test_self_attention_at_a_missing_size_lists_the_sizes():
    with pytest.raises(
        ValueError, match=r"\[8, 16, 32\] for this image size. Received: self_attention=4"
    ):
        kg.networks.resnet_generator(LATENT, (32, 32, 3), self_attention=4)
    with pytest.raises(
        ValueError, match=r"\[8, 16\] for this image size. Received: self_attention=32"
    ):
        kg.networks.resnet_discriminator((32, 32, 3), self_attention=32)


# === Spectral normalisation ===


def wrapped_and_bare(model):
    """(names of layers under SpectralNormalization, names of bare Conv2D/Dense layers)."""
    wrapped, bare = set(), set()
    for layer in model._flatten_layers():
        if isinstance(layer, keras.layers.SpectralNormalization):
            wrapped.add(layer.layer.name)
        elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            bare.add(layer.name)
    return wrapped, bare - wrapped


def test_spectral_norm_wraps_every_weight_layer_of_d():
    d = kg.networks.resnet_discriminator((32, 32, 3), num_classes=3, filters=8, self_attention=8)
    wrapped, bare = wrapped_and_bare(d)
    assert not bare
    assert {"logit_unnormalized", "label_projection_unnormalized", "query", "output"} <= wrapped
    # 4 blocks of 2 convs, the shortcuts of the 2 downsampling ones, attention, logit, labels.
    assert len(wrapped) == 4 * 2 + 2 + 4 + 2
    d = kg.networks.resnet_discriminator((32, 32, 3), filters=8, spectral_norm=False)
    assert not wrapped_and_bare(d)[0]
    g = kg.networks.resnet_generator(LATENT, (32, 32, 3), filters=8)
    assert not wrapped_and_bare(g)[0]  # SNGAN: G without spectral norm
    g = kg.networks.resnet_generator(LATENT, (32, 32, 3), filters=8, spectral_norm=True)
    assert not wrapped_and_bare(g)[1]  # SAGAN / BigGAN: G with it


def test_minibatch_stddev_feeds_the_last_block():
    d = kg.networks.resnet_discriminator((32, 32, 3), filters=8, minibatch_stddev=True)
    assert d.get_layer("minibatch_stddev").output.shape == (None, 8, 8, 9)
    assert tuple(d(normal(4, 32, 32, 3)).shape) == (4, 1)


# === Saving, mixed precision, models ===


def test_save_and_load_give_identical_outputs(tmp_path):
    g = kg.networks.resnet_generator(
        LATENT, (16, 16, 3), num_classes=3, filters=8, self_attention=8, spectral_norm=True
    )
    d = kg.networks.resnet_discriminator(
        (16, 16, 3), num_classes=3, filters=8, self_attention=8, minibatch_stddev=True
    )
    z, labels = normal(4, LATENT), np.array([0, 1, 2, 0], "int32")
    g.get_layer("self_attention").gamma.assign(0.5)
    images = np.asarray(g([z, labels], training=True))  # moves BN statistics and SN vectors
    d([images, labels], training=True)
    for model, inputs in ((g, [z, labels]), (d, [images, labels])):
        model.save(tmp_path / f"{model.name}.keras")
        loaded = keras.models.load_model(tmp_path / f"{model.name}.keras")
        np.testing.assert_array_equal(loaded(inputs), model(inputs))


def test_outputs_are_float32_under_mixed_precision():
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        g = kg.networks.resnet_generator(
            LATENT, (16, 16, 3), num_classes=3, filters=8, self_attention=8, spectral_norm=True
        )
        d = kg.networks.resnet_discriminator(
            (16, 16, 3), num_classes=3, filters=8, self_attention=8
        )
        labels = np.array([0, 2], "int32")
        images = g([normal(2, LATENT), labels], training=True)
        logits = d([np.asarray(images), labels], training=True)
    finally:
        keras.config.set_dtype_policy(policy)
    assert images.dtype == "float32" and logits.dtype == "float32"
    assert g.get_layer("block1_relu1").compute_dtype == "float16"
    assert np.isfinite(np.asarray(logits)).all()


def test_a_conditional_gan_takes_them_without_warnings():
    g, d = tiny_pair(16, num_classes=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "not bounded by tanh" warning
        kg.ConditionalGAN(g, d, latent_dim=LATENT, num_classes=3, seed=0)


@pytest.mark.slow  # about 10-20 s on 2 shared cores: the traced GAN step
def test_a_conditional_gan_trains_a_step_with_them():
    keras.utils.set_random_seed(0)
    g, d = tiny_pair(16, num_classes=3)
    model = kg.ConditionalGAN(g, d, latent_dim=LATENT, num_classes=3, seed=0)
    model.compile(feature_matching=1.0)  # reads D's "features" layer
    images = np.tanh(normal(8, 16, 16, 3))
    history = model.fit(images, np.arange(8) % 3, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    assert np.isfinite(history.history["g_loss"][-1])
