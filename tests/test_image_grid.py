import os

import numpy as np
from conftest import tiny_dataset
from PIL import Image

import keras_gans as kg


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
