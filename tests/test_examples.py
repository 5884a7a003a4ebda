"""examples/*.py run with --smoke, each in a process of its own, on the real Fashion-MNIST."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import keras_gans as kg

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")

pytestmark = [pytest.mark.slow, pytest.mark.fashion_mnist]  # 100 s together on 2 shared cores


def run_example(name, *args, home):
    """Runs `examples/<name>.py --smoke ...`; Keras' cache (reference statistics) in `home`."""
    result = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, f"{name}.py"), "--smoke", *map(str, args)],
        env={**os.environ, "KERAS_HOME": str(home), "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def grid_shape(rows, cols, scale=2):
    """(height, width) of a `kg.images.save_grid` picture of 28x28 images."""
    height, width = kg.images.make_grid(np.zeros((rows * cols, 28, 28, 1)), rows).shape
    return height * scale, width * scale


def picture(path):
    return np.asarray(Image.open(path))


def value(pattern, text):
    return float(re.search(pattern, text).group(1))


@pytest.fixture(scope="module")
def dcgan_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("examples") / "dcgan"
    return out, run_example("dcgan_fashion_mnist", "--out", out, home=out.parent)


def test_dcgan_fashion_mnist(dcgan_run):
    out, stdout = dcgan_run
    assert 0 < value(r"d_real ([\d.]+)", stdout) < 1 and 0 < value(r"d_fake ([\d.]+)", stdout) < 1
    assert picture(out / "grids" / "epoch_0001.png").shape == grid_shape(8, 8)
    assert picture(out / "samples.png").shape == grid_shape(8, 8)
    assert (out / "model.keras").is_file()


def test_evaluate_and_export(dcgan_run, tmp_path):
    out, _ = dcgan_run
    stdout = run_example(
        "evaluate_and_export", "--model", out / "model.keras", "--out", tmp_path, home=out.parent
    )
    for metric in ("fid", "kid", "is", "precision", "recall"):
        assert np.isfinite(value(rf"{metric}_fashion_classifier_500 +(-?[\d.]+)", stdout))
    assert "serving_default gave (4, 28, 28, 1)" in stdout
    assert (tmp_path / "fashion_gan" / "1" / "saved_model.pb").is_file()


def test_evaluate_and_export_runs_alone(tmp_path):
    stdout = run_example("evaluate_and_export", "--out", tmp_path, home=tmp_path)
    assert np.isfinite(value(r"fid_fashion_classifier_500 +(-?[\d.]+)", stdout))
    assert "serving_default gave (4, 28, 28, 1)" in stdout
    assert (tmp_path / "fashion_gan" / "1" / "saved_model.pb").is_file()


def test_conditional_gan(tmp_path):
    stdout = run_example("conditional_gan", "--out", tmp_path, home=tmp_path)
    assert 0 <= value(r"conditional accuracy on 1,000 images: ([\d.]+)", stdout) <= 1
    assert picture(tmp_path / "classes.png").shape == grid_shape(10, 10)


def test_wgan_gp(tmp_path):
    stdout = run_example("wgan_gp", "--out", tmp_path, home=tmp_path)
    assert np.isfinite(value(r"epoch 1: critic's Wasserstein estimate (-?[\d.]+)", stdout))
    assert (tmp_path / "wasserstein.png").is_file() and (tmp_path / "model.keras").is_file()


def test_custom_networks(tmp_path):
    stdout = run_example("custom_networks", "--out", tmp_path, home=tmp_path)
    assert "reloaded: same images" in stdout
    assert picture(tmp_path / "samples.png").shape == grid_shape(8, 8)


@pytest.mark.parametrize("task", ["super_resolution", "inpainting"])
def test_image_to_image(task, tmp_path):
    stdout = run_example("image_to_image", "--task", task, "--out", tmp_path, home=tmp_path)
    assert np.isfinite(value(r"PSNR (-?[\d.]+) dB", stdout))
    assert 0 <= value(r"classifier accuracy ([\d.]+)", stdout) <= 1
    # Rows of source | output | target, 8 each.
    assert picture(tmp_path / "translations.png").shape == grid_shape(3, 8)
    assert (tmp_path / "model.keras").is_file()
