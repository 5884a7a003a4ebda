"""Fully connected generator and discriminator of the original GAN paper."""

import math

import keras
from keras import layers

from keras_gans.networks.shapes import check_image_shape


def mlp_generator(latent_dim, image_shape, units=(256, 512, 1024), name="generator"):
    """Builds a fully connected generator: z -> [Dense, ReLU]* -> Dense(tanh).

    Args:
        latent_dim: int, size of the latent vector z.
        image_shape: `(height, width, channels)` of the images to generate.
        units: hidden layer widths. Defaults to `(256, 512, 1024)`.
        name: model name. Defaults to `"generator"`.

    Returns:
        A `keras.Model` mapping `z` to images in [-1, 1].

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    shape = check_image_shape(image_shape)
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, width in enumerate(units):
        x = layers.Dense(width, activation="relu", name=f"hidden{i + 1}")(x)
    x = layers.Dense(math.prod(shape), activation="tanh", name="to_pixels")(x)
    images = layers.Reshape(shape, name="to_image")(x)
    return keras.Model(z, images, name=name)


def mlp_discriminator(image_shape, units=(512, 256), dropout=0.3, name="discriminator"):
    """Builds a fully connected discriminator: [Dense, LeakyReLU, Dropout]* -> logit.

    The paper used maxout units with dropout; LeakyReLU(0.2) is the common
    modern stand-in.

    Args:
        image_shape: `(height, width, channels)` of the input images.
        units: hidden layer widths. Defaults to `(512, 256)`.
        dropout: dropout rate after each hidden layer. Defaults to `0.3`.
        name: model name. Defaults to `"discriminator"`.

    Returns:
        A `keras.Model` mapping images to one logit per image, shape `(batch, 1)`.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    shape = check_image_shape(image_shape)
    images = keras.Input(shape, name="images")
    x = layers.Flatten(name="flatten")(images)
    for i, width in enumerate(units):
        x = layers.Dense(width, name=f"hidden{i + 1}")(x)
        x = layers.LeakyReLU(0.2, name=f"hidden{i + 1}_lrelu")(x)
        x = layers.Dropout(dropout, name=f"hidden{i + 1}_dropout")(x)
    logits = layers.Dense(1, name="logit")(x)
    return keras.Model(images, logits, name=name)
