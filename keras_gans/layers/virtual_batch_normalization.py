"""Virtual batch normalisation: normalise with a fixed reference batch's statistics."""

import keras
from keras import ops

from keras_gans.layers.arguments import check_positive_float


@keras.saving.register_keras_serializable(package="keras_gans")
class VirtualBatchNormalization(keras.layers.Layer):
    """Normalises each example with the statistics of a fixed reference batch.

    Batch normalisation makes each output depend on the other examples of its
    minibatch. Virtual batch normalisation (VBN) removes that dependence: each
    example `x` is normalised with statistics of a *reference batch* chosen
    once, combined with `x` itself, as in the paper (and TF-GAN's
    `features/virtual_batchnorm.py`). With `N` reference examples, mean `mu_r`
    and mean square `s_r` per channel (over the batch and any spatial axes),
    and `mu_x`, `s_x` the mean and mean square of the example alone (over its
    spatial axes; for `(batch, features)` inputs simply `x` and `x**2`):

    ```
    w = 1 / (N + 1)                       # the example's weight in its virtual batch
    mean = w * mu_x + (1 - w) * mu_r
    variance = w * s_x + (1 - w) * s_r - mean**2
    y = gamma * (x - mean) / sqrt(variance + epsilon) + beta
    ```

    `gamma` and `beta` are learned per channel (the last axis), like
    `BatchNormalization`'s.

    **How the reference is captured.** The layer holds the reference's
    statistics as non-trainable weights (`reference_mean`,
    `reference_mean_square`, and `reference_size` = `N`, where `N = 0` means
    "not set yet"), so they are saved with the model, restored by
    `load_model` and by `BackupAndRestore`, and a resumed run uses the same
    reference. The first call with `training=True` while no reference is set
    records the statistics of the activations that reach this layer (inside
    a generator: the first training batch of noise, passed through the
    layers before this one) and normalises that batch with them (the
    reference batch normalised by its own statistics, as in TF-GAN). Every
    later call uses the recorded statistics, which no longer change. Call
    `set_reference(activations)` to choose the reference explicitly, and
    `reset_reference()` to record a new one at the next training call.

    The paper runs the fixed reference batch through the current network at
    every step, so its statistics follow the weights (at twice the forward
    cost). This layer keeps the statistics recorded at capture time; a
    training step that wants the paper's variant calls `reset_reference()`
    and then runs its stored reference inputs through the network with
    `training=True` before each step.

    Before any reference is set, an inference call (`training=False`)
    normalises with the statistics of its own batch and records nothing.

    Under a `tf.distribute` strategy the capture step normalises each replica
    with its local batch, and the recorded statistics are the mean over the
    replicas of their local statistics, i.e. those of the whole first global
    batch (the weights are `aggregation="mean"`), so every replica then uses
    the same reference; `N` is the per-replica batch size. Apart from that
    capture step, each example's output depends only on the example and the
    reference, so it is the same on any number of replicas.

    Args:
        epsilon: small float added to the variance to avoid dividing by zero.
            Defaults to `1e-3`, as in `BatchNormalization`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:

    ```python
    z = keras.Input((128,))
    x = keras.layers.Dense(7 * 7 * 64, use_bias=False)(z)
    x = keras.layers.Reshape((7, 7, 64))(x)
    x = kg.layers.VirtualBatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    ```

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016,
        section 3.4.
    """

    def __init__(self, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = check_positive_float("epsilon", epsilon)

    def build(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(
                "VirtualBatchNormalization expects inputs of shape (batch, ..., channels) "
                f"with a known number of channels. Received: input_shape={tuple(input_shape)}"
            )
        channels = (input_shape[-1],)
        self.gamma = self.add_weight(
            shape=channels, initializer="ones", name="gamma", autocast=False
        )
        self.beta = self.add_weight(
            shape=channels, initializer="zeros", name="beta", autocast=False
        )
        self.reference_mean = self._reference_weight(channels, "reference_mean")
        self.reference_mean_square = self._reference_weight(channels, "reference_mean_square")
        self.reference_size = self._reference_weight((), "reference_size")

    def _reference_weight(self, shape, name):
        return self.add_weight(
            shape=shape,
            initializer="zeros",
            trainable=False,
            autocast=False,
            aggregation="mean",
            name=name,
        )

    @property
    def reference_is_set(self):
        """Whether reference statistics have been recorded (a Python bool)."""
        return bool(ops.convert_to_numpy(self.reference_size) > 0)

    def set_reference(self, activations):
        """Records the statistics of `activations`, a reference batch at this layer's input."""
        activations = ops.convert_to_tensor(activations, "float32")
        if not self.built:
            self.build(activations.shape)
        mean, mean_square = _batch_statistics(activations)
        self.reference_mean.assign(mean)
        self.reference_mean_square.assign(mean_square)
        self.reference_size.assign(ops.cast(ops.shape(activations)[0], "float32"))

    def reset_reference(self):
        """Forgets the reference: the next `training=True` call records a new one."""
        self.reference_size.assign(0.0)

    def call(self, inputs, training=None):
        x = ops.cast(inputs, "float32")
        batch_mean, batch_mean_square = _batch_statistics(x)
        is_set = self.reference_size > 0
        reference_mean = ops.where(is_set, self.reference_mean, batch_mean)
        reference_mean_square = ops.where(is_set, self.reference_mean_square, batch_mean_square)
        reference_size = ops.where(
            is_set, self.reference_size, ops.cast(ops.shape(x)[0], "float32")
        )
        if training:
            # Rewrites the same values once set: no branch, so it traces and distributes simply.
            self.reference_mean.assign(reference_mean)
            self.reference_mean_square.assign(reference_mean_square)
            self.reference_size.assign(reference_size)
        # A batch normalised by its own statistics already counts itself in them.
        example_weight = ops.where(is_set, 1.0 / (reference_size + 1.0), 0.0)
        spatial_axes = tuple(range(1, x.ndim - 1))
        example_mean = ops.mean(x, axis=spatial_axes, keepdims=True)
        example_mean_square = ops.mean(ops.square(x), axis=spatial_axes, keepdims=True)
        mean = example_weight * example_mean + (1.0 - example_weight) * reference_mean
        mean_square = (
            example_weight * example_mean_square + (1.0 - example_weight) * reference_mean_square
        )
        variance = ops.maximum(mean_square - ops.square(mean), 0.0)
        outputs = (x - mean) * ops.rsqrt(variance + self.epsilon) * self.gamma + self.beta
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon})
        return config


def _batch_statistics(x):
    """Mean and mean square per channel (last axis) over all other axes of `x`."""
    axes = tuple(range(x.ndim - 1))
    return ops.mean(x, axis=axes), ops.mean(ops.square(x), axis=axes)
