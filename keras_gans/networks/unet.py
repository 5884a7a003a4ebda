"""The U-Net generator of pix2pix (Isola et al. 2017): an encoder-decoder with skips."""

import numbers

import keras
from keras import layers

from keras_gans.layers.always_on_dropout import AlwaysOnDropout
from keras_gans.layers.arguments import check_positive_int
from keras_gans.layers.global_batch_dropout import GlobalBatchDropout
from keras_gans.networks.halvings import check_image_size, halvings
from keras_gans.networks.normalization import add_normalization, check_normalization
from keras_gans.networks.shapes import check_image_shape
from keras_gans.networks.upsampling import check_upsampling, upsample, upsampled_image

MAX_AUTO_DOWNSAMPLES = 8  # the paper's 256 -> 1
DROPOUT_BLOCKS = 3  # CD512-CD1024-CD1024: dropout in the first three decoder blocks
_EXACT = " (each stride-2 stage must halve them exactly)"


def _depth(image_shape, num_downsamples):
    """The number of stride-2 stages, checked against the image size."""
    height, width = image_shape[:2]
    if num_downsamples is None:
        check_image_size("unet_generator", image_shape, 2, reason=_EXACT)
        return min(halvings(height), halvings(width), MAX_AUTO_DOWNSAMPLES)
    depth = check_positive_int("num_downsamples", num_downsamples)
    check_image_size(
        f"unet_generator(num_downsamples={depth})", image_shape, 2**depth, reason=_EXACT
    )
    return depth


def _check_dropout(dropout, dropout_at_inference):
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
        raise ValueError(f"`dropout` must be a number in [0, 1). Received: dropout={dropout!r}")
    if not isinstance(dropout_at_inference, bool):
        raise ValueError(
            "`dropout_at_inference` must be True or False. "
            f"Received: dropout_at_inference={dropout_at_inference!r}"
        )
    if dropout_at_inference and dropout == 0:
        raise ValueError(
            "`dropout_at_inference=True` needs `dropout > 0` (the dropout is the noise it "
            f"keeps at inference). Received: dropout={dropout!r}"
        )


def unet_generator(
    image_shape,
    output_channels=None,
    filters=64,
    num_downsamples=None,
    normalization="batch",
    dropout=0.5,
    dropout_at_inference=False,
    upsampling="transpose",
    name="generator",
):
    """Builds the pix2pix U-Net: source image -> translated image of the same size.

    Encoder C64-C128-C256-C512-C512-...: 4x4 convolutions of stride 2, each
    followed by normalisation (not on the first, as in the paper, nor on the
    innermost, as in the reference code: at 1x1 with a batch of one, batch
    norm would zero it) and LeakyReLU(0.2). Decoder: 4x4 transposed
    convolutions of stride 2 with normalisation, dropout in the first three
    decoder blocks, ReLU, then the encoder's output at the same resolution
    concatenated on the channels (the skip connections, which carry the
    source's fine detail past the bottleneck); a last transposed convolution
    to the output channels and tanh, in float32 under mixed precision too.
    Channels double from `filters` up to `8 * filters`.

    Dropout is pix2pix's only source of noise: the paper keeps it at test
    time too. By default (`dropout_at_inference=False`) it is
    `kg.layers.GlobalBatchDropout` (Keras' `Dropout`, with the masks one
    device would draw under a `tf.distribute` strategy too), active only in
    training calls, so inference is
    deterministic; with `dropout_at_inference=True` it is
    `kg.layers.AlwaysOnDropout`, which drops units in every call, as in the
    paper (two translations of one image then differ).

    Args:
        image_shape: `(height, width, channels)` of the source images. Height
            and width must be multiples of `2**num_downsamples`.
        output_channels: channels of the output images. Defaults to `None`:
            the source's channels.
        filters: channels of the first convolution. Defaults to `64`.
        num_downsamples: number of stride-2 stages, or `None` for as many as
            both height and width can be halved exactly, at most 8 (256x256
            -> 1x1, the paper's U-Net; 28x28 -> 7x7; 16x16 -> 1x1). Defaults
            to `None`.
        normalization: `"batch"` (pix2pix), `"instance"` (per-example
            `GroupNormalization(groups=-1)`) or `None`. Defaults to `"batch"`.
        dropout: dropout rate of the first three decoder blocks; `0` for
            none. Defaults to `0.5` (the paper).
        dropout_at_inference: bool, whether dropout also applies outside
            training, as in the paper. Defaults to `False`.
        upsampling: `"transpose"` (the paper's 4x4 transposed
            convolutions), or `"nearest"` / `"bilinear"`: 3x3
            resize-convolutions, against checkerboard artefacts (Odena et
            al. 2016; `keras_gans/networks/upsampling.py`). Defaults to
            `"transpose"`.
        name: model name. Defaults to `"generator"`.

    Returns:
        A `keras.Model` mapping images `(batch, height, width, channels)` to
        images `(batch, height, width, output_channels)` in [-1, 1].

    Example:

    >>> g = unet_generator((256, 256, 3))
    >>> g.output_shape
    (None, 256, 256, 3)
    >>> unet_generator((28, 28, 1), output_channels=3, filters=32).output_shape
    (None, 28, 28, 3)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017, section 3.2.1 and appendix 6.1;
        Ronneberger et al., "U-Net: Convolutional Networks for Biomedical
        Image Segmentation", MICCAI 2015;
        Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts",
        Distill 2016 (resize-convolutions).
    """
    height, width, channels = check_image_shape(image_shape)
    if output_channels is None:
        output_channels = channels
    output_channels = check_positive_int("output_channels", output_channels)
    filters = check_positive_int("filters", filters)
    check_normalization(normalization)
    kernel_size = check_upsampling(upsampling, None)
    _check_dropout(dropout, dropout_at_inference)
    depth = _depth((height, width, channels), num_downsamples)
    dropout_layer = AlwaysOnDropout if dropout_at_inference else GlobalBatchDropout

    source = keras.Input((height, width, channels), name="source")
    x, skips = source, []
    for i in range(depth):
        normalized = normalization is not None and 0 < i < depth - 1
        x = layers.Conv2D(
            filters * min(2**i, 8),
            4,
            strides=2,
            padding="same",
            use_bias=not normalized,
            name=f"down{i + 1}_conv",
        )(x)
        if normalized:
            x = add_normalization(x, normalization, f"down{i + 1}_norm")
        x = layers.LeakyReLU(0.2, name=f"down{i + 1}_lrelu")(x)
        skips.append(x)

    # Up block k (k = 1 deepest) doubles the size back to that of skip depth - 1 - k.
    for k, skip in enumerate(reversed(skips[:-1]), start=1):
        x = upsample(
            x, skip.shape[-1], kernel_size, upsampling, f"up{k}_conv",
            use_bias=normalization is None,
        )  # fmt: skip
        x = add_normalization(x, normalization, f"up{k}_norm")
        if dropout > 0 and k <= DROPOUT_BLOCKS:
            x = dropout_layer(dropout, name=f"up{k}_dropout")(x)
        x = layers.ReLU(name=f"up{k}_relu")(x)
        x = layers.Concatenate(name=f"up{k}_skip")([x, skip])
    images = upsampled_image(x, output_channels, kernel_size, upsampling)
    return keras.Model(source, images, name=name)
