"""A learned constant tensor, repeated for every example: StyleGAN's synthesis input."""

import keras
from keras import ops

from keras_gans.layers.arguments import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantInput(keras.layers.Layer):
    """Outputs a learned `(size, size, channels)` tensor for each example of its input.

    StyleGAN's synthesis network starts from this learned constant rather
    than from the latent vector: the styles alone (and the noise) vary the
    image. The input only gives the batch size. The constant is initialised
    with `N(0, 1)` draws, as in the StyleGAN2 code.

    Args:
        channels: int, the constant's channels.
        size: int, its height and width. Defaults to `4`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:

    ```python
    ws = keras.Input((10, 512))
    x = kg.layers.ConstantInput(512)(ws)  # (batch, 4, 4, 512)
    ```

    Reference:
        Karras et al., "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, section 2.
    """

    def __init__(self, channels, size=4, **kwargs):
        super().__init__(**kwargs)
        self.channels = check_positive_int("channels", channels)
        self.size = check_positive_int("size", size)

    def build(self, input_shape):
        self.constant = self.add_weight(
            shape=(self.size, self.size, self.channels),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="constant",
        )

    def call(self, inputs):
        batch = ops.shape(inputs)[0]
        return ops.broadcast_to(self.constant[None], (batch, self.size, self.size, self.channels))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        config = super().get_config()
        config.update({"channels": self.channels, "size": self.size})
        return config
