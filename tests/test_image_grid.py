import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import tiny_dataset
from PIL import Image

import keras_gans as kg
from keras_gans import cli


def test_image_grid_writes_a_png_per_epoch_and_a_gif(gan, tmp_path):
    directory = tmp_path / "grids"
    callback = kg.callbacks.ImageGrid(directory, num_images=9)
    assert not directory.exists(), "no file I/O before training"
    gan.fit(tiny_dataset(), epochs=3, callbacks=[callback], verbose=0)
    assert sorted(os.listdir(directory)) == [
        "epoch_0001.png",
        "epoch_0002.png",
        "epoch_0003.png",
        "training.gif",
    ]
    grid = np.array(Image.open(directory / "epoch_0003.png"))
    # 3x3 tiles of 16 px with 2 px padding, enlarged twice.
    assert grid.shape == (2 * (3 * 16 + 4 * 2), 2 * (3 * 16 + 4 * 2))
    gif = Image.open(directory / "training.gif")
    assert gif.n_frames == 3


def test_latent_vectors_are_fixed_across_epochs(gan, tmp_path):
    callback = kg.callbacks.ImageGrid(tmp_path, num_images=4, every_n_epochs=2, gif=False)
    gan.fit(tiny_dataset(), epochs=2, callbacks=[callback], verbose=0)
    z_first = callback._z.copy()
    gan.fit(tiny_dataset(), epochs=2, callbacks=[callback], verbose=0)
    np.testing.assert_array_equal(callback._z, z_first)
    assert os.listdir(tmp_path) == ["epoch_0002.png"]
    # The grid shows the images the model generates from those vectors.
    expected = kg.images.make_grid(gan.generate_from_latent(z_first))
    saved = np.array(Image.open(tmp_path / "epoch_0002.png"))[::2, ::2]
    np.testing.assert_array_equal(saved, expected)


# === Bounded pictures (issue 34: `keras-gans sample --scale 100000` was killed by the
# out-of-memory killer at 12.5 GB) ===


def test_save_grid_refuses_pictures_above_the_pixel_limit(tmp_path, monkeypatch):
    images = np.zeros((4, 16, 16, 1), "float32")  # a 2x2 grid: 38 x 38 pixels
    monkeypatch.setattr(kg.images, "MAX_GRID_PIXELS", 38 * 38 * 5 * 5)
    kg.images.save_grid(images, tmp_path / "largest.png", scale=5)
    assert Image.open(tmp_path / "largest.png").size == (190, 190)
    with pytest.raises(
        ValueError,
        match=r"A grid of 4 images of 16x16 enlarged 6 times would be 228x228 pixels "
        r"\(0\.052 megapixels\), above the limit of 0\.0361 megapixels\. Received: scale=6; "
        r"the largest scale for this grid is 5\.",
    ):
        kg.images.save_grid(images, tmp_path / "too_large.png", scale=6)
    monkeypatch.undo()
    with pytest.raises(
        ValueError,
        match=r"would be 3800000x3800000 pixels \(1\.44e\+07 megapixels\), above the limit of "
        r"64 megapixels\. Received: scale=100000; the largest scale for this grid is 210\.",
    ):
        kg.images.save_grid(images, tmp_path / "huge.png", scale=100000)
    for bad in (0, 2.5, True):
        message = rf"`scale` must be an int >= 1. Received: scale={bad}"
        with pytest.raises(ValueError, match=message):
            kg.images.save_grid(images, tmp_path / "bad.png", scale=bad)
    assert sorted(os.listdir(tmp_path)) == ["largest.png"]


def test_sample_refuses_a_huge_picture_before_generating(trained, tmp_path, monkeypatch):
    monkeypatch.setattr(kg.images, "MAX_GRID_PIXELS", 100_000)
    trained(kg.GAN).save(tmp_path / "model.keras")
    monkeypatch.setattr(
        kg.GAN, "generate", lambda *args, **kwargs: pytest.fail("images were generated")
    )
    argv = ["sample", "--model", str(tmp_path / "model.keras"), "--out", str(tmp_path / "s.png")]
    # 64 images of 16x16: a picture of 146x146 pixels, times 3 in each direction.
    with pytest.raises(
        SystemExit,
        match=r"^keras-gans sample: error: A grid of 64 images of 16x16 enlarged 3 times would "
        r"be 438x438 pixels \(0\.192 megapixels\), above the limit of 0\.1 megapixels\. "
        r"Received: scale=3; the largest scale for this grid is 2\.$",
    ):
        cli.main([*argv, "--scale", "3"])
    # The limit is on pixels, not on the scale alone: too many images at scale 1.
    with pytest.raises(
        SystemExit,
        match=r"A grid of 1000 images of 16x16 enlarged 1 times would be 596x560 pixels "
        r"\(0\.334 megapixels\), above the limit of 0\.1 megapixels\. Received: scale=1; "
        r"use fewer images\.$",
    ):
        cli.main([*argv, "--scale", "1", "-n", "1000"])
    assert not (tmp_path / "s.png").exists()


# === Image-to-image models: rows of translations of a fixed batch ===


def saved_grid(callback, epoch=1):
    return np.array(Image.open(callback.save(epoch)))


def test_pix2pix_rows_are_source_output_target(tmp_path):
    from helpers import tiny_pix2pix, translation_pairs

    model = tiny_pix2pix()
    sources, targets = translation_pairs(5)
    grid = kg.callbacks.ImageGrid(tmp_path, inputs=(sources, targets), num_images=3, scale=1)
    grid.set_model(model)
    grid.on_train_begin()
    columns = np.stack([sources[:3], model.translate(sources[:3]), targets[:3]], axis=1)
    expected = kg.images.make_grid(columns.reshape(9, 8, 8, 1), rows=3)
    np.testing.assert_array_equal(saved_grid(grid), expected)
    assert expected.shape == (3 * 8 + 4 * 2, 3 * 8 + 4 * 2)  # 3 rows of 3 tiles


def test_cycle_gan_rows_are_each_domain_its_translation_and_its_cycle(tmp_path):
    from helpers import tiny_cycle_gan, translation_images

    model = tiny_cycle_gan()
    a, b = translation_images(4, 1), translation_images(4, 2)
    dataset = tf.data.Dataset.from_tensor_slices((a, b)).batch(3)  # read until 4 rows
    grid = kg.callbacks.ImageGrid(tmp_path, inputs=dataset, num_images=4, scale=1)
    grid.set_model(model)
    grid.on_train_begin()

    def rows(images, there, back):
        translated = model.translate(images, direction=there)
        return np.stack([images, translated, model.translate(translated, direction=back)], 1)

    tiles = np.concatenate([rows(a, "a_to_b", "b_to_a"), rows(b, "b_to_a", "a_to_b")])
    expected = kg.images.make_grid(tiles.reshape(-1, 8, 8, 1), rows=8)
    np.testing.assert_array_equal(saved_grid(grid), expected)
    # Only A images: a | a->b | b->a(a->b), one row each.
    grid = kg.callbacks.ImageGrid(tmp_path / "a", inputs=a, scale=1)
    grid.set_model(model)
    grid.on_train_begin()
    assert saved_grid(grid).shape == (4 * 8 + 5 * 2, 3 * 8 + 4 * 2)


def test_columns_of_other_channels_are_shown_in_colour(tmp_path):
    """Colourisation: a grey source beside colour outputs and targets."""
    keras.utils.set_random_seed(0)
    model = kg.Pix2Pix(
        kg.networks.unet_generator((8, 8, 1), output_channels=3, filters=4),
        kg.networks.patch_discriminator(
            (8, 8, 3), source_shape=(8, 8, 1), filters=4, num_downsamples=1
        ),
    )
    grey = np.linspace(-1, 1, 2 * 64, dtype="float32").reshape(2, 8, 8, 1)
    colour = np.zeros((2, 8, 8, 3), "float32")
    grid = kg.callbacks.ImageGrid(tmp_path, inputs=(grey, colour), scale=1)
    grid.set_model(model)
    grid.on_train_begin()
    picture = saved_grid(grid)
    assert picture.shape == (2 * 8 + 3 * 2, 3 * 8 + 4 * 2, 3)
    source_tile = picture[2:10, 2:10]
    np.testing.assert_array_equal(source_tile, np.repeat(kg.images.to_uint8(grey[0]), 3, -1))


def test_translation_models_need_inputs_and_latent_models_refuse_them(gan, tmp_path):
    from helpers import tiny_pix2pix

    grid = kg.callbacks.ImageGrid(tmp_path)
    grid.set_model(tiny_pix2pix())
    with pytest.raises(ValueError, match=r"ImageGrid needs `inputs` for a Pix2Pix"):
        grid.on_train_begin()
    grid = kg.callbacks.ImageGrid(tmp_path, inputs=np.zeros((2, 16, 16, 1), "float32"))
    grid.set_model(gan)
    with pytest.raises(ValueError, match=r"Received: inputs for a GAN, which generates from"):
        grid.on_train_begin()
