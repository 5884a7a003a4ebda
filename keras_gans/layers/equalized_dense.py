"""A dense layer with an equalised learning rate (ProGAN / StyleGAN)."""

import math

import keras
from keras import ops

from keras_gans.layers.arguments import check_positive_float, check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(keras.layers.Layer):
    """`Dense` whose weights are scaled at run time: an equalised learning rate.

    The kernel is stored as `N(0, 1 / lr_multiplier**2)` draws and used as
    `kernel * lr_multiplier / sqrt(fan_in)`; the bias is used as `bias *
    lr_multiplier`. Adam's steps are about the same size for every weight,
    so scaling at run time rather than at initialisation gives every layer
    the same learning speed, and `lr_multiplier` slows one layer down
    (StyleGAN's mapping network uses 0.01). As in the StyleGAN2 code, the
    bias initialiser gives the *stored* bias: the initial effective bias is
    `bias_initializer * lr_multiplier`.

    Args:
        units: int, the output size.
        lr_multiplier: float > 0, the learning-rate multiplier. Defaults to
            `1.0`.
        bias_initializer: float, the stored bias's initial value. Defaults to
            `0.0`; StyleGAN2's style affines use `1.0` (styles start at 1).
        use_bias: bool. Defaults to `True`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:

    ```python
    w = kg.layers.EqualizedDense(512, lr_multiplier=0.01)(z)
    ```

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", ICLR 2018, section 4.1; Karras et al., "A
        Style-Based Generator Architecture for Generative Adversarial
        Networks", CVPR 2019 (the mapping network's learning-rate multiplier).
    """

    def __init__(self, units, lr_multiplier=1.0, bias_initializer=0.0, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.lr_multiplier = check_positive_float("lr_multiplier", lr_multiplier)
        self.bias_initializer = float(bias_initializer)
        self.use_bias = bool(use_bias)

    def build(self, input_shape):
        fan_in = input_shape[-1]
        if fan_in is None:
            raise ValueError(
                "EqualizedDense needs a known last axis. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            shape=(fan_in, self.units),
            initializer=keras.initializers.RandomNormal(stddev=1.0 / self.lr_multiplier),
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                initializer=keras.initializers.Constant(self.bias_initializer),
                name="bias",
            )
        self.weight_gain = self.lr_multiplier / math.sqrt(fan_in)

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel * self.weight_gain)
        if self.bias is not None:
            outputs = outputs + self.bias * self.lr_multiplier
        return outputs

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "lr_multiplier": self.lr_multiplier,
                "bias_initializer": self.bias_initializer,
                "use_bias": self.use_bias,
            }
        )
        return config
