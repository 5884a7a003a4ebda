"""GAN layers: mixture latent, maxout, minibatch discrimination and std-dev, VBN, Fourier,
reflection padding, self-attention, conditional BatchNorm, and StyleGAN2's modulated
convolution, noise, mixing, truncation."""

from keras_gans.layers.conditional_batch_normalization import ConditionalBatchNormalization
from keras_gans.layers.constant_input import ConstantInput
from keras_gans.layers.equalized_dense import EqualizedDense
from keras_gans.layers.fourier_features import FourierFeatures
from keras_gans.layers.gaussian_mixture_latent import GaussianMixtureLatent
from keras_gans.layers.global_batch_dropout import GlobalBatchDropout
from keras_gans.layers.image_pool import ImagePool
from keras_gans.layers.maxout import Maxout
from keras_gans.layers.minibatch_discrimination import MinibatchDiscrimination
from keras_gans.layers.minibatch_std_dev import MinibatchStdDev
from keras_gans.layers.mixing_latent import MixingLatent
from keras_gans.layers.modulated_conv2d import ModulatedConv2D
from keras_gans.layers.noise_injection import NoiseInjection
from keras_gans.layers.reflection_padding_2d import ReflectionPadding2D
from keras_gans.layers.self_attention import SelfAttention
from keras_gans.layers.style_mixing import StyleMixing
from keras_gans.layers.truncation import Truncation
from keras_gans.layers.virtual_batch_normalization import VirtualBatchNormalization

__all__ = [
    "ConditionalBatchNormalization",
    "ConstantInput",
    "EqualizedDense",
    "FourierFeatures",
    "GaussianMixtureLatent",
    "GlobalBatchDropout",
    "ImagePool",
    "Maxout",
    "MinibatchDiscrimination",
    "MinibatchStdDev",
    "MixingLatent",
    "ModulatedConv2D",
    "NoiseInjection",
    "ReflectionPadding2D",
    "SelfAttention",
    "StyleMixing",
    "Truncation",
    "VirtualBatchNormalization",
]
