"""Minibatch standard deviation: one feature that tells D how varied the batch is."""

import math

import keras
from keras import ops

from keras_gans.layers.arguments import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStdDev(keras.layers.Layer):
    """Appends the batch's average standard deviation as one extra channel.

    The batch is split into groups of `group_size` samples. In each group, the
    standard deviation of every feature (every pixel of every channel, for
    images) is taken over the group's samples; these are averaged into one
    scalar per group, which is appended to each sample of the group as one
    constant extra channel (for `(batch, H, W, C)` inputs: `C + 1` channels)
    or one extra feature (for `(batch, A)` inputs: `A + 1` features); in
    general, one more entry along the last axis. A collapsed generator makes
    a batch of low variety that D can spot from this feature.

    Details, as in the ProGAN/StyleGAN code: the standard deviation is the
    population one, `sqrt(mean((x - mean(x))**2) + 1e-8)` over the group;
    sample `i` belongs to group `i % (batch // group_size)`, i.e. a group holds
    samples spaced `batch // group_size` apart. When the batch size is not a
    multiple of `group_size` (a last, smaller batch, say), or `group_size` is
    `None`, the whole batch is one group (so a batch smaller than
    `group_size` is one group, like StyleGAN's `min(group_size, batch)`).

    The statistic is taken over the batch the layer sees. Under a
    `tf.distribute` strategy that is the **local (per-replica) batch**: groups
    never span replicas. This is per-replica by nature.

    Args:
        group_size: samples per group, or `None` for the whole batch (the
            paper's description). Defaults to `4`, the value of the ProGAN
            and StyleGAN code.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:

    ```python
    images = keras.Input((8, 8, 64))
    x = kg.layers.MinibatchStdDev()(images)  # (batch, 8, 8, 65)
    ```

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", ICLR 2018, section 3.
    """

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        if group_size is not None:
            group_size = check_positive_int("group_size", group_size)
        self.group_size = group_size

    def build(self, input_shape):
        if len(input_shape) < 2 or None in input_shape[1:]:
            raise ValueError(
                "MinibatchStdDev expects inputs of shape (batch, ..., features) with known "
                f"non-batch dimensions. Received: input_shape={tuple(input_shape)}"
            )

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        batch_size = ops.shape(x)[0]
        group_size = batch_size
        if self.group_size is not None:
            group_size = ops.where(batch_size % self.group_size == 0, self.group_size, batch_size)
        # (group_size, num_groups, features): row k of group g is sample k * num_groups + g.
        groups = ops.reshape(x, (group_size, -1, math.prod(x.shape[1:])))
        variance = ops.mean(ops.square(groups - ops.mean(groups, axis=0)), axis=0)
        group_std = ops.mean(ops.sqrt(variance + 1e-8), axis=-1)  # (num_groups,)
        per_sample = ops.tile(group_std, (group_size,))  # sample i gets group i % num_groups
        extra = ops.ones_like(x[..., :1]) * ops.reshape(per_sample, (-1,) + (1,) * (x.ndim - 1))
        return ops.cast(ops.concatenate([x, extra], axis=-1), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        last = None if input_shape[-1] is None else input_shape[-1] + 1
        return (*input_shape[:-1], last)

    def get_config(self):
        config = super().get_config()
        config.update({"group_size": self.group_size})
        return config
