"""Network builders returning `keras.Model`s."""

from keras_gans.networks.dcgan import dcgan_discriminator, dcgan_generator
from keras_gans.networks.mlp import mlp_discriminator, mlp_generator

__all__ = ["dcgan_generator", "dcgan_discriminator", "mlp_generator", "mlp_discriminator"]
