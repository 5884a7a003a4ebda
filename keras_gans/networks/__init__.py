"""Network builders returning `keras.Model`s."""

from keras_gans.networks.dcgan import dcgan_discriminator, dcgan_generator
from keras_gans.networks.mlp import mlp_discriminator, mlp_generator
from keras_gans.networks.patch_discriminator import patch_discriminator
from keras_gans.networks.resnet import resnet_discriminator, resnet_generator
from keras_gans.networks.resnet_translator import resnet_translator
from keras_gans.networks.style import style_generator, truncated
from keras_gans.networks.unet import unet_generator

__all__ = [
    "dcgan_generator",
    "dcgan_discriminator",
    "mlp_generator",
    "mlp_discriminator",
    "patch_discriminator",
    "resnet_discriminator",
    "resnet_generator",
    "resnet_translator",
    "style_generator",
    "truncated",
    "unet_generator",
]
