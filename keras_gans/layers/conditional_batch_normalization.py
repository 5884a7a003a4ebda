"""Conditional batch normalisation: a per-class scale and offset after BatchNorm."""

import keras
from keras import layers, ops

from keras_gans.layers.arguments import is_integer_at_least


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalBatchNormalization(keras.layers.Layer):
    """BatchNorm whose learned scale and offset are chosen by the class label.

    `y = gamma[label] * BatchNorm(x) + beta[label]`: the normalisation has
    no affine part of its own; `gamma` and `beta` are `(num_classes,
    channels)` tables (one embedding per class), initialised to 1 and 0 so
    that the layer starts as plain BatchNorm. This is how the SNGAN
    projection generator (and BigGAN, with a shared embedding) conditions
    every residual block on the class.

    The statistics are those of `keras.layers.BatchNormalization` (a moving
    mean and variance for inference, over every axis but the last). With
    `synchronized=True` they are the global batch's under a `tf.distribute`
    strategy, as in the DCGAN builders' BatchNorm, so several replicas
    compute what one device would.

    Args:
        num_classes: int >= 1, the number of classes.
        momentum: momentum of the moving statistics. Defaults to `0.9`, as in
            the DCGAN builders.
        epsilon: added to the variance. Defaults to `1e-3` (Keras' default).
        synchronized: bool, whether the batch statistics are all-reduced
            across replicas. Defaults to `True`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Inputs: `[x, labels]`, `x` of shape `(batch, ..., channels)` and
    `labels` int of shape `(batch,)` in `[0, num_classes)`. Output: the shape
    of `x`.

    Example:

    ```python
    x = keras.Input((8, 8, 64))
    labels = keras.Input((), dtype="int32")
    y = kg.layers.ConditionalBatchNormalization(10)([x, labels])
    ```

    Reference:
        de Vries et al., "Modulating early visual processing by language",
        NeurIPS 2017; Miyato and Koyama, "cGANs with Projection
        Discriminator", ICLR 2018 (conditional BatchNorm in the generator).
    """

    def __init__(self, num_classes, momentum=0.9, epsilon=1e-3, synchronized=True, **kwargs):
        super().__init__(**kwargs)
        if not is_integer_at_least(num_classes, 1):
            raise ValueError(
                f"`num_classes` must be a positive integer. Received: num_classes={num_classes!r}"
            )
        self.num_classes = int(num_classes)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.synchronized = bool(synchronized)
        self.batch_norm = layers.BatchNormalization(
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=False,
            scale=False,
            synchronized=self.synchronized,
            name="batch_norm",
        )

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError(
                "ConditionalBatchNormalization expects inputs [x, labels]. "
                f"Received: input_shape={input_shape}"
            )
        x_shape = input_shape[0]
        if x_shape[-1] is None:
            raise ValueError(
                "ConditionalBatchNormalization needs a known number of channels. "
                f"Received: input_shape={input_shape}"
            )
        self.batch_norm.build(x_shape)
        table = (self.num_classes, x_shape[-1])
        self.gamma = self.add_weight(shape=table, initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=table, initializer="zeros", name="beta")

    def call(self, inputs, training=None):
        x, labels = inputs
        normalized = self.batch_norm(x, training=training)
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        shape = (-1,) + (1,) * (len(x.shape) - 2) + (x.shape[-1],)
        gamma = ops.reshape(ops.take(self.gamma, labels, axis=0), shape)
        beta = ops.reshape(ops.take(self.beta, labels, axis=0), shape)
        return normalized * ops.cast(gamma, normalized.dtype) + ops.cast(beta, normalized.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_classes": self.num_classes,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "synchronized": self.synchronized,
            }
        )
        return config
