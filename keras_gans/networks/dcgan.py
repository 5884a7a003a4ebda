"""DCGAN generator and discriminator builders (Radford et al. 2015).

The DCGAN rules: strided (transposed) convolutions instead of pooling,
BatchNorm in both networks (not on G's output nor D's input layer), ReLU in G
with tanh on the output, LeakyReLU(0.2) in D, no hidden fully connected layers
beyond the projection of z and the final logit.

Any image size that halves down to 4 or 7 works: 8, 14, 16, 28, 32, 56, 64, ...
With `num_classes`, both networks are conditional (Mirza & Osindero 2014): G
embeds the label and joins it to z; D is a projection discriminator (Miyato &
Koyama 2018), whose logit is `psi(phi(x)) + <embed(y), phi(x)>`. Projection was
chosen over label maps concatenated to the image because it conditions the
decision itself rather than the input pixels, adds no input channels, and is
the form that conditional GANs with good class fidelity use.

Options from Salimans et al. 2016 and Karras et al. 2018 against mode
collapse: `dcgan_discriminator(minibatch="stddev" | "discrimination")` (see
`keras_gans.networks.minibatch` for where each layer sits) and
`dcgan_generator(normalization="virtual_batch")`.
"""

import keras
from keras import layers

from keras_gans.layers import VirtualBatchNormalization
from keras_gans.networks.arguments import check_choice
from keras_gans.networks.minibatch import (
    add_minibatch_discrimination,
    add_minibatch_stddev,
    check_minibatch,
)
from keras_gans.networks.shapes import check_image_shape, downsampling_steps
from keras_gans.networks.upsampling import check_upsampling, upsample, upsampled_image

_NORMALIZATIONS = {
    # Synchronized: under a `tf.distribute` strategy the statistics are those of
    # the global batch, so multi-device training matches one device.
    "batch": lambda name: layers.BatchNormalization(momentum=0.9, synchronized=True, name=name),
    # Over each example's (height, width, channels): no coupling between examples.
    "layer": lambda name: layers.LayerNormalization(axis=[1, 2, 3], name=name),
    "virtual_batch": lambda name: VirtualBatchNormalization(name=name),
}
GENERATOR_NORMALIZATIONS = ("batch", "virtual_batch")
DISCRIMINATOR_NORMALIZATIONS = ("batch", "layer", None)


def _check_num_classes(num_classes):
    if num_classes is not None and (not isinstance(num_classes, int) or num_classes < 2):
        raise ValueError(
            f"`num_classes` must be None or an integer >= 2. Received: num_classes={num_classes!r}"
        )


def dcgan_generator(
    latent_dim,
    image_shape,
    num_classes=None,
    filters=None,
    kernel_size=None,
    normalization="batch",
    upsampling="transpose",
    name="generator",
):
    """Builds a DCGAN generator: z -> Dense -> reshape -> [upsample, BN, ReLU]* -> tanh.

    Args:
        latent_dim: int, size of the latent vector z.
        image_shape: `(height, width, channels)` of the images to generate;
            height and width must halve down to 4 or 7.
        num_classes: int or None. If set, the generator also takes an int
            label, embedded and concatenated to z. Defaults to `None`.
        filters: int, channels at the lowest resolution, halved at every
            upsampling. Defaults to `32 * 2**stages` (128 for 28x28, 256 for
            32x32, 512 for 64x64), so the last hidden layer has 64 channels.
        kernel_size: int, kernel size of the upsampling convolutions.
            Defaults to `None`: 4 for transposed convolutions, 3 for
            resize-convolutions.
        normalization: `"batch"` (DCGAN's `BatchNormalization`) or
            `"virtual_batch"`: every BatchNorm becomes a
            `kg.layers.VirtualBatchNormalization` (Salimans et al. 2016), so
            that an image no longer depends on the other images of its batch.
            Each VBN layer records its reference statistics on the
            generator's first `training=True` call (the first training step's
            noise, and labels in a conditional generator, so the reference
            holds label-conditioned activations) and saves them as
            non-trainable weights. Defaults to `"batch"`.
        upsampling: `"transpose"` (DCGAN's stride-2 transposed
            convolutions), or `"nearest"` / `"bilinear"`: resize-convolutions,
            a resize by 2 then a convolution, which cannot draw the
            checkerboard artefacts of transposed convolutions (Odena et al.
            2016; `keras_gans/networks/upsampling.py`). Defaults to
            `"transpose"`.
        name: model name. Defaults to `"generator"`.

    Returns:
        A `keras.Model` mapping `z` (or `[z, labels]`) to images in [-1, 1].

    Example:

    >>> g = dcgan_generator(latent_dim=128, image_shape=(28, 28, 1))
    >>> g.output_shape
    (None, 28, 28, 1)
    >>> g = dcgan_generator(128, (28, 28, 1), normalization="virtual_batch")

    Reference:
        Radford et al., "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016;
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016 (virtual batch normalisation);
        Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts",
        Distill 2016 (resize-convolutions).
    """
    height, width, channels = check_image_shape(image_shape)
    _check_num_classes(num_classes)
    norm = _NORMALIZATIONS[check_choice("normalization", normalization, GENERATOR_NORMALIZATIONS)]
    kernel_size = check_upsampling(upsampling, kernel_size)
    steps = downsampling_steps(height, width)
    base_h, base_w = height >> steps, width >> steps
    filters = filters or 32 * 2**steps

    z = keras.Input((latent_dim,), name="z")
    inputs, x = z, z
    if num_classes is not None:
        labels = keras.Input((), dtype="int32", name="labels")
        embedded = layers.Embedding(num_classes, latent_dim, name="label_embedding")(labels)
        x = layers.Concatenate(name="z_and_label")([z, embedded])
        inputs = [z, labels]

    x = layers.Dense(base_h * base_w * filters, use_bias=False, name="project")(x)
    x = norm("project_bn")(x)
    x = layers.ReLU(name="project_relu")(x)
    x = layers.Reshape((base_h, base_w, filters), name="reshape")(x)
    for i in range(steps - 1):
        filters = max(filters // 2, 16)
        x = upsample(x, filters, kernel_size, upsampling, f"up{i + 1}_conv", use_bias=False)
        x = norm(f"up{i + 1}_bn")(x)
        x = layers.ReLU(name=f"up{i + 1}_relu")(x)
    images = upsampled_image(x, channels, kernel_size, upsampling)
    return keras.Model(inputs, images, name=name)


def _spectral(layer, spectral_norm):
    """`layer`, or `layer` under `keras.layers.SpectralNormalization` with its name."""
    if not spectral_norm:
        return layer
    name = layer.name
    layer.name = f"{name}_unnormalized"
    # The power iteration in float32 (Keras' normalize overflows float16 with
    # 1 / epsilon); under mixed precision the wrapped layer still computes in float16.
    return layers.SpectralNormalization(layer, dtype="float32", name=name)


def dcgan_discriminator(
    image_shape,
    num_classes=None,
    filters=32,
    kernel_size=4,
    normalization="batch",
    minibatch=None,
    spectral_norm=False,
    name="discriminator",
):
    """Builds a DCGAN discriminator: [Conv2D, BN, LeakyReLU(0.2)]* -> logit.

    The flattened output of the last block is the layer named `"features"`,
    which feature matching and the training diagnostics read.

    Args:
        image_shape: `(height, width, channels)`; height and width must halve
            down to 4 or 7.
        num_classes: int or None. If set, the discriminator also takes an int
            label and becomes a projection discriminator. Defaults to `None`.
        filters: int, channels of the first convolution, doubled at every
            downsampling. Defaults to `32` (sized for CPU training).
        kernel_size: int, convolution kernel size. Defaults to `4`.
        normalization: `"batch"` (DCGAN), `"layer"` (for a WGAN-GP critic,
            where BatchNorm would couple the examples the penalty treats
            independently) or `None`. Defaults to `"batch"`.
        minibatch: `None`, `"stddev"` or `"discrimination"`: a layer that
            lets D compare the samples of a batch, against mode collapse.
            `"stddev"` puts a `kg.layers.MinibatchStdDev` at the start of the
            last block (before the last convolution, as in Karras et al.
            2018; for 8x8 images, whose one block is also the first, on the
            images): one extra channel. `"discrimination"` puts a
            `kg.layers.MinibatchDiscrimination` (100 kernels of 5) between
            `"features"` and the logit (Salimans et al. 2016); `"features"`
            stays the sample's own features, without the minibatch ones. Both
            are per-replica statistics under a `tf.distribute` strategy.
            Defaults to `None`.
        spectral_norm: bool. If True, every convolution and the logit
            `Dense` are wrapped in `keras.layers.SpectralNormalization`
            (Miyato et al. 2018), keeping their names: each weight matrix is
            divided by its largest singular value, estimated by one power
            iteration per training step, which bounds D's Lipschitz constant.
            Usually with `normalization=None` (SNGAN). Defaults to `False`.
        name: model name. Defaults to `"discriminator"`.

    Returns:
        A `keras.Model` mapping images (or `[images, labels]`) to one logit
        per image, shape `(batch, 1)`. With `num_classes`, the projection
        `<embed(y), phi(x)>` uses the same `phi(x)` as the logit `Dense`,
        i.e. it includes the minibatch features when
        `minibatch="discrimination"`.

    Example:

    >>> d = dcgan_discriminator((28, 28, 1), minibatch="stddev")
    >>> d.get_layer("features").output.shape
    (None, 3136)

    Reference:
        Radford et al., ICLR 2016; Miyato & Koyama, "cGANs with Projection
        Discriminator", ICLR 2018; Salimans et al., "Improved Techniques for
        Training GANs", NeurIPS 2016 (minibatch discrimination); Karras et
        al., "Progressive Growing of GANs for Improved Quality, Stability,
        and Variation", ICLR 2018 (minibatch standard deviation); Miyato et
        al., "Spectral Normalization for Generative Adversarial Networks",
        ICLR 2018.
    """
    height, width, channels = check_image_shape(image_shape)
    _check_num_classes(num_classes)
    check_choice("normalization", normalization, DISCRIMINATOR_NORMALIZATIONS)
    check_minibatch(minibatch)
    steps = downsampling_steps(height, width)

    images = keras.Input((height, width, channels), name="images")
    x = images
    for i in range(steps):
        if i == steps - 1:
            x = add_minibatch_stddev(x, minibatch)
        x = _spectral(
            layers.Conv2D(
                filters,
                kernel_size,
                strides=2,
                padding="same",
                use_bias=i == 0 or normalization is None,
                name=f"down{i + 1}_conv",
            ),
            spectral_norm,
        )(x)
        if i > 0 and normalization is not None:
            x = _NORMALIZATIONS[normalization](f"down{i + 1}_norm")(x)
        x = layers.LeakyReLU(0.2, name=f"down{i + 1}_lrelu")(x)
        filters *= 2
    features = layers.Flatten(name="features")(x)
    phi = add_minibatch_discrimination(features, minibatch)
    # The logit in float32 under mixed precision too (so is every loss).
    logits = _spectral(layers.Dense(1, dtype="float32", name="logit"), spectral_norm)(phi)

    if num_classes is None:
        return keras.Model(images, logits, name=name)
    labels = keras.Input((), dtype="int32", name="labels")
    embedded = layers.Embedding(num_classes, phi.shape[-1], name="label_projection")(labels)
    projection = layers.Dot(axes=1, name="projection")([embedded, phi])
    logits = layers.Add(dtype="float32", name="conditional_logit")([logits, projection])
    return keras.Model([images, labels], logits, name=name)
