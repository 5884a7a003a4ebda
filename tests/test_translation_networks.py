"""Image-to-image networks: the pix2pix U-Net, CycleGAN's ResNet translator, the PatchGAN."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg
from keras_gans.layers.always_on_dropout import AlwaysOnDropout
from keras_gans.mixed_precision import global_policy
from keras_gans.networks.patch_discriminator import receptive_field

SHAPES = [(16, 16, 3), (28, 28, 1), (32, 32, 3), (16, 32, 3), (24, 40, 1)]


def _images(shape, batch=2, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (batch, *shape)).astype("float32")


def _unet(shape, **kwargs):
    return kg.networks.unet_generator(shape, filters=8, **kwargs)


def _resnet(shape, **kwargs):
    return kg.networks.resnet_translator(shape, filters=8, num_blocks=2, **kwargs)


def _patch(shape, **kwargs):
    return kg.networks.patch_discriminator(shape, filters=8, **kwargs)


def _layer_input(model, name):
    """The layers whose outputs are the inputs of layer `name`."""
    inputs = model.get_layer(name).input
    inputs = inputs if isinstance(inputs, list) else [inputs]
    return [tensor._keras_history.operation.name for tensor in inputs]


# === U-Net ===


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("builder", [_unet, _resnet], ids=["unet", "resnet"])
def test_translators_map_images_to_images_in_minus_one_one(builder, shape):
    g = builder(shape)
    out = np.asarray(g(_images(shape), training=True))
    assert out.shape == (2, *shape) and out.dtype == np.float32
    assert np.abs(out).max() <= 1.0 and out.std() > 0
    colour = builder(shape, output_channels=3)
    assert colour.output_shape == (None, *shape[:2], 3)


@pytest.mark.parametrize(
    "shape, depth", [((16, 16, 3), 4), ((28, 28, 1), 2), ((32, 32, 3), 5), ((16, 32, 3), 4)]
)
def test_unet_depth_is_as_many_halvings_as_both_sides_allow(shape, depth):
    g = _unet(shape)
    convs = [layer for layer in g.layers if layer.name.endswith("_conv")]
    assert [c.name for c in convs] == [f"down{i + 1}_conv" for i in range(depth)] + [
        f"up{k + 1}_conv" for k in range(depth - 1)
    ]
    bottleneck = g.get_layer(f"down{depth}_conv").output.shape
    assert bottleneck[1:3] == (shape[0] >> depth, shape[1] >> depth)


def test_unet_is_capped_at_eight_downsamples_and_follows_the_paper():
    g = kg.networks.unet_generator((512, 512, 3), filters=2)
    assert g.get_layer("down8_conv").output.shape[1:] == (2, 2, 16)
    assert "down9_conv" not in [layer.name for layer in g.layers]
    # C64-C128-C256-C512-C512-...: channels double from `filters` up to 8x.
    channels = [g.get_layer(f"down{i + 1}_conv").filters for i in range(8)]
    assert channels == [2, 4, 8, 16, 16, 16, 16, 16]
    types = {layer.name: type(layer).__name__ for layer in g.layers}
    # No norm on the first nor the innermost encoder layer; LeakyReLU(0.2) in the encoder.
    assert "down1_norm" not in types and "down8_norm" not in types
    assert all(types[f"down{i}_norm"] == "BatchNormalization" for i in range(2, 8))
    assert g.get_layer("down3_lrelu").negative_slope == pytest.approx(0.2)
    # Dropout 0.5 in the first three decoder blocks only; plain ReLU in the decoder.
    dropouts = [layer for layer in g.layers if isinstance(layer, keras.layers.Dropout)]
    assert [d.name for d in dropouts] == ["up1_dropout", "up2_dropout", "up3_dropout"]
    assert all(type(d) is kg.layers.GlobalBatchDropout and d.rate == 0.5 for d in dropouts)
    assert types["up7_relu"] == "ReLU"
    assert g.get_layer("to_image").activation.__name__ == "tanh"
    assert g.get_layer("to_image").dtype_policy.compute_dtype == "float32"


def test_unet_concatenates_each_decoder_block_with_the_encoder_output_of_its_size():
    g = _unet((32, 32, 3))  # 5 stages
    for k in range(1, 5):
        assert _layer_input(g, f"up{k}_skip") == [f"up{k}_relu", f"down{5 - k}_lrelu"]


def test_unet_skip_carries_the_fine_detail_past_the_bottleneck():
    """With every encoder convolution after the first zeroed, only the first skip is left.

    Without it the output would not depend on the input at all; with it an
    output pixel depends on the input pixels near it only (within the first
    convolution's and the last transposed convolution's 4x4 footprints).
    """
    g = _unet((32, 32, 3), normalization=None, dropout=0)
    for i in range(2, 6):
        for weight in g.get_layer(f"down{i}_conv").weights:
            weight.assign(np.zeros(weight.shape))
    x = tf.constant(_images((32, 32, 3), batch=1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        pixel = g(x)[0, 16, 16, 0]
    touched = np.argwhere(np.abs(tape.gradient(pixel, x).numpy()[0]).sum(-1) > 0)
    assert len(touched) > 0
    assert touched.min() >= 16 - 3 and touched.max() <= 16 + 3


def test_unet_dropout_at_inference():
    x = _images((16, 16, 3))
    deterministic = _unet((16, 16, 3))
    np.testing.assert_array_equal(deterministic(x), deterministic(x))
    assert not np.allclose(deterministic(x, training=True), deterministic(x, training=True))
    noisy = _unet((16, 16, 3), dropout_at_inference=True)
    assert isinstance(noisy.get_layer("up1_dropout"), AlwaysOnDropout)
    assert not np.allclose(noisy(x), noisy(x))
    assert not np.allclose(noisy.predict(x, verbose=0), noisy.predict(x, verbose=0))
    none = _unet((16, 16, 3), dropout=0)
    assert not [layer for layer in none.layers if isinstance(layer, keras.layers.Dropout)]


def test_unet_size_errors_name_the_sizes_that_work():
    with pytest.raises(
        ValueError,
        match=r"unet_generator needs a height and width that are multiples of 2 .*"
        r"Received: image_shape=\(27, 28, 3\). Sizes that work: height 26 or 28, width 28\.",
    ):
        kg.networks.unet_generator((27, 28, 3))
    with pytest.raises(
        ValueError,
        match=r"unet_generator\(num_downsamples=3\) needs a height and width that are "
        r"multiples of 8 .*Received: image_shape=\(28, 28, 1\). Sizes that work: 24 or 32\.",
    ):
        kg.networks.unet_generator((28, 28, 1), num_downsamples=3)
    assert kg.networks.unet_generator((28, 28, 1), num_downsamples=2, filters=4)
    with pytest.raises(ValueError, match="Received: num_downsamples=0"):
        kg.networks.unet_generator((28, 28, 1), num_downsamples=0)
    with pytest.raises(ValueError, match=r"in \[0, 1\). Received: dropout=1"):
        kg.networks.unet_generator((16, 16, 1), dropout=1)
    with pytest.raises(ValueError, match="needs `dropout > 0` .*Received: dropout=0"):
        kg.networks.unet_generator((16, 16, 1), dropout=0, dropout_at_inference=True)
    with pytest.raises(ValueError, match="Received: normalization='group'"):
        kg.networks.unet_generator((16, 16, 1), normalization="group")


# === ResNet translator ===


def test_resnet_translator_follows_cyclegan():
    g = kg.networks.resnet_translator((32, 32, 3), filters=4, num_blocks=6, output_channels=1)
    conv_types = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)
    convs = [layer for layer in g.layers if isinstance(layer, conv_types)]
    # c7s1-64, d128, d256, R256 x 6 (two convs each), u128, u64, c7s1-C.
    assert [(c.kernel_size[0], c.strides[0], c.filters) for c in convs] == (
        [(7, 1, 4), (3, 2, 8), (3, 2, 16)] + [(3, 1, 16)] * 12 + [(3, 2, 8), (3, 2, 4), (7, 1, 1)]
    )
    assert [type(c).__name__ for c in convs[-3:-1]] == ["Conv2DTranspose"] * 2
    assert g.get_layer("res3_conv1").output.shape[1:3] == (8, 8)
    # Reflection padding before the 7x7 convolutions and in the residual blocks.
    assert _layer_input(g, "in_conv") == ["in_pad"] and _layer_input(g, "to_image") == ["out_pad"]
    assert _layer_input(g, "res1_conv2") == ["res1_pad2"]
    assert g.get_layer("res1_pad1").padding == ((1, 1), (1, 1))
    assert _layer_input(g, "res1_add") == ["down2_conv_relu", "res1_conv2_norm"]
    norms = [layer for layer in g.layers if isinstance(layer, keras.layers.GroupNormalization)]
    # One group per channel: instance normalisation.
    assert len(norms) == 1 + 2 + 12 + 2 and all(n.groups == n.input.shape[-1] for n in norms)
    assert g.get_layer("to_image").activation.__name__ == "tanh"


def test_resnet_translator_size_errors():
    with pytest.raises(
        ValueError,
        match=r"resnet_translator\(num_downsamples=2\) needs a height and width that are "
        r"multiples of 4 and at least 8 .*Received: image_shape=\(30, 30, 3\). "
        r"Sizes that work: 28 or 32\.",
    ):
        kg.networks.resnet_translator((30, 30, 3))
    with pytest.raises(ValueError, match=r"image_shape=\(4, 12, 1\). .*height 8, width 12\."):
        kg.networks.resnet_translator((4, 12, 1))
    assert kg.networks.resnet_translator((6, 6, 1), filters=2, num_blocks=1, num_downsamples=1)
    with pytest.raises(ValueError, match="Received: num_blocks=0"):
        kg.networks.resnet_translator((32, 32, 3), num_blocks=0)


# === PatchGAN ===


@pytest.mark.parametrize(
    "shape, num_downsamples, logits",
    [
        ((16, 16, 3), 2, (2, 2)),
        ((28, 28, 1), 3, (1, 1)),
        ((32, 32, 3), 3, (2, 2)),
        ((32, 64, 3), 3, (2, 6)),
        ((28, 28, 1), 1, (12, 12)),
    ],
)
def test_patch_discriminator_gives_a_map_of_float32_logits(shape, num_downsamples, logits):
    d = _patch(shape, num_downsamples=num_downsamples)
    out = d(_images(shape), training=True)
    assert tuple(out.shape) == (2, *logits, 1) and out.dtype == "float32"


def test_patch_discriminator_follows_pix2pix():
    d = kg.networks.patch_discriminator((256, 256, 3))
    convs = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [(c.kernel_size[0], c.strides[0], c.filters) for c in convs] == [
        (4, 2, 64),
        (4, 2, 128),
        (4, 2, 256),
        (4, 1, 512),
        (4, 1, 1),
    ]
    assert d.output_shape == (None, 30, 30, 1)  # as the reference code
    norms = [type(layer).__name__ for layer in d.layers if layer.name.endswith("_norm")]
    assert norms == ["BatchNormalization"] * 3  # none on the first convolution
    assert d.get_layer("logits").dtype_policy.compute_dtype == "float32"


def _receptive_field_by_gradient(num_downsamples, size):
    """The height and width of the input box that one central logit depends on."""
    d = _patch((size, size, 1), num_downsamples=num_downsamples)
    x = tf.constant(_images((size, size, 1), batch=1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = d(x)
        centre = logits.shape[1] // 2
        logit = logits[0, centre, centre, 0]
    rows, cols = np.nonzero(tape.gradient(logit, x).numpy()[0, ..., 0])
    # The box lies inside the image (not clipped by it) and is filled.
    assert rows.min() > 0 and cols.min() > 0 and max(rows.max(), cols.max()) < size - 1
    height, width = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
    assert len(rows) == height * width
    return height, width


@pytest.mark.parametrize("num_downsamples, size, expected", [(3, 96, 70), (1, 40, 16), (2, 48, 34)])
def test_patch_receptive_field(num_downsamples, size, expected):
    assert receptive_field(num_downsamples) == expected
    assert _receptive_field_by_gradient(num_downsamples, size) == (expected, expected)


def test_conditional_patch_discriminator_takes_images_then_source():
    d = _patch((32, 32, 3), source_shape=(32, 32, 1))
    assert [tuple(i.shape) for i in d.inputs] == [(None, 32, 32, 3), (None, 32, 32, 1)]
    assert [i.name for i in d.inputs] == ["images", "source"]
    assert _layer_input(d, "images_and_source") == ["images", "source"]
    assert d.get_layer("conv1").input.shape[-1] == 4
    images, source = _images((32, 32, 3)), _images((32, 32, 1), seed=1)
    out = d([images, source])
    assert tuple(out.shape) == (2, 2, 2, 1)
    # The logits depend on both inputs.
    assert not np.allclose(out, d([images, -source]))
    assert not np.allclose(out, d([-images, source]))


def test_patch_discriminator_errors():
    with pytest.raises(
        ValueError,
        match=r"patch_discriminator\(num_downsamples=3\) needs a height and width that are "
        r"at least 24 .*Received: image_shape=\(16, 40, 3\). Sizes that work: height 24, width 40",
    ):
        kg.networks.patch_discriminator((16, 40, 3))
    with pytest.raises(ValueError, match=r"height and width of `image_shape`.*\(16, 16, 1\)"):
        kg.networks.patch_discriminator((32, 32, 3), source_shape=(16, 16, 1))
    with pytest.raises(ValueError, match="Received: spectral_norm='yes'"):
        kg.networks.patch_discriminator((32, 32, 3), spectral_norm="yes")


def test_patch_discriminator_spectral_norm_wraps_every_convolution():
    d = _patch((32, 32, 3), normalization=None, spectral_norm=True)
    wrapped = [layer for layer in d.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert [layer.name for layer in wrapped] == [f"conv{i}" for i in range(1, 5)] + ["logits"]
    assert tuple(d(_images((32, 32, 3)), training=True).shape) == (2, 2, 2, 1)


# === Instance normalisation ===


@pytest.mark.parametrize(
    "build",
    [
        lambda: _resnet((16, 16, 3)),
        lambda: _unet((16, 16, 3), normalization="instance", dropout=0),
        lambda: _patch((32, 32, 3), normalization="instance"),
        lambda: _unet((16, 16, 3), dropout=0),  # batch norm: the control
    ],
    ids=["resnet", "unet_instance", "patch_instance", "unet_batch"],
)
def test_instance_norm_is_per_example(build):
    model = build()
    shape = model.input_shape[1:]
    x = _images(shape, batch=3)
    changed = x.copy()
    changed[1] = _images(shape, batch=1, seed=5)[0]
    first, second = model(x, training=True), model(changed, training=True)
    coupled = not np.allclose(first[0], second[0], atol=1e-6)
    batch_norm = any(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers)
    assert coupled == batch_norm
    assert not np.allclose(first[1], second[1])


# === ReflectionPadding2D ===


@pytest.mark.parametrize(
    "padding, numpy_padding",
    [(1, ((1, 1), (1, 1))), (3, ((3, 3), (3, 3))), ((2, 1), ((2, 2), (1, 1)))]
    + [(((0, 2), (3, 1)), ((0, 2), (3, 1)))],
)
def test_reflection_padding_matches_numpy(padding, numpy_padding):
    x = _images((4, 5, 2))
    layer = kg.layers.ReflectionPadding2D(padding)
    expected = np.pad(x, ((0, 0), *numpy_padding, (0, 0)), mode="reflect")
    np.testing.assert_array_equal(layer(x), expected)
    assert layer.compute_output_shape(x.shape) == expected.shape
    assert layer.compute_output_shape((None, None, 5, 2))[1:] == (None, expected.shape[2], 2)
    symbolic = layer(keras.Input((4, 5, 2)))
    assert tuple(symbolic.shape) == (None, *expected.shape[1:])


def test_reflection_padding_serializes_and_rejects_bad_arguments():
    layer = kg.layers.ReflectionPadding2D(((0, 2), (3, 1)), name="pad")
    config = keras.saving.serialize_keras_object(layer)
    assert config["registered_name"] == "keras_gans>ReflectionPadding2D"
    restored = keras.saving.deserialize_keras_object(config)
    assert restored.padding == ((0, 2), (3, 1)) and restored.get_config() == layer.get_config()
    with pytest.raises(ValueError, match=r"Received: padding=\(1, 2, 3\)"):
        kg.layers.ReflectionPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="Received: padding=-1"):
        kg.layers.ReflectionPadding2D(-1)
    with pytest.raises(ValueError, match=r"at most 2\). Received: padding=\(\(3, 3\), \(3, 3\)\)"):
        kg.layers.ReflectionPadding2D(3)(keras.Input((3, 8, 1)))


# === Saving and mixed precision ===

BUILDERS = {
    "unet": lambda: _unet((16, 16, 3)),
    "unet_noisy": lambda: _unet((16, 16, 3), dropout_at_inference=True),
    "resnet": lambda: _resnet((16, 16, 3), output_channels=1),
    "patch": lambda: _patch((32, 32, 3), num_downsamples=2),
    "patch_conditional": lambda: _patch(
        (32, 32, 3), source_shape=(32, 32, 1), normalization="instance", spectral_norm=True
    ),
}


def _inputs_of(model):
    shapes = [tuple(i.shape[1:]) for i in model.inputs]
    inputs = [_images(shape, seed=i) for i, shape in enumerate(shapes)]
    return inputs if len(inputs) > 1 else inputs[0]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_save_and_load_give_identical_outputs(name, tmp_path):
    keras.utils.set_random_seed(0)
    model = BUILDERS[name]()
    x = _inputs_of(model)
    model(x, training=True)  # moves the batch norm statistics and spectral norm's vectors
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    for weight, restored in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(weight, restored)
    # The dropout at inference draws from each layer's seed state, saved with the layer.
    np.testing.assert_array_equal(loaded(x), model(x))


@pytest.mark.parametrize("name", list(BUILDERS))
def test_outputs_are_float32_under_mixed_float16(name):
    with global_policy("mixed_float16"):
        model = BUILDERS[name]()
    assert keras.mixed_precision.global_policy().name == "float32"
    computing = {layer.compute_dtype for layer in model.layers if layer.weights}
    assert "float16" in computing
    out = model(_inputs_of(model), training=True)
    assert out.dtype == "float32" and np.isfinite(out).all()
