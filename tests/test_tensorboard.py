"""TensorBoard: Keras' callback on every model class, grids and FID/KID scores in event files.

Every test reads the event files back (`tf.compat.v1.train.summary_iterator`).
Needs the `tensorboard` package, the optional extra `keras-gans[tensorboard]`
(part of `[dev]`).
"""

import glob
import io
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    IMAGE_SHAPE,
    NUM_CLASSES,
    tiny_data_for,
    tiny_images,
    tiny_model,
)
from PIL import Image

import keras_gans as kg
from keras_gans import cli
from keras_gans.metrics import ClassifierFeatures, dataset_classifier


def events(log_dir):
    """`{tag: [(step, value), ...]}` of every event file in `log_dir`; images as arrays."""
    found = {}
    for path in sorted(glob.glob(os.path.join(log_dir, "events.out.tfevents.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                array = tf.make_ndarray(value.tensor)
                if value.metadata.plugin_data.plugin_name == "images":
                    # [width, height, png, ...] strings: decode the picture.
                    array = np.array(Image.open(io.BytesIO(array[2])))
                found.setdefault(value.tag, []).append((event.step, array))
    return found


@pytest.mark.slow  # test_cli_tensorboard_logs_losses_and_grids keeps Keras' callback by default
@pytest.mark.parametrize("model_class", [kg.GAN, kg.ConditionalGAN, kg.WGAN, kg.WGANGP])
def test_keras_tensorboard_callback_logs_every_model_class(model_class, tmp_path):
    model = tiny_model(
        model_class, **({"critic_steps": 2} if issubclass(model_class, kg.WGAN) else {})
    )
    board = keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1)
    history = model.fit(tiny_data_for(model, n=16), epochs=2, callbacks=[board], verbose=0).history
    logged = events(tmp_path / "train")
    for name, values in history.items():  # every logged value, every epoch
        steps = [step for step, _ in logged[f"epoch_{name}"]]
        assert steps == [0, 1], name
        np.testing.assert_allclose(logged[f"epoch_{name}"][1][1], values[1], rtol=1e-6)
    # Weight histograms of both networks.
    assert any("discriminator" in tag or "down1_conv" in tag for tag in logged)
    assert any(tag.endswith("histogram") for tag in logged)


def test_image_grid_writes_its_grid_as_an_image_summary(gan, tmp_path):
    callback = kg.callbacks.ImageGrid(tmp_path / "grids", num_images=4, log_dir=tmp_path / "logs")
    gan.fit(tiny_data_for(gan, n=32), epochs=2, callbacks=[callback], verbose=0)
    logged = events(tmp_path / "logs")
    assert [step for step, _ in logged["image_grid"]] == [0, 1]  # Keras' epoch steps
    # The picture is the grid of the last epoch's images, the PNG unenlarged.
    expected = kg.images.make_grid(gan.generate_from_latent(callback._z))
    np.testing.assert_array_equal(logged["image_grid"][1][1], expected)
    png = np.array(Image.open(tmp_path / "grids" / "epoch_0002.png"))[::2, ::2]
    np.testing.assert_array_equal(png, expected)


@pytest.mark.parametrize(
    "callback_class",
    [kg.callbacks.FIDCallback, pytest.param(kg.callbacks.KIDCallback, marks=pytest.mark.slow)],
)
def test_fid_and_kid_callbacks_write_their_scores_as_scalars(callback_class, tmp_path):
    keras.utils.set_random_seed(0)
    classifier = dataset_classifier(IMAGE_SHAPE, NUM_CLASSES, feature_dim=8, name="tiny_classifier")
    callback = callback_class(
        dataset=tiny_images(64),
        extractor=ClassifierFeatures(classifier, batch_size=32),
        num_images=32,
        every_n_epochs=2,
        batch_size=16,
        cache_dir=None,
        verbose=0,
        log_dir=tmp_path,
    )
    model = tiny_model(kg.GAN)
    history = model.fit(tiny_data_for(model, n=32), epochs=2, callbacks=[callback], verbose=0)
    logged = events(tmp_path)[callback.name]
    assert [step for step, _ in logged] == [1]  # epoch 2 only
    assert float(logged[0][1]) == pytest.approx(history.history[callback.name][0], rel=1e-6)


def test_summaries_without_tensorboard_fail_before_training(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_tensorboard(name, *args, **kwargs):
        if name == "tensorboard":
            raise ImportError("No module named 'tensorboard'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tensorboard)
    with pytest.raises(ImportError, match=r"pip install keras-gans\[tensorboard\]"):
        kg.callbacks.ImageGrid(tmp_path, log_dir=tmp_path / "logs")
    assert os.listdir(tmp_path) == []


def test_cli_tensorboard_logs_losses_and_grids(tmp_path):
    pixels = ((tiny_images(32) + 1) * 127.5).astype("uint8")
    np.savez(tmp_path / "tiny.npz", x=pixels)
    logs = tmp_path / "logs"
    argv = ["train", "--dataset", str(tmp_path / "tiny.npz"), "--epochs", "2"]
    argv += ["--latent-dim", "8", "--batch-size", "16", "--out", str(tmp_path / "run")]
    assert cli.main([*argv, "--tensorboard", str(logs)]) == 0
    logged = events(logs / "train")
    for tag in ("epoch_d_loss", "epoch_g_loss", "image_grid"):
        assert [step for step, _ in logged[tag]] == [0, 1], tag
