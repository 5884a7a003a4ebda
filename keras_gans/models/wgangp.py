"""The Wasserstein GAN with a gradient penalty (Gulrajani et al. 2017)."""

import keras

from keras_gans.models.wgan import WGAN
from keras_gans.tricks import GradientPenalty


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(WGAN):
    """Wasserstein GAN with a gradient penalty instead of weight clipping.

    The Wasserstein loss plus `kg.tricks.GradientPenalty(gp_weight)`:
    `gp_weight * E[(||grad f(x_hat)||_2 - 1)^2]` on interpolates
    x_hat = x + alpha (G(z) - x), alpha ~ U(0, 1) per example, through D's
    augmentation like every term. Any model can use the penalty
    (`compile(gradient_penalty=10.0)`); this class is the paper's recipe: 5
    critic steps and `Adam(1e-4, beta_1=0.0, beta_2=0.9)` for both networks.

    The penalty treats examples independently, so the critic must not use
    BatchNorm: build it with `dcgan_discriminator(..., normalization="layer")`
    (or `None`). Batches are used as in `WGAN`.

    Logged metrics: `d_loss` (critic loss including the penalty), `g_loss`,
    `wasserstein` (E[f(real)] - E[f(fake)]) and `gradient_penalty` (unweighted).

    Args:
        generator: `keras.Model` mapping latent vectors to images in [-1, 1].
        discriminator: the critic, without BatchNorm.
        latent_dim: int, size of the latent vectors.
        critic_steps: int >= 1, critic updates per generator update.
            Defaults to `5`.
        gp_weight: float >= 0, weight of the gradient penalty. Defaults to `10.0`.
        seed, ema_decay: see `GAN`.

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    """

    def __init__(self, generator, discriminator, latent_dim, *, critic_steps=5, gp_weight=10.0,
                 **kwargs):  # fmt: skip
        if isinstance(gp_weight, bool) or not gp_weight >= 0:
            raise ValueError(f"`gp_weight` must be >= 0. Received: gp_weight={gp_weight!r}")
        self.gp_weight = float(gp_weight)
        super().__init__(
            generator, discriminator, latent_dim, critic_steps=critic_steps, clip_value=None,
            **kwargs,
        )  # fmt: skip
        # The critic is checked now, not at compile: the penalty defines the class.
        GradientPenalty(self.gp_weight).configure(self)

    def get_config(self):
        config = super().get_config()
        config.pop("clip_value")
        return {**config, "gp_weight": self.gp_weight}

    def default_optimizer(self):
        return keras.optimizers.Adam(learning_rate=1e-4, beta_1=0.0, beta_2=0.9)

    def required_tricks(self):
        return [GradientPenalty(self.gp_weight)] if self.gp_weight > 0 else []
