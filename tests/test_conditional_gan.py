import numpy as np
import pytest
from conftest import (
    LATENT_DIM,
    NUM_CLASSES,
    tiny_dataset,
    tiny_discriminator,
    tiny_generator,
    tiny_images,
    tiny_labels,
    tiny_model,
    weights_of,
)

import keras_gans as kg


@pytest.fixture
def cgan():
    return tiny_model(kg.ConditionalGAN)


def test_trains_on_images_and_labels(cgan):
    before = weights_of(cgan)
    history = cgan.fit(tiny_dataset(labels=tiny_labels()), epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"]).all() and np.isfinite(history["g_loss"]).all()
    assert all(
        not np.array_equal(a, b)
        for a, b in zip(before, weights_of(cgan), strict=True)
        if a.size > 1
    )
    cgan.fit(tiny_images(32), tiny_labels(32), batch_size=16, verbose=0)  # arrays work too


@pytest.mark.parametrize(
    "labels, message",
    [
        (np.full(64, NUM_CLASSES, "int32"), r"Received: labels in \[3, 3\]"),
        (np.full(64, -1, "int32"), r"Received: labels in \[-1, -1\]"),
        (np.zeros(64, "float32"), "dtype float32"),
    ],
)
def test_bad_labels_raise_before_training(cgan, labels, message):
    with pytest.raises(ValueError, match=message):
        cgan.fit(tiny_dataset(labels=labels), verbose=0)
    assert int(cgan.optimizers["discriminator"].iterations) == 0


def test_a_batch_without_labels_raises(cgan):
    with pytest.raises(ValueError, match="batch without labels"):
        cgan.fit(tiny_dataset(), verbose=0)


# test_bad_input checks a bad later batch of images in the default run; this one, in CI.
@pytest.mark.slow
def test_out_of_range_labels_in_a_later_batch_are_named(cgan):
    labels = tiny_labels()
    labels[40:] = 7  # the first batch is fine; the third is not
    with pytest.raises(
        ValueError,
        match=r"^Batch 2 of the training data .* has labels out of range. Received: labels in "
        r"\[0, 7\]; expected labels in \[0, 3\)\. .* keeps the 2 steps",
    ):
        cgan.fit(tiny_dataset(labels=labels), verbose=0)
    assert int(cgan.optimizers["generator"].iterations) == 2


def test_one_hot_labels_are_named(cgan):
    """Case 4 of issue 13: one-hot labels failed deep in `Concatenate` (dimensions 32 and 96)."""
    one_hot = np.eye(3, dtype="int32")[tiny_labels()]
    message = (
        r"Labels must be integer class ids in \[0, 3\), shape \(batch,\). Received: labels of "
        r"shape \({}, 3\). One-hot labels\? Pass np.argmax\(labels, axis=-1\)"
    )
    with pytest.raises(ValueError, match=message.format(16)):
        cgan.fit(tiny_dataset(labels=one_hot), verbose=0)
    with pytest.raises(ValueError, match=message.format(64)):
        cgan.fit(tiny_images(64), one_hot, batch_size=16, verbose=0)
    assert int(cgan.optimizers["generator"].iterations) == 0


def test_generate_checks_labels_and_is_deterministic(cgan):
    images = cgan.generate(labels=[0, 1, 2], seed=0)
    assert images.shape == (3, 16, 16, 1)
    np.testing.assert_array_equal(images, cgan.generate(labels=[0, 1, 2], seed=0))
    assert not np.allclose(images, cgan.generate(labels=[0, 1, 2], seed=1))
    for bad, message in (
        ([3], r"Labels must be in \[0, 3\). Received: labels in \[3, 3\]"),
        ([-1], r"Labels must be in \[0, 3\). Received: labels in \[-1, -1\]"),
        ([0.5], r"Labels must be integers in \[0, 3\). Received: labels of dtype float64"),
    ):
        with pytest.raises(ValueError, match=message):
            cgan.generate(labels=bad)


def test_the_label_reaches_both_networks(trained):
    cgan = trained(kg.ConditionalGAN)
    # Same z, different labels -> different images: the generator uses the label.
    z = np.repeat(np.random.default_rng(0).standard_normal((1, LATENT_DIM)), 3, 0).astype("float32")
    images = cgan.generate_from_latent(z, labels=np.array([0, 1, 2], "int32"))
    assert not np.allclose(images[0], images[1]) and not np.allclose(images[1], images[2])
    # Same image, different labels -> different logits: the discriminator uses it too.
    image = np.repeat(tiny_images(1), 3, 0)
    logits = np.array(cgan.discriminator([image, np.array([0, 1, 2], "int32")], training=False))
    assert len(np.unique(logits.round(6))) == 3


def test_networks_must_be_conditional():
    with pytest.raises(ValueError, match="takes 2 input.*num_classes="):
        kg.ConditionalGAN(
            tiny_generator(), tiny_discriminator(NUM_CLASSES), LATENT_DIM, num_classes=NUM_CLASSES
        )
    with pytest.raises(ValueError, match="num_classes=1"):
        kg.ConditionalGAN(
            tiny_generator(NUM_CLASSES), tiny_discriminator(NUM_CLASSES), LATENT_DIM, num_classes=1
        )


def test_arguments_after_latent_dim_are_keyword_only():
    with pytest.raises(TypeError, match="positional"):
        kg.ConditionalGAN(
            tiny_generator(NUM_CLASSES), tiny_discriminator(NUM_CLASSES), LATENT_DIM, NUM_CLASSES
        )
    with pytest.raises(TypeError, match="positional"):
        kg.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, 0)


def test_image_grid_draws_one_row_per_class(cgan, tmp_path):
    callback = kg.callbacks.ImageGrid(tmp_path, num_images=6, gif=False, scale=1)
    cgan.fit(tiny_dataset(labels=tiny_labels()), epochs=1, callbacks=[callback], verbose=0)
    np.testing.assert_array_equal(callback._labels, [0, 0, 1, 1, 2, 2])
    from PIL import Image

    grid = np.array(Image.open(tmp_path / "epoch_0001.png"))
    assert grid.shape == (NUM_CLASSES * 16 + 4 * 2, 2 * 16 + 3 * 2)
