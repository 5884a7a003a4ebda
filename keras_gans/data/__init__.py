"""Datasets as `tf.data.Dataset`s of images in [-1, 1]: single, paired and unpaired images."""

from keras_gans.data.load import load
from keras_gans.data.load_pairs import load_pairs
from keras_gans.data.load_unpaired import load_unpaired
from keras_gans.data.paired_task import paired_task
from keras_gans.data.scaling import scale_images
from keras_gans.data.toy_mixture import toy_mixture

__all__ = ["load", "load_pairs", "load_unpaired", "paired_task", "scale_images", "toy_mixture"]
