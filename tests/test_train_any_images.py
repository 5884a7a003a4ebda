"""Any folder of images trains from `kg.train` and the CLI: sizes, the chosen preset, warnings."""

import os

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans import cli
from keras_gans.callbacks import TrainingMonitor
from keras_gans.callbacks.training_monitor import TrainingFailure
from keras_gans.recipe import callbacks as recipe_callbacks
from keras_gans.recipe import preset_choice
from keras_gans.recipe.warnings_file import WarningsFile
from keras_gans.train import train
from keras_gans.training_options import TrainingConfig

TINY = ("--latent-dim", "8", "--epochs", "1", "--steps-per-epoch", "1")


def image_folder(folder, sizes, modes=("RGB",)):
    """PNGs of random pixels, one per `(height, width)` of `sizes`, cycling through `modes`."""
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(0)
    for i, (height, width) in enumerate(sizes):
        mode = modes[i % len(modes)]
        channels = {"L": 1, "RGB": 3, "RGBA": 4}[mode]
        pixels = rng.integers(0, 256, (height, width, channels), dtype=np.uint8)
        Image.fromarray(pixels.squeeze(-1) if channels == 1 else pixels, mode).save(
            os.path.join(folder, f"{i:03d}.png")
        )
    return str(folder)


# === The automatic preset ===


def test_the_preset_is_chosen_from_the_image_size():
    # DCGAN wherever its halvings make the size, up to the largest size measured (64).
    for shape in ((16, 16, 1), (28, 28, 1), (32, 32, 3), (56, 56, 3), (64, 64, 3)):
        assert preset_choice.automatic_preset(shape) == "dcgan", shape
    # Above it, and at sizes DCGAN cannot make, the residual preset.
    for shape in ((128, 128, 3), (48, 48, 3), (100, 100, 3), (64, 48, 3), (12, 12, 1)):
        assert preset_choice.automatic_preset(shape) == "resnet_sngan", shape
    assert preset_choice.AUTO_MAX_DCGAN_SIDE == 64


def test_kg_train_without_a_preset_chooses_and_says_so(tmp_path, capsys):
    folder = image_folder(tmp_path / "small", [(16, 16)] * 8)
    model, _ = train(dataset=folder, batch_size=8, directory=tmp_path / "run", verbose=2,
                     latent_dim=8, steps_per_epoch=1)  # fmt: skip
    assert "Preset: dcgan, chosen for 16x16 images" in capsys.readouterr().out
    assert model.generator.get_layer("to_image")  # DCGAN's output layer
    with pytest.raises(ValueError, match="Unknown model preset.*Received: 'resnet'"):
        train("resnet", dataset=folder, directory=tmp_path / "bad")
    # DCGAN asked for at a size it cannot make: the error says what can.
    with pytest.raises(ValueError, match="height=48, width=48. For other sizes, use the ResNet"):
        train("dcgan", dataset=folder, image_size=48, batch_size=8, directory=tmp_path / "bad")


def test_the_builtin_datasets_sizes_are_known_without_loading_them():
    # Offline, loading cifar10 raises: its size (32x32) comes from the table.
    chosen = {
        name: preset_choice.resolve_preset(TrainingConfig.from_arguments(dataset=name))
        for name in ("fashion_mnist", "mnist", "cifar10")
    }
    assert chosen == {"fashion_mnist": "dcgan", "mnist": "dcgan", "cifar10": "dcgan"}


def test_a_task_without_a_preset_chooses_pix2pix(capsys):
    config = TrainingConfig.from_arguments(task="super_resolution")
    assert preset_choice.resolve_preset(config, verbose=1) == "pix2pix"
    assert "Preset: pix2pix, chosen for task='super_resolution'" in capsys.readouterr().out


# === Sizes DCGAN cannot make, from the CLI ===


@pytest.mark.slow  # 20-40 s each: building and tracing the residual preset's critic loop
@pytest.mark.parametrize("size", [48, 100])
def test_image_size_48_and_100_train_from_the_cli(size, tmp_path, capsys):
    # A mix of sizes and modes, resized and centre-cropped to `size`.
    folder = image_folder(tmp_path / "mixed", [(40, 60), (70, 50)] * 5, modes=("RGB", "RGBA"))
    argv = ["train", "--dataset", folder, "--image-size", str(size), "--batch-size", "10"]
    assert cli.main([*argv, *TINY, "--out", str(tmp_path / "run"), "--verbose", "2"]) == 0
    out, err = capsys.readouterr()
    assert f"Preset: {preset_choice.AUTO_LARGE_PRESET}, chosen for {size}x{size} images" in out
    # The data's one conversion warning, as one line of the CLI's output.
    (line,) = [line for line in err.splitlines() if "images converted" in line]
    assert line.startswith(f"keras-gans train: warning: {folder}: 5 of 10 images converted")
    model = keras.models.load_model(tmp_path / "run" / "model.keras")
    assert model.generate(2, seed=0).shape == (2, size, size, 3)


# === The monitor, on by default ===


def always_flagging_monitor(monkeypatch):
    """Makes `kg.train`'s monitor flag collapse every epoch (any diversity is below 100),
    and nothing else: its other rules are set where no run of a few steps reaches them (a
    random seed's D could otherwise be flagged winning at epoch 0 too)."""
    monkeypatch.setattr(
        recipe_callbacks,
        "TrainingMonitor",
        lambda: TrainingMonitor(min_diversity=100.0, patience=1, d_gap=0.999, min_grad_ratio=1e-9),
    )


def test_the_monitor_warns_in_the_cli_output_and_the_run_folder(tmp_path, monkeypatch, capsys):
    always_flagging_monitor(monkeypatch)
    folder = image_folder(tmp_path / "data", [(16, 16)] * 8, modes=("RGB", "L"))
    argv = ["train", "--dataset", folder, "--batch-size", "8", "--out", str(tmp_path / "run")]
    assert cli.main([*argv, "--latent-dim", "8", "--epochs", "2"]) == 0
    err = capsys.readouterr().err
    converted = f"keras-gans train: warning: {folder}: 4 of 8 images converted to 8-bit RGB"
    assert [line for line in err.splitlines() if "converted" in line][0].startswith(converted)
    warned = [line for line in err.splitlines() if "collapse" in line]
    assert len(warned) == 1  # flagged at epoch 0, not repeated while the rule holds
    assert warned[0].startswith("keras-gans train: warning: Epoch 0: mode collapse suspected")
    saved = (tmp_path / "run" / "warnings.txt").read_text().splitlines()
    assert saved == [warned[0].removeprefix("keras-gans train: warning: ")]
    header = (tmp_path / "run" / "history.csv").read_text().splitlines()[0].split(",")
    assert "failures" in header


class Folder:
    chief = True

    def __init__(self, path):
        self.path = lambda name: str(path / name)


def test_no_monitor_turns_it_off_and_the_file_is_kept_on_resume(tmp_path):
    def watchers(**options):
        config = TrainingConfig.from_arguments(preset="dcgan", **options)
        callbacks = recipe_callbacks.run_callbacks(config, Folder(tmp_path))
        return [c for c in callbacks if isinstance(c, (TrainingMonitor, WarningsFile))]

    assert watchers(monitor=False) == []
    monitor, written = watchers()
    assert written.monitor is monitor and written.path == str(tmp_path / "warnings.txt")

    def failure(epoch):
        return TrainingFailure(epoch, None, "mode collapse suspected", f"Epoch {epoch}: ...", {})

    (tmp_path / "warnings.txt").write_text("an earlier run's line\n")
    written.on_epoch_begin(0)  # a run from its start: a new file
    monitor.warnings.append(failure(0))
    written.on_epoch_end(0)
    assert (tmp_path / "warnings.txt").read_text() == "Epoch 0: ...\n"
    resumed = WarningsFile(TrainingMonitor(), str(tmp_path / "warnings.txt"))
    resumed.on_epoch_begin(3)  # resumed at epoch 3: the earlier lines stay
    resumed.monitor.warnings.append(failure(3))
    resumed.on_epoch_end(3)
    assert (tmp_path / "warnings.txt").read_text() == "Epoch 0: ...\nEpoch 3: ...\n"
