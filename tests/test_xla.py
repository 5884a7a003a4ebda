"""XLA (jit_compile=True) for every model class, in a process without op determinism.

The other tests run with op determinism on (conftest.py), and then Keras quietly
falls back to jit_compile=False. Here a fresh process keeps XLA on, and the test
checks that Keras kept it (model.jit_compile stays True), that training runs, and that
a saved jit-compiled model loads jit-compiled and trains on.
"""

import json
import os
import subprocess
import sys

import pytest

SCRIPT = """
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
import keras
import keras_gans as kg

def networks(num_classes=None, normalization="batch"):
    g = kg.networks.dcgan_generator(8, (16, 16, 1), num_classes=num_classes, filters=16)
    d = kg.networks.dcgan_discriminator(
        (16, 16, 1), num_classes=num_classes, filters=8, normalization=normalization
    )
    return g, d

images = np.random.default_rng(0).uniform(-1, 1, (32, 16, 16, 1)).astype("float32")
labels = (np.arange(32) % 3).astype("int32")
from tensorflow.python.framework.config import is_op_determinism_enabled  # what Keras checks

report = {"determinism": is_op_determinism_enabled()}
builders = {
    "GAN": lambda: kg.GAN(*networks(), latent_dim=8, seed=0),
    "ConditionalGAN": lambda: kg.ConditionalGAN(*networks(3), latent_dim=8, num_classes=3, seed=0),
    "WGAN": lambda: kg.WGAN(*networks(), latent_dim=8, critic_steps=2, seed=0),
    "WGANGP": lambda: kg.WGANGP(
        *networks(normalization="layer"), latent_dim=8, critic_steps=2, seed=0
    ),
}
models = {name: builders[name]() for name in sys.argv[2].split(",")}


def data_for(name):
    data = (images, labels) if name == "ConditionalGAN" else images
    return tf.data.Dataset.from_tensor_slices(data).batch(16, drop_remainder=True)


for name, model in models.items():
    model.compile(jit_compile=True)
    dataset = data_for(name)
    history = model.fit(dataset, epochs=2, verbose=0).history  # 2 steps an epoch
    report[name] = {
        "jit_compile": model.jit_compile,
        "finite": bool(all(np.isfinite(v).all() for v in history.values())),
        "g_iterations": int(model.optimizers["generator"].iterations),
    }
# A saved jit-compiled model comes back jit-compiled and keeps training under XLA.
path = os.path.join(sys.argv[1], "jit.keras")
first = next(iter(models))
models[first].save(path)
loaded = keras.models.load_model(path)
history = loaded.fit(data_for(first), verbose=0).history
report["loaded"] = {
    "jit_compile": loaded.jit_compile,
    "finite": bool(all(np.isfinite(v).all() for v in history.values())),
    "g_iterations": int(loaded.optimizers["generator"].iterations),
}
print(json.dumps(report))
"""


# Two processes of two classes each (XLA compiles every train step and the
# reloaded model's again): about 30 s each here, so marked slow (run in CI).
@pytest.mark.slow
@pytest.mark.parametrize("model_names", ["GAN,WGANGP", "ConditionalGAN,WGAN"])
def test_every_model_class_trains_under_xla(model_names, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), model_names],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "doesn't support `jit_compile=True`" not in result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report.pop("determinism") is False
    # 4 steps before saving, 2 more after loading.
    assert report.pop("loaded") == {"jit_compile": True, "finite": True, "g_iterations": 6}
    assert sorted(report) == sorted(model_names.split(","))
    for name, outcome in report.items():
        assert outcome == {"jit_compile": True, "finite": True, "g_iterations": 4}, name
