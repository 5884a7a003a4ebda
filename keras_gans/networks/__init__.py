"""Network builders returning `keras.Model`s."""

from keras_gans.networks.dcgan import dcgan_discriminator, dcgan_generator
from keras_gans.networks.mlp import mlp_discriminator, mlp_generator
from keras_gans.networks.resnet import resnet_discriminator, resnet_generator
from keras_gans.networks.style import style_generator, truncated

__all__ = [
    "dcgan_generator",
    "dcgan_discriminator",
    "mlp_generator",
    "mlp_discriminator",
    "resnet_discriminator",
    "resnet_generator",
    "style_generator",
    "truncated",
]
