"""Ready-made models by name, as used by `kg.train` and the CLI: `build_model("dcgan", ...)`."""

import dataclasses
import functools
from collections.abc import Callable, Mapping

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
        compile_kwargs: `compile` arguments of the recipe (plain values: optimizer
            configs, not instances, so that every model gets fresh optimizers).
            Defaults to `{}`, the model class's defaults.
    """

    model_class: type
    generator: Callable
    discriminator: Callable
    batch_size: int = 128
    compile_kwargs: Mapping = dataclasses.field(default_factory=dict)

    @property
    def conditional(self):
        return issubclass(self.model_class, ConditionalGAN)


def _adam(learning_rate, beta_1, beta_2):
    """The config of an Adam optimizer (`keras.optimizers.get` makes a fresh one)."""
    config = {"learning_rate": learning_rate, "beta_1": beta_1, "beta_2": beta_2}
    return {"class_name": "Adam", "config": config}


PRESETS = {
    # Batch 32: at 5 epochs, 4x the steps of batch 128 for 1.18-1.47x the time per epoch
    # (by machine), and a classifier FID of 33.8 +- 2.0 against 58.9 +- 2.8 (3 seeds;
    # benchmarks/defaults_vs_keras_io.py).
    "dcgan": Preset(GAN, networks.dcgan_generator, networks.dcgan_discriminator, batch_size=32),
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
    # SNGAN (Miyato et al. 2018): hinge loss, a spectrally normalised critic
    # without BatchNorm, Adam(2e-4, 0.5, 0.999) with one D step per G step
    # (their setting C), on the DCGAN networks of these image sizes.
    "sngan": Preset(
        GAN,
        networks.dcgan_generator,
        functools.partial(networks.dcgan_discriminator, normalization=None, spectral_norm=True),
        batch_size=64,
        compile_kwargs={
            "loss": "hinge",
            "d_optimizer": _adam(2e-4, 0.5, 0.999),
            "g_optimizer": _adam(2e-4, 0.5, 0.999),
        },
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


def build_model(
    preset,
    image_shape,
    latent_dim=128,
    num_classes=None,
    seed=None,
    ema_decay=None,
    spectral_norm=None,
):
    """Builds an uncompiled model by preset name.

    Args:
        preset: one of `PRESETS`: `"dcgan"` (Radford et al. 2015), `"mlp"`
            (Goodfellow et al. 2014), `"cgan"` (conditional DCGAN, Mirza &
            Osindero 2014), `"wgan"` (Arjovsky et al. 2017), `"wgan_gp"`
            (Gulrajani et al. 2017, LayerNorm critic), `"sngan"` (Miyato et
            al. 2018: spectral norm, hinge loss).
        image_shape: `(height, width, channels)` of the training images.
        latent_dim: size of the latent vectors. Defaults to `128`.
        num_classes: number of classes, required by conditional presets.
        seed: seed of the model's noise. Defaults to `None`.
        ema_decay: decay of the generator's moving average (see `GAN`).
            Defaults to `None` (none).
        spectral_norm: bool or None: spectral normalisation in the
            discriminator's layers (DCGAN discriminators only). Defaults to
            `None`, the preset's choice.
    """
    name, preset = preset, get_preset(preset)
    conditional = {}
    if preset.conditional:
        if num_classes is None:
            raise ValueError(f"The '{name}' preset is conditional. Received: num_classes=None")
        conditional = {"num_classes": num_classes}
    discriminator_options = {}
    if spectral_norm is not None:
        if preset.generator is networks.mlp_generator:
            raise ValueError(
                "`spectral_norm` applies to the DCGAN discriminators, not to the 'mlp' "
                f"preset. Received: spectral_norm={spectral_norm!r} with preset={name!r}"
            )
        discriminator_options["spectral_norm"] = bool(spectral_norm)
    image_shape = tuple(image_shape)
    return preset.model_class(
        preset.generator(latent_dim, image_shape, **conditional),
        preset.discriminator(image_shape, **conditional, **discriminator_options),
        latent_dim=latent_dim,
        seed=seed,
        ema_decay=ema_decay,
        **conditional,
    )
