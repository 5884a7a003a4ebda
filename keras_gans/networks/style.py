"""StyleGAN2 generator builder: mapping network, modulated convolutions, skip outputs.

The generator is one functional model from z to images, like every other
generator, built from two sub-models reachable by name:

- `generator.get_layer("mapping")`: z `(batch, latent_dim)` -> w `(batch,
  w_dim)`: z normalised to unit mean square (StyleGAN's pixel norm, written
  with Keras' `UnitNormalization` and a rescaling), then `mapping_layers`
  `EqualizedDense` layers with learning-rate multiplier 0.01, each followed
  by LeakyReLU(0.2) times sqrt(2) (StyleGAN2's `lrelu` gain).
- `generator.get_layer("synthesis")`: ws `(batch, num_ws, w_dim)` -> StyleGAN2's
  linear image (not clipped): a learned 4x4 constant, then per resolution two
  3x3 `ModulatedConv2D` (the first after a bilinear 2x upsampling), each
  followed by `NoiseInjection` and the same activation, and a 1x1 toRGB
  `ModulatedConv2D` without demodulation; the "skip" architecture sums the
  toRGB outputs of every resolution, each upsampled bilinearly to the next.
  `num_ws = 2 * log2(size) - 2` (12 at 128x128), ws row `i` styles the
  `i`-th modulated convolution, each toRGB sharing the row of the next
  block's first convolution, as in the StyleGAN2 code.

Between them (in the generator, training only): `Truncation` (layer
`"truncation"`) updates `w_avg`; `MixingLatent` (layer `"mixing_latent"`)
draws a second z, mapped by the same mapping network; `StyleMixing` (layer
`"style_mixing"`) broadcasts w to `num_ws` rows and mixes in the second w
from a random layer. Outside training the generator is
`tanh(synthesis(broadcast(mapping(z))))`.

**Output range.** StyleGAN2's output is linear. This generator ends with a
tanh (layer `"tanh"`, float32), applied to the synthesis output: the
library's data are in [-1, 1], the engine checks that a generator ends in
tanh, and the image grids and exports assume [-1, 1]. A linear output that
overshoots would be clipped by every consumer but not by the loss. The
synthesis sub-model stays linear, as in StyleGAN2: that is the output its
path-length regulariser differentiates.

**Upsampling.** StyleGAN2 upsamples with a transposed convolution and a
[1, 3, 3, 1] FIR low-pass filter; this builder upsamples bilinearly (Keras'
`UpSampling2D`), then convolves.

**Truncation protocol.** `truncated(generator, psi)` returns a model z ->
images that shares the generator's layers and weights and pulls every w
towards the tracked `w_avg`: `w_avg + psi * (w - w_avg)`. Call it with
`training=False` (a training call would update `w_avg`). It works on
`keras.models.clone_model` copies of the generator too (the EMA generator),
whose `w_avg` the EMA copies along with the other non-trainable weights.

**Path length.** The ws of a batch, as training sees them (with style
mixing), are the output of the layer `"style_mixing"`:
`keras.Model(generator.inputs, generator.get_layer("style_mixing").output)`;
`generator.get_layer("synthesis")(ws)` then gives the linear images.
"""

import math

import keras
from keras import layers

from keras_gans.layers import (
    ConstantInput,
    EqualizedDense,
    MixingLatent,
    ModulatedConv2D,
    NoiseInjection,
    StyleMixing,
    Truncation,
)
from keras_gans.layers.arguments import is_integer_at_least
from keras_gans.networks.shapes import check_image_shape


def _lrelu(x, name):
    """LeakyReLU(0.2) times sqrt(2): StyleGAN2's `lrelu` with its default gain."""
    x = layers.LeakyReLU(0.2, name=f"{name}_lrelu")(x)
    return layers.Rescaling(math.sqrt(2.0), name=f"{name}_gain")(x)


def _check_size(height, width):
    size = height
    if height != width or size < 8 or size & (size - 1):
        raise ValueError(
            "style_generator needs square images whose side is a power of two of at least 8 "
            "(32 to 256 are the intended sizes, as in StyleGAN2's CIFAR-10 to LSUN configs). "
            f"Received: image_shape with height={height}, width={width}"
        )
    return size


def mapping_network(latent_dim, w_dim, mapping_layers, name="mapping"):
    """z -> w: pixel norm, then `mapping_layers` dense layers at 0.01 learning rate."""
    z = keras.Input((latent_dim,), name="z")
    x = layers.UnitNormalization(name="normalize_z")(z)
    x = layers.Rescaling(math.sqrt(latent_dim), name="normalize_z_scale")(x)
    for i in range(mapping_layers):
        x = EqualizedDense(w_dim, lr_multiplier=0.01, name=f"dense{i + 1}")(x)
        x = _lrelu(x, f"dense{i + 1}")
    return keras.Model(z, x, name=name)


def _styled_conv(x, w, filters, name):
    x = ModulatedConv2D(filters, 3, name=f"{name}_conv")([x, w])
    x = NoiseInjection(name=f"{name}_noise")(x)
    return _lrelu(x, name)


def _to_rgb(x, w, channels, name):
    # In float32 under mixed precision: the image is their sum.
    return ModulatedConv2D(channels, 1, demodulate=False, dtype="float32", name=name)([x, w])


def synthesis_network(size, channels, num_ws, w_dim, widths, name="synthesis"):
    """ws -> linear images: constant 4x4, two styled convs per resolution, skip toRGB."""
    ws = keras.Input((num_ws, w_dim), name="ws")
    x = ConstantInput(widths[4], name="const")(ws)
    x = _styled_conv(x, ws[:, 0], widths[4], "b4_conv1")
    rgb = _to_rgb(x, ws[:, 1], channels, "b4_to_rgb")
    index, resolution = 1, 4
    while resolution < size:
        resolution *= 2
        block = f"b{resolution}"
        x = layers.UpSampling2D(interpolation="bilinear", name=f"{block}_up")(x)
        x = _styled_conv(x, ws[:, index], widths[resolution], f"{block}_conv0")
        x = _styled_conv(x, ws[:, index + 1], widths[resolution], f"{block}_conv1")
        rgb = layers.UpSampling2D(
            interpolation="bilinear", dtype="float32", name=f"{block}_rgb_up"
        )(rgb)
        rgb = layers.Add(dtype="float32", name=f"{block}_rgb")(
            [rgb, _to_rgb(x, ws[:, index + 2], channels, f"{block}_to_rgb")]
        )
        index += 2
    return keras.Model(ws, rgb, name=name)


def style_generator(
    latent_dim,
    image_shape,
    mapping_layers=8,
    w_dim=None,
    filters=None,
    style_mixing=0.9,
    name="generator",
):
    """Builds a StyleGAN2 generator (config-F style, skip outputs): z -> images in [-1, 1].

    See the module docstring for the architecture, the output range, the
    truncation protocol (`kg.networks.truncated`) and how a path-length
    term reaches w.

    Args:
        latent_dim: int, size of z.
        image_shape: `(size, size, channels)`, `size` a power of two of at
            least 8 (32 to 256 are the intended sizes; others raise an error).
        mapping_layers: int >= 1, dense layers of the mapping network.
            Defaults to `8` (StyleGAN2; its CIFAR-10 configuration uses 2).
        w_dim: int, size of w. Defaults to `latent_dim` (StyleGAN2: 512 both).
        filters: int, channels of the synthesis layers up to 32x32, halved at
            every resolution after that: `min(filters, filters * 32 //
            resolution)`, at least 1. Defaults to `512` (the StyleGAN2-ADA
            `paper256` and `cifar` configurations: 512 up to 32x32, then 256,
            128, 64 at 256x256). Use 32-64 to train on a CPU.
        style_mixing: float in [0, 1], the probability of mixing
            regularisation in training (see `kg.layers.StyleMixing`); 0
            builds no second mapping. Defaults to `0.9`.
        name: model name. Defaults to `"generator"`.

    Returns:
        A `keras.Model` mapping z `(batch, latent_dim)` to float32 images in
        [-1, 1], with the sub-models `"mapping"` and `"synthesis"` and the
        layers `"truncation"`, `"style_mixing"` (and `"mixing_latent"`).

    Example:

    >>> g = style_generator(512, (64, 64, 3))
    >>> g.get_layer("synthesis").inputs[0].shape
    (None, 10, 512)
    >>> g_07 = truncated(g, psi=0.7)  # images = g_07(z, training=False)

    Reference:
        Karras et al., "Analyzing and Improving the Image Quality of
        StyleGAN", CVPR 2020; Karras et al., "A Style-Based Generator
        Architecture for Generative Adversarial Networks", CVPR 2019 (mapping
        network, noise, style mixing, truncation).
    """
    height, width, channels = check_image_shape(image_shape)
    size = _check_size(height, width)
    for arg, value in (("mapping_layers", mapping_layers), ("latent_dim", latent_dim)):
        if not is_integer_at_least(value, 1):
            raise ValueError(f"`{arg}` must be a positive integer. Received: {arg}={value!r}")
    w_dim = latent_dim if w_dim is None else w_dim
    filters = 512 if filters is None else filters
    for arg, value in (("w_dim", w_dim), ("filters", filters)):
        if not is_integer_at_least(value, 1):
            raise ValueError(f"`{arg}` must be a positive integer. Received: {arg}={value!r}")
    widths = {2**i: max(1, min(filters, filters * 32 // 2**i)) for i in range(2, 11)}
    num_ws = 2 * int(math.log2(size)) - 2

    mapping = mapping_network(latent_dim, w_dim, mapping_layers)
    synthesis = synthesis_network(size, channels, num_ws, w_dim, widths)
    mixing = StyleMixing(num_ws, style_mixing, name="style_mixing")

    z = keras.Input((latent_dim,), name="z")
    w = Truncation(name="truncation")(mapping(z))
    w_mix = w
    if mixing.probability > 0:
        w_mix = mapping(MixingLatent(name="mixing_latent")(z))
    ws = mixing([w, w_mix])
    images = layers.Activation("tanh", dtype="float32", name="tanh")(synthesis(ws))
    return keras.Model(z, images, name=name)


def truncated(generator, psi):
    """The generator with the truncation trick: a model z -> images sharing its weights.

    Every w is replaced by `w_avg + psi * (w - w_avg)`, `w_avg` being the
    average w tracked in training by the generator's layer `"truncation"`.
    No style mixing (the model is for sampling: call it with
    `training=False`).

    Args:
        generator: a model built by `style_generator` (or a
            `keras.models.clone_model` copy of one, such as an EMA generator).
        psi: float, the truncation strength: 1 is the generator itself, 0
            gives the average image for every z; StyleGAN uses 0.5-0.7.

    Returns:
        A `keras.Model` z -> images named `"<generator name>_truncated"`.

    Example:

    ```python
    images = kg.networks.truncated(generator, 0.7)(z, training=False)
    ```

    Reference:
        Karras et al., CVPR 2019, section 3.3; Brock et al., ICLR 2019.
    """
    if isinstance(psi, bool) or not isinstance(psi, (int, float)):
        raise ValueError(f"`psi` must be a number. Received: psi={psi!r}")
    try:
        parts = [
            generator.get_layer(name) for name in ("mapping", "truncation", "style_mixing")
        ] + [generator.get_layer("synthesis"), generator.get_layer("tanh")]
    except (ValueError, AttributeError) as error:
        raise ValueError(
            "`truncated` needs a generator built by kg.networks.style_generator (with the "
            "layers 'mapping', 'truncation', 'style_mixing', 'synthesis' and 'tanh'). "
            f"Received: generator={getattr(generator, 'name', generator)!r}"
        ) from error
    mapping, truncation, mixing, synthesis, tanh = parts
    z = keras.Input(mapping.inputs[0].shape[1:], name="z")
    w = truncation(mapping(z), psi=float(psi))
    images = tanh(synthesis(mixing([w, w])))
    return keras.Model(z, images, name=f"{generator.name}_truncated")
