"""Resize-convolutions in the generators that upsample (`keras_gans/networks/upsampling.py`)."""

import keras
import numpy as np
import pytest
from conftest import IMAGE_SHAPE, LATENT_DIM, tiny_dataset

import keras_gans as kg
from keras_gans.networks.upsampling import upsample


def _interior_spread(upsampling, kernel_size):
    """max - min of one upsampling of a constant map, every weight 1, away from the borders."""
    inputs = keras.Input((6, 6, 1))
    x = upsample(inputs, 1, kernel_size, upsampling, kernel_initializer="ones", use_bias=False)
    outputs = keras.Model(inputs, x)(np.ones((1, 6, 6, 1), "float32"))
    interior = keras.ops.convert_to_numpy(outputs)[0, 3:-3, 3:-3, 0]
    return float(interior.max() - interior.min())


def test_a_resize_convolution_draws_no_checkerboard_where_a_transposed_one_does():
    # Odena et al. 2016: a 3x3 transposed convolution of stride 2 sums 1, 2 or 4 kernel
    # taps into an output pixel, by the pixel's position, so a constant input comes out
    # as a checkerboard.
    assert _interior_spread("transpose", 3) > 1.0
    for upsampling in ("nearest", "bilinear"):
        assert _interior_spread(upsampling, 3) == 0.0


@pytest.mark.parametrize("upsampling", ["nearest", "bilinear"])
def test_dcgan_generator_with_resize_convolutions(upsampling):
    g = kg.networks.dcgan_generator(LATENT_DIM, (32, 32, 3), filters=16, upsampling=upsampling)
    z = np.random.default_rng(0).standard_normal((2, LATENT_DIM)).astype("float32")
    images = keras.ops.convert_to_numpy(g(z))
    assert images.shape == (2, 32, 32, 3) and np.abs(images).max() <= 1.0
    types = [type(layer).__name__ for layer in g.layers]
    assert "Conv2DTranspose" not in types
    resizes = [layer for layer in g.layers if isinstance(layer, keras.layers.UpSampling2D)]
    assert [layer.name for layer in resizes] == ["up1_conv_resize", "up2_conv_resize",
                                                 "to_image_resize"]  # fmt: skip
    assert all(layer.interpolation == upsampling for layer in resizes)
    # Each resize is followed by its 3x3 convolution, named as the transposed one was.
    for name in ("up1_conv", "up2_conv", "to_image"):
        assert g.get_layer(name).kernel_size == (3, 3)
    assert g.get_layer("to_image").dtype_policy.compute_dtype == "float32"


def test_unet_generator_with_resize_convolutions():
    shape = (16, 16, 3)
    u = kg.networks.unet_generator(shape, filters=4, upsampling="bilinear")
    source = np.random.default_rng(0).uniform(-1, 1, (2, *shape)).astype("float32")
    assert tuple(u(source).shape) == (2, *shape)
    types = [type(layer).__name__ for layer in u.layers]
    assert "Conv2DTranspose" not in types
    # Four stride-2 stages down (16 -> 1), so three up blocks and the image layer.
    assert types.count("UpSampling2D") == 4


def test_a_gan_with_a_resize_convolution_generator_trains_saves_and_loads(tmp_path):
    keras.utils.set_random_seed(0)
    g = kg.networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE, filters=16, upsampling="nearest")
    d = kg.networks.dcgan_discriminator(IMAGE_SHAPE, filters=8)
    model = kg.GAN(g, d, latent_dim=LATENT_DIM, seed=0)
    model.compile()
    before = keras.ops.convert_to_numpy(g.get_layer("up1_conv").kernel).copy()
    model.fit(tiny_dataset(32, 16), epochs=1, verbose=0)
    assert not np.array_equal(before, keras.ops.convert_to_numpy(g.get_layer("up1_conv").kernel))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    z = np.random.default_rng(1).standard_normal((4, LATENT_DIM)).astype("float32")
    np.testing.assert_array_equal(loaded.generate_from_latent(z), model.generate_from_latent(z))


@pytest.mark.parametrize(
    "build",
    [
        lambda: kg.networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE, upsampling="cubic"),
        lambda: kg.networks.unet_generator((16, 16, 3), upsampling="cubic"),
    ],
)
def test_an_unknown_upsampling_is_refused(build):
    expected = "`upsampling` must be 'transpose', 'nearest' or 'bilinear'"
    with pytest.raises(ValueError, match=f"{expected}. Received: upsampling='cubic'"):
        build()
