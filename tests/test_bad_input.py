"""Bad input gets a ValueError naming what was received and what was expected,
before the first training step."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    LATENT_DIM,
    tiny_dataset,
    tiny_discriminator,
    tiny_gan,
    tiny_generator,
    tiny_images,
)

import keras_gans as kg


def assert_untrained(gan):
    assert int(gan.d_optimizer.iterations) == 0 and int(gan.g_optimizer.iterations) == 0


def test_images_of_the_wrong_shape(gan):
    wrong = tf.data.Dataset.from_tensor_slices(np.zeros((8, 28, 28, 1), "float32")).batch(4)
    with pytest.raises(
        ValueError,
        match=r"Received: images of shape \(None, 28, 28, 1\); expected \(batch, 16, 16, 1\)",
    ):
        gan.fit(wrong, verbose=0)
    with pytest.raises(ValueError, match=r"shape \(8, 16, 16, 3\)"):
        gan.fit(np.zeros((8, 16, 16, 3), "float32"), verbose=0)
    assert_untrained(gan)


def test_generator_output_that_does_not_match_the_discriminator():
    generator = kg.networks.dcgan_generator(LATENT_DIM, (32, 32, 1), filters=16)
    with pytest.raises(
        ValueError,
        match=r"generator output \(None, \*\(32, 32, 1\)\), expected \(None, \*\(16, 16, 1\)\)",
    ):
        kg.GAN(generator, tiny_discriminator(), latent_dim=LATENT_DIM)
    with pytest.raises(ValueError, match="latent_dim=5"):
        kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=5)


def test_conditional_networks_in_a_plain_gan():
    with pytest.raises(ValueError, match="Received: a generator with 2 input.*ConditionalGAN"):
        kg.GAN(tiny_generator(num_classes=3), tiny_discriminator(), latent_dim=LATENT_DIM)


def test_empty_dataset(gan):
    empty = tf.data.Dataset.from_tensor_slices(tiny_images(8)).batch(16, drop_remainder=True)
    with pytest.raises(ValueError, match="dataset is empty"):
        gan.fit(empty, verbose=0)
    with pytest.raises(ValueError, match="empty"):
        gan.fit(np.zeros((0, 16, 16, 1), "float32"), verbose=0)
    assert_untrained(gan)


def test_the_same_optimizer_for_both_networks():
    gan = kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
    adam = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="same optimizer object"):
        gan.compile(d_optimizer=adam, g_optimizer=adam)


def test_unknown_compile_arguments_and_fit_before_compile():
    gan = kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
    with pytest.raises(ValueError, match="Received unexpected arguments: \\['metrics'\\]"):
        gan.compile(metrics=["accuracy"])
    with pytest.raises(ValueError, match="before `fit\\(\\)`"):
        gan.fit(tiny_dataset(), verbose=0)


def test_uint8_and_0_255_images_raise_unless_rescaled(gan):
    pixels = ((tiny_images(32) + 1) * 127.5).astype("uint8")
    with pytest.raises(ValueError, match="Received: dtype uint8.*scale_images"):
        gan.fit(tf.data.Dataset.from_tensor_slices(pixels).batch(16), verbose=0)
    with pytest.raises(ValueError, match=r"Received: values in \[0, 255\]"):
        gan.fit(pixels.astype("float32"), batch_size=16, verbose=0)
    assert_untrained(gan)
    # Rescaled when the user asks for it.
    rescaled = tf.data.Dataset.from_tensor_slices(pixels).batch(16).map(kg.data.scale_images)
    gan.fit(rescaled, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2


def test_non_finite_losses_stop_training(gan):
    # The first batch is clean (and passes the checks); NaNs appear from the third.
    images = tiny_images(96)
    images[32:] = np.nan
    history = gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(16), epochs=3, verbose=0)
    # Stopped in the first epoch, at the first non-finite batch (the third step).
    assert int(gan.d_optimizer.iterations) == 3
    assert len(history.epoch) == 1


def test_non_finite_losses_can_raise(gan):
    images = tiny_images(64)
    images[16:] = np.inf
    with pytest.raises(RuntimeError, match="non-finite loss"):
        gan.fit(
            tf.data.Dataset.from_tensor_slices(images).batch(16),
            callbacks=[kg.callbacks.TerminateOnNonFiniteLoss(raise_error=True)],
            verbose=0,
        )


@pytest.mark.parametrize(
    "shape, message",
    [
        ((30, 30, 1), r"halve the same number of times.*Received: image_shape with height=30, "),
        ((28, 32, 1), r"halve the same number of times.*Received: image_shape with height=28, "),
        ((28, 28), r"\(height, width, channels\).*Received: image_shape=\(28, 28\)"),
        ((4, 4, 1), r"halve the same number of times.*Received: image_shape with height=4, "),
    ],
)
def test_dcgan_builders_reject_sizes_that_do_not_halve_to_4_or_7(shape, message):
    with pytest.raises(ValueError, match=message):
        kg.networks.dcgan_generator(8, shape)
    with pytest.raises(ValueError, match=message):
        kg.networks.dcgan_discriminator(shape)


def test_generate_rejects_a_bad_count():
    with pytest.raises(ValueError, match="num_images=0"):
        tiny_gan().generate(0)
