"""The second latent vector of style mixing, drawn inside the generator while training."""

import keras

from keras_gans.layers.seeded_layer import SeededLayer


@keras.saving.register_keras_serializable(package="keras_gans")
class MixingLatent(SeededLayer):
    """In training, a fresh `N(0, I)` latent of its input's shape; otherwise its input.

    StyleGAN's mixing regularisation maps a second latent vector per
    example; this layer draws it inside the generator, so that a generator
    with style mixing still maps one `z` to one image and plugs into any
    model. Outside training it passes `z` through (the mixing layer does not
    read the result then). The draws come from the layer's own
    `keras.random.SeedGenerator`, saved with the model (per replica, the
    rows one device would draw, see `SeededLayer`).

    Args:
        seed: int or `None`, the seed of the draws. Defaults to `None`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Input shape: `(batch, latent_dim)`; the output has the same shape.

    Example:

    ```python
    z_mix = kg.layers.MixingLatent()(z)
    ws = kg.layers.StyleMixing(num_ws)([mapping(z), mapping(z_mix)])
    ```

    Reference:
        Karras et al., "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, section 3.1.
    """

    def call(self, inputs, training=None):
        if not training:
            return inputs
        shape = tuple(inputs.shape[1:])
        z = self.draw(
            lambda n: keras.random.normal((n, *shape), seed=self.seed_generator),
            keras.ops.shape(inputs)[0],
        )
        return keras.ops.cast(z, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape
