"""The networks of the `resnet_sngan`, `sagan` and `stylegan2` presets, sized for CPUs.

The papers' widths (SNGAN's CIFAR nets: 256 channels in G, 128 in D; StyleGAN2: 512)
cost 4-15 GFLOP per 32x32 image: tens of seconds per step on 2 CPU cores. The presets
keep the papers' blocks and training recipes and narrow the networks like the DCGAN
preset's: G halves its channels at every upsampling from 256 (at most) down to 16 at
the output resolution, D doubles them from 16. Build the networks with their defaults
(`kg.networks.resnet_generator(latent_dim, shape)`) for the papers' widths.
"""

from keras_gans import networks


def _upsamplings(image_shape):
    """`k`, the 2x upsamplings of the ResNet generator (see `kg.networks.resnet_generator`)."""
    return (min(image_shape[:2]) // 4).bit_length() - 1


def _generator_widths(image_shape):
    k = _upsamplings(image_shape)
    return [min(256, 16 * 2 ** (k - i)) for i in range(k + 1)]


def _discriminator_widths(image_shape):
    # k + 1 blocks (see `kg.networks.resnet_discriminator`).
    return [min(256, 16 * 2**i) for i in range(_upsamplings(image_shape) + 1)]


def resnet_sngan_generator(latent_dim, image_shape, **conditional):
    """SNGAN's ResNet generator (no spectral norm in G), CPU-sized."""
    return networks.resnet_generator(
        latent_dim, image_shape, filters=_generator_widths(image_shape), **conditional
    )


def resnet_sngan_discriminator(image_shape, spectral_norm=True, **conditional):
    """SNGAN's ResNet discriminator, spectrally normalised, CPU-sized."""
    return networks.resnet_discriminator(
        image_shape,
        filters=_discriminator_widths(image_shape),
        spectral_norm=spectral_norm,
        **conditional,
    )


def sagan_generator(latent_dim, image_shape, **conditional):
    """SAGAN's generator: spectral norm, self-attention on the map before the last block."""
    bottom = -(-image_shape[0] // 2 ** _upsamplings(image_shape))
    return networks.resnet_generator(
        latent_dim,
        image_shape,
        filters=_generator_widths(image_shape),
        self_attention=bottom << max(_upsamplings(image_shape) - 1, 1),
        spectral_norm=True,
        **conditional,
    )


def sagan_discriminator(image_shape, spectral_norm=True, **conditional):
    """SAGAN's discriminator: spectral norm, self-attention after the first block."""
    return networks.resnet_discriminator(
        image_shape,
        filters=_discriminator_widths(image_shape),
        self_attention=-(-image_shape[0] // 2),
        spectral_norm=spectral_norm,
        **conditional,
    )


def stylegan2_generator(latent_dim, image_shape):
    """StyleGAN2's generator, 64 channels up to 32x32 (then halved), 2 mapping layers."""
    return networks.style_generator(latent_dim, image_shape, filters=64, mapping_layers=2)


def stylegan2_discriminator(image_shape, spectral_norm=False):
    """StyleGAN2's residual discriminator with minibatch standard deviation, no spectral norm."""
    return networks.resnet_discriminator(
        image_shape,
        filters=_discriminator_widths(image_shape),
        spectral_norm=spectral_norm,
        minibatch_stddev=True,
    )
