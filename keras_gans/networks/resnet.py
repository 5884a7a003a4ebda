"""ResNet generator and discriminator builders (SNGAN, SAGAN, BigGAN's residual blocks).

The residual blocks of Miyato et al. 2018 (SNGAN, appendix B) and Brock et
al. 2019 (BigGAN):

- G's up-block: `BN -> ReLU -> upsample -> conv3x3 -> BN -> ReLU -> conv3x3`,
  plus the shortcut `upsample -> conv1x1`; nearest-neighbour upsampling. With
  `num_classes`, every BN of the blocks is a `ConditionalBatchNormalization`
  (Miyato & Koyama 2018); G's last BN stays unconditional, as in their code.
- D's down-block: `ReLU -> conv3x3 -> ReLU -> conv3x3 -> avgpool`, plus the
  shortcut `conv1x1 -> avgpool` (identity when neither the size nor the
  channels change). D's first block is the "optimised" one, without the
  first ReLU: `conv3x3 -> ReLU -> conv3x3 -> avgpool`, shortcut `avgpool ->
  conv1x1`. D ends with `ReLU -> global sum pooling` (the layer named
  `"features"`) `-> Dense(1)`, plus the projection `<embed(y), features>`
  with `num_classes`.

**Sizes.** Any height and width of at least 8 (16 to 256 tested). With `k =
floor(log2(min(height, width) / 4))`, G projects z to a `ceil(height / 2**k)
x ceil(width / 2**k)` map (4 to 8 pixels a side), upsamples it `k` times and
centre-crops the result to the requested size, right after the last block
(so the output layers see only visible pixels): 32 = 4 * 8, 48 = 6 * 8 (the
SNGAN STL-10 generator), 80 = 5 * 16, 96 = 6 * 16, 100 = 7 * 16 = 112
cropped by 6 pixels a side. D halves the size `k` times (average pooling
with `"same"` padding, so odd sizes work) and adds one block without
pooling; for images of at most 32 pixels a side it halves `k - 1` times and
adds two blocks, as the SNGAN and BigGAN CIFAR discriminators do (32 -> 16
-> 8, then two blocks at 8x8).
"""

import keras
from keras import layers

from keras_gans.layers import ConditionalBatchNormalization, MinibatchStdDev, SelfAttention
from keras_gans.networks.dcgan import _check_num_classes, _spectral
from keras_gans.networks.shapes import check_image_shape

_SMALL = 32  # up to this size (the CIFAR nets): constant widths, D keeps 2 blocks at 8x8


def _upsamplings(height, width):
    """`k`, the number of 2x upsamplings from a 4-8 pixel map (see the module docstring)."""
    if min(height, width) < 8:
        raise ValueError(
            "ResNet networks need a height and width of at least 8 (16 to 256 are tested). "
            f"Received: image_shape with height={height}, width={width}"
        )
    return (min(height, width) // 4).bit_length() - 1


def _widths(filters, count, default, name):
    """Per-block channels: `filters` as an int (all blocks), a list, or `default` if None."""
    if filters is None:
        return list(default)
    if isinstance(filters, int) and not isinstance(filters, bool) and filters > 0:
        return [filters] * count
    if (
        isinstance(filters, (list, tuple))
        and len(filters) == count
        and all(isinstance(f, int) and not isinstance(f, bool) and f > 0 for f in filters)
    ):
        return list(filters)
    raise ValueError(
        f"`filters` must be None, a positive int or a list of {count} positive ints ({name}) "
        f"for this image size. Received: filters={filters!r}"
    )


def _check_self_attention(self_attention, sizes):
    if self_attention is not None and self_attention not in sizes:
        raise ValueError(
            "`self_attention` must be None or the size of one of the network's feature maps, "
            f"{sorted(set(sizes))} for this image size. Received: self_attention={self_attention!r}"
        )


def _conv(filters, kernel_size, name, spectral_norm, **kwargs):
    conv = layers.Conv2D(filters, kernel_size, padding="same", name=name, **kwargs)
    return _spectral(conv, spectral_norm)


def _norm(x, labels, num_classes, name):
    """BatchNorm, or conditional BatchNorm on `labels`; synchronized across replicas."""
    if labels is None:
        return layers.BatchNormalization(momentum=0.9, synchronized=True, name=name)(x)
    return ConditionalBatchNormalization(num_classes, name=name)([x, labels])


def _up_block(x, filters, labels, num_classes, spectral_norm, name):
    shortcut = layers.UpSampling2D(name=f"{name}_shortcut_up")(x)
    shortcut = _conv(filters, 1, f"{name}_shortcut_conv", spectral_norm)(shortcut)
    h = _norm(x, labels, num_classes, f"{name}_bn1")
    h = layers.ReLU(name=f"{name}_relu1")(h)
    h = layers.UpSampling2D(name=f"{name}_up")(h)
    h = _conv(filters, 3, f"{name}_conv1", spectral_norm)(h)
    h = _norm(h, labels, num_classes, f"{name}_bn2")
    h = layers.ReLU(name=f"{name}_relu2")(h)
    h = _conv(filters, 3, f"{name}_conv2", spectral_norm)(h)
    return layers.Add(name=f"{name}_add")([h, shortcut])


def _pool(x, name):
    return layers.AveragePooling2D(2, padding="same", name=name)(x)


def _down_block(x, filters, spectral_norm, downsample, first, name):
    if first:  # the optimised block: no ReLU on the images, the shortcut pooled first
        h = _conv(filters, 3, f"{name}_conv1", spectral_norm)(x)
        h = layers.ReLU(name=f"{name}_relu2")(h)
        h = _conv(filters, 3, f"{name}_conv2", spectral_norm)(h)
        shortcut = _conv(filters, 1, f"{name}_shortcut_conv", spectral_norm)(
            _pool(x, f"{name}_shortcut_pool")
        )
        return layers.Add(name=f"{name}_add")([_pool(h, f"{name}_pool"), shortcut])
    h = layers.ReLU(name=f"{name}_relu1")(x)
    h = _conv(filters, 3, f"{name}_conv1", spectral_norm)(h)
    h = layers.ReLU(name=f"{name}_relu2")(h)
    h = _conv(filters, 3, f"{name}_conv2", spectral_norm)(h)
    shortcut = x
    if downsample or x.shape[-1] != filters:
        shortcut = _conv(filters, 1, f"{name}_shortcut_conv", spectral_norm)(x)
    if downsample:
        h, shortcut = _pool(h, f"{name}_pool"), _pool(shortcut, f"{name}_shortcut_pool")
    return layers.Add(name=f"{name}_add")([h, shortcut])


def resnet_generator(
    latent_dim,
    image_shape,
    num_classes=None,
    filters=None,
    self_attention=None,
    spectral_norm=False,
    name="generator",
):
    """Builds a ResNet generator: z -> Dense -> up-blocks -> BN, ReLU, conv3x3 -> tanh.

    See the module docstring for the blocks and how any image size is made.

    Args:
        latent_dim: int, size of the latent vector z.
        image_shape: `(height, width, channels)`; height and width at least 8.
        num_classes: int or None. If set, the generator also takes an int
            label and every block's BatchNorm is a
            `kg.layers.ConditionalBatchNormalization`. Defaults to `None`.
        filters: channels of the `k` blocks, `k` the number of upsamplings
            (3 for 32x32, 4 for 64x64): an int for every block and for the
            projection of z, or a list of `k + 1` ints (the projection's,
            then each block's, from the bottom up). Defaults to 256 everywhere
            for images of at most 32 pixels a side (the SNGAN CIFAR-10
            generator), else `min(1024, 64 * 2**(k - i))` for block `i`
            (the SNGAN STL-10 and projection ImageNet generators: 512-256-128-64
            at 48x48, 1024-1024-512-256-128-64 at 128x128).
        self_attention: int or None: a `kg.layers.SelfAttention` after the
            block whose output is `self_attention` pixels high (SAGAN: 64 or
            32 at 128x128). The sizes are before the final crop; an invalid one
            raises an error that lists them. Defaults to `None`.
        spectral_norm: bool, spectral normalisation of G's convolutions and
            projection too, as in SAGAN and BigGAN (SNGAN's G has none).
            Defaults to `False`.
        name: model name. Defaults to `"generator"`.

    Returns:
        A `keras.Model` mapping `z` (or `[z, labels]`) to images in [-1, 1],
        in float32 under mixed precision too.

    Example:

    >>> g = resnet_generator(128, (32, 32, 3))
    >>> g.output_shape
    (None, 32, 32, 3)

    Reference:
        Miyato et al., "Spectral Normalization for Generative Adversarial
        Networks", ICLR 2018, appendix B.4; Miyato and Koyama, "cGANs with
        Projection Discriminator", ICLR 2018; Zhang et al., "Self-Attention
        Generative Adversarial Networks", ICML 2019; Brock et al., "Large
        Scale GAN Training for High Fidelity Natural Image Synthesis", ICLR
        2019.
    """
    height, width, channels = check_image_shape(image_shape)
    _check_num_classes(num_classes)
    steps = _upsamplings(height, width)
    bottom_h, bottom_w = -(-height // 2**steps), -(-width // 2**steps)
    default = [min(1024, 64 * 2 ** (steps - i)) for i in range(steps + 1)]
    if min(height, width) <= _SMALL:
        default = [256] * (steps + 1)
    widths = _widths(filters, steps + 1, default, "the projection's, then each block's")
    _check_self_attention(self_attention, [bottom_h << i for i in range(1, steps + 1)])

    z = keras.Input((latent_dim,), name="z")
    inputs, labels = z, None
    if num_classes is not None:
        labels = keras.Input((), dtype="int32", name="labels")
        inputs = [z, labels]
    x = _spectral(layers.Dense(bottom_h * bottom_w * widths[0], name="project"), spectral_norm)(z)
    x = layers.Reshape((bottom_h, bottom_w, widths[0]), name="reshape")(x)
    for i in range(1, steps + 1):
        x = _up_block(x, widths[i], labels, num_classes, spectral_norm, f"block{i}")
        if x.shape[1] == self_attention:
            x = SelfAttention(spectral_norm=spectral_norm, name="self_attention")(x)
    crop_h, crop_w = x.shape[1] - height, x.shape[2] - width
    if crop_h or crop_w:
        crop = ((crop_h // 2, crop_h - crop_h // 2), (crop_w // 2, crop_w - crop_w // 2))
        x = layers.Cropping2D(crop, name="crop")(x)
    x = layers.BatchNormalization(momentum=0.9, synchronized=True, name="output_bn")(x)
    x = layers.ReLU(name="output_relu")(x)
    # The output layers in float32 under mixed precision.
    x = _conv(channels, 3, "to_image", spectral_norm, dtype="float32")(x)
    images = layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(inputs, images, name=name)


def resnet_discriminator(
    image_shape,
    num_classes=None,
    filters=None,
    self_attention=None,
    spectral_norm=True,
    minibatch_stddev=False,
    name="discriminator",
):
    """Builds a ResNet discriminator: down-blocks -> ReLU -> global sum pooling -> logit.

    See the module docstring for the blocks and the sizes. The pooled
    features are the layer named `"features"`, shape `(batch, channels)`,
    which feature matching and the training diagnostics read.

    Args:
        image_shape: `(height, width, channels)`; height and width at least 8.
        num_classes: int or None. If set, the discriminator also takes an int
            label and adds the projection `<embed(y), features>` to the logit
            (Miyato & Koyama 2018); the embedding is a `Dense` on the one-hot
            label, so that spectral normalisation can wrap it. Defaults to
            `None`.
        filters: channels of the blocks: an int for every block, or a list
            of one int per block. Defaults to 128 everywhere for images of at
            most 32 pixels a side (the SNGAN CIFAR-10 discriminator), else
            `min(1024, 64 * 2**i)` for block `i` (64-128-256-512-1024 at 64x64,
            as in SNGAN's and the projection discriminator's bigger nets).
        self_attention: int or None: a `kg.layers.SelfAttention` after the
            first block whose output is `self_attention` pixels high (SAGAN:
            32 at 128x128). An invalid size raises an error that lists the
            sizes. Defaults to `None`.
        spectral_norm: bool, whether every convolution, the logit `Dense`,
            the class embedding and the attention's convolutions are wrapped
            in `keras.layers.SpectralNormalization` (SNGAN). Defaults to
            `True`.
        minibatch_stddev: bool, whether a `kg.layers.MinibatchStdDev` feeds
            the last block (one extra channel, as in Karras et al. 2018).
            Defaults to `False`.
        name: model name. Defaults to `"discriminator"`.

    Returns:
        A `keras.Model` mapping images (or `[images, labels]`) to one float32
        logit per image, shape `(batch, 1)`.

    Example:

    >>> d = resnet_discriminator((32, 32, 3))
    >>> d.get_layer("features").output.shape
    (None, 128)

    Reference:
        Miyato et al., "Spectral Normalization for Generative Adversarial
        Networks", ICLR 2018, appendix B.4; Miyato and Koyama, "cGANs with
        Projection Discriminator", ICLR 2018; Zhang et al., "Self-Attention
        Generative Adversarial Networks", ICML 2019; Brock et al., ICLR 2019;
        Karras et al., "Progressive Growing of GANs", ICLR 2018 (minibatch
        standard deviation).
    """
    height, width, channels = check_image_shape(image_shape)
    _check_num_classes(num_classes)
    steps = _upsamplings(height, width)
    small = min(height, width) <= _SMALL and steps > 1
    downsamplings, extra = (steps - 1, 2) if small else (steps, 1)
    count = downsamplings + extra
    default = [128] * count if small else [min(1024, 64 * 2**i) for i in range(count)]
    widths = _widths(filters, count, default, "one per block")
    sizes = [-(-height // 2**i) for i in range(1, downsamplings + 1)]
    _check_self_attention(self_attention, sizes)

    images = keras.Input((height, width, channels), name="images")
    x, attended = images, False
    for i, filters_i in enumerate(widths):
        if i == count - 1 and minibatch_stddev:
            x = MinibatchStdDev(name="minibatch_stddev")(x)
        x = _down_block(x, filters_i, spectral_norm, i < downsamplings, i == 0, f"block{i + 1}")
        if x.shape[1] == self_attention and not attended:
            x = SelfAttention(spectral_norm=spectral_norm, name="self_attention")(x)
            attended = True
    x = layers.ReLU(name="output_relu")(x)
    positions = x.shape[1] * x.shape[2]
    x = layers.GlobalAveragePooling2D(name="average_pool")(x)
    # Global sum pooling, as in SNGAN: the average times the number of positions.
    features = layers.Rescaling(float(positions), name="features")(x)
    # The logit in float32 under mixed precision too (so is every loss).
    logits = _spectral(layers.Dense(1, dtype="float32", name="logit"), spectral_norm)(features)
    if num_classes is None:
        return keras.Model(images, logits, name=name)
    labels = keras.Input((), dtype="int32", name="labels")
    one_hot = layers.CategoryEncoding(num_classes, output_mode="one_hot", name="one_hot")(labels)
    embedded = _spectral(
        layers.Dense(features.shape[-1], use_bias=False, name="label_projection"), spectral_norm
    )(one_hot)
    projection = layers.Dot(axes=1, name="projection")([embedded, features])
    logits = layers.Add(dtype="float32", name="conditional_logit")([logits, projection])
    return keras.Model([images, labels], logits, name=name)
