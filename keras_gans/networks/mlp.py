"""Fully connected generator and discriminator of the original GAN paper, for any data shape."""

import math

import keras
from keras import layers

from keras_gans.layers.arguments import check_positive_float, is_integer_at_least
from keras_gans.layers.fourier_features import FourierFeatures
from keras_gans.layers.gaussian_mixture_latent import GaussianMixtureLatent
from keras_gans.layers.maxout import Maxout
from keras_gans.networks.minibatch import (
    add_minibatch_discrimination,
    add_minibatch_stddev,
    check_minibatch,
)
from keras_gans.networks.shapes import check_data_shape


def mlp_generator(
    latent_dim,
    data_shape,
    units=(256, 512, 1024),
    output_activation="tanh",
    latent_components=None,
    name="generator",
):
    """Builds a fully connected generator: z -> [Dense, ReLU]* -> Dense(tanh).

    Works for data of any shape: images `(height, width, channels)` as well
    as 2-D points `(2,)`, such as the 8-Gaussian ring and 25-Gaussian grid of
    the mode-collapse benchmark (`kg.data.toy_mixture`, whose points the
    benchmark scales into [-1, 1]).

    Args:
        latent_dim: int, size of the latent vector z.
        data_shape: shape of one generated example, e.g. `(28, 28, 1)` or
            `(2,)`. (Formerly `image_shape`; positional calls are unchanged.)
        units: hidden layer widths. Defaults to `(256, 512, 1024)`, sized for
            28x28 images; a few hundred units per layer suit 2-D points.
        output_activation: activation of the output layer. Defaults to
            `"tanh"`, for data in [-1, 1].
        latent_components: None, or an int >= 1: first map z through a
            `kg.layers.GaussianMixtureLatent` of that many learned components
            (DeLiGAN), the first of z's `latent_dim` coordinates choosing the
            component. Needs `latent_dim >= 2`. Defaults to `None`.
        name: model name. Defaults to `"generator"`.

    Returns:
        A `keras.Model` mapping `z` to examples of shape `data_shape`.

    Example:

    >>> g = mlp_generator(2, (2,), units=(128, 128, 128))
    >>> g.output_shape
    (None, 2)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    shape = check_data_shape(data_shape)
    z = keras.Input((latent_dim,), name="z")
    x = z
    if latent_components is not None:
        x = GaussianMixtureLatent(latent_components, name="mixture_latent")(x)
    for i, width in enumerate(units):
        x = layers.Dense(width, activation="relu", name=f"hidden{i + 1}")(x)
    # The output in float32 under mixed precision too.
    x = layers.Dense(
        math.prod(shape), activation=output_activation, dtype="float32", name="to_pixels"
    )(x)
    outputs = layers.Reshape(shape, dtype="float32", name="to_image")(x)
    return keras.Model(z, outputs, name=name)


def mlp_discriminator(
    data_shape,
    units=(512, 256),
    dropout=0.3,
    minibatch=None,
    maxout_pieces=None,
    fourier_features=None,
    fourier_scale=0.25,
    name="discriminator",
):
    """Builds a fully connected discriminator: [Dense, LeakyReLU, Dropout]* -> logit.

    The paper used maxout units with dropout; LeakyReLU(0.2), the default, is
    the common modern stand-in, and `maxout_pieces` gives the paper's units.
    The last hidden activation (before its dropout) is the layer named
    `"features"`, which feature matching and the training diagnostics read.

    Args:
        data_shape: shape of one input example, e.g. `(28, 28, 1)` or `(2,)`.
            (Formerly `image_shape`; positional calls are unchanged.)
        units: hidden layer widths, at least one. Defaults to `(512, 256)`.
        dropout: dropout rate after each hidden layer. Defaults to `0.3`.
        minibatch: `None`, `"stddev"` or `"discrimination"`, against mode
            collapse. `"stddev"` puts a `kg.layers.MinibatchStdDev` at the
            start of the last hidden block (Karras et al. 2018), i.e. before
            the last hidden `Dense` (on the data itself when `units` has one
            entry). `"discrimination"` puts a
            `kg.layers.MinibatchDiscrimination` on `"features"` (before the
            dropout, so that dropout masks cannot make identical samples look
            different), whose output goes through the dropout to the logit
            (Salimans et al. 2016). Both are per-replica statistics under a
            `tf.distribute` strategy. Defaults to `None`.
        maxout_pieces: `None` for LeakyReLU(0.2) units, or an integer `k >= 2`
            for maxout units (`kg.layers.Maxout`): each hidden layer is then
            a `Dense(width * k)` whose features are maxed in groups of `k`
            (Goodfellow et al. 2013). PacGAN's 2-D experiments use `k = 5`;
            on the 25-Gaussian grid such a D sharpens the modes far sooner
            (see docs/benchmarks.md, "Mode collapse"). Costs about `k` times
            the hidden layers' compute. Defaults to `None`.
        fourier_features: `None`, or an integer `m >= 1`: feed the first
            hidden layer the flattened input followed by `m` random Fourier
            features' cosines and sines (`kg.layers.FourierFeatures`, Tancik
            et al. 2020), the layer named `"fourier_features"`. Meant for
            low-dimensional data such as 2-D points, where it lets D resolve
            details far smaller than its input's range. Defaults to `None`.
        fourier_scale: the standard deviation of the Fourier frequencies, in
            cycles per unit of the input, when `fourier_features` is set.
            Defaults to `0.25` (measured on the grid of Gaussians scaled into
            [-1, 1]; 0.5 and 1 made the generator drop modes there).
        name: model name. Defaults to `"discriminator"`.

    Returns:
        A `keras.Model` mapping examples to one logit each, shape `(batch, 1)`.

    Example:

    >>> d = mlp_discriminator((2,), units=(128, 128), dropout=0.0, minibatch="stddev")
    >>> d.output_shape
    (None, 1)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014;
        Goodfellow et al., "Maxout Networks", ICML 2013;
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016; Karras et al., "Progressive Growing of GANs for Improved
        Quality, Stability, and Variation", ICLR 2018; Tancik et al.,
        "Fourier Features Let Networks Learn High Frequency Functions in Low
        Dimensional Domains", NeurIPS 2020.
    """
    shape = check_data_shape(data_shape)
    check_minibatch(minibatch)
    if fourier_features is not None and not is_integer_at_least(fourier_features, 1):
        raise ValueError(
            "`fourier_features` must be None or a positive integer (the number of "
            f"frequencies). Received: fourier_features={fourier_features!r}"
        )
    check_positive_float("fourier_scale", fourier_scale)
    if maxout_pieces is not None and not is_integer_at_least(maxout_pieces, 2):
        raise ValueError(
            "`maxout_pieces` must be None (LeakyReLU units) or an integer >= 2. "
            f"Received: maxout_pieces={maxout_pieces!r}"
        )
    if len(units) == 0:
        raise ValueError(f"`units` must hold at least one width. Received: units={units!r}")
    inputs = keras.Input(shape, name="images")
    x = layers.Flatten(name="flatten")(inputs)
    if fourier_features is not None:
        x = FourierFeatures(fourier_features, fourier_scale, name="fourier_features")(x)
    for i, width in enumerate(units):
        last = i == len(units) - 1
        if last:
            x = add_minibatch_stddev(x, minibatch)
        x = _hidden_units(x, width, maxout_pieces, i + 1, last)
        if last:
            x = add_minibatch_discrimination(x, minibatch)
        x = layers.Dropout(dropout, name=f"hidden{i + 1}_dropout")(x)
    logits = layers.Dense(1, dtype="float32", name="logit")(x)  # float32 under mixed precision
    return keras.Model(inputs, logits, name=name)


def _hidden_units(x, width, maxout_pieces, index, last):
    """One hidden layer of `width` LeakyReLU or maxout units; the last is named "features"."""
    if maxout_pieces is None:
        x = layers.Dense(width, name=f"hidden{index}")(x)
        return layers.LeakyReLU(0.2, name="features" if last else f"hidden{index}_lrelu")(x)
    x = layers.Dense(width * maxout_pieces, name=f"hidden{index}")(x)
    return Maxout(width, name="features" if last else f"hidden{index}_maxout")(x)
