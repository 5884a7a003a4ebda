import keras
import numpy as np
import pytest

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
