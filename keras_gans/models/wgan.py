"""Wasserstein GANs: weight clipping (WGAN) and gradient penalty (WGANGP)."""

import keras
from keras import ops

from keras_gans import losses as losses_module
from keras_gans import mixed_precision
from keras_gans.models.gan import GAN


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(GAN):
    """Wasserstein GAN with a weight-clipped critic.

    The critic f maximises E[f(x)] - E[f(G(z))], an estimate of the
    Wasserstein-1 distance when f is 1-Lipschitz; the generator minimises
    -E[f(G(z))]. Clipping every critic weight to [-c, c] after each critic
    update keeps f Lipschitz (crudely: see `WGANGP`).

    **How a batch is used.** Each batch of B real images is dealt into
    `critic_steps` = k slices of B // k images: critic step i trains on images
    i, i + k, i + 2k, ... of the batch, so every critic step sees different
    real images (a remainder of B % k images is left out). Then the generator
    takes one step on the B // k fakes of the first critic step (or on fresh
    latent vectors with `compile(reuse_fakes=False)`, see `GAN`). A batch smaller than k
    (the last, incomplete batch of an epoch: 66 images in batches of 32 end
    with 2) is dealt round, one image per critic step, image i mod B for
    step i, so it is trained on rather than crashing the epoch. Choose
    `batch_size = critic_steps * images_per_step`, e.g. 5 x 64 = 320. Dealing
    (rather than cutting contiguous slices) keeps `tf.distribute` training
    identical to one device when each replica's batch is a multiple of k.

    Logged metrics: `d_loss` (the critic loss), `g_loss`, and `wasserstein`,
    the critic's estimate E[f(real)] - E[f(fake)] averaged over critic steps.

    Args:
        generator: `keras.Model` mapping latent vectors to images in [-1, 1].
        discriminator: the critic, a `keras.Model` mapping images to one
            unbounded score per image.
        latent_dim: int, size of the latent vectors.
        critic_steps: int >= 1, critic updates per generator update.
            Defaults to `5`.
        clip_value: float > 0, critic weights are clipped to
            [-clip_value, clip_value]. Defaults to `0.01`.
        seed: int or None, seed of the model's noise. Defaults to `None`.

    The default optimizers are `RMSprop(5e-5)` for both networks, as in the
    paper.

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks",
        ICML 2017.
    """

    default_loss = "wasserstein"

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        critic_steps=5,
        clip_value=0.01,
        seed=None,
        **kwargs,
    ):
        if not isinstance(critic_steps, int) or critic_steps < 1:
            raise ValueError(
                f"`critic_steps` must be an int >= 1. Received: critic_steps={critic_steps!r}"
            )
        if clip_value is not None and not clip_value > 0:
            raise ValueError(
                f"`clip_value` must be positive (or None). Received: clip_value={clip_value!r}"
            )
        self.critic_steps = critic_steps
        self.clip_value = clip_value
        super().__init__(generator, discriminator, latent_dim, seed=seed, **kwargs)

    def get_config(self):
        return {
            **super().get_config(),
            "critic_steps": self.critic_steps,
            "clip_value": self.clip_value,
        }

    def default_optimizer(self):
        return keras.optimizers.RMSprop(learning_rate=5e-5)

    def compile(
        self, d_optimizer="auto", g_optimizer="auto", loss="auto", label_smoothing=0.0, **kwargs
    ):
        """Configures the model; the loss is always `"wasserstein"`. See `GAN.compile`."""
        if loss not in ("auto", "wasserstein"):
            raise ValueError(
                f"{type(self).__name__} trains with the Wasserstein loss. "
                f"Received: loss={loss!r}; expected 'wasserstein' (or 'auto')."
            )
        super().compile(
            d_optimizer, g_optimizer, loss="wasserstein", label_smoothing=label_smoothing, **kwargs
        )

    def check_batch_size(self, batch_size):
        """Each critic step needs at least one image of the batch."""
        if batch_size is not None and batch_size < self.critic_steps:
            raise ValueError(
                f"Each batch is split into critic_steps={self.critic_steps} slices, one per "
                f"critic step. Received: batches of {batch_size} images; expected at least "
                f"{self.critic_steps} (ideally a multiple, e.g. {64 * self.critic_steps})."
            )

    def deal_batch(self, images, labels):
        """`critic_steps` parts: part i holds images i, i + k, i + 2k, ... of the batch.

        A batch of fewer than k images (the last, incomplete batch of an
        epoch) is dealt round: part i holds image i mod B, so every critic
        step still trains on a real image and the epoch ends normally.
        """
        k = self.critic_steps
        size = ops.shape(images)[0]  # an int when the batch size is static
        static = isinstance(size, int)
        low, high = (min, max) if static else (ops.minimum, ops.maximum)
        per_step = low(high(size // k, 1), size)  # 0 only for an empty batch
        parts = []
        for i in range(k):
            index = (ops.arange(per_step) * k + i) % high(size, 1)
            parts.append(
                (
                    ops.take(images, index, axis=0),
                    None if labels is None else ops.take(labels, index, axis=0),
                )
            )
        return parts

    def after_discriminator_step(self):
        """Clips every critic weight to [-clip_value, clip_value]."""
        if self.clip_value is not None:
            for variable in self.discriminator.trainable_variables:
                variable.assign(ops.clip(variable, -self.clip_value, self.clip_value))
        return {}


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(WGAN):
    """Wasserstein GAN with a gradient penalty instead of weight clipping.

    The critic loss gets `gp_weight * E[(||grad f(x_hat)||_2 - 1)^2]` on
    interpolates x_hat = x + alpha (G(z) - x), with alpha ~ U(0, 1) drawn per
    sample. The norm is computed in float32 as sqrt(sum(g^2) + 1e-12), so it
    never yields NaN (even when real and fake images coincide, and under mixed
    precision, where 1e-12 would be 0 in float16). The penalty is averaged over
    the global batch like every loss (correct under `tf.distribute`).

    The penalty treats examples independently, so the critic must not use
    BatchNorm: build it with `dcgan_discriminator(..., normalization="layer")`
    (or `None`). Batches are used as in `WGAN` (split into `critic_steps`
    slices, one per critic step).

    Logged metrics: `d_loss` (critic loss including the penalty), `g_loss`,
    `wasserstein` (E[f(real)] - E[f(fake)]) and `gradient_penalty` (unweighted).

    Args:
        generator: `keras.Model` mapping latent vectors to images in [-1, 1].
        discriminator: the critic, without BatchNorm.
        latent_dim: int, size of the latent vectors.
        critic_steps: int >= 1, critic updates per generator update.
            Defaults to `5`.
        gp_weight: float >= 0, weight of the gradient penalty. Defaults to `10.0`.
        seed: int or None, seed of the model's noise. Defaults to `None`.

    The default optimizers are `Adam(1e-4, beta_1=0.0, beta_2=0.9)` for both
    networks, as in the paper.

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        critic_steps=5,
        gp_weight=10.0,
        seed=None,
        **kwargs,
    ):
        if not gp_weight >= 0:
            raise ValueError(f"`gp_weight` must be >= 0. Received: gp_weight={gp_weight!r}")
        self.gp_weight = float(gp_weight)
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            critic_steps=critic_steps,
            clip_value=None,
            seed=seed,
            **kwargs,
        )
        batch_norms = [
            layer.name
            for layer in getattr(discriminator, "layers", [])
            if isinstance(layer, keras.layers.BatchNormalization)
        ]
        if batch_norms:
            raise ValueError(
                "The WGAN-GP critic must not use BatchNorm: the gradient penalty treats "
                f"examples independently. Received: a critic with BatchNormalization "
                f"layers {batch_norms}. Build it with normalization='layer' or None."
            )

    def get_config(self):
        config = super().get_config()
        config.pop("clip_value")
        return {**config, "gp_weight": self.gp_weight}

    def default_optimizer(self):
        return keras.optimizers.Adam(learning_rate=1e-4, beta_1=0.0, beta_2=0.9)

    def interpolation_weights(self, batch_size, rank=4):
        """alpha ~ U(0, 1), one per example, shaped `(batch_size, 1, ...)` to broadcast
        over examples of rank `rank` (4 for images, 2 for points)."""
        shape = (1,) * (rank - 1)
        return self.draw_for_replica(
            lambda n: keras.random.uniform((n, *shape), seed=self.seed_generator),
            batch_size,
        )

    def gradient_penalty(self, real_images, fake_images, labels=None, alpha=None):
        """E[(||grad_x f(x_hat)||_2 - 1)^2] over interpolates of real and fake images.

        Args:
            real_images, fake_images: batches of the same shape.
            labels: labels for a conditional critic, or None.
            alpha: interpolation weights `(batch, 1, ...)`; drawn per example
                with `interpolation_weights` when None.

        Returns:
            The penalty, averaged over the global batch (unweighted).
        """
        if alpha is None:
            alpha = self.interpolation_weights(
                ops.shape(real_images)[0], rank=len(real_images.shape)
            )
        real_images, fake_images = (ops.cast(x, "float32") for x in (real_images, fake_images))
        interpolates = real_images + alpha * (fake_images - real_images)
        # Under D's loss scale (mixed_float16), unscaled to float32.
        gradients, finite = mixed_precision.input_gradients(
            lambda x: self.discriminator(self.discriminator_inputs(x, labels), training=True),
            interpolates,
            getattr(self, "d_optimizer", None),  # callable before compile
        )
        # In float32, so that the 1e-12 cannot underflow to 0 (as in float16).
        squared = ops.sum(ops.square(gradients), axis=list(range(1, len(gradients.shape))))
        norms = ops.sqrt(squared + 1e-12)
        penalty = losses_module.global_batch_mean(ops.square(norms - 1.0))
        return mixed_precision.zero_if_overflowed(penalty, finite)

    def discriminator_loss(self, real_logits, fake_logits, real_images, fake_images, labels):
        loss, logs = super().discriminator_loss(
            real_logits, fake_logits, real_images, fake_images, labels
        )
        penalty = self.gradient_penalty(real_images, fake_images, labels)
        return loss + self.gp_weight * penalty, {**logs, "gradient_penalty": penalty}
