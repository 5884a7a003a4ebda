"""StyleGAN2's modulated convolution: weights scaled per example by a style, then demodulated."""

import math

import keras
from keras import ops

from keras_gans.layers.arguments import check_positive_float, check_positive_int
from keras_gans.layers.equalized_dense import EqualizedDense


@keras.saving.register_keras_serializable(package="keras_gans")
class ModulatedConv2D(keras.layers.Layer):
    """A convolution whose weights each example's style scales and demodulates.

    For an example with latent `w`, the style `s = A(w)` (a learned
    `EqualizedDense` with bias initialised to 1) scales the kernel's input
    channels, and demodulation rescales each output channel back to unit
    norm:

    ```
    w'[kh, kw, i, o]  = s[i] * g * kernel[kh, kw, i, o]      # modulation, g = 1/sqrt(fan_in)
    w''[kh, kw, i, o] = w'[kh, kw, i, o] / sqrt(sum_{kh, kw, i} w'[., ., i, o]**2 + epsilon)
    y = conv(x, w'') + bias                                  # "same" padding, stride 1
    ```

    Demodulation replaces StyleGAN's AdaIN: it removes the style's effect
    on each output's scale from the weights, which removed the "droplet"
    artifacts. Without demodulation (`demodulate=False`, the toRGB layers)
    the style is also multiplied by `g`, as in the StyleGAN2 code.

    A different kernel per example would need a grouped convolution. This
    layer computes the same thing with one ordinary convolution (the
    StyleGAN2 code's `fused_modconv=False` path, which it uses in training):
    `conv(x * s, g * kernel) * d`, where `d[o] = 1 / sqrt(sum_i s[i]**2 *
    sum_{kh, kw} (g * kernel[kh, kw, i, o])**2 + epsilon)` is the
    demodulation of the modulated kernel. The kernel is stored as `N(0, 1)`
    draws and scaled by `g` at run time (equalised learning rate). Under mixed
    precision the demodulation coefficients are computed in float32.

    Args:
        filters: int, output channels.
        kernel_size: int, the square kernel's size. Defaults to `3`.
        demodulate: bool. Defaults to `True`.
        use_bias: bool, whether a learned bias (initialised to 0) is added.
            Defaults to `True`.
        epsilon: float > 0 in the demodulation. Defaults to `1e-8`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Inputs: `[x, w]`, `x` of shape `(batch, H, W, C)` and `w` of shape
    `(batch, w_dim)`. Output: `(batch, H, W, filters)`.

    Example:

    ```python
    x = keras.Input((8, 8, 64))
    w = keras.Input((512,))
    y = kg.layers.ModulatedConv2D(64, 3)([x, w])
    ```

    Reference:
        Karras et al., "Analyzing and Improving the Image Quality of
        StyleGAN", CVPR 2020, section 2.2 and equations 1-3.
    """

    def __init__(
        self, filters, kernel_size=3, demodulate=True, use_bias=True, epsilon=1e-8, **kwargs
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        self.demodulate = bool(demodulate)
        self.use_bias = bool(use_bias)
        self.epsilon = check_positive_float("epsilon", epsilon)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError(
                f"ModulatedConv2D expects inputs [x, w]. Received: input_shape={input_shape}"
            )
        x_shape, w_shape = input_shape
        if len(x_shape) != 4 or x_shape[-1] is None or len(w_shape) != 2:
            raise ValueError(
                "ModulatedConv2D expects x of shape (batch, height, width, channels) with known "
                f"channels and w of shape (batch, w_dim). Received: input_shape={input_shape}"
            )
        channels = x_shape[-1]
        self.affine = EqualizedDense(channels, bias_initializer=1.0, name="affine")
        self.affine.build(w_shape)
        self.kernel = self.add_weight(
            shape=(self.kernel_size, self.kernel_size, channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
        self.weight_gain = 1.0 / math.sqrt(channels * self.kernel_size**2)

    def call(self, inputs):
        x, w = inputs
        styles = self.affine(w)  # (batch, channels)
        kernel = self.kernel * self.weight_gain
        if not self.demodulate:
            styles = styles * self.weight_gain
        x = x * ops.cast(styles[:, None, None, :], x.dtype)
        outputs = ops.conv(x, ops.cast(kernel, x.dtype), padding="same")
        if self.demodulate:
            kernel_norms = ops.sum(ops.square(ops.cast(kernel, "float32")), axis=(0, 1))
            squared = ops.matmul(ops.square(ops.cast(styles, "float32")), kernel_norms)
            coefficients = ops.rsqrt(squared + self.epsilon)  # (batch, filters)
            outputs = outputs * ops.cast(coefficients[:, None, None, :], outputs.dtype)
        if self.bias is not None:
            outputs = outputs + ops.cast(self.bias, outputs.dtype)
        return outputs

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "demodulate": self.demodulate,
                "use_bias": self.use_bias,
                "epsilon": self.epsilon,
            }
        )
        return config
