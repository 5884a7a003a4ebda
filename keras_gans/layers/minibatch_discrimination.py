"""Minibatch discrimination: features that tell D how close each sample is to the others."""

import keras
from keras import ops

from keras_gans.layers.arguments import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchDiscrimination(keras.layers.Layer):
    """Appends minibatch features that measure each sample's closeness to the batch.

    A learned tensor `T` of shape `(A, B, C)` maps each input feature vector
    `f(x_i)` (length `A`) to a matrix `M_i = f(x_i) T` of `B` rows of length
    `C`. For each row `b`, the closeness of two samples is
    `c_b(x_i, x_j) = exp(-||M_{i,b} - M_{j,b}||_L1)`, and the minibatch
    feature is `o(x_i)_b = sum_j c_b(x_i, x_j)`, summed over **every** `j` of
    the batch *including* `j = i`, exactly as in the paper's formula (so each
    `o(x_i)_b` is at least 1, and equals 1 for a sample far from all others).
    The output is `concat([f(x_i), o(x_i)])`, of length `A + B`. A collapsed
    generator makes near-identical samples whose `o` is large, which D can learn
    to spot.

    The input must be a flat feature vector `(batch, A)`: put a `Flatten` (or
    the discriminator's last hidden `Dense`) before this layer.

    The features are statistics of the batch the layer sees. Under a
    `tf.distribute` strategy that is the **local (per-replica) batch**: the
    sum runs over the samples of one replica, not the global batch. This is
    per-replica by nature; use the same per-replica batch size for training
    and comparison.

    Args:
        num_kernels: `B`, the number of minibatch features appended. Defaults
            to `100`.
        kernel_dim: `C`, the length of each row of `M_i`. Defaults to `5`.
        kernel_initializer: initializer of `T`. Defaults to `"glorot_uniform"`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:

    ```python
    features = keras.Input((64,))
    x = kg.layers.MinibatchDiscrimination(num_kernels=100, kernel_dim=5)(features)
    logit = keras.layers.Dense(1)(x)  # x has 64 + 100 features
    ```

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016,
        section 3.2.
    """

    def __init__(
        self, num_kernels=100, kernel_dim=5, kernel_initializer="glorot_uniform", **kwargs
    ):
        super().__init__(**kwargs)
        self.num_kernels = check_positive_int("num_kernels", num_kernels)
        self.kernel_dim = check_positive_int("kernel_dim", kernel_dim)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                "MinibatchDiscrimination expects flat feature vectors of shape "
                f"(batch, features) with a known number of features. Received: "
                f"input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.num_kernels * self.kernel_dim),
            initializer=self.kernel_initializer,
            name="kernel",
        )

    def call(self, inputs):
        m = ops.reshape(ops.matmul(inputs, self.kernel), (-1, self.num_kernels, self.kernel_dim))
        # (batch, 1, B, C) - (1, batch, B, C): L1 distance of every pair, per kernel.
        l1 = ops.sum(ops.abs(m[:, None] - m[None, :]), axis=-1)
        closeness = ops.sum(ops.exp(-l1), axis=1)  # sum over j, j = i included
        return ops.concatenate([inputs, closeness], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1] + self.num_kernels)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_kernels": self.num_kernels,
                "kernel_dim": self.kernel_dim,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            }
        )
        return config
