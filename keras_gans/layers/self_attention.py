"""Self-attention over the positions of a feature map (SAGAN), starting as the identity."""

import keras
from keras import layers, ops

from keras_gans.layers.arguments import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class SelfAttention(keras.layers.Layer):
    """Adds to each position a learned mix of the features of every other position.

    Convolutions reach only their neighbourhood; self-attention lets every
    position of a `(batch, H, W, C)` feature map look at all the others, so
    that distant parts of an image can be made consistent. With 1x1
    convolutions `query` (`C / key_ratio` channels), `key` (`C / key_ratio`)
    and `value` (`C / value_ratio`):

    ```
    attention = softmax(query(x) key(x)^T)       # (batch, HW, HW'), over the keys
    o = output(attention value(x))               # back to C channels, 1x1 conv
    y = x + gamma * o
    ```

    `gamma` is a learned scalar initialised to 0, so the layer starts as the
    identity and the network learns how much attention to use. The channel
    ratios default to those of BigGAN's attention block (keys `C/8`, values
    `C/2`, 2x2 max-pooling of keys and values: 4x fewer attention entries),
    Brock et al.'s own version of the SAGAN layer; SAGAN's paper uses `C/8`
    for the values too (`value_ratio=8`) and no pooling. The pooling uses
    `"same"` padding, so odd sizes work. The convolutions have no bias (as in
    BigGAN). The attention logits and softmax are computed in float32 under
    mixed precision. Each example attends only to itself, so the layer is the
    same on one device and under a `tf.distribute` strategy.

    Args:
        key_ratio: int, channels of the queries and keys are
            `max(1, C // key_ratio)`. Defaults to `8`.
        value_ratio: int, channels of the values are `max(1, C //
            value_ratio)`. Defaults to `2` (BigGAN).
        pool: bool, whether keys and values are 2x2 max-pooled. Defaults to
            `True` (BigGAN).
        spectral_norm: bool, whether the four convolutions are wrapped in
            `keras.layers.SpectralNormalization` (SAGAN uses spectral norm in
            both networks). Defaults to `False`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Input shape: `(batch, H, W, C)` with known `H`, `W` and `C`; the output
    has the same shape.

    Example:

    ```python
    x = keras.Input((32, 32, 64))
    y = kg.layers.SelfAttention()(x)  # (batch, 32, 32, 64), y == x at initialisation
    ```

    Reference:
        Zhang, Goodfellow, Metaxas and Odena, "Self-Attention Generative
        Adversarial Networks", ICML 2019, section 3; Brock, Donahue and
        Simonyan, "Large Scale GAN Training for High Fidelity Natural Image
        Synthesis", ICLR 2019 (the `Attention` layer of the BigGAN-PyTorch
        code: theta/phi `C/8`, g `C/2`, max-pooled phi and g).
    """

    def __init__(self, key_ratio=8, value_ratio=2, pool=True, spectral_norm=False, **kwargs):
        super().__init__(**kwargs)
        self.key_ratio = check_positive_int("key_ratio", key_ratio)
        self.value_ratio = check_positive_int("value_ratio", value_ratio)
        self.pool = bool(pool)
        self.spectral_norm = bool(spectral_norm)

    def _conv(self, filters, name):
        conv = layers.Conv2D(filters, 1, use_bias=False, name=name)
        if self.spectral_norm:
            # The power iteration in float32, as in the DCGAN discriminator's spectral norm.
            conv = layers.SpectralNormalization(conv, dtype="float32", name=f"{name}_spectral_norm")
        return conv

    def build(self, input_shape):
        if len(input_shape) != 4 or None in input_shape[1:]:
            raise ValueError(
                "SelfAttention expects feature maps of shape (batch, height, width, channels) "
                f"with known height, width and channels. Received: input_shape={input_shape}"
            )
        channels = input_shape[-1]
        keys = max(1, channels // self.key_ratio)
        values = max(1, channels // self.value_ratio)
        self.query_conv = self._conv(keys, "query")
        self.key_conv = self._conv(keys, "key")
        self.value_conv = self._conv(values, "value")
        self.output_conv = self._conv(channels, "output")
        for conv in (self.query_conv, self.key_conv, self.value_conv):
            conv.build(input_shape)
        self.output_conv.build((*input_shape[:-1], values))
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def call(self, inputs, training=None):
        _, height, width, _ = inputs.shape
        query = self.query_conv(inputs, training=training)
        key = self.key_conv(inputs, training=training)
        value = self.value_conv(inputs, training=training)
        if self.pool:
            key = ops.max_pool(key, 2, 2, padding="same")
            value = ops.max_pool(value, 2, 2, padding="same")
        batch = ops.shape(inputs)[0]
        query = ops.reshape(ops.cast(query, "float32"), (batch, height * width, -1))
        key = ops.reshape(ops.cast(key, "float32"), (batch, -1, key.shape[-1]))
        value = ops.reshape(value, (batch, -1, value.shape[-1]))
        attention = ops.softmax(ops.matmul(query, ops.transpose(key, (0, 2, 1))), axis=-1)
        attended = ops.matmul(ops.cast(attention, value.dtype), value)
        attended = ops.reshape(attended, (batch, height, width, value.shape[-1]))
        outputs = ops.cast(self.output_conv(attended, training=training), inputs.dtype)
        return inputs + ops.cast(self.gamma, inputs.dtype) * outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "key_ratio": self.key_ratio,
                "value_ratio": self.value_ratio,
                "pool": self.pool,
                "spectral_norm": self.spectral_norm,
            }
        )
        return config
