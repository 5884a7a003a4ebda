"""Datasets as `tf.data.Dataset`s of images in [-1, 1]."""

from keras_gans.data.load import load
from keras_gans.data.scaling import scale_images
from keras_gans.data.toy_mixture import toy_mixture

__all__ = ["load", "scale_images", "toy_mixture"]
