"""A learned Gaussian mixture latent space (DeLiGAN) whose component z itself chooses."""

import math

import keras
from keras import ops

from keras_gans.layers.arguments import check_positive_float, check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class GaussianMixtureLatent(keras.layers.Layer):
    """Maps z ~ N(0, I) to a learned mixture of Gaussians, one component per sample.

    DeLiGAN (Gurumurthy et al., 2017) reparameterises the generator's latent
    space as a mixture of `num_components` Gaussians with learned means `mu_i`
    and standard deviations `sigma_i`: `z' = mu_i + sigma_i * eps`, with `i`
    drawn uniformly. A continuous generator fed one Gaussian must stretch a
    connected latent space over every mode, and the stretch puts samples on
    "bridges" between modes; separate components need no bridges.

    Here the component comes from the noise itself, so that one latent
    vector always makes one sample (`generate(seed=...)`, the exported
    `generate_uint8` and training draw the same plain Gaussian z):
    for an input `z` of size `d + 1`, `i = floor(Phi(z[0]) * num_components)`,
    where `Phi` is the standard normal CDF, so `i` is uniform over the
    components; the other `d` coordinates are `eps`. The output has size `d`.
    DeLiGAN's penalty on small `sigma` is not included.

    Args:
        num_components: int >= 1, the number of mixture components.
        stddev: float > 0, the initial `sigma` of every component. The means
            start uniform in [-1, 1]. Defaults to `0.05`, which worked better
            than DeLiGAN's 0.2 on the 25-Gaussian grid.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:

    ```python
    z = keras.Input((3,))
    h = kg.layers.GaussianMixtureLatent(100)(z)  # (batch, 2)
    ```

    Reference:
        Gurumurthy, Sarvadevabhatla and Babu, "DeLiGAN: Generative Adversarial
        Networks for Diverse and Limited Data", CVPR 2017.
    """

    def __init__(self, num_components, stddev=0.05, **kwargs):
        super().__init__(**kwargs)
        self.num_components = check_positive_int("num_components", num_components)
        self.stddev = check_positive_float("stddev", stddev)

    def build(self, input_shape):
        size = input_shape[-1]
        if size is None or size < 2:
            raise ValueError(
                "GaussianMixtureLatent needs a known last axis of size >= 2: one "
                "coordinate chooses the component, the others are its noise. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        shape = (self.num_components, size - 1)
        self.means = self.add_weight(
            shape=shape, initializer=keras.initializers.RandomUniform(-1.0, 1.0), name="means"
        )
        self.stddevs = self.add_weight(
            shape=shape, initializer=keras.initializers.Constant(self.stddev), name="stddevs"
        )

    def call(self, inputs):
        uniform = 0.5 * (1.0 + ops.erf(inputs[..., 0] / math.sqrt(2.0)))
        index = ops.cast(ops.floor(uniform * self.num_components), "int32")
        index = ops.clip(index, 0, self.num_components - 1)
        means = ops.cast(ops.take(self.means, index, axis=0), inputs.dtype)
        stddevs = ops.cast(ops.take(self.stddevs, index, axis=0), inputs.dtype)
        return means + stddevs * inputs[..., 1:]

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] - 1)

    def get_config(self):
        config = super().get_config()
        config.update({"num_components": self.num_components, "stddev": self.stddev})
        return config
