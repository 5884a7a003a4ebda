"""Ready-made models by name, as used by the CLI: `build_model("dcgan", ...)`."""

import functools

from keras_gans import networks
from keras_gans.models import GAN, WGAN, WGANGP, ConditionalGAN

# name: (model class, generator builder, discriminator builder)
PRESETS = {
    "dcgan": (GAN, networks.dcgan_generator, networks.dcgan_discriminator),
    "mlp": (GAN, networks.mlp_generator, networks.mlp_discriminator),
    "cgan": (ConditionalGAN, networks.dcgan_generator, networks.dcgan_discriminator),
    "wgan": (WGAN, networks.dcgan_generator, networks.dcgan_discriminator),
    # No BatchNorm in a WGAN-GP critic: the penalty treats examples independently.
    "wgan_gp": (
        WGANGP,
        networks.dcgan_generator,
        functools.partial(networks.dcgan_discriminator, normalization="layer"),
    ),
}
CONDITIONAL_PRESETS = {name for name, preset in PRESETS.items() if preset[0] is ConditionalGAN}


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
    model_class, make_generator, make_discriminator = PRESETS[name]
    conditional = {}
    if name in CONDITIONAL_PRESETS:
        if num_classes is None:
            raise ValueError(f"The '{name}' preset is conditional. Received: num_classes=None")
        conditional = {"num_classes": num_classes}
    image_shape = tuple(image_shape)
    return model_class(
        make_generator(latent_dim, image_shape, **conditional),
        make_discriminator(image_shape, **conditional),
        latent_dim=latent_dim,
        seed=seed,
        **conditional,
    )
