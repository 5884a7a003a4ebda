import os
import subprocess
import sys

import numpy as np
from conftest import tiny_images
from PIL import Image


def run_cli(*args, cwd):
    result = subprocess.run(
        [sys.executable, "-m", "keras_gans.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def tiny_train_args(model, dataset, out, batch_size=16, epochs=1):
    """`keras-gans train` arguments for a tiny run (latent_dim 8)."""
    return (
        "train", "--model", model, "--dataset", dataset, "--epochs", str(epochs),
        "--batch-size", str(batch_size), "--latent-dim", "8", "--out", out,
    )  # fmt: skip


def test_train_then_sample_on_a_tiny_npz(tmp_path):
    pixels = ((tiny_images(64) + 1) * 127.5).astype("uint8")
    np.savez(tmp_path / "tiny.npz", x=pixels)
    run_cli(*tiny_train_args("dcgan", "tiny.npz", "runs/tiny", epochs=2), cwd=tmp_path)
    run_dir = tmp_path / "runs" / "tiny"
    assert sorted(os.listdir(run_dir / "grids")) == [
        "epoch_0001.png",
        "epoch_0002.png",
        "training.gif",
    ]
    for name in ("model.keras", "losses.png", "history.csv"):
        assert (run_dir / name).stat().st_size > 0, name
    assert Image.open(run_dir / "losses.png").size[0] > 100
    header = (run_dir / "history.csv").read_text().splitlines()[0]
    assert {"epoch", "d_loss", "g_loss", "d_real", "d_fake"} <= set(header.split(","))

    result = run_cli(
        "sample", "--model", "runs/tiny/model.keras", "-n", "9", "--out", "grid.png", cwd=tmp_path
    )
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
    run_cli(*tiny_train_args("cgan", "labelled.npz", "runs/cgan", batch_size=20), cwd=tmp_path)
    model = tmp_path / "runs" / "cgan" / "model.keras"
    result = run_cli(
        "sample", "--model", str(model), "--labels", "0", "2", "--out", "two.png", cwd=tmp_path
    )
    assert "Wrote 2 images" in result.stdout
    result = run_cli(
        "sample",
        "--model",
        str(model),
        "-n",
        "6",
        "--out",
        "rows.png",
        "--scale",
        "1",
        cwd=tmp_path,
    )
    assert Image.open(tmp_path / "rows.png").size == (
        2 * 16 + 3 * 2,
        3 * 16 + 4 * 2,
    )  # a row per class

    run_cli(
        *tiny_train_args("wgan_gp", "labelled.npz", "runs/wgan_gp", batch_size=20), cwd=tmp_path
    )
    header = (tmp_path / "runs" / "wgan_gp" / "history.csv").read_text().splitlines()[0]
    assert {"wasserstein", "gradient_penalty"} <= set(header.split(","))


def test_train_resumes_its_run_folder_after_being_killed(tmp_path):
    import json
    import signal
    import time

    pixels = ((tiny_images(32) + 1) * 127.5).astype("uint8")
    np.savez(tmp_path / "tiny.npz", x=pixels)
    command = [
        sys.executable,
        "-m",
        "keras_gans.cli",
        "train",
        "--dataset",
        "tiny.npz",
        "--epochs",
        "40",
        "--batch-size",
        "16",
        "--latent-dim",
        "8",
        "--grid-every",
        "40",
        "--out",
        "run",
    ]
    metadata = tmp_path / "run" / "backup" / "training_metadata.json"
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        if metadata.exists():
            try:
                if json.loads(metadata.read_text())["epoch"] >= 3:
                    break
            except ValueError:  # caught mid-write
                pass
        time.sleep(0.05)
    assert process.poll() is None, "training ended before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    interrupted_at = json.loads(metadata.read_text())["epoch"]
    assert 3 <= interrupted_at < 40

    result = run_cli(*command[3:], cwd=tmp_path)
    assert "Resuming the interrupted run" in result.stdout
    epochs = [
        int(line.split(",")[0])
        for line in (tmp_path / "run" / "history.csv").read_text().splitlines()[1:]
    ]
    assert epochs == list(range(40))  # every epoch logged once, none repeated or lost
    assert not (tmp_path / "run" / "backup").exists()  # removed after the finished run
    assert (tmp_path / "run" / "model.keras").exists()
