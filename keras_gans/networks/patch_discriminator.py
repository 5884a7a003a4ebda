"""The PatchGAN discriminator of pix2pix and CycleGAN (Isola et al. 2017)."""

import keras
from keras import layers

from keras_gans.layers.arguments import check_positive_int, is_integer_at_least
from keras_gans.networks.dcgan import _spectral
from keras_gans.networks.halvings import check_image_size
from keras_gans.networks.normalization import add_normalization, check_normalization
from keras_gans.networks.shapes import check_data_shape, check_image_shape


def receptive_field(num_downsamples):
    """The side of the input patch one output logit sees: `9 * 2**num_downsamples - 2`.

    Two 4x4 convolutions of stride 1 see 7x7; each 4x4 convolution of
    stride 2 before them takes a field `r` to `2 * r + 2`. So 16 (one
    stride-2 convolution), 34, 70 (three: the paper's default), 142, 286.
    """
    return 9 * 2**num_downsamples - 2


def _conv(x, filters, strides, name, use_bias, spectral_norm, dtype=None):
    # Zero padding of 1 then a "valid" 4x4 convolution, as in the reference code:
    # 256x256 gives a 30x30 map of logits.
    x = layers.ZeroPadding2D(1, name=f"{name}_pad")(x)
    conv = layers.Conv2D(filters, 4, strides=strides, use_bias=use_bias, dtype=dtype, name=name)
    return _spectral(conv, spectral_norm)(x)


def _check_source_shape(source_shape, image_shape):
    if source_shape is None:
        return None
    source_shape = check_data_shape(source_shape, name="source_shape", rank=3)
    if source_shape[:2] != image_shape[:2]:
        raise ValueError(
            "`source_shape` must have the height and width of `image_shape` (the two are "
            f"concatenated on the channels). Received: source_shape={source_shape} and "
            f"image_shape={image_shape}"
        )
    return source_shape


def patch_discriminator(
    image_shape,
    source_shape=None,
    filters=64,
    num_downsamples=3,
    normalization="batch",
    spectral_norm=False,
    name="discriminator",
):
    """Builds a PatchGAN discriminator: one logit per overlapping patch of the image.

    C64-C128-C256 (4x4 convolutions of stride 2), C512 (stride 1), then a
    4x4 convolution of stride 1 to one channel: a map of logits, each of which
    judges one patch of the input, in float32 under mixed precision too.
    Normalisation follows every convolution but the first and the last;
    LeakyReLU(0.2) every one but the last. Channels double from `filters` up
    to `8 * filters`. With the defaults each logit sees a 70x70 patch
    (`receptive_field(num_downsamples)`: 9 * 2**num_downsamples - 2), the
    paper's 70x70 PatchGAN; `num_downsamples=1` gives the 16x16 one and 5
    the 286x286 "ImageGAN". Images smaller than the patch work too (the map
    is then smaller, down to 1x1).

    The last hidden map (before the logits) is the layer named
    `"features"`, as in every discriminator of `kg.networks`: feature
    matching (`compile(feature_matching=...)`) matches its batch means per
    position and channel, and the `diversity` diagnostic reads it.

    Normalisation defaults to batch norm, as in pix2pix; CycleGAN uses
    `normalization="instance"` (`GroupNormalization(groups=-1)`, per
    example, the choice when the batch holds a single image).

    Args:
        image_shape: `(height, width, channels)` of the images judged.
            Height and width must be at least `3 * 2**num_downsamples` (24
            with the default) so that the map of logits is at least 1x1.
        source_shape: `(height, width, channels)` of the source images, or
            `None`. If set, the discriminator is conditional (pix2pix): it
            takes `[images, source]` (the image judged first, its condition
            second) and concatenates them on the channels. Height and width
            must be those of `image_shape`. Defaults to `None`
            (unconditional, as in CycleGAN).
        filters: channels of the first convolution. Defaults to `64`.
        num_downsamples: number of stride-2 convolutions. Defaults to `3`.
        normalization: `"batch"`, `"instance"` or `None`. Defaults to
            `"batch"`.
        spectral_norm: bool. If True, every convolution is wrapped in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018),
            keeping its name. Defaults to `False`.
        name: model name. Defaults to `"discriminator"`.

    Returns:
        A `keras.Model` mapping images (or `[images, source]`) to logits of
        shape `(batch, h, w, 1)`; `h = floor(height / 2**num_downsamples) -
        2` (30 for 256).

    Example:

    >>> d = patch_discriminator((256, 256, 3), source_shape=(256, 256, 3))
    >>> d.output_shape
    (None, 30, 30, 1)
    >>> receptive_field(3)
    70

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017, sections 2.2 and 4.4 and appendix
        6.1.2; Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017 (instance norm).
    """
    height, width, channels = check_image_shape(image_shape)
    source_shape = _check_source_shape(source_shape, (height, width, channels))
    filters = check_positive_int("filters", filters)
    if not is_integer_at_least(num_downsamples, 0):
        raise ValueError(
            "`num_downsamples` must be a non-negative integer. "
            f"Received: num_downsamples={num_downsamples!r}"
        )
    check_normalization(normalization)
    if not isinstance(spectral_norm, bool):
        raise ValueError(
            f"`spectral_norm` must be True or False. Received: spectral_norm={spectral_norm!r}"
        )
    check_image_size(
        f"patch_discriminator(num_downsamples={num_downsamples})",
        (height, width, channels),
        1,
        minimum=3 * 2**num_downsamples,
        reason=" (for a map of logits of at least 1x1)",
    )

    images = keras.Input((height, width, channels), name="images")
    inputs, x = images, images
    if source_shape is not None:
        source = keras.Input(source_shape, name="source")
        inputs = [images, source]
        x = layers.Concatenate(name="images_and_source")(inputs)
    for i in range(num_downsamples + 1):
        stride = 2 if i < num_downsamples else 1
        normalized = normalization is not None and i > 0
        x = _conv(x, filters * min(2**i, 8), stride, f"conv{i + 1}", not normalized, spectral_norm)
        if normalized:
            x = add_normalization(x, normalization, f"conv{i + 1}_norm")
        # The last hidden map is "features": what feature matching and the diagnostics read.
        last = i == num_downsamples
        x = layers.LeakyReLU(0.2, name="features" if last else f"conv{i + 1}_lrelu")(x)
    # The logits in float32 under mixed precision too (so is every loss).
    logits = _conv(x, 1, 1, "logits", True, spectral_norm, dtype="float32")
    return keras.Model(inputs, logits, name=name)
