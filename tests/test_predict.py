"""`predict` does what a Keras user expects: latent vectors -> images, images -> translations."""

import numpy as np
import pytest
import tensorflow as tf
from conftest import LATENT_DIM, tiny_images
from helpers import tiny_pairs, tiny_translation_model

import keras_gans as kg


def latents(n=10):
    return np.random.default_rng(0).standard_normal((n, LATENT_DIM)).astype("float32")


def test_predict_maps_latent_vectors_to_the_images_of_the_sampling_generator(trained):
    gan = trained(kg.GAN)
    z = latents()
    images = gan.predict(z, verbose=0)
    np.testing.assert_allclose(images, gan.generate_from_latent(z), atol=1e-6)
    batched = gan.predict(tf.data.Dataset.from_tensor_slices(z).batch(4), verbose=0)
    np.testing.assert_allclose(batched, images, atol=1e-6)
    cgan = trained(kg.ConditionalGAN)
    labels = (np.arange(10) % 3).astype("int32")
    np.testing.assert_allclose(
        cgan.predict([z, labels], verbose=0), cgan.generate_from_latent(z, labels), atol=1e-6
    )


@pytest.mark.parametrize("as_dataset", [False, True])
def test_predict_on_images_says_what_it_takes(trained, as_dataset):
    images = tiny_images(8)
    data = tf.data.Dataset.from_tensor_slices(images).batch(4) if as_dataset else images
    with pytest.raises(ValueError, match=r"takes latent vectors of shape \(batch, 8\).*16, 16, 1"):
        trained(kg.GAN).predict(data, verbose=0)


def test_an_image_to_image_model_predicts_translations():
    model = tiny_translation_model(kg.Pix2Pix)
    source, _ = tiny_pairs(6)
    np.testing.assert_allclose(model.predict(source, verbose=0), model.translate(source), atol=1e-6)
    with pytest.raises(ValueError, match=r"translates images of shape \(batch, 16, 16, 1\)"):
        model.predict(latents(), verbose=0)
