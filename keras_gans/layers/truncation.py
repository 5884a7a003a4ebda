"""StyleGAN's truncation trick: the running average of w, and latents pulled towards it."""

import numbers

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class Truncation(keras.layers.Layer):
    """Tracks the average latent `w_avg`; with `psi`, returns `w_avg + psi * (w - w_avg)`.

    - `training=True`: `w_avg` moves towards the batch's mean `w`:
      `w_avg = mean(w) + beta * (w_avg - mean(w))` (the StyleGAN2 code's
      `w_avg_beta`), and `w` is returned unchanged.
    - `psi` given (a call argument, a float): the latents are pulled towards
      the average, `w_avg + psi * (w - w_avg)`. `psi = 1` is no truncation,
      `psi = 0` gives `w_avg` for every example (the "average image"),
      values in between trade variety for quality. StyleGAN2 truncates
      every layer's `w` (no cutoff), as here.
    - otherwise `w` is returned unchanged.

    `w_avg` starts at 0 and is a non-trainable weight, saved and restored
    with the model. Under a `tf.distribute` strategy it is updated with the
    mean of the replicas' batch means (`aggregation="mean"`), i.e. the mean
    of the global batch when the replicas' batches have the same size.

    Args:
        beta: float in [0, 1), the decay of the moving average. Defaults to
            `0.995`, StyleGAN2's `w_avg_beta`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Input shape: `(batch, w_dim)`; the output has the same shape.

    Example:

    ```python
    truncation = kg.layers.Truncation()
    w = truncation(w, training=True)          # updates w_avg
    w_truncated = truncation(w, psi=0.7)      # w_avg + 0.7 * (w - w_avg)
    ```

    Reference:
        Karras et al., "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, section 3.3 (truncation in W);
        Marchesi, "Megapixel Size Image Creation using Generative Adversarial
        Networks", 2017, and Brock et al., ICLR 2019 (truncation in Z).
    """

    def __init__(self, beta=0.995, **kwargs):
        super().__init__(**kwargs)
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not 0 <= beta < 1:
            raise ValueError(f"`beta` must be a number in [0, 1). Received: beta={beta!r}")
        self.beta = float(beta)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                "Truncation expects latents of shape (batch, w_dim) with a known w_dim. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self.w_avg = self.add_weight(
            shape=(input_shape[-1],),
            initializer="zeros",
            trainable=False,
            autocast=False,
            aggregation="mean",
            name="w_avg",
        )

    def call(self, inputs, training=None, psi=None):
        if training:
            batch_mean = ops.mean(ops.cast(inputs, "float32"), axis=0)
            self.w_avg.assign(batch_mean + self.beta * (self.w_avg - batch_mean))
        if psi is None:
            return inputs
        w_avg = ops.cast(self.w_avg, inputs.dtype)
        return w_avg + ops.cast(psi, inputs.dtype) * (inputs - w_avg)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"beta": self.beta})
        return config
