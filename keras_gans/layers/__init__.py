"""GAN-specific layers: maxout, minibatch discrimination, minibatch std-dev, virtual batch norm."""

from keras_gans.layers.maxout import Maxout
from keras_gans.layers.minibatch_discrimination import MinibatchDiscrimination
from keras_gans.layers.minibatch_std_dev import MinibatchStdDev
from keras_gans.layers.virtual_batch_normalization import VirtualBatchNormalization

__all__ = ["Maxout", "MinibatchDiscrimination", "MinibatchStdDev", "VirtualBatchNormalization"]
