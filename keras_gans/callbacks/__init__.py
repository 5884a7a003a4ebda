"""Callbacks for watching and guarding GAN training."""

from keras_gans.callbacks.image_grid import ImageGrid
from keras_gans.callbacks.terminate_on_non_finite_loss import TerminateOnNonFiniteLoss

__all__ = ["ImageGrid", "TerminateOnNonFiniteLoss"]
