"""keras-gans: generative adversarial networks for Keras 3, trained with `model.fit`.

Public API (anything not listed here is private):
"""

from keras_gans import callbacks, data, images, losses, metrics, networks
from keras_gans.export import export_generator
from keras_gans.models import GAN, WGAN, WGANGP, ConditionalGAN

__version__ = "0.1.0"

__all__ = [
    "GAN",
    "ConditionalGAN",
    "WGAN",
    "WGANGP",
    "export_generator",
    "callbacks",
    "data",
    "images",
    "losses",
    "metrics",
    "networks",
]
