"""The truncation trick in `generate` and in exported SavedModels (style-based generators)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import tiny_gan

import keras_gans as kg
from keras_gans.latent import latent_vectors

LATENT = 8


def style_gan(ema_decay=None):
    keras.utils.set_random_seed(0)
    generator = kg.networks.style_generator(LATENT, (16, 16, 3), mapping_layers=2, filters=8)
    discriminator = kg.networks.resnet_discriminator((16, 16, 3), filters=8)
    gan = kg.GAN(generator, discriminator, latent_dim=LATENT, seed=0, ema_decay=ema_decay)
    z = np.random.default_rng(1).standard_normal((64, LATENT)).astype("float32")
    generator(z, training=True)  # moves w_avg away from 0
    if ema_decay is not None:
        gan.ema["generator"].update(generator)
    return gan


def test_generate_truncates_towards_the_average_w():
    gan = style_gan()
    images = gan.generate(4, seed=0)
    np.testing.assert_allclose(gan.generate(4, seed=0, truncation_psi=1.0), images, atol=1e-6)
    average = gan.generate(4, seed=0, truncation_psi=0.0)
    np.testing.assert_allclose(average, np.repeat(average[:1], 4, axis=0), atol=1e-6)
    assert np.abs(average - images).max() > 1e-3
    z = latent_vectors(4, LATENT, seed=0)
    half = kg.networks.truncated(gan.generator, 0.5)(z, training=False)
    np.testing.assert_allclose(gan.generate(4, seed=0, truncation_psi=0.5), half, atol=1e-6)
    # Halfway to the average image, in w: closer to it than the untruncated images.
    assert (
        np.abs(gan.generate(4, seed=0, truncation_psi=0.5) - average).mean()
        < np.abs(images - average).mean()
    )


def test_truncation_samples_from_the_moving_average_generator():
    gan = style_gan(ema_decay=0.9)
    ema = gan.ema["generator"].generator
    z = latent_vectors(3, LATENT, seed=5)
    expected = kg.networks.truncated(ema, 0.7)(z, training=False)
    np.testing.assert_allclose(gan.generate(3, seed=5, truncation_psi=0.7), expected, atol=1e-6)


def test_generators_that_cannot_truncate_are_named():
    gan = tiny_gan()
    with pytest.raises(ValueError, match="needs a style-based generator.*Received: truncation_psi"):
        gan.generate(4, seed=0, truncation_psi=0.7)
    with pytest.raises(ValueError, match="must be a number.*Received: truncation_psi='0.7'"):
        style_gan().generate(4, truncation_psi="0.7")


def test_an_export_serves_the_truncated_generator_with_the_same_signatures(tmp_path):
    gan = style_gan()
    path = kg.export_generator(gan, tmp_path / "style" / "1", truncation_psi=0.6)
    served = tf.saved_model.load(str(path))
    images = served.signatures["generate_uint8"](batch_size=tf.constant(3), seed=tf.constant(2))
    expected = gan.generate(3, seed=2, truncation_psi=0.6)
    pixels = np.round((np.clip(expected, -1, 1) + 1) * 127.5)
    np.testing.assert_allclose(images["images"].numpy(), pixels, atol=1)
    z = latent_vectors(2, LATENT, seed=3)
    out = served.signatures["serving_default"](z=tf.constant(z))["images"]
    np.testing.assert_allclose(out, gan.generate_from_latent(z, truncation_psi=0.6), atol=1e-5)
