"""Ready-made models by name, as used by `kg.train` and the CLI: `build_model("dcgan", ...)`.

Latent presets (`Preset`, the residual and style-based ones with the networks of
`keras_gans/preset_networks.py`) and image-to-image ones (`TranslationPreset`:
`"pix2pix"`, `"cyclegan"`), each with its paper's settings.
"""

import dataclasses
import functools
from collections.abc import Callable, Mapping

from keras_gans import networks
from keras_gans.builder_options import builder_options
from keras_gans.models import GAN, WGAN, WGANGP, ConditionalGAN, CycleGAN, Pix2Pix
from keras_gans.preset_networks import (
    resnet_sngan_discriminator,
    resnet_sngan_generator,
    sagan_discriminator,
    sagan_generator,
    stylegan2_discriminator,
    stylegan2_generator,
)


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
        model_kwargs: the model class's own arguments (`critic_steps`, and
            `ema_decay` unless the run gives one). Defaults to `{}`.
        citation: the paper (and code) the recipe's hyper-parameters come from.
            Defaults to `""`.
    """

    model_class: type
    generator: Callable
    discriminator: Callable
    batch_size: int = 128
    compile_kwargs: Mapping = dataclasses.field(default_factory=dict)
    model_kwargs: Mapping = dataclasses.field(default_factory=dict)
    citation: str = ""

    @property
    def conditional(self):
        return issubclass(self.model_class, ConditionalGAN)

    translation = False


@dataclasses.dataclass(frozen=True)
class TranslationPreset:
    """A named image-to-image recipe: model class, its networks and training defaults.

    Args:
        model_class: `Pix2Pix` or `CycleGAN`.
        networks: `networks(source_shape, target_shape, spectral_norm) -> {argument: model}`,
            the model class's network arguments for images of those shapes.
        batch_size: images (pairs) per batch unless one is given. Defaults to `1`.
        compile_kwargs: `compile` arguments of the recipe (plain values).
            Defaults to `{}`.
        linear_decay: the learning rate is constant for the first half of the
            run, then falls linearly to 0 (`kg.schedules.LinearDecay`, set
            from the run's epochs and steps). Defaults to `False`.
    """

    model_class: type
    networks: Callable
    batch_size: int = 1
    compile_kwargs: Mapping = dataclasses.field(default_factory=dict)
    linear_decay: bool = False

    conditional = False
    translation = True


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
    # SNGAN's ResNet recipe for CIFAR-10 (Miyato et al. 2018, sec. 5 and appendix B.4;
    # their setting with the hinge loss): Adam(2e-4, beta_1=0, beta_2=0.9), n_dis=5 D
    # updates per G update on batches of 64 (a batch of 320 dealt into the 5 critic
    # steps), spectral norm in D only.
    "resnet_sngan": Preset(
        GAN,
        resnet_sngan_generator,
        resnet_sngan_discriminator,
        batch_size=320,
        compile_kwargs={
            "loss": "hinge",
            "d_optimizer": _adam(2e-4, 0.0, 0.9),
            "g_optimizer": _adam(2e-4, 0.0, 0.9),
        },
        model_kwargs={"critic_steps": 5},
        citation=(
            'Miyato et al., "Spectral Normalization for Generative Adversarial Networks", '
            "ICLR 2018 (ResNet nets, appendix B.4; hinge loss, Adam(2e-4, 0, 0.9), n_dis=5)"
        ),
    ),
    # SAGAN (Zhang et al. 2019, sec. 5): spectral norm in G and D, the two time-scale
    # update rule (D 4e-4, G 1e-4, Adam(beta_1=0, beta_2=0.9)), one D step per G step,
    # the hinge loss, self-attention in both networks (on a middle feature map). Batch
    # 64 (the paper: 256 on ImageNet 128x128, on GPUs).
    "sagan": Preset(
        GAN,
        sagan_generator,
        sagan_discriminator,
        batch_size=64,
        compile_kwargs={
            "loss": "hinge",
            "d_optimizer": _adam(4e-4, 0.0, 0.9),
            "g_optimizer": _adam(1e-4, 0.0, 0.9),
        },
        citation=(
            'Zhang et al., "Self-Attention Generative Adversarial Networks", ICML 2019 '
            "(TTUR 4e-4 / 1e-4, Adam(0, 0.9), hinge loss, spectral norm in G and D)"
        ),
    ),
    # StyleGAN2 as the StyleGAN2-ADA code trains it (train.py, training/loss.py,
    # training/training_loop.py): the non-saturating loss, Adam(0.0025, 0, 0.99), R1
    # every 16 steps and path length (weight 2, decay 0.01, half batch) every 4 steps,
    # each scaled by its interval; style mixing 0.9 (the builder's default); batch 32
    # and 2 mapping layers (its `auto` config at 32-128 px on one GPU); an EMA of G with
    # a half-life of 10k images (ema_kimg = batch * 10 / 32), i.e. a decay of
    # 0.5 ** (32 / 10_000) per step. R1 gamma 0.01: its `cifar` config (its `auto`
    # formula 0.0002 * res**2 / batch gives 0.006 at 32 px, 0.026 at 64 px; 10 is for
    # 1024 px). No lr / beta adjustment for laziness (lr * c, beta ** c, c = k / (k + 1)
    # in training_loop.py): it compensates for the extra optimizer step of a separate
    # regularisation phase, and here the lazy terms join the main step (no extra step).
    "stylegan2": Preset(
        GAN,
        stylegan2_generator,
        stylegan2_discriminator,
        batch_size=32,
        compile_kwargs={
            "loss": "non_saturating",
            "d_optimizer": _adam(0.0025, 0.0, 0.99),
            "g_optimizer": _adam(0.0025, 0.0, 0.99),
            "r1_penalty": 0.01,
            "r1_every_n_steps": 16,
            "path_length": 2.0,
            "path_length_every_n_steps": 4,
        },
        model_kwargs={"ema_decay": 0.5 ** (32 / 10_000)},
        citation=(
            'Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR '
            '2020; Karras et al., "Training Generative Adversarial Networks with Limited '
            "Data\", NeurIPS 2020 (the StyleGAN2-ADA code: train.py's auto and cifar configs, "
            "training/loss.py)"
        ),
    ),
}


def _patch_downsamples(image_shape):
    """The 70x70 PatchGAN's 3 downsamplings, or as many as smaller images allow (34x34, 16x16)."""
    side = min(image_shape[:2])
    return next((n for n in (3, 2, 1) if side >= 3 * 2**n), 0)


def _pix2pix_networks(source_shape, target_shape, spectral_norm=None):
    # The U-Net (as deep as the size allows, at most 256 -> 1), a PatchGAN with
    # batch norm that sees [output, source] (Isola et al. 2017, appendix 6.1).
    return {
        "generator": networks.unet_generator(source_shape, output_channels=target_shape[-1]),
        "discriminator": networks.patch_discriminator(
            target_shape,
            source_shape=source_shape,
            num_downsamples=_patch_downsamples(target_shape),
            spectral_norm=bool(spectral_norm),
        ),
    }


def _cyclegan_networks(a_shape, b_shape, spectral_norm=None):
    # ResNet translators of 9 blocks for 256x256 and larger, 6 below; PatchGANs with
    # instance norm (Zhu et al. 2017, sec. 4 and appendix 7.2).
    blocks = 9 if min(a_shape[:2]) >= 256 else 6

    def critic(shape, name):
        return networks.patch_discriminator(
            shape,
            num_downsamples=_patch_downsamples(shape),
            normalization="instance",
            spectral_norm=bool(spectral_norm),
            name=name,
        )

    return {
        "generator_ab": networks.resnet_translator(
            a_shape, output_channels=b_shape[-1], num_blocks=blocks, name="generator_ab"
        ),
        "generator_ba": networks.resnet_translator(
            b_shape, output_channels=a_shape[-1], num_blocks=blocks, name="generator_ba"
        ),
        "discriminator_a": critic(a_shape, "discriminator_a"),
        "discriminator_b": critic(b_shape, "discriminator_b"),
    }


# Image-to-image: both papers train with Adam(2e-4, beta_1=0.5) on batches of one image.
PRESETS["pix2pix"] = TranslationPreset(
    Pix2Pix,
    _pix2pix_networks,
    compile_kwargs={"d_optimizer": _adam(2e-4, 0.5, 0.999), "g_optimizer": _adam(2e-4, 0.5, 0.999)},
)
PRESETS["cyclegan"] = TranslationPreset(
    CycleGAN,
    _cyclegan_networks,
    compile_kwargs={
        "loss": "least_squares",
        "d_optimizer": _adam(2e-4, 0.5, 0.999),
        "g_optimizer": _adam(2e-4, 0.5, 0.999),
    },
    linear_decay=True,
)
CONDITIONAL_PRESETS = {name for name, preset in PRESETS.items() if preset.conditional}
TRANSLATION_PRESETS = {name for name, preset in PRESETS.items() if preset.translation}


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
    target_shape=None,
    generator_options=None,
    discriminator_options=None,
):
    """Builds an uncompiled model by preset name.

    Args:
        preset: one of `PRESETS`: `"dcgan"` (Radford et al. 2015), `"mlp"`
            (Goodfellow et al. 2014), `"cgan"` (conditional DCGAN, Mirza &
            Osindero 2014), `"wgan"` (Arjovsky et al. 2017), `"wgan_gp"`
            (Gulrajani et al. 2017, LayerNorm critic), `"sngan"` (Miyato et
            al. 2018: spectral norm, hinge loss, on the DCGAN networks),
            `"resnet_sngan"` (Miyato et al. 2018, their ResNet setting),
            `"sagan"` (Zhang et al. 2019), `"stylegan2"` (Karras et al. 2020):
            see `Preset.citation`; image-to-image:
            `"pix2pix"` (Isola et al. 2017: the U-Net, the 70x70 PatchGAN
            with batch norm, L1 weight 100, Adam(2e-4, beta_1=0.5), batches
            of 1) and `"cyclegan"` (Zhu et al. 2017: ResNet translators of 9
            blocks for 256x256 images and larger, 6 below, PatchGANs with
            instance norm, least squares, cycle weight 10 and identity 0.5,
            history pools of 50, Adam(2e-4, beta_1=0.5) constant for the
            first half of the run then falling linearly to 0, batches of 1).
            Images smaller than 70x70 get the largest PatchGAN that fits
            them (34x34 for 28x28 images).
        image_shape: `(height, width, channels)` of the training images
            (the source images, or domain A's, of an image-to-image preset).
        target_shape: the target images' (domain B's) shape, for an
            image-to-image preset. Defaults to `None`: `image_shape`.
        latent_dim: size of the latent vectors. Defaults to `128`.
        num_classes: number of classes, required by conditional presets.
        seed: seed of the model's noise. Defaults to `None`.
        ema_decay: decay of the generator's moving average (see `GAN`).
            Defaults to `None`: the preset's (`stylegan2` keeps one), else none.
        spectral_norm: bool or None: spectral normalisation in the
            discriminator's layers (DCGAN and ResNet discriminators). Defaults to
            `None`, the preset's choice.
        generator_options: dict or None, more arguments of the preset's
            generator builder (`preset.generator`, a latent preset), e.g.
            `{"upsampling": "nearest"}` for `kg.networks.dcgan_generator`.
            Defaults to `None`.
        discriminator_options: the same for the discriminator builder, e.g.
            `{"normalization": "layer"}`. Defaults to `None`.
    """
    name, preset = preset, get_preset(preset)
    if preset.translation and (generator_options or discriminator_options):
        raise ValueError(
            "`generator_options` and `discriminator_options` apply to the latent presets' "
            f"builders; the '{name}' preset builds its networks itself. Received: "
            f"generator_options={generator_options!r}, "
            f"discriminator_options={discriminator_options!r}"
        )
    if preset.translation:
        image_shape = tuple(image_shape)
        target_shape = image_shape if target_shape is None else tuple(target_shape)
        return preset.model_class(
            **preset.networks(image_shape, target_shape, spectral_norm),
            seed=seed,
            ema_decay=ema_decay,
        )
    conditional = {}
    if preset.conditional:
        if num_classes is None:
            raise ValueError(f"The '{name}' preset is conditional. Received: num_classes=None")
        conditional = {"num_classes": num_classes}
    generator_options = builder_options(preset.generator, generator_options, "generator")
    discriminator_options = builder_options(
        preset.discriminator, discriminator_options, "discriminator"
    )
    if spectral_norm is not None:
        if "spectral_norm" in discriminator_options:
            raise ValueError(
                "Pass `spectral_norm` once: as an argument or in `discriminator_options`. "
                f"Received: spectral_norm={spectral_norm!r} and discriminator_options="
                f"{discriminator_options!r}"
            )
        if preset.generator is networks.mlp_generator:
            raise ValueError(
                "`spectral_norm` applies to the DCGAN and ResNet discriminators, not to the "
                f"'mlp' preset. Received: spectral_norm={spectral_norm!r} with preset={name!r}"
            )
        discriminator_options["spectral_norm"] = bool(spectral_norm)
    image_shape = tuple(image_shape)
    model_kwargs = dict(preset.model_kwargs)
    if ema_decay is not None:
        model_kwargs["ema_decay"] = ema_decay
    return preset.model_class(
        preset.generator(latent_dim, image_shape, **conditional, **generator_options),
        preset.discriminator(image_shape, **conditional, **discriminator_options),
        latent_dim=latent_dim,
        seed=seed,
        **conditional,
        **model_kwargs,
    )
