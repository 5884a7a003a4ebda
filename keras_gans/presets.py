"""Ready-made models by name, as used by the CLI: `build_model("dcgan", ...)`."""

from keras_gans import networks
from keras_gans.models.gan import GAN


def _dcgan(image_shape, latent_dim, num_classes, seed):
    return GAN(
        generator=networks.dcgan_generator(latent_dim, image_shape),
        discriminator=networks.dcgan_discriminator(image_shape),
        latent_dim=latent_dim,
        seed=seed,
    )


def _mlp(image_shape, latent_dim, num_classes, seed):
    return GAN(
        generator=networks.mlp_generator(latent_dim, image_shape),
        discriminator=networks.mlp_discriminator(image_shape),
        latent_dim=latent_dim,
        seed=seed,
    )


PRESETS = {"dcgan": _dcgan, "mlp": _mlp}


def build_model(name, image_shape, latent_dim=128, num_classes=None, seed=None):
    """Builds an uncompiled model by preset name.

    Args:
        name: one of `PRESETS`: `"dcgan"` (Radford et al. 2015), `"mlp"`
            (Goodfellow et al. 2014).
        image_shape: `(height, width, channels)` of the training images.
        latent_dim: size of the latent vectors. Defaults to `128`.
        num_classes: number of classes, for conditional presets.
        seed: seed of the model's noise. Defaults to `None`.
    """
    if name not in PRESETS:
        raise ValueError(f"Unknown model preset. Expected one of {sorted(PRESETS)}. Received: {name!r}")
    return PRESETS[name](tuple(image_shape), latent_dim, num_classes, seed)
