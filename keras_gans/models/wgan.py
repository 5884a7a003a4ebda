"""The Wasserstein GAN with weight clipping (Arjovsky et al. 2017)."""

import keras

from keras_gans.models.gan import GAN
from keras_gans.tricks import WeightClipping


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(GAN):
    """Wasserstein GAN: the Wasserstein loss, a weight-clipped critic, 5 critic steps.

    The critic f maximises E[f(x)] - E[f(G(z))], an estimate of the
    Wasserstein-1 distance when f is 1-Lipschitz; the generator minimises
    -E[f(G(z))]. Clipping every critic weight to [-c, c] after each critic
    update (`kg.tricks.WeightClipping`) keeps f Lipschitz (crudely: see
    `WGANGP`).

    **How a batch is used.** Each batch of B real images is dealt into
    `critic_steps` = k slices of B // k images: critic step i trains on images
    i, i + k, i + 2k, ... of the batch, so every critic step sees different
    real images (a remainder of B % k images is left out). Then the generator
    takes one step on the B // k fakes of the first critic step. A batch
    smaller than k (the last, incomplete batch of an epoch) is dealt round,
    one image per critic step. Choose `batch_size = critic_steps *
    images_per_step`, e.g. 5 x 64 = 320. The critic steps after the first run
    in a `tf.while_loop`, so tracing a step costs the same for any k.

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
        seed, ema_decay: see `GAN`.

    The default optimizers are `RMSprop(5e-5)` for both networks, as in the
    paper.

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks",
        ICML 2017.
    """

    default_loss = "wasserstein"

    def __init__(self, generator, discriminator, latent_dim, *, critic_steps=5, clip_value=0.01,
                 **kwargs):  # fmt: skip
        if clip_value is not None and (isinstance(clip_value, bool) or not clip_value > 0):
            raise ValueError(
                f"`clip_value` must be positive (or None). Received: clip_value={clip_value!r}"
            )
        self.clip_value = clip_value
        super().__init__(generator, discriminator, latent_dim, critic_steps=critic_steps, **kwargs)

    def get_config(self):
        return {**super().get_config(), "clip_value": self.clip_value}

    def default_optimizer(self):
        return keras.optimizers.RMSprop(learning_rate=5e-5)

    def required_tricks(self):
        return [] if self.clip_value is None else [WeightClipping(self.clip_value)]

    def compile(self, d_optimizer="auto", g_optimizer="auto", loss="auto", **kwargs):
        """Configures the model; the loss is always `"wasserstein"`. See `GAN.compile`."""
        if loss not in ("auto", "wasserstein"):
            raise ValueError(
                f"{type(self).__name__} trains with the Wasserstein loss. "
                f"Received: loss={loss!r}; expected 'wasserstein' (or 'auto')."
            )
        super().compile(d_optimizer, g_optimizer, loss="wasserstein", **kwargs)
