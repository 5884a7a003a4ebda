"""StyleGAN's per-pixel noise input, scaled by a learned strength."""

import keras
from keras import ops

from keras_gans.layers.seeded_layer import SeededLayer


@keras.saving.register_keras_serializable(package="keras_gans")
class NoiseInjection(SeededLayer):
    """Adds `strength * noise` to a feature map: one noise image per example.

    The noise is one `N(0, 1)` value per pixel, shared by the channels, and
    `strength` a learned scalar initialised to 0 (StyleGAN2's
    `noise_strength`), so the layer starts as the identity. The generator uses
    it for stochastic detail (hair, pores) that the style does not decide.

    - `training=True`: fresh noise at every call, drawn from the layer's own
      `keras.random.SeedGenerator` (saved with the model; per replica, the
      rows one device would draw, see `SeededLayer`).
    - otherwise: a fixed noise image drawn once at build time and saved as a
      non-trainable weight (StyleGAN2's `noise_mode="const"`, the default of
      its `generate.py`), so that the same latent vector always gives the
      same image (`generate(seed=...)`, exported SavedModels).

    Args:
        seed: int or `None`, the seed of the training noise. Defaults to `None`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Input shape: `(batch, H, W, C)` with known `H` and `W`; the output has the
    same shape.

    Example:

    ```python
    x = kg.layers.NoiseInjection()(x)
    ```

    Reference:
        Karras et al., "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, section 3.2; Karras et al.,
        "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020.
    """

    def build(self, input_shape):
        if len(input_shape) != 4 or None in input_shape[1:3]:
            raise ValueError(
                "NoiseInjection expects feature maps (batch, height, width, channels) with a "
                f"known height and width. Received: input_shape={input_shape}"
            )
        self.strength = self.add_weight(shape=(), initializer="zeros", name="strength")
        self.fixed_noise = self.add_weight(
            shape=(*input_shape[1:3], 1),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            trainable=False,
            name="fixed_noise",
        )

    def call(self, inputs, training=None):
        height, width = inputs.shape[1:3]
        if training:
            noise = self.draw(
                lambda n: keras.random.normal((n, height, width, 1), seed=self.seed_generator),
                ops.shape(inputs)[0],
            )
        else:
            noise = self.fixed_noise[None]
        return inputs + ops.cast(self.strength * noise, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape
