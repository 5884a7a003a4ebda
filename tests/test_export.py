"""SavedModel export of the generator, served without Python-side keras_gans."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest
from conftest import LATENT_DIM, tiny_data_for, tiny_model

import keras_gans as kg

LOAD_WITH_TENSORFLOW_ONLY = """
import json, sys
import numpy as np
import tensorflow as tf
served = tf.saved_model.load(sys.argv[1])
inputs = dict(np.load(sys.argv[2]))
for size in (1, 7):
    feed = {{k: tf.constant(v[:size]) for k, v in inputs.items()}}
    images = served.signatures["serving_default"](**feed)["images"]
    np.save(f"{{sys.argv[3]}}/images_{{size}}.npy", images.numpy())
uint8 = served.signatures["generate_uint8"]
{uint8_calls}
print(json.dumps({{"keras_gans_imported": "keras_gans" in sys.modules,
                   "signatures": sorted(served.signatures)}}))
"""

UNCONDITIONAL_UINT8 = """
a = uint8(batch_size=tf.constant(5), seed=tf.constant(3))["images"].numpy()
b = uint8(batch_size=tf.constant(5), seed=tf.constant(3))["images"].numpy()
c = uint8(batch_size=tf.constant(5), seed=tf.constant(4))["images"].numpy()
np.save(f"{sys.argv[3]}/uint8.npy", np.stack([a, b, c]))
"""

CONDITIONAL_UINT8 = """
labels = tf.constant([0, 1, 2, 0, 1], tf.int32)
a = uint8(labels=labels, seed=tf.constant(3))["images"].numpy()
b = uint8(labels=labels, seed=tf.constant(3))["images"].numpy()
c = uint8(labels=labels, seed=tf.constant(4))["images"].numpy()
np.save(f"{sys.argv[3]}/uint8.npy", np.stack([a, b, c]))
"""


@pytest.mark.parametrize("model_class", [kg.GAN, kg.ConditionalGAN])
def test_exported_generator_serves_the_same_images_without_keras_gans(model_class, tmp_path):
    model = tiny_model(model_class)
    model.fit(tiny_data_for(model), verbose=0)
    path = kg.export_generator(model, tmp_path / "served" / "tiny" / "1")
    conditional = model_class is kg.ConditionalGAN

    z = np.random.default_rng(0).standard_normal((7, LATENT_DIM)).astype("float32")
    inputs = {"z": z}
    if conditional:
        inputs["labels"] = np.array([0, 1, 2, 0, 1, 2, 0], "int32")
    np.savez(tmp_path / "inputs.npz", **inputs)
    script = tmp_path / "serve.py"
    script.write_text(
        LOAD_WITH_TENSORFLOW_ONLY.format(
            uint8_calls=CONDITIONAL_UINT8 if conditional else UNCONDITIONAL_UINT8
        )
    )
    result = subprocess.run(
        [sys.executable, str(script), str(path), str(tmp_path / "inputs.npz"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {
        "keras_gans_imported": False,
        "signatures": ["generate_uint8", "serving_default"],
    }

    for size in (1, 7):
        net_inputs = [z[:size], inputs["labels"][:size]] if conditional else z[:size]
        expected = model.generator(net_inputs, training=False).numpy()
        np.testing.assert_allclose(np.load(tmp_path / f"images_{size}.npy"), expected, atol=1e-6)

    a, b, c = np.load(tmp_path / "uint8.npy")
    assert a.dtype == np.uint8 and a.shape == (5, 16, 16, 1)
    assert len(np.unique(a)) > 10  # a spread of grey levels, not a constant
    np.testing.assert_array_equal(a, b)  # same seed, same images
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("model_class", [kg.GAN, kg.ConditionalGAN])
def test_saved_model_cli_lists_both_signatures(model_class, tmp_path):
    path = kg.export_generator(tiny_model(model_class), tmp_path / "m" / "1")
    shown = subprocess.run(
        ["saved_model_cli", "show", "--all", "--dir", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout

    def signature(name):
        start = text.index(f"signature_def['{name}']")
        end = text.find("signature_def[", start + 1)
        return text[start : end if end > 0 else None]

    serving, uint8 = signature("serving_default"), signature("generate_uint8")
    assert (
        "inputs['z']" in serving
        and "DT_FLOAT" in serving
        and f"shape: (-1, {LATENT_DIM})" in serving
    )
    assert "outputs['images']" in serving and "shape: (-1, 16, 16, 1)" in serving
    assert "outputs['images']" in uint8 and "DT_UINT8" in uint8
    if model_class is kg.ConditionalGAN:
        assert (
            "inputs['labels']" in serving and "inputs['labels']" in uint8 and "DT_INT32" in serving
        )
    else:
        assert "inputs['batch_size']" in uint8 and "inputs['seed']" in uint8


def test_cli_export_writes_versions_and_explains_serving(tmp_path):
    model = tiny_model(kg.GAN)
    model.save(tmp_path / "model.keras")
    for version in (1, 2):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "keras_gans.cli",
                "export",
                "--model",
                "model.keras",
                "--name",
                "tiny",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "saved_models" / "tiny" / str(version) / "saved_model.pb").exists()
    assert "tensorflow/serving" in result.stdout and "MODEL_NAME=tiny" in result.stdout
    assert "saved_models/tiny/2" in result.stdout


def test_loading_a_lambda_layer_fails_under_the_default_safe_mode(tmp_path):
    generator = keras.Sequential(
        [
            keras.Input((LATENT_DIM,)),
            keras.layers.Dense(16 * 16),
            keras.layers.Lambda(lambda x: x * 2),
            keras.layers.Reshape((16, 16, 1)),
        ]
    )
    discriminator = keras.Sequential(
        [keras.Input((16, 16, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    gan = kg.GAN(generator, discriminator, latent_dim=LATENT_DIM)
    gan.compile()
    gan.save(tmp_path / "lambda.keras")
    with pytest.raises(ValueError, match="safe_mode"):
        keras.models.load_model(tmp_path / "lambda.keras")
