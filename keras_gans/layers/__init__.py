"""GAN layers: mixture latent, maxout, minibatch features, VBN, Fourier, reflection padding."""

from keras_gans.layers.fourier_features import FourierFeatures
from keras_gans.layers.gaussian_mixture_latent import GaussianMixtureLatent
from keras_gans.layers.maxout import Maxout
from keras_gans.layers.minibatch_discrimination import MinibatchDiscrimination
from keras_gans.layers.minibatch_std_dev import MinibatchStdDev
from keras_gans.layers.reflection_padding_2d import ReflectionPadding2D
from keras_gans.layers.virtual_batch_normalization import VirtualBatchNormalization

__all__ = [
    "FourierFeatures",
    "GaussianMixtureLatent",
    "Maxout",
    "MinibatchDiscrimination",
    "MinibatchStdDev",
    "ReflectionPadding2D",
    "VirtualBatchNormalization",
]
