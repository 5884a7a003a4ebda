"""Datasets as `tf.data.Dataset`s of images in [-1, 1]."""

from keras_gans.data.load import load
from keras_gans.data.scaling import scale_images

__all__ = ["load", "scale_images"]
