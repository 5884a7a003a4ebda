"""The wheel as Colab installs it: built, put in a fresh virtualenv, scoring with its classifier."""

import os
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLASSIFIER = "keras_gans/saved_models/fashion_classifier/1/fashion_classifier.keras"
COLORED = "keras_gans/saved_models/colored_fashion_classifier/1/colored_fashion_classifier.keras"

# Run inside the virtualenv, from a folder outside the checkout.
SCRIPT = """
import os, sys
import numpy as np
import keras_gans as kg

site = sys.argv[1]
assert kg.__file__.startswith(site), f"keras_gans imported from {kg.__file__}, not {site}"
extractor = kg.metrics.fashion_classifier()  # FIDCallback's and `keras-gans evaluate`'s default
assert extractor.path.startswith(site), extractor.path
real = next(iter(kg.data.load("fashion_mnist", split="test", batch_size=4000, seed=0))).numpy()
noise = np.random.default_rng(0).uniform(-1, 1, real[:2000].shape).astype("float32")
features = {name: extractor(x)[0] for name, x in
            (("a", real[:2000]), ("b", real[2000:]), ("noise", noise))}
print("fid real/real", kg.metrics.fid(features["a"], features["b"]))
print("fid real/noise", kg.metrics.fid(features["a"], features["noise"]))
"""


def _site_packages(python):
    return subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.mark.slow
@pytest.mark.fashion_mnist
def test_the_wheel_ships_the_classifier_and_scores_fid_in_a_fresh_virtualenv(tmp_path):
    # Build from a copy: setuptools writes build/ and *.egg-info/ into the tree it builds.
    source = tmp_path / "source"
    shutil.copytree(
        REPOSITORY,
        source,
        symlinks=True,  # keras_gans/saved_models is a link, as in a git checkout
        ignore=shutil.ignore_patterns(
            ".git", "build", "*.egg-info", "runs", "__pycache__", ".*cache", "examples"
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", source],
        check=True,
    )
    (wheel,) = (tmp_path / "dist").glob("keras_gans-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert CLASSIFIER in names and COLORED in names
    assert not [n for n in names if "fashion_dcgan" in n]  # generators are served, not shipped
    assert "Requires-Dist: importlib_resources" in metadata

    # A fresh virtualenv that reuses this machine's TensorFlow (no 600 MB download); pip
    # installs the wheel and whatever dependency the machine lacks into the virtualenv.
    environment = tmp_path / "venv"
    venv.create(environment, system_site_packages=True, with_pip=True)
    python = str(environment / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", wheel], check=True)
    site = _site_packages(python)
    assert os.path.isfile(os.path.join(site, CLASSIFIER))

    unset = ("PYTHONPATH", "KERAS_GANS_SAVED_MODELS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    run = subprocess.run(
        [python, "-c", SCRIPT, site],
        cwd=tmp_path,
        env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    values = dict(line.rsplit(" ", 1) for line in run.stdout.splitlines() if line.startswith("fid"))
    print(values)
    # Two halves of the test split are close in the classifier's feature space; noise is far.
    assert float(values["fid real/real"]) < 5.0
    assert float(values["fid real/noise"]) > 100 * float(values["fid real/real"])
