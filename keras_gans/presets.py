"""Ready-made models by name, as used by `kg.train` and the CLI: `build_model("dcgan", ...)`."""

import dataclasses
import functools
from collections.abc import Callable

from keras_gans import networks
from keras_gans.models import GAN, WGAN, WGANGP, ConditionalGAN


@dataclasses.dataclass(frozen=True)
class Preset:
    """A named model recipe: model class, network builders and training defaults.

    Args:
        model_class: the `GAN` subclass to build.
        generator: `generator(latent_dim, image_shape, **conditional) -> keras.Model`.
        discriminator: `discriminator(image_shape, **conditional) -> keras.Model`.
        batch_size: images per training batch unless one is given. Defaults to `128`.
    """

    model_class: type
    generator: Callable
    discriminator: Callable
    batch_size: int = 128

    @property
    def conditional(self):
        return issubclass(self.model_class, ConditionalGAN)


PRESETS = {
    "dcgan": Preset(GAN, networks.dcgan_generator, networks.dcgan_discriminator),
    "mlp": Preset(GAN, networks.mlp_generator, networks.mlp_discriminator),
    "cgan": Preset(ConditionalGAN, networks.dcgan_generator, networks.dcgan_discriminator),
    # A WGAN batch is split into its 5 critic steps of 64 images.
    "wgan": Preset(WGAN, networks.dcgan_generator, networks.dcgan_discriminator, batch_size=320),
    # No BatchNorm in a WGAN-GP critic: the penalty treats examples independently.
    "wgan_gp": Preset(
        WGANGP,
        networks.dcgan_generator,
        functools.partial(networks.dcgan_discriminator, normalization="layer"),
        batch_size=320,
    ),
}
CONDITIONAL_PRESETS = {name for name, preset in PRESETS.items() if preset.conditional}


def get_preset(name):
    """The `Preset` called `name`; a `ValueError` naming the choices otherwise."""
    if name not in PRESETS:
        raise ValueError(
            f"Unknown model preset. Expected one of {sorted(PRESETS)}. Received: {name!r}"
        )
    return PRESETS[name]


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
    preset = get_preset(name)
    conditional = {}
    if preset.conditional:
        if num_classes is None:
            raise ValueError(f"The '{name}' preset is conditional. Received: num_classes=None")
        conditional = {"num_classes": num_classes}
    image_shape = tuple(image_shape)
    return preset.model_class(
        preset.generator(latent_dim, image_shape, **conditional),
        preset.discriminator(image_shape, **conditional),
        latent_dim=latent_dim,
        seed=seed,
        **conditional,
    )
