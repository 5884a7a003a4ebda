"""Ready-made models by name, as used by the CLI: `build_model("dcgan", ...)`."""

from keras_gans import networks
from keras_gans.models import GAN, WGAN, WGANGP, ConditionalGAN


def _dcgan(image_shape, latent_dim, num_classes, seed):
    return GAN(
        networks.dcgan_generator(latent_dim, image_shape),
        networks.dcgan_discriminator(image_shape),
        latent_dim=latent_dim,
        seed=seed,
    )


def _mlp(image_shape, latent_dim, num_classes, seed):
    return GAN(
        networks.mlp_generator(latent_dim, image_shape),
        networks.mlp_discriminator(image_shape),
        latent_dim=latent_dim,
        seed=seed,
    )


def _cgan(image_shape, latent_dim, num_classes, seed):
    return ConditionalGAN(
        networks.dcgan_generator(latent_dim, image_shape, num_classes=num_classes),
        networks.dcgan_discriminator(image_shape, num_classes=num_classes),
        latent_dim=latent_dim,
        num_classes=num_classes,
        seed=seed,
    )


def _wgan(image_shape, latent_dim, num_classes, seed):
    return WGAN(
        networks.dcgan_generator(latent_dim, image_shape),
        networks.dcgan_discriminator(image_shape),
        latent_dim=latent_dim,
        seed=seed,
    )


def _wgan_gp(image_shape, latent_dim, num_classes, seed):
    return WGANGP(
        networks.dcgan_generator(latent_dim, image_shape),
        networks.dcgan_discriminator(image_shape, normalization="layer"),
        latent_dim=latent_dim,
        seed=seed,
    )


PRESETS = {"dcgan": _dcgan, "mlp": _mlp, "cgan": _cgan, "wgan": _wgan, "wgan_gp": _wgan_gp}
CONDITIONAL_PRESETS = {"cgan"}


def build_model(name, image_shape, latent_dim=128, num_classes=None, seed=None):
    """Builds an uncompiled model by preset name.

    Args:
        name: one of `PRESETS`: `"dcgan"` (Radford et al. 2015), `"mlp"`
            (Goodfellow et al. 2014), `"cgan"` (conditional DCGAN, Mirza &
            Osindero 2014), `"wgan"` (Arjovsky et al. 2017), `"wgan_gp"`
            (Gulrajani et al. 2017, LayerNorm critic).
        image_shape: `(height, width, channels)` of the training images.
        latent_dim: size of the latent vectors. Defaults to `128`.
        num_classes: number of classes, required by conditional presets.
        seed: seed of the model's noise. Defaults to `None`.
    """
    if name not in PRESETS:
        raise ValueError(
            f"Unknown model preset. Expected one of {sorted(PRESETS)}. Received: {name!r}"
        )
    if name in CONDITIONAL_PRESETS and num_classes is None:
        raise ValueError(f"The '{name}' preset is conditional. Received: num_classes=None")
    return PRESETS[name](tuple(image_shape), latent_dim, num_classes, seed)
