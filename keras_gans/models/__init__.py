"""The model classes: each a small subclass of the adversarial engine."""

from keras_gans.models.conditional_gan import ConditionalGAN
from keras_gans.models.cycle_gan import CycleGAN
from keras_gans.models.gan import GAN
from keras_gans.models.pix2pix import Pix2Pix
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgangp import WGANGP

__all__ = ["GAN", "ConditionalGAN", "WGAN", "WGANGP", "Pix2Pix", "CycleGAN"]
