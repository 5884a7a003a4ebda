import keras
import numpy as np
import pytest
from conftest import LATENT_DIM, NUM_CLASSES, tiny_dataset, tiny_images, tiny_labels, weights_of

import keras_gans as kg


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (64, 64, 3), (8, 8, 1)])
def test_dcgan_networks_fit_together(shape):
    g = kg.networks.dcgan_generator(16, shape)
    d = kg.networks.dcgan_discriminator(shape)
    z = np.random.default_rng(0).standard_normal((2, 16)).astype("float32")
    images = g(z)
    assert tuple(images.shape) == (2, *shape)
    assert float(keras.ops.max(keras.ops.abs(images))) <= 1.0
    assert tuple(d(images).shape) == (2, 1)


def test_dcgan_follows_the_radford_rules():
    g = kg.networks.dcgan_generator(16, (28, 28, 1))
    d = kg.networks.dcgan_discriminator((28, 28, 1))
    layer_types = {type(layer).__name__ for layer in g.layers + d.layers}
    assert not layer_types & {"MaxPooling2D", "AveragePooling2D"}
    assert g.layers[-1].activation.__name__ == "tanh"
    assert [type(layer).__name__ for layer in g.layers if "up" in layer.name] == [
        "Conv2DTranspose",
        "BatchNormalization",
        "ReLU",
    ]
    leaky = [layer for layer in d.layers if isinstance(layer, keras.layers.LeakyReLU)]
    assert leaky and all(np.isclose(layer.negative_slope, 0.2) for layer in leaky)
    # No BatchNorm on D's input layer, BatchNorm after the later convolutions.
    d_types = [type(layer).__name__ for layer in d.layers]
    assert d_types[1:4] == ["Conv2D", "LeakyReLU", "Conv2D"]
    assert "BatchNormalization" in d_types
    assert d.layers[-1].units == 1 and d.layers[-1].activation.__name__ == "linear"


def test_critic_normalization_options():
    for normalization, expected in (("layer", "LayerNormalization"), (None, None)):
        d = kg.networks.dcgan_discriminator((16, 16, 1), normalization=normalization)
        types = {type(layer).__name__ for layer in d.layers}
        assert "BatchNormalization" not in types
        assert expected is None or expected in types
    with pytest.raises(ValueError, match="normalization='group'"):
        kg.networks.dcgan_discriminator((16, 16, 1), normalization="group")


def test_mlp_networks():
    g = kg.networks.mlp_generator(10, (28, 28, 1))
    d = kg.networks.mlp_discriminator((28, 28, 1))
    images = g(np.zeros((3, 10), "float32"))
    assert tuple(images.shape) == (3, 28, 28, 1)
    assert tuple(d(images).shape) == (3, 1)
    assert all(
        isinstance(layer, (keras.layers.InputLayer, keras.layers.Dense, keras.layers.Reshape))
        for layer in g.layers
    )


# === Issue 9: minibatch options, virtual batch normalisation, MLPs for any data ===

TINY = (16, 16, 1)


def _types(model):
    return [type(layer).__name__ for layer in model.layers]


def _input_layer(model, name):
    """The layer whose output is the (single) input of layer `name`."""
    return model.get_layer(name).input._keras_history.operation


def test_default_networks_are_unchanged():
    # Weight and parameter counts and layer names of the networks before issue 9.
    expected = {
        "g": (12, 7489, ["project_bn", "up1_bn"]),
        "g_conditional": (13, 9561, ["label_embedding", "project_bn"]),
        "d": (9, 2505, ["down2_norm", "features", "logit"]),
        "d_conditional": (10, 3273, ["features", "label_projection", "conditional_logit"]),
        "d_layer_norm": (7, 2953, ["down2_norm", "features"]),
    }
    networks = {
        "g": kg.networks.dcgan_generator(LATENT_DIM, TINY, filters=16),
        "g_conditional": kg.networks.dcgan_generator(LATENT_DIM, TINY, num_classes=3, filters=16),
        "d": kg.networks.dcgan_discriminator(TINY, filters=8),
        "d_conditional": kg.networks.dcgan_discriminator(TINY, num_classes=3, filters=8),
        "d_layer_norm": kg.networks.dcgan_discriminator(TINY, filters=8, normalization="layer"),
    }
    for key, model in networks.items():
        num_weights, num_params, names = expected[key]
        assert (len(model.weights), model.count_params()) == (num_weights, num_params), key
        assert all(model.get_layer(name) for name in names)
        assert not {"MinibatchStdDev", "MinibatchDiscrimination"} & set(_types(model))
        assert "VirtualBatchNormalization" not in _types(model)
    g = kg.networks.mlp_generator(LATENT_DIM, TINY)
    d = kg.networks.mlp_discriminator(TINY)
    assert (len(g.weights), g.count_params()) == (8, 921600)
    assert (len(d.weights), d.count_params()) == (6, 263169)


@pytest.mark.parametrize("num_classes", [None, 3])
@pytest.mark.parametrize("normalization", ["batch", "layer"])
def test_dcgan_discriminator_minibatch_stddev_starts_the_last_block(num_classes, normalization):
    d = kg.networks.dcgan_discriminator(
        TINY, num_classes=num_classes, filters=8, normalization=normalization, minibatch="stddev"
    )
    assert _types(d).count("MinibatchStdDev") == 1
    # Karras et al. 2018: on the 4-D activations, just before the last convolution.
    assert _input_layer(d, "down2_conv").name == "minibatch_stddev"
    assert tuple(d.get_layer("minibatch_stddev").output.shape) == (None, 8, 8, 9)
    assert _input_layer(d, "logit").name == "features"
    inputs = [tiny_images(4)] + ([np.arange(4) % 3] if num_classes else [])
    assert tuple(d(inputs if num_classes else inputs[0]).shape) == (4, 1)


@pytest.mark.parametrize("num_classes", [None, 3])
@pytest.mark.parametrize("normalization", ["batch", "layer"])
def test_dcgan_discriminator_minibatch_discrimination_before_the_logit(num_classes, normalization):
    d = kg.networks.dcgan_discriminator(
        TINY,
        num_classes=num_classes,
        filters=8,
        normalization=normalization,
        minibatch="discrimination",
    )
    # Salimans et al. 2016: on the flat features; "features" is the sample's own ones.
    assert _input_layer(d, "minibatch_discrimination").name == "features"
    assert _input_layer(d, "logit").name == "minibatch_discrimination"
    assert tuple(d.get_layer("features").output.shape) == (None, 4 * 4 * 16)
    assert tuple(d.get_layer("minibatch_discrimination").output.shape) == (None, 256 + 100)
    if num_classes:
        assert d.get_layer("label_projection").output_dim == 256 + 100
    inputs = [tiny_images(4)] + ([np.arange(4) % 3] if num_classes else [])
    assert tuple(d(inputs if num_classes else inputs[0]).shape) == (4, 1)


@pytest.mark.parametrize("num_classes", [None, 3])
def test_dcgan_generator_with_virtual_batch_normalization(num_classes):
    g = kg.networks.dcgan_generator(
        LATENT_DIM, TINY, num_classes=num_classes, filters=16, normalization="virtual_batch"
    )
    default = kg.networks.dcgan_generator(LATENT_DIM, TINY, num_classes=num_classes, filters=16)
    assert "BatchNormalization" not in _types(g)
    assert _types(g) == [
        "VirtualBatchNormalization" if t == "BatchNormalization" else t for t in _types(default)
    ]
    z = np.random.default_rng(0).standard_normal((4, LATENT_DIM)).astype("float32")
    images = g([z, np.arange(4) % 3] if num_classes else z)
    assert tuple(images.shape) == (4, *TINY)


@pytest.mark.parametrize(
    "model_class, minibatch",
    [(kg.GAN, "stddev"), pytest.param(kg.ConditionalGAN, "discrimination", marks=pytest.mark.slow)],
)
def test_gan_with_virtual_batch_norm_and_minibatch_trains_saves_and_loads(
    tmp_path, model_class, minibatch
):
    keras.utils.set_random_seed(0)
    num_classes = NUM_CLASSES if model_class is kg.ConditionalGAN else None
    kwargs = {"num_classes": num_classes} if num_classes else {}
    g = kg.networks.dcgan_generator(
        LATENT_DIM, TINY, filters=16, normalization="virtual_batch", **kwargs
    )
    d = kg.networks.dcgan_discriminator(TINY, filters=8, minibatch=minibatch, **kwargs)
    model = model_class(g, d, latent_dim=LATENT_DIM, seed=0, **kwargs)
    model.compile(run_eagerly=model_class is kg.GAN)  # one traced, one eager
    vbn = [layer for layer in g.layers if isinstance(layer, kg.layers.VirtualBatchNormalization)]
    assert len(vbn) == 2 and not any(layer.reference_is_set for layer in vbn)
    labels = tiny_labels(32) if num_classes else None
    model.fit(tiny_dataset(32, 16, labels), epochs=1, verbose=0)
    assert int(model.optimizers["generator"].iterations) == 2
    assert all(float(layer.reference_size) > 0 for layer in vbn)

    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    z = np.random.default_rng(1).standard_normal((6, LATENT_DIM)).astype("float32")
    sample_labels = np.arange(6) % NUM_CLASSES if num_classes else None
    np.testing.assert_array_equal(
        loaded.generate_from_latent(z, sample_labels), model.generate_from_latent(z, sample_labels)
    )
    for layer in vbn:
        np.testing.assert_array_equal(
            loaded.generator.get_layer(layer.name).reference_mean, layer.reference_mean
        )


def test_mlp_networks_for_2d_points():
    g = kg.networks.mlp_generator(LATENT_DIM, (2,), units=(16, 16))
    assert g.output_shape == (None, 2)
    assert g.get_layer("to_pixels").activation.__name__ == "tanh"
    linear = kg.networks.mlp_generator(LATENT_DIM, data_shape=(2,), output_activation=None)
    assert linear.get_layer("to_pixels").activation.__name__ == "linear"
    d = kg.networks.mlp_discriminator((2,), units=(16, 16), minibatch=None)
    assert _input_layer(d, "hidden2_dropout").name == "features"
    assert d.get_layer("features").output.shape == (None, 16)
    assert d(np.zeros((3, 2), "float32")).shape == (3, 1)


def test_mlp_discriminator_minibatch_options():
    d = kg.networks.mlp_discriminator((2,), units=(16, 8), minibatch="stddev")
    assert _input_layer(d, "hidden2").name == "minibatch_stddev"  # start of the last block
    assert d.get_layer("minibatch_stddev").output.shape == (None, 17)
    d = kg.networks.mlp_discriminator((2,), units=(8,), minibatch="stddev")
    assert _input_layer(d, "minibatch_stddev").name == "flatten"  # one block: on the data
    d = kg.networks.mlp_discriminator(TINY, units=(16,), minibatch="discrimination")
    assert _input_layer(d, "minibatch_discrimination").name == "features"
    assert _input_layer(d, "hidden1_dropout").name == "minibatch_discrimination"
    assert d(tiny_images(4)).shape == (4, 1)


def test_mlp_discriminator_with_maxout_units():
    d = kg.networks.mlp_discriminator((2,), units=(6, 4), dropout=0.0, maxout_pieces=3)
    assert d.get_layer("hidden1").units == 18 and d.get_layer("hidden2").units == 12
    assert _input_layer(d, "hidden1_dropout").name == "hidden1_maxout"
    assert _input_layer(d, "features").name == "hidden2"
    assert d.get_layer("features").output.shape == (None, 4)
    x = np.random.default_rng(0).standard_normal((3, 2)).astype("float32")
    h = x
    for name in ("hidden1", "hidden2"):  # each unit: the max of its 3 consecutive pieces
        kernel, bias = d.get_layer(name).get_weights()
        h = (h @ kernel + bias).reshape(len(h), -1, 3).max(axis=-1)
    kernel, bias = d.get_layer("logit").get_weights()
    np.testing.assert_allclose(d(x), h @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_mlp_discriminator_with_fourier_features():
    d = kg.networks.mlp_discriminator(
        (2,), units=(6, 4), dropout=0.0, minibatch="stddev", fourier_features=5, fourier_scale=0.5
    )
    fourier = d.get_layer("fourier_features")
    assert _input_layer(d, "fourier_features").name == "flatten"
    assert _input_layer(d, "hidden1").name == "fourier_features"
    assert fourier.output.shape == (None, 12) and fourier.scale == 0.5  # 2 + 2 * 5
    x = np.random.default_rng(0).standard_normal((3, 2)).astype("float32")
    angles = 2 * np.pi * x @ np.asarray(fourier.frequencies)
    np.testing.assert_allclose(
        fourier(x), np.concatenate([x, np.cos(angles), np.sin(angles)], 1), rtol=1e-5, atol=1e-6
    )
    assert d.get_layer("features").output.shape == (None, 4) and d(x).shape == (3, 1)


def test_mlp_generator_with_a_mixture_latent():
    g = kg.networks.mlp_generator(3, (2,), units=(8,), latent_components=5)
    assert _input_layer(g, "hidden1").name == "mixture_latent"
    assert g.get_layer("mixture_latent").output.shape == (None, 2)
    z = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    h = np.asarray(g.get_layer("mixture_latent")(z))
    kernel, bias = g.get_layer("hidden1").get_weights()
    h = np.maximum(h @ kernel + bias, 0)
    kernel, bias = g.get_layer("to_pixels").get_weights()
    np.testing.assert_allclose(g(z), np.tanh(h @ kernel + bias), rtol=1e-5, atol=1e-6)


def test_mlp_gan_trains_on_the_ring_of_gaussians():
    keras.utils.set_random_seed(0)
    points = kg.data.toy_mixture("ring8", 64, seed=0)
    points = points / np.abs(points).max()  # into [-1, 1], as the benchmark does
    g = kg.networks.mlp_generator(LATENT_DIM, (2,), units=(16, 16))
    d = kg.networks.mlp_discriminator((2,), units=(16, 16), dropout=0.0, minibatch="stddev")
    gan = kg.GAN(g, d, latent_dim=LATENT_DIM, seed=0)
    gan.compile(run_eagerly=True)
    before = weights_of(g)
    gan.fit(points, batch_size=32, epochs=1, verbose=0)
    assert int(gan.optimizers["generator"].iterations) == 2
    assert any(not np.array_equal(a, b) for a, b in zip(before, weights_of(g), strict=True))
    assert gan.generate(5, seed=0).shape == (5, 2)


@pytest.mark.parametrize(
    "build, message",
    [
        (
            lambda: kg.networks.dcgan_discriminator(TINY, minibatch="x"),
            "'discrimination', 'stddev' or None. Received: minibatch='x'",
        ),
        (
            lambda: kg.networks.mlp_discriminator((2,), minibatch=True),
            "Received: minibatch=True",
        ),
        (
            lambda: kg.networks.dcgan_generator(LATENT_DIM, TINY, normalization="layer"),
            "'batch' or 'virtual_batch'. Received: normalization='layer'",
        ),
        (
            lambda: kg.networks.dcgan_discriminator(TINY, normalization="virtual_batch"),
            "Received: normalization='virtual_batch'",
        ),
        (
            lambda: kg.networks.mlp_generator(LATENT_DIM, (0,)),
            r"positive ints. Received: data_shape=\(0,\)",
        ),
        (lambda: kg.networks.mlp_discriminator(2), "Received: data_shape=2"),
        (lambda: kg.networks.mlp_discriminator((2,), units=()), r"Received: units=\(\)"),
        (
            lambda: kg.networks.mlp_discriminator((2,), maxout_pieces=1),
            "None \\(LeakyReLU units\\) or an integer >= 2. Received: maxout_pieces=1",
        ),
        (lambda: kg.networks.mlp_discriminator((2,), maxout_pieces=2.5), "maxout_pieces=2.5"),
        (
            lambda: kg.networks.mlp_discriminator((2,), fourier_features=0),
            r"positive integer \(the number of frequencies\). Received: fourier_features=0",
        ),
        (
            lambda: kg.networks.mlp_discriminator((2,), fourier_features=8, fourier_scale=0),
            "positive number. Received: fourier_scale=0",
        ),
        (
            lambda: kg.networks.dcgan_generator(LATENT_DIM, (16, 16)),
            r"\(height, width, channels\) of positive ints. Received: image_shape=\(16, 16\)",
        ),
    ],
)
def test_bad_network_arguments(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_spectral_norm_bounds_every_weight_matrix_of_the_discriminator(tmp_path):
    keras.utils.set_random_seed(0)
    d = kg.networks.dcgan_discriminator(
        (16, 16, 1), filters=8, normalization=None, spectral_norm=True
    )
    wrapped = [layer for layer in d.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert [layer.name for layer in wrapped] == ["down1_conv", "down2_conv", "logit"]
    gan = kg.GAN(kg.networks.dcgan_generator(8, (16, 16, 1), filters=16), d, latent_dim=8, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(10.0))  # big steps: weights would blow up
    images = np.random.default_rng(0).uniform(-1, 1, (32, 16, 16, 1)).astype("float32")
    gan.fit(images, batch_size=16, epochs=1, verbose=0)
    # Each training-mode call divides the kernels by their top singular value,
    # estimated by one power iteration per call: a few calls converge it.
    for _ in range(5):
        d(images, training=True)
    for layer in wrapped:
        kernel = np.array(layer.layer.kernel)
        sigma = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
        assert sigma == pytest.approx(1.0, abs=0.02), layer.name
    gan.save(tmp_path / "sn.keras")
    loaded = keras.models.load_model(tmp_path / "sn.keras")
    z = np.random.default_rng(1).standard_normal((4, 8)).astype("float32")
    np.testing.assert_array_equal(
        np.array(loaded.discriminator(gan.generator(z), training=False)),
        np.array(gan.discriminator(gan.generator(z), training=False)),
    )
