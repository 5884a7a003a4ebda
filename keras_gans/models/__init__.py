"""GAN model classes."""

from keras_gans.models.gan import GAN

__all__ = ["GAN"]
