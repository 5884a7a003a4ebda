"""Shared test setup: two logical CPUs, deterministic ops, tiny models and data."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

# Two logical CPU devices so MirroredStrategy can be tested without GPUs. This
# must happen before TensorFlow initialises its devices, i.e. at import time.
_cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(
    _cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2
)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402

import keras_gans as kg  # noqa: E402

IMAGE_SHAPE = (16, 16, 1)
LATENT_DIM = 8


def tiny_generator(num_classes=None):
    return kg.networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE, num_classes=num_classes, filters=16)


def tiny_discriminator(num_classes=None, normalization="batch"):
    return kg.networks.dcgan_discriminator(
        IMAGE_SHAPE, num_classes=num_classes, filters=8, normalization=normalization
    )


def tiny_gan(seed=0, **compile_kwargs):
    keras.utils.set_random_seed(seed)
    gan = kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=seed)
    gan.compile(**compile_kwargs)
    return gan


def tiny_images(n=64, seed=0):
    """`n` float32 images in [-1, 1] with some structure (bright squares)."""
    rng = np.random.default_rng(seed)
    images = -np.ones((n, *IMAGE_SHAPE), "float32")
    for i in range(n):
        top, left = rng.integers(0, 10, size=2)
        images[i, top : top + 6, left : left + 6] = 1.0
    return images


def tiny_dataset(n=64, batch_size=16, labels=None):
    elements = tiny_images(n) if labels is None else (tiny_images(n), labels)
    return tf.data.Dataset.from_tensor_slices(elements).batch(batch_size, drop_remainder=True)


@pytest.fixture
def gan():
    return tiny_gan()


def weights_of(model):
    return [v.numpy() for v in model.weights]
