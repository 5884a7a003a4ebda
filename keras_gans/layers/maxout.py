"""Maxout: each unit is the largest of `pieces` linear features."""

import keras
from keras import ops

from keras_gans.layers.arguments import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class Maxout(keras.layers.Layer):
    """Takes the maximum over groups of consecutive features along the last axis.

    The last axis, of size `num_units * pieces`, is split into `num_units`
    groups of `pieces` consecutive features (features `k * pieces` to
    `(k + 1) * pieces - 1` form unit `k`), and each unit outputs the largest
    feature of its group. After a `Dense(num_units * pieces)` this is the
    maxout unit of Goodfellow et al. (2013), `h_k(x) = max_j (x W_kj + b_kj)`:
    a learned, piecewise-linear convex activation. The original GAN's
    discriminator and PacGAN's 2-D experiments use it; its many linear pieces
    let an MLP discriminator resolve small, sharp modes. Keras has no maxout
    layer (TensorFlow Addons had one), hence this one.

    Args:
        num_units: number of output units. The input's last axis must be a
            multiple of it.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:

    ```python
    x = keras.layers.Dense(200 * 5)(inputs)
    x = kg.layers.Maxout(200)(x)  # (batch, 200): the max of 5 pieces per unit
    ```

    Reference:
        Goodfellow et al., "Maxout Networks", ICML 2013.
    """

    def __init__(self, num_units, **kwargs):
        super().__init__(**kwargs)
        self.num_units = check_positive_int("num_units", num_units)

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None or features % self.num_units:
            raise ValueError(
                "Maxout needs a last axis that is a known multiple of `num_units` "
                f"({self.num_units}). Received: input_shape={tuple(input_shape)}"
            )
        self.pieces = features // self.num_units

    def call(self, inputs):
        shape = ops.shape(inputs)
        grouped = ops.reshape(inputs, (*shape[:-1], self.num_units, self.pieces))
        return ops.max(grouped, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.num_units)

    def get_config(self):
        config = super().get_config()
        config.update({"num_units": self.num_units})
        return config
