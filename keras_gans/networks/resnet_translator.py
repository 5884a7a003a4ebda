"""The ResNet generator of CycleGAN (Zhu et al. 2017, after Johnson et al. 2016)."""

import keras
from keras import layers

from keras_gans.layers.arguments import check_positive_int, is_integer_at_least
from keras_gans.layers.reflection_padding_2d import ReflectionPadding2D
from keras_gans.networks.halvings import check_image_size
from keras_gans.networks.normalization import instance_normalization
from keras_gans.networks.shapes import check_image_shape


def _conv_norm_relu(x, filters, kernel_size, strides, name, transpose=False):
    conv = layers.Conv2DTranspose if transpose else layers.Conv2D
    # Reflection-padded 7x7 and 3x3 convolutions are "valid"; the strided ones "same".
    padding = "same" if strides == 2 else "valid"
    x = conv(filters, kernel_size, strides=strides, padding=padding, use_bias=False, name=name)(x)
    x = instance_normalization(f"{name}_norm")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def _residual_block(x, name):
    """R: x + [pad, conv 3x3, norm, ReLU, pad, conv 3x3, norm](x), no activation after the sum."""
    y = ReflectionPadding2D(1, name=f"{name}_pad1")(x)
    y = _conv_norm_relu(y, x.shape[-1], 3, 1, f"{name}_conv1")
    y = ReflectionPadding2D(1, name=f"{name}_pad2")(y)
    y = layers.Conv2D(x.shape[-1], 3, use_bias=False, name=f"{name}_conv2")(y)
    y = instance_normalization(f"{name}_conv2_norm")(y)
    return layers.Add(name=f"{name}_add")([x, y])


def resnet_translator(
    image_shape,
    output_channels=None,
    filters=64,
    num_blocks=9,
    num_downsamples=2,
    name="generator",
):
    """Builds CycleGAN's ResNet generator: source image -> translated image of the same size.

    In the paper's notation, c7s1-64, d128, d256, R256 x `num_blocks`, u128,
    u64, c7s1-C: a 7x7 convolution, `num_downsamples` 3x3 convolutions of
    stride 2 (channels doubling), `num_blocks` residual blocks at the lowest
    resolution, as many 3x3 transposed convolutions of stride 2, and a 7x7
    convolution to the output channels with tanh (in float32 under mixed
    precision too). Every other convolution is followed by instance
    normalisation (`GroupNormalization(groups=-1)`: per example and channel,
    so an image never depends on the others of its batch) and ReLU. The
    7x7 convolutions and those of the residual blocks are preceded by
    `kg.layers.ReflectionPadding2D`, against border artefacts.

    Args:
        image_shape: `(height, width, channels)` of the source images. Height
            and width must be multiples of `2**num_downsamples` and at least
            `max(4, 2**(num_downsamples + 1))` (the reflection paddings need
            sides longer than they are): 8, 12, 16, ... with the default.
        output_channels: channels of the output images. Defaults to `None`:
            the source's channels.
        filters: channels of the first convolution. Defaults to `64`.
        num_blocks: number of residual blocks, any integer >= 1; the paper
            uses 6 for 128x128 images and 9 for 256x256 and larger.
            Defaults to `9`.
        num_downsamples: number of stride-2 convolutions (and of transposed
            ones). Defaults to `2`.
        name: model name. Defaults to `"generator"`.

    Returns:
        A `keras.Model` mapping images `(batch, height, width, channels)` to
        images `(batch, height, width, output_channels)` in [-1, 1].

    Example:

    >>> g = resnet_translator((256, 256, 3))
    >>> g.output_shape
    (None, 256, 256, 3)
    >>> resnet_translator((128, 128, 3), num_blocks=6).count_params()
    7841411

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, appendix 7.2;
        Johnson et al., "Perceptual Losses for Real-Time Style Transfer and
        Super-Resolution", ECCV 2016; Ulyanov et al., "Instance
        Normalization: The Missing Ingredient for Fast Stylization", 2016.
    """
    height, width, channels = check_image_shape(image_shape)
    if output_channels is None:
        output_channels = channels
    output_channels = check_positive_int("output_channels", output_channels)
    filters = check_positive_int("filters", filters)
    num_blocks = check_positive_int("num_blocks", num_blocks)
    if not is_integer_at_least(num_downsamples, 0):
        raise ValueError(
            "`num_downsamples` must be a non-negative integer. "
            f"Received: num_downsamples={num_downsamples!r}"
        )
    check_image_size(
        f"resnet_translator(num_downsamples={num_downsamples})",
        (height, width, channels),
        2**num_downsamples,
        minimum=max(4, 2 ** (num_downsamples + 1)),
        reason=" (the stride-2 stages halve them exactly; the reflection paddings need "
        "sides of at least 4 at the input and 2 at the residual blocks)",
    )

    source = keras.Input((height, width, channels), name="source")
    x = ReflectionPadding2D(3, name="in_pad")(source)
    x = _conv_norm_relu(x, filters, 7, 1, "in_conv")
    for i in range(num_downsamples):
        x = _conv_norm_relu(x, filters * 2 ** (i + 1), 3, 2, f"down{i + 1}_conv")
    for i in range(num_blocks):
        x = _residual_block(x, f"res{i + 1}")
    for i in reversed(range(num_downsamples)):
        up = num_downsamples - i
        x = _conv_norm_relu(x, filters * 2**i, 3, 2, f"up{up}_conv", transpose=True)
    x = ReflectionPadding2D(3, name="out_pad")(x)
    images = layers.Conv2D(
        output_channels,
        7,
        activation="tanh",
        dtype="float32",  # images in float32 under mixed precision too
        name="to_image",
    )(x)
    return keras.Model(source, images, name=name)
