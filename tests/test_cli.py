"""`keras-gans` in-process through `cli.main`, plus one real subprocess per command."""

import json
import os
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest
from conftest import tiny_images
from PIL import Image

import keras_gans as kg
from keras_gans import cli
from keras_gans.runs import RESUME_FILE
from keras_gans.train import train

# The script pip installed from pyproject.toml's [project.scripts].
KERAS_GANS = os.path.join(os.path.dirname(sys.executable), "keras-gans")
TINY = ("--latent-dim", "8", "--batch-size", "16")


def save_npz(path, n=64, labels=None, size=16):
    """`n` tiny uint8 images (16x16, or padded with black to `size`) as an .npz file."""
    pixels = ((tiny_images(n) + 1) * 127.5).astype("uint8")
    pad = (size - pixels.shape[1]) // 2
    pixels = np.pad(pixels, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    arrays = {"x": pixels} if labels is None else {"x": pixels, "y": labels}
    np.savez(path, **arrays)
    return str(path)


def keras_gans(*args, cwd):
    """Runs the installed `keras-gans` script in a process of its own."""
    result = subprocess.run(
        [KERAS_GANS, *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def grid_size(rows, cols, image=16, scale=2, pad=2):
    """Pixel size (width, height) of a `save_grid` picture."""
    return (scale * (cols * image + (cols + 1) * pad), scale * (rows * image + (rows + 1) * pad))


# === In process ===


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A 2-epoch run folder written by `cli.main(["train", ...])`, read by several tests."""
    folder = tmp_path_factory.mktemp("cli")
    data = save_npz(folder / "tiny.npz")
    argv = ["train", "--dataset", data, "--epochs", "2", "--steps-per-epoch", "2", *TINY]
    argv += ["--diagnostics-every-n-steps", "3"]
    assert cli.main([*argv, "--out", str(folder / "run")]) == 0
    return folder / "run"


def test_train_writes_the_run_folder(tiny_run):
    assert sorted(os.listdir(tiny_run / "grids")) == [
        "epoch_0001.png",
        "epoch_0002.png",
        "training.gif",
    ]
    for name in ("model.keras", "losses.png", "history.csv"):
        assert (tiny_run / name).stat().st_size > 0, name
    assert Image.open(tiny_run / "losses.png").size[0] > 100
    lines = (tiny_run / "history.csv").read_text().splitlines()
    assert {"epoch", "d_loss", "g_loss", "d_real", "d_fake"} <= set(lines[0].split(","))
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1"]
    # A finished run leaves no backup, and records that model.keras holds its 2 epochs.
    assert not (tiny_run / "backup").exists()
    assert json.loads((tiny_run / RESUME_FILE).read_text())["saved_epochs"] == 2
    model = keras.models.load_model(tiny_run / "model.keras")
    assert model.latent_dim == 8 and int(model.optimizers["generator"].iterations) == 2 * 2
    assert model.diagnostics_every_n_steps == 3


def test_sample_writes_a_grid(tiny_run, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    model = str(tiny_run / "model.keras")
    assert cli.main(["sample", "--model", model, "-n", "9", "--out", "grid.png"]) == 0
    assert "Wrote 9 images to grid.png" in capsys.readouterr().out
    assert Image.open("grid.png").size == grid_size(3, 3)
    with pytest.raises(SystemExit, match="--labels is for conditional models"):
        cli.main(["sample", "--model", model, "--labels", "0"])


@pytest.mark.parametrize("command", ["sample", "evaluate", "export"])
def test_a_missing_model_file_is_named(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    extra = ["--name", "x"] if command == "export" else []
    with pytest.raises(SystemExit, match=f"keras-gans {command}: no such model file: none.keras"):
        cli.main([command, "--model", "none.keras", *extra])


@pytest.mark.parametrize("command", ["sample", "evaluate", "export"])
def test_unreadable_model_files_are_one_line_errors(command, tiny_run, tmp_path, monkeypatch):
    """Issue 13: a file that is not a .keras, or a truncated one, gave a traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.keras").write_text("not a model")
    (tmp_path / "model.h5").write_bytes((tiny_run / "model.keras").read_bytes())
    (tmp_path / "cut.keras").write_bytes((tiny_run / "model.keras").read_bytes()[:2000])
    extra = ["--name", "x"] if command == "export" else []
    for name in ("notes.keras", "model.h5", "cut.keras"):
        with pytest.raises(SystemExit) as exit_info:
            cli.main([command, "--model", name, *extra])
        message = exit_info.value.code
        assert message.startswith(f"keras-gans {command}: error: {name} is not a .keras model")
        assert "\n" not in message and "Traceback" not in message
    with pytest.raises(ValueError, match="cut.keras is not a .keras model archive"):
        cli.main([command, "--model", "cut.keras", *extra, "--debug"])  # the traceback


def lambda_model(path):
    """A GAN whose generator holds a `Lambda` layer (Python bytecode), saved to `path`."""
    generator = keras.Sequential(
        [
            keras.Input((8,)),
            keras.layers.Dense(16 * 16, activation="tanh"),
            keras.layers.Lambda(lambda x: x * 2),
            keras.layers.Reshape((16, 16, 1)),
        ]
    )
    discriminator = keras.Sequential(
        [keras.Input((16, 16, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the Lambda hides the tanh
        gan = kg.GAN(generator, discriminator, latent_dim=8)
    gan.compile()
    gan.save(path)


def test_a_model_with_a_lambda_layer_is_refused_by_sample_and_evaluate(tmp_path, monkeypatch):
    """Issue 13, security: a .keras from an untrusted source is loaded in safe mode."""
    monkeypatch.chdir(tmp_path)
    lambda_model(tmp_path / "lambda.keras")
    for command in ("sample", "evaluate"):
        with pytest.raises(
            SystemExit,
            match=rf"^keras-gans {command}: error: Cannot load lambda.keras: Requested the "
            r"deserialization of a `Lambda` layer .* keras-gans loads models in safe mode only",
        ):
            cli.main([command, "--model", "lambda.keras"])
    assert sorted(os.listdir(tmp_path)) == ["lambda.keras"]  # nothing generated or scored


def test_conditional_preset_and_sampling_by_class(tmp_path, monkeypatch, capsys):
    data = save_npz(tmp_path / "labelled.npz", n=60, labels=np.arange(60) % 3)
    run = train(
        "cgan", data, epochs=1, directory=tmp_path / "cgan", batch_size=20, latent_dim=8, verbose=0
    )
    assert capsys.readouterr().out == ""  # verbose=0 prints nothing
    assert run.model.num_classes == 3  # largest label + 1
    assert len(run.history["g_loss"]) == 1 and len(run.history["d_loss"]) == 1

    monkeypatch.chdir(tmp_path)
    model = "cgan/model.keras"
    assert cli.main(["sample", "--model", model, "--labels", "0", "2", "--out", "two.png"]) == 0
    assert "Wrote 2 images" in capsys.readouterr().out
    assert Image.open("two.png").size == grid_size(1, 2)
    argv = ["sample", "--model", model, "-n", "6", "--out", "rows.png", "--scale", "1"]
    assert cli.main(argv) == 0
    assert Image.open("rows.png").size == grid_size(3, 2, scale=1)  # a row per class


@pytest.mark.slow  # > 10 s
def test_wgan_gp_preset_uses_its_own_batch_size(tmp_path, monkeypatch):
    from dataclasses import replace

    from keras_gans.presets import PRESETS

    assert PRESETS["wgan_gp"].batch_size == 320 and PRESETS["dcgan"].batch_size == 32
    monkeypatch.setitem(PRESETS, "wgan_gp", replace(PRESETS["wgan_gp"], batch_size=20))
    data = save_npz(tmp_path / "tiny.npz", n=60)
    run = train("wgan_gp", data, epochs=1, directory=tmp_path / "wgan_gp", latent_dim=8, verbose=0)
    assert int(run.model.optimizers["generator"].iterations) == 3  # 60 images in batches of 20
    header = (tmp_path / "wgan_gp" / "history.csv").read_text().splitlines()[0]
    assert {"wasserstein", "gradient_penalty"} <= set(header.split(","))
    assert {"wasserstein", "gradient_penalty"} <= set(run.history)


@pytest.mark.slow  # > 10 s
def test_sngan_preset_and_the_stabiliser_options(tmp_path):
    data = save_npz(tmp_path / "tiny.npz", n=32)
    argv = ["train", "--preset", "sngan", "--dataset", data, "--epochs", "1", *TINY]
    options = ["--ema-decay", "0.9", "--r1-penalty", "5", "--augment", "ada"]
    assert cli.main([*argv, *options, "--out", str(tmp_path / "sngan")]) == 0
    model = keras.models.load_model(tmp_path / "sngan" / "model.keras")
    assert model.adversarial_loss.name == "hinge"
    assert (
        model.optimizers["discriminator"].beta_2 == 0.999
        and model.optimizers["discriminator"].learning_rate == 2e-4
    )
    layers = [type(layer).__name__ for layer in model.discriminator.layers]
    assert "SpectralNormalization" in layers and "BatchNormalization" not in layers
    assert (
        model.ema_decay == 0.9 and float(model.ema["generator"].updates) == 2
    )  # 32 images, batch 16
    assert [type(t).__name__ for t in model.tricks] == ["ADA", "R1Penalty"]
    assert model.tricks[1].weight == 5.0
    history = (tmp_path / "sngan" / "history.csv").read_text().splitlines()[0].split(",")
    assert {"ada_p", "ada_rt", "r1_penalty"} <= set(history)
    # Spectral norm for any DCGAN discriminator, and off for sngan's.
    from keras_gans.presets import build_model

    layers = [
        type(layer).__name__
        for layer in build_model("dcgan", (16, 16, 1), 8, spectral_norm=True).discriminator.layers
    ]
    assert "SpectralNormalization" in layers
    layers = [
        type(layer).__name__
        for layer in build_model("sngan", (16, 16, 1), 8, spectral_norm=False).discriminator.layers
    ]
    assert "SpectralNormalization" not in layers
    tiny = {"directory": tmp_path / "bad", "batch_size": 16}
    with pytest.raises(ValueError, match="Received: ema_decay=1.0"):
        train("dcgan", data, ema_decay=1.0, **tiny)
    with pytest.raises(ValueError, match="Unknown augmentation"):
        train("dcgan", data, augment="flip", **tiny)
    with pytest.raises(ValueError, match="not to the 'mlp' preset"):
        train("mlp", data, spectral_norm=True, **tiny)
    assert not (tmp_path / "bad").exists()  # refused before anything is written


def test_train_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="Unknown model preset.*Received: 'gan3000'"):
        train("gan3000", directory=tmp_path)
    with pytest.raises(ValueError, match="Received: epochs=0"):
        train(epochs=0, directory=tmp_path)
    with pytest.raises(ValueError, match="Received: verbose='loud'"):
        train(verbose="loud", directory=tmp_path)
    assert os.listdir(tmp_path) == []  # nothing written


# === Real `keras-gans` processes, one per command ===


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    """A folder with 28x28 data and the run a real `keras-gans train` wrote from it."""
    folder = tmp_path_factory.mktemp("smoke")
    save_npz(folder / "tiny28.npz", n=32, size=28)
    argv = ["--dataset", "tiny28.npz", "--epochs", "1", "--steps-per-epoch", "1", *TINY]
    result = keras_gans("train", *argv, "--out", "run", cwd=folder)
    assert "Saved run/model.keras" in result.stdout
    return folder


def test_train_command_in_a_process(smoke_run):
    assert (smoke_run / "run" / "model.keras").exists()
    assert (smoke_run / "run" / "grids" / "epoch_0001.png").exists()


@pytest.mark.slow  # a process each (TF import); in-process in the default suite
def test_sample_command_in_a_process(smoke_run):
    result = keras_gans("sample", "--model", "run/model.keras", "-n", "4", cwd=smoke_run)
    assert "Wrote 4 images to samples.png" in result.stdout
    assert Image.open(smoke_run / "samples.png").size == grid_size(2, 2, image=28)


@pytest.mark.slow  # a process each (TF import); in-process in the default suite
def test_export_command_in_a_process(smoke_run):
    result = keras_gans("export", "--model", "run/model.keras", "--name", "tiny", cwd=smoke_run)
    assert (smoke_run / "saved_models" / "tiny" / "1" / "saved_model.pb").exists()
    assert "tensorflow/serving" in result.stdout and "MODEL_NAME=tiny" in result.stdout
    assert "saved_models/tiny/1" in result.stdout


@pytest.mark.slow  # a process each (TF import); in-process in the default suite
def test_evaluate_command_in_a_process(smoke_run):
    metric = "fid_fashion_classifier_32"
    argv = ["--model", "run/model.keras", "--dataset", "tiny28.npz", "--metrics", metric]
    result = keras_gans("evaluate", *argv, "--no-cache", "--batch-size", "16", cwd=smoke_run)
    report = json.loads((smoke_run / "run" / "evaluation.json").read_text())
    assert list(report["metrics"]) == [metric] and report["metrics"][metric] > 0
    assert f"{report['metrics'][metric]:.4f}" in result.stdout
