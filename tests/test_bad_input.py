"""Bad input gets a ValueError naming what was received and what was expected,
before the first training step (or, for a later batch, before the step on it).

Issue 13's cases here: 1 (images in [0, 1]), 2 (float labels in an .npz),
5 (discriminator outputs), 6 (networks without keras.Input); bad values in a
later batch, errors of kg.data.load naming the file, the tanh warning.
"""

import gzip
import re
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    LATENT_DIM,
    tiny_dataset,
    tiny_discriminator,
    tiny_gan,
    tiny_generator,
    tiny_images,
)

import keras_gans as kg
from keras_gans.data.idx import read_idx


def assert_untrained(gan):
    assert (
        int(gan.optimizers["discriminator"].iterations) == 0
        and int(gan.optimizers["generator"].iterations) == 0
    )


def test_images_of_the_wrong_shape(gan):
    wrong = tf.data.Dataset.from_tensor_slices(np.zeros((8, 28, 28, 1), "float32")).batch(4)
    with pytest.raises(
        ValueError,
        match=r"Received: images of shape \(None, 28, 28, 1\); expected \(batch, 16, 16, 1\)",
    ):
        gan.fit(wrong, verbose=0)
    with pytest.raises(ValueError, match=r"shape \(8, 16, 16, 3\)"):
        gan.fit(np.zeros((8, 16, 16, 3), "float32"), verbose=0)
    assert_untrained(gan)


def test_generator_output_that_does_not_match_the_discriminator():
    generator = kg.networks.dcgan_generator(LATENT_DIM, (32, 32, 1), filters=16)
    with pytest.raises(
        ValueError,
        match=r"generator output \(None, \*\(32, 32, 1\)\), expected \(None, \*\(16, 16, 1\)\)",
    ):
        kg.GAN(generator, tiny_discriminator(), latent_dim=LATENT_DIM)
    with pytest.raises(ValueError, match="latent_dim=5"):
        kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=5)


def test_conditional_networks_in_a_plain_gan():
    with pytest.raises(ValueError, match="Received: a generator with 2 input.*ConditionalGAN"):
        kg.GAN(tiny_generator(num_classes=3), tiny_discriminator(), latent_dim=LATENT_DIM)


def test_empty_dataset(gan):
    empty = tf.data.Dataset.from_tensor_slices(tiny_images(8)).batch(16, drop_remainder=True)
    with pytest.raises(ValueError, match="dataset is empty"):
        gan.fit(empty, verbose=0)
    with pytest.raises(ValueError, match="empty"):
        gan.fit(np.zeros((0, 16, 16, 1), "float32"), verbose=0)
    assert_untrained(gan)


def test_the_same_optimizer_for_both_networks():
    gan = kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
    adam = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="same optimizer object"):
        gan.compile(d_optimizer=adam, g_optimizer=adam)


def test_unknown_compile_arguments_and_fit_before_compile():
    gan = kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
    with pytest.raises(ValueError, match="Received unexpected arguments: \\['metrics'\\]"):
        gan.compile(metrics=["accuracy"])
    with pytest.raises(ValueError, match="before `fit\\(\\)`"):
        gan.fit(tiny_dataset(), verbose=0)


def test_uint8_and_0_255_images_raise_unless_rescaled(gan):
    pixels = ((tiny_images(32) + 1) * 127.5).astype("uint8")
    with pytest.raises(ValueError, match="Received: dtype uint8.*scale_images"):
        gan.fit(tf.data.Dataset.from_tensor_slices(pixels).batch(16), verbose=0)
    with pytest.raises(ValueError, match=r"Received: values in \[0, 255\]"):
        gan.fit(pixels.astype("float32"), batch_size=16, verbose=0)
    assert_untrained(gan)
    # Rescaled when the user asks for it.
    rescaled = tf.data.Dataset.from_tensor_slices(pixels).batch(16).map(kg.data.scale_images)
    gan.fit(rescaled, verbose=0)
    assert int(gan.optimizers["generator"].iterations) == 2


@pytest.mark.parametrize(
    "shape, message",
    [
        ((30, 30, 1), r"halve the same number of times.*Received: image_shape with height=30, "),
        ((28, 32, 1), r"halve the same number of times.*Received: image_shape with height=28, "),
        ((28, 28), r"\(height, width, channels\).*Received: image_shape=\(28, 28\)"),
        ((4, 4, 1), r"halve the same number of times.*Received: image_shape with height=4, "),
    ],
)
def test_dcgan_builders_reject_sizes_that_do_not_halve_to_4_or_7(shape, message):
    with pytest.raises(ValueError, match=message):
        kg.networks.dcgan_generator(8, shape)
    with pytest.raises(ValueError, match=message):
        kg.networks.dcgan_discriminator(shape)


def test_generate_rejects_a_bad_count():
    with pytest.raises(ValueError, match="num_images=0"):
        tiny_gan().generate(0)


# === Issue 13: bad input anywhere in the data ===


def training_state(model):
    optimizers = [
        *model.optimizers["discriminator"].variables,
        *model.optimizers["generator"].variables,
    ]
    return [np.array(v) for v in [*model.variables, *optimizers, model.seed_generator.state]]


@pytest.mark.parametrize("source", ["array", "npz"])
def test_images_in_0_1_raise_unless_the_data_is_declared_one_sided(gan, tmp_path, source):
    """Case 1: images in [0, 1] trained silently, as an array and from a float .npz."""
    zero_one = (tiny_images(32) + 1) / 2
    kwargs = {"batch_size": 16}
    data = zero_one
    if source == "npz":
        np.savez(tmp_path / "zero_one.npz", x=zero_one)
        data, kwargs = kg.data.load(str(tmp_path / "zero_one.npz"), batch_size=16), {}
    with pytest.raises(
        ValueError,
        match=r"look one-sided.*Received: values in \[0, 1\]; expected images in \[-1, 1\]. "
        r"Images in \[0, 1\] can be rescaled with `x \* 2 - 1`.*one_sided_data=True",
    ):
        gan.fit(data, verbose=0, **kwargs)
    assert_untrained(gan)
    if source == "array":  # the documented opt-out (the same for a dataset)
        gan.fit(data, verbose=0, one_sided_data=True, **kwargs)
        assert int(gan.optimizers["generator"].iterations) == 2


def uint8_images(n):
    return ((tiny_images(n) + 1) * 127.5).astype("uint8")


def test_float_labels_in_an_npz_are_refused_unless_whole_numbers(tmp_path):
    """Case 2: float labels were truncated (0.7 -> 0, 1.9 -> 1)."""
    path = tmp_path / "labels.npz"
    np.savez(path, x=uint8_images(8), y=np.array([0.0, 0.7, 1.9, 2, 0, 1, 2, 0]))
    with pytest.raises(
        ValueError,
        match=rf"labels 'y' in {path} must be integer class ids. Received: float labels such "
        r"as y\[1\]=0.7 \(2 not whole numbers\), which would be truncated",
    ):
        kg.data.load(str(path), batch_size=4, with_labels=True)
    whole = np.array([0.0, 1, 2, 2, 0, 1, 2, 0])
    np.savez(path, x=uint8_images(8), y=whole)
    ds = kg.data.load(str(path), batch_size=8, with_labels=True, shuffle=False)
    labels = next(iter(ds))[1]
    assert labels.dtype == tf.int32
    np.testing.assert_array_equal(labels, whole.astype("int32"))


def test_load_errors_name_the_file_and_what_is_wrong(tmp_path):
    good = tmp_path / "good.npz"
    np.savez(good, x=uint8_images(8), y=np.arange(8) % 3)
    (tmp_path / "truncated.npz").write_bytes(good.read_bytes()[:300])
    cases = {  # name: (arrays, expected message with PATH for the file)
        "truncated": (None, r"Cannot read PATH as a .npz file of numeric arrays"),
        "floats_0_255": (
            {"x": uint8_images(8).astype("float32")},
            r"Float images 'x' in PATH must be in \[-1, 1\]. Received: values in \[0, 255\]",
        ),
        "nan": ({"x": np.full((8, 4, 4), np.nan, "float32")}, r"'x' in PATH contain 128 NaN"),
        "uint16": (
            {"x": np.full((8, 4, 4), 4000, "uint16")},
            r"Integer images 'x' in PATH must be pixels in \[0, 255\]. Received: values in "
            r"\[4000, 4000\]",
        ),
        "one_hot": (
            {"x": uint8_images(8), "y": np.eye(3, dtype="int32")[np.arange(8) % 3]},
            r"'y' in PATH must be one class id per image, shape \(n,\). Received: y with shape "
            r"\(8, 3\). One-hot labels\?",
        ),
        "count": (
            {"x": uint8_images(8), "y": np.arange(5)},
            r"The .npz file PATH must have one label per image. Received: 8 images and 5 labels",
        ),
        "negative": ({"x": uint8_images(8), "y": -np.arange(8)}, r"'y' in PATH .* down to -7"),
    }
    for name, (arrays, message) in cases.items():
        path = tmp_path / f"{name}.npz"
        if arrays is not None:
            np.savez(path, **arrays)
        with pytest.raises(ValueError, match=message.replace("PATH", re.escape(str(path)))):
            kg.data.load(str(path), batch_size=4)
    idx = tmp_path / "images-idx3-ubyte.gz"
    with gzip.open(idx, "wb") as f:
        f.write(bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2]) + bytes(8))
    idx.write_bytes(idx.read_bytes()[:-12])  # cut inside the gzip stream
    with pytest.raises(ValueError, match=rf"Cannot read the IDX file {re.escape(str(idx))}"):
        read_idx(idx)


def test_a_discriminator_must_return_one_logit_per_example():
    """Case 5: two logits trained silently; two output tensors failed in the loss."""
    images = keras.Input((16, 16, 1))
    features = keras.layers.Flatten()(images)
    two_logits = keras.Model(images, keras.layers.Dense(2)(features))
    with pytest.raises(
        ValueError,
        match=r"one logit per example, shape \(batch, 1\). Received: a discriminator with output "
        r"shape \(None, 2\)",
    ):
        kg.GAN(tiny_generator(), two_logits, latent_dim=LATENT_DIM)
    two_outputs = keras.Model(
        images, [keras.layers.Dense(1)(features), keras.layers.Dense(1)(features)]
    )
    with pytest.raises(
        ValueError,
        match=r"The discriminator must return one tensor. Received: a discriminator with 2 "
        r"outputs of shapes \[\(None, 1\), \(None, 1\)\]",
    ):
        kg.GAN(tiny_generator(), two_outputs, latent_dim=LATENT_DIM)


def test_networks_without_an_input_are_built_on_the_shapes_the_model_knows():
    """Case 6: compile built the optimizers on no variables; fit then failed."""
    keras.utils.set_random_seed(0)
    generator = keras.Sequential(
        [keras.layers.Dense(16 * 16, activation="tanh"), keras.layers.Reshape((16, 16, 1))]
    )
    discriminator = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(1)])
    gan = kg.GAN(generator, discriminator, latent_dim=LATENT_DIM)
    assert gan.image_shape == (16, 16, 1)
    gan.compile()
    before = [v.numpy() for v in gan.trainable_variables]
    gan.fit(tiny_images(32), batch_size=16, verbose=0)
    assert (
        int(gan.optimizers["discriminator"].iterations)
        == int(gan.optimizers["generator"].iterations)
        == 2
    )
    after = [v.numpy() for v in gan.trainable_variables]
    assert all(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    # A network that cannot take the shapes gets a clear error at construction.
    wrong = keras.Sequential([keras.layers.Reshape((16, 16, 1))])
    with pytest.raises(
        ValueError,
        match=r"The generator is not built and could not be built on inputs of shape "
        r"\(None, 8\). .*keras.Input\(shape\)",
    ):
        kg.GAN(wrong, tiny_discriminator(), latent_dim=LATENT_DIM)


def test_a_generator_without_a_tanh_output_gets_a_warning():
    linear = keras.Sequential(
        [keras.Input((LATENT_DIM,)), keras.layers.Dense(256), keras.layers.Reshape((16, 16, 1))]
    )
    with pytest.warns(
        UserWarning,
        match=r"output is not bounded by tanh. Received: a generator ending in layer "
        r"'dense\w*' of activation 'linear'",
    ):
        kg.GAN(linear, tiny_discriminator(), latent_dim=LATENT_DIM)
    sigmoid = kg.networks.mlp_generator(LATENT_DIM, (16, 16, 1), output_activation="sigmoid")
    with pytest.warns(UserWarning, match="activation 'sigmoid'"):
        kg.GAN(sigmoid, tiny_discriminator(), latent_dim=LATENT_DIM)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tanh, behind a Reshape: no warning
        kg.GAN(kg.networks.mlp_generator(LATENT_DIM, (16, 16, 1)), tiny_discriminator(), 8)
        kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
        # Vectors (a toy distribution) may come out of a linear layer: no warning.
        points = keras.Sequential([keras.Input((LATENT_DIM,)), keras.layers.Dense(2)])
        kg.GAN(points, kg.networks.mlp_discriminator((2,)), latent_dim=LATENT_DIM)


def later_bad_batch(kind):
    """96 images in batches of 16 whose batch 2 (image 40 = image 8 of it) is bad."""
    images = tiny_images(96)
    if kind == "shape":  # a dataset whose spec leaves the image size open
        clean = tf.data.Dataset.from_tensor_slices(images[:32]).batch(16)
        small = tf.data.Dataset.from_tensor_slices(np.zeros((16, 8, 8, 1), "float32")).batch(16)
        return clean.concatenate(small)
    images[40, 3, 4] = {"nan": np.nan, "range": 3.0}[kind]
    return tf.data.Dataset.from_tensor_slices(images).batch(16)


LATER_BATCH_ERRORS = {
    "nan": r"holds NaN or infinite values. Received: 1 non-finite values, the first in image "
    r"8 of the batch; expected finite values in \[-1, 1\]",
    "range": r"is outside \[-1, 1\]. Received: values in \[-1, 3\]",
    "shape": r"does not fit the networks. Received: images of shape \(16, 8, 8, 1\); "
    r"expected \(batch, 16, 16, 1\)",
}


class LastState(keras.callbacks.Callback):
    """Keeps the training state after every batch."""

    def on_train_batch_end(self, batch, logs=None):
        self.state = training_state(self.model)


def test_bad_input_in_a_later_batch_is_named_and_loses_no_work(tmp_path):
    """Only the first batch was checked: later ones trained on NaN or crashed in the graph."""
    gan = tiny_gan()
    for run, kind in enumerate(LATER_BATCH_ERRORS):  # nan, range, shape
        last = LastState()
        callbacks = [last]
        if run == 0:
            callbacks.append(keras.callbacks.BackupAndRestore(tmp_path / "backup", save_freq=1))
        with pytest.raises(ValueError) as error:
            gan.fit(later_bad_batch(kind), epochs=2, callbacks=callbacks, verbose=0)
        message = str(error.value)
        assert message.startswith("Batch 2 of the training data (counted from 0 in each pass")
        assert re.search(LATER_BATCH_ERRORS[kind], message), message
        steps = 2 * (run + 1)
        assert f"keeps the {steps} steps taken before it" in message
        assert "Graph execution" not in message and error.value.__cause__ is None
        # The steps before the bad batch are kept exactly: nothing of a third
        # step, not even its noise or its iteration count.
        assert (
            int(gan.optimizers["discriminator"].iterations)
            == int(gan.optimizers["generator"].iterations)
            == steps
        )
        for got, want in zip(training_state(gan), last.state, strict=True):
            np.testing.assert_array_equal(got, want)
    # The backup of the first run holds its two good steps.
    restored = tiny_gan(seed=1)
    restored.load_weights(tmp_path / "backup" / "latest.weights.h5")
    assert int(restored.optimizers["generator"].iterations) == 2
