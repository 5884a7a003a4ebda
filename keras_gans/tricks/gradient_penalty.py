"""The gradient penalty of WGAN-GP (Gulrajani et al. 2017), a term for any model."""

import keras
from keras import ops

from keras_gans import mixed_precision
from keras_gans.losses import global_batch_mean
from keras_gans.tricks.trick import Option, Trick


@keras.saving.register_keras_serializable(package="keras_gans")
class GradientPenalty(Trick):
    """Adds `weight * E[(||grad f(x_hat)||_2 - 1)^2]` to D's loss, x_hat between real and fake.

    The interpolates are x_hat = x + alpha (G(z) - x) with alpha ~ U(0, 1)
    drawn per example from the model's noise. The norm is computed in float32
    as sqrt(sum(g^2) + 1e-12), so it is never NaN (even when real and fake
    coincide, and under mixed precision, where 1e-12 would be 0 in float16).
    D is run through its augmentation, like R1. `kg.WGANGP` is the
    Wasserstein loss with this term; any model can use it
    (`compile(loss="hinge", gradient_penalty=10.0)`). Logged as
    `gradient_penalty` (unweighted).

    The penalty treats examples independently, so the critic must not use
    BatchNorm (`dcgan_discriminator(..., normalization="layer")`).

    Args:
        weight: float >= 0, lambda, the penalty's weight (10 in the paper).

    Example:

    ```python
    gan.compile(loss="hinge", tricks=[kg.tricks.GradientPenalty(10.0)])
    ```

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """

    options = (
        Option("gradient_penalty", "weight", 0.0, float, "lambda of WGAN-GP's gradient penalty"),
    )

    def configure(self, model):
        for name in model.players["discriminator"]:
            batch_norms = [
                layer.name
                for layer in model.networks[name]._flatten_layers(include_self=False)
                if isinstance(layer, keras.layers.BatchNormalization)
            ]
            if batch_norms:
                raise ValueError(
                    "The gradient penalty treats examples independently, so the critic must "
                    f"not use BatchNorm. Received: a {name} with BatchNormalization layers "
                    f"{batch_norms}. Build it with normalization='layer' or None."
                )

    def interpolation_weights(self, model, batch_size, rank=4):
        """alpha ~ U(0, 1), one per example, shaped `(batch_size, 1, ...)` for rank `rank`."""
        shape = (1,) * (rank - 1)
        return model.draw_for_replica(
            lambda n: keras.random.uniform((n, *shape), seed=model.seed_generator), batch_size
        )

    def penalty(self, model, state, alpha=None):
        """E[(||grad_x f(x_hat)||_2 - 1)^2] over interpolates of the state's real and fake."""
        real = ops.cast(ops.stop_gradient(state.real), "float32")
        fake = ops.cast(ops.stop_gradient(state.fake), "float32")
        if alpha is None:
            alpha = self.interpolation_weights(model, ops.shape(real)[0], rank=len(real.shape))
        interpolates = real + alpha * (fake - real)
        gradients, finite = mixed_precision.input_gradients(
            lambda x: model.discriminate(x, state)[0],
            interpolates,
            (getattr(model, "optimizers", None) or {}).get("discriminator"),
        )
        # In float32, so that the 1e-12 cannot underflow to 0 (as in float16).
        squared = ops.sum(ops.square(gradients), axis=list(range(1, len(gradients.shape))))
        norms = ops.sqrt(squared + 1e-12)
        penalty = global_batch_mean(ops.square(norms - 1.0))
        return mixed_precision.zero_if_overflowed(penalty, finite)

    def discriminator_terms(self, model, state):
        return {"gradient_penalty": self.penalty(model, state)}
