"""GAN model classes."""

from keras_gans.models.conditional_gan import ConditionalGAN
from keras_gans.models.gan import GAN
from keras_gans.models.wgan import WGAN, WGANGP

__all__ = ["GAN", "ConditionalGAN", "WGAN", "WGANGP"]
