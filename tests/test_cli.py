import os
import subprocess
import sys

import numpy as np
from PIL import Image

from conftest import tiny_images


def run_cli(*args, cwd):
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.cli", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_train_then_sample_on_a_tiny_npz(tmp_path):
    pixels = ((tiny_images(64) + 1) * 127.5).astype("uint8")
    np.savez(tmp_path / "tiny.npz", x=pixels)
    run_cli(
        "train", "--model", "dcgan", "--dataset", "tiny.npz", "--epochs", "2",
        "--batch-size", "16", "--latent-dim", "8", "--out", "runs/tiny", cwd=tmp_path,
    )
    run_dir = tmp_path / "runs" / "tiny"
    assert sorted(os.listdir(run_dir / "grids")) == ["epoch_0001.png", "epoch_0002.png", "training.gif"]
    for name in ("model.keras", "losses.png", "history.csv"):
        assert (run_dir / name).stat().st_size > 0, name
    assert Image.open(run_dir / "losses.png").size[0] > 100
    header = (run_dir / "history.csv").read_text().splitlines()[0]
    assert {"epoch", "d_loss", "g_loss", "d_real", "d_fake"} <= set(header.split(","))

    result = run_cli("sample", "--model", "runs/tiny/model.keras", "-n", "9", "--out", "grid.png", cwd=tmp_path)
    assert "Wrote 9 images" in result.stdout
    assert Image.open(tmp_path / "grid.png").size == (2 * (3 * 16 + 4 * 2),) * 2


def test_help_explains_every_option():
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.cli", "train", "--help"], capture_output=True, text=True
    )
    for option in ("--model", "--dataset", "--epochs", "--batch-size", "--out", "--seed"):
        assert option in result.stdout


def test_conditional_and_wasserstein_presets(tmp_path):
    pixels = ((tiny_images(60) + 1) * 127.5).astype("uint8")
    np.savez(tmp_path / "labelled.npz", x=pixels, y=np.arange(60) % 3)
    run_cli("train", "--model", "cgan", "--dataset", "labelled.npz", "--epochs", "1",
            "--batch-size", "20", "--latent-dim", "8", "--out", "runs/cgan", cwd=tmp_path)
    model = tmp_path / "runs" / "cgan" / "model.keras"
    result = run_cli("sample", "--model", str(model), "--labels", "0", "2", "--out", "two.png", cwd=tmp_path)
    assert "Wrote 2 images" in result.stdout
    result = run_cli("sample", "--model", str(model), "-n", "6", "--out", "rows.png", "--scale", "1", cwd=tmp_path)
    assert Image.open(tmp_path / "rows.png").size == (2 * 16 + 3 * 2, 3 * 16 + 4 * 2)  # a row per class

    run_cli("train", "--model", "wgan_gp", "--dataset", "labelled.npz", "--epochs", "1",
            "--batch-size", "20", "--latent-dim", "8", "--out", "runs/wgan_gp", cwd=tmp_path)
    header = (tmp_path / "runs" / "wgan_gp" / "history.csv").read_text().splitlines()[0]
    assert {"wasserstein", "gradient_penalty"} <= set(header.split(","))
