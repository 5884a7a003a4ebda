"""SavedModel export of the generator, served without Python-side keras_gans."""

import json
import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import LATENT_DIM, latent_and_labels

import keras_gans as kg
from keras_gans.cli import main as cli_main

# One fresh process that imports TensorFlow only, loads both exports and calls
# both signatures of each, with good requests and with requests they must refuse.
SERVE_WITH_TENSORFLOW_ONLY = """
import json, sys
import numpy as np
import tensorflow as tf
folder, latent_dim = sys.argv[1], int(sys.argv[2])

# Requests the exports must refuse (default max_batch_size 1024; the cgan has 3 classes).
z = lambda n: tf.zeros([n, latent_dim])
labels = lambda *values: tf.constant(values, tf.int32)
seed = tf.constant(0)
REFUSED = {
    "gan": {
        "serving_default 1025": {"z": z(1025)},
        "generate_uint8 1025": {"batch_size": tf.constant(1025), "seed": seed},
        "generate_uint8 negative": {"batch_size": tf.constant(-1), "seed": seed},
    },
    "cgan": {
        "serving_default label -1": {"z": z(2), "labels": labels(0, -1)},
        "serving_default label 3": {"z": z(2), "labels": labels(3, 1)},
        "serving_default 1025": {"z": z(1025), "labels": tf.zeros([1025], tf.int32)},
        "generate_uint8 label -1": {"labels": labels(-1, 0), "seed": seed},
        "generate_uint8 label 3": {"labels": labels(2, 3), "seed": seed},
        "generate_uint8 1025": {"labels": tf.zeros([1025], tf.int32), "seed": seed},
    },
}
refused, max_batch_size = {}, {}
for name in ("gan", "cgan"):
    served = tf.saved_model.load(f"{folder}/{name}/1")
    inputs = dict(np.load(f"{folder}/{name}_inputs.npz"))
    for size in (1, 7):
        feed = {k: tf.constant(v[:size]) for k, v in inputs.items()}
        images = served.signatures["serving_default"](**feed)["images"]
        np.save(f"{folder}/{name}_images_{size}.npy", images.numpy())
    uint8 = served.signatures["generate_uint8"]
    if name == "cgan":
        request = {"labels": tf.constant([0, 1, 2, 0, 1], tf.int32)}
    else:
        request = {"batch_size": tf.constant(5)}
    calls = [uint8(seed=tf.constant(seed), **request)["images"].numpy() for seed in (3, 3, 4)]
    np.save(f"{folder}/{name}_uint8.npy", np.stack(calls))

    # TensorFlow's error message for each refused request (None if it was served).
    max_batch_size[name] = int(served.max_batch_size[0].numpy())
    for case, feed in REFUSED[name].items():
        try:
            served.signatures[case.split()[0]](**feed)
            refused[f"{name} {case}"] = None
        except tf.errors.InvalidArgumentError as error:
            refused[f"{name} {case}"] = error.message
print(json.dumps({
    "keras_gans_imported": "keras_gans" in sys.modules,
    "refused": refused,
    "max_batch_size": max_batch_size,
}))
"""


def test_exported_generators_serve_the_same_images_without_keras_gans(exported):
    folder, models = exported
    result = subprocess.run(
        [sys.executable, "-c", SERVE_WITH_TENSORFLOW_ONLY, str(folder), str(LATENT_DIM)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["keras_gans_imported"] is False
    assert report["max_batch_size"] == {"gan": 1024, "cgan": 1024}
    # Issue 34: out-of-range labels were served (-1 as class 2: Keras' Embedding wraps
    # negative indices) and the batch size was uncapped. Now each request is refused.
    labels = r"labels must be in \[0, 3\) for a model of 3 classes. Received: labels in "
    batch = r"at most 1024 images per request \(max_batch_size, set at export\). Received: "
    expected = {
        "gan serving_default 1025": "serving_default: " + batch + "1025 latent vectors",
        "gan generate_uint8 1025": "generate_uint8: " + batch + "batch_size=1025",
        "gan generate_uint8 negative": r"generate_uint8: batch_size must be >= 0. Received: -1",
        "cgan serving_default label -1": "serving_default: " + labels + r"\[-1, 0\]",
        "cgan serving_default label 3": "serving_default: " + labels + r"\[1, 3\]",
        "cgan serving_default 1025": "serving_default: " + batch + "1025 latent vectors",
        "cgan generate_uint8 label -1": "generate_uint8: " + labels + r"\[-1, 0\]",
        "cgan generate_uint8 label 3": "generate_uint8: " + labels + r"\[2, 3\]",
        "cgan generate_uint8 1025": "generate_uint8: " + batch + "1025 labels",
    }
    assert sorted(report["refused"]) == sorted(expected)
    for case, pattern in expected.items():
        assert report["refused"][case] is not None, f"{case} was served"
        assert re.search("assertion failed: \\[" + pattern, report["refused"][case]), case

    for name, model in models.items():
        inputs = latent_and_labels(name == "cgan")
        for size in (1, 7):
            net_inputs = [v[:size] for v in inputs.values()]
            expected = model.generator(
                net_inputs if len(net_inputs) > 1 else net_inputs[0], training=False
            ).numpy()
            served = np.load(folder / f"{name}_images_{size}.npy")
            np.testing.assert_allclose(served, expected, atol=1e-6, err_msg=name)

        a, b, c = np.load(folder / f"{name}_uint8.npy")
        assert a.dtype == np.uint8 and a.shape == (5, 16, 16, 1), name
        assert len(np.unique(a)) > 10, name  # a spread of grey levels, not a constant
        np.testing.assert_array_equal(a, b)  # same seed, same images
        assert not np.array_equal(a, c), name


@pytest.mark.parametrize("name", ["gan", "cgan"])
def test_signatures_take_and_return_the_documented_tensors(exported, name):
    folder, _ = exported
    served = tf.saved_model.load(str(folder / name / "1"))
    assert sorted(served.signatures) == ["generate_uint8", "serving_default"]

    def inputs(signature):
        _, specs = served.signatures[signature].structured_input_signature
        return {key: (spec.dtype, spec.shape.as_list()) for key, spec in specs.items()}

    def outputs(signature):
        spec = served.signatures[signature].structured_outputs
        return {key: (s.dtype, s.shape.as_list()) for key, s in spec.items()}

    serving = {"z": (tf.float32, [None, LATENT_DIM])}
    uint8 = {"batch_size": (tf.int32, []), "seed": (tf.int32, [])}
    if name == "cgan":
        serving["labels"] = (tf.int32, [None])
        uint8 = {"labels": (tf.int32, [None]), "seed": (tf.int32, [])}
    assert inputs("serving_default") == serving
    assert inputs("generate_uint8") == uint8
    assert outputs("serving_default") == {"images": (tf.float32, [None, 16, 16, 1])}
    assert outputs("generate_uint8")["images"][0] == tf.uint8


def test_cli_export_writes_versions_and_explains_serving(trained, tmp_path, monkeypatch, capsys):
    trained(kg.GAN).save(tmp_path / "model.keras")
    monkeypatch.chdir(tmp_path)
    for version in (1, 2):
        assert cli_main(["export", "--model", "model.keras", "--name", "tiny"]) == 0
        assert (tmp_path / "saved_models" / "tiny" / str(version) / "saved_model.pb").exists()
    printed = capsys.readouterr().out
    assert "tensorflow/serving" in printed and "MODEL_NAME=tiny" in printed
    assert "saved_models/tiny/2" in printed


def test_an_existing_export_is_refused_unless_overwrite(trained, tmp_path, monkeypatch):
    """Issue 13, case 7: export_generator and `keras-gans export --version N` silently
    overwrote an existing SavedModel."""
    gan = trained(kg.GAN)
    path = tmp_path / "saved_models" / "tiny" / "1"
    kg.export_generator(gan, path)
    written = {p.name: p.stat().st_mtime_ns for p in path.rglob("*")}
    refused = f"Refusing to overwrite the existing export at {path}."
    with pytest.raises(FileExistsError, match=refused):
        kg.export_generator(gan, path)
    gan.save(tmp_path / "model.keras")
    monkeypatch.chdir(tmp_path)
    argv = ["export", "--model", "model.keras", "--name", "tiny", "--version", "1"]
    with pytest.raises(
        SystemExit, match=r"^keras-gans export: error: Refusing to overwrite the existing export"
    ):
        cli_main(argv)
    assert {p.name: p.stat().st_mtime_ns for p in path.rglob("*")} == written  # untouched
    assert cli_main([*argv, "--overwrite"]) == 0
    rewritten = (path / "saved_model.pb").stat().st_mtime_ns
    assert rewritten != written["saved_model.pb"]
    # Written beside the version and moved into place: no partial folder is left.
    assert sorted(p.name for p in path.parent.iterdir()) == ["1"]


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


def test_max_batch_size_is_set_at_export_and_refused_beyond(trained, tmp_path, monkeypatch):
    trained(kg.GAN).save(tmp_path / "model.keras")
    monkeypatch.chdir(tmp_path)
    argv = ["export", "--model", "model.keras", "--name", "tiny", "--max-batch-size", "4"]
    assert cli_main(argv) == 0
    served = tf.saved_model.load(str(tmp_path / "saved_models" / "tiny" / "1"))
    assert int(served.max_batch_size[0].numpy()) == 4
    serving, uint8 = served.signatures["serving_default"], served.signatures["generate_uint8"]
    assert serving(z=tf.zeros([4, LATENT_DIM]))["images"].shape[0] == 4
    assert uint8(batch_size=tf.constant(4), seed=tf.constant(0))["images"].shape[0] == 4
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"serving_default: at most 4 images per request \(max_batch_size, set at export\)"
        r"\. Received: 5 latent vectors",
    ):
        serving(z=tf.zeros([5, LATENT_DIM]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Received: batch_size=5"):
        uint8(batch_size=tf.constant(5), seed=tf.constant(0))


def test_max_batch_size_must_be_a_positive_int(trained, tmp_path):
    for bad in (0, -3, 2.5, True):
        with pytest.raises(
            ValueError,
            match=rf"`max_batch_size` must be an int >= 1. Received: max_batch_size={bad}",
        ):
            kg.export_generator(trained(kg.GAN), tmp_path / "1", max_batch_size=bad)
    assert not (tmp_path / "1").exists()


def test_a_full_disk_during_export_is_one_line(trained, tmp_path, monkeypatch):
    """Issue 34: a disk-full `keras-gans export` printed a ResourceExhaustedError traceback.
    Measured on a 64 KiB tmpfs: TensorFlow raises ResourceExhaustedError('PATH/saved_model
    .pb.tmpHEX; No space left on device'); this writer fails the same way after a partial write.
    """
    trained(kg.GAN).save(tmp_path / "model.keras")
    monkeypatch.chdir(tmp_path)

    def disk_full(obj, export_dir, **kwargs):
        with open(os.path.join(export_dir, "saved_model.pb.tmp0123"), "wb") as f:
            f.write(b"partial")
        raise tf.errors.ResourceExhaustedError(
            None, None, f"{export_dir}/saved_model.pb.tmp0123; No space left on device"
        )

    monkeypatch.setattr(tf.saved_model, "save", disk_full)
    with pytest.raises(SystemExit) as raised:
        cli_main(["export", "--model", "model.keras", "--name", "tiny"])
    message = str(raised.value)
    assert re.fullmatch(
        r"keras-gans export: error: Could not write the SavedModel to saved_models/tiny/1: "
        r"\S+/saved_model\.pb\.tmp0123; No space left on device \(ResourceExhaustedError\)\. "
        r"Nothing was written to saved_models/tiny/1\.",
        message,
    ), message
    assert os.listdir(tmp_path / "saved_models" / "tiny") == []  # the partial folder is gone
    with pytest.raises(OSError, match="No space left on device"):  # the library: an OSError
        kg.export_generator(trained(kg.GAN), tmp_path / "lib" / "1")
