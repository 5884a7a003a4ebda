"""SavedModels of Pix2Pix and CycleGAN: float and uint8 translation, served by TensorFlow alone."""

import json
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from helpers import tiny_cycle_gan, tiny_pix2pix, translation_data, translation_images

import keras_gans as kg
from keras_gans.cli import main as cli_main
from keras_gans.images import to_uint8

# A fresh process that imports TensorFlow only: every signature of both exports on the
# same images, and a request above max_batch_size.
SERVE_WITH_TENSORFLOW_ONLY = """
import json, sys
import numpy as np
import tensorflow as tf
folder = sys.argv[1]
images = np.load(f"{folder}/images.npy")
pixels = np.load(f"{folder}/pixels.npy")
report = {"signatures": {}, "refused": {}, "max_batch_size": {}}
for name in ("pix2pix", "cycle_gan"):
    served = tf.saved_model.load(f"{folder}/{name}/1")
    report["signatures"][name] = sorted(served.signatures)
    report["max_batch_size"][name] = int(served.max_batch_size[0].numpy())
    for signature in served.signatures:
        given = pixels if signature.endswith("uint8") else images
        out = served.signatures[signature](images=tf.constant(given))["images"].numpy()
        np.save(f"{folder}/{name}_{signature}.npy", out)
    try:
        served.signatures["translate_uint8"](images=tf.zeros([5, 8, 8, 1], tf.uint8))
    except tf.errors.InvalidArgumentError as error:
        report["refused"][name] = error.message
report["keras_gans_imported"] = "keras_gans" in sys.modules
print(json.dumps(report))
"""


@pytest.mark.slow  # 20-30 s: two exports and a TensorFlow process
def test_exported_translators_serve_both_directions_without_keras_gans(tmp_path):
    pix2pix = tiny_pix2pix(ema_decay=0.5)
    pix2pix.compile(run_eagerly=True)
    pix2pix.fit(translation_data(pix2pix, 4), epochs=1, verbose=0)  # the average moved
    models = {"pix2pix": pix2pix, "cycle_gan": tiny_cycle_gan()}
    for name, model in models.items():
        kg.export_generator(model, tmp_path / name / "1", max_batch_size=4)
    images = translation_images(3, seed=7)
    pixels = np.arange(3 * 64, dtype="uint8").reshape(3, 8, 8, 1)
    np.save(tmp_path / "images.npy", images)
    np.save(tmp_path / "pixels.npy", pixels)
    result = subprocess.run(
        [sys.executable, "-c", SERVE_WITH_TENSORFLOW_ONLY, str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["keras_gans_imported"] is False
    assert report["signatures"] == {
        "pix2pix": ["serving_default", "translate_uint8"],
        "cycle_gan": [
            "a_to_b", "a_to_b_uint8", "b_to_a", "b_to_a_uint8", "serving_default",
            "translate_uint8",
        ],
    }  # fmt: skip
    assert report["max_batch_size"] == {"pix2pix": 4, "cycle_gan": 4}
    for name in models:
        assert "translate_uint8: at most 4 images per request" in report["refused"][name]
        assert "Received: 5 images" in report["refused"][name]
    # The served translations are the model's (its moving average for Pix2Pix).
    as_floats = pixels.astype("float32") / 127.5 - 1.0
    for name, model in models.items():
        for signature in report["signatures"][name]:
            direction = {"serving_default": None, "translate_uint8": None}.get(
                signature, signature.removesuffix("_uint8")
            )
            served = np.load(tmp_path / f"{name}_{signature}.npy")
            if signature.endswith("uint8"):
                assert served.dtype == np.uint8
                expected = to_uint8(model.translate(as_floats, direction=direction))
                assert np.abs(served.astype(int) - expected.astype(int)).max() <= 1, signature
            else:
                assert served.dtype == np.float32
                expected = model.translate(images, direction=direction)
                np.testing.assert_allclose(served, expected, atol=1e-5, err_msg=signature)
    assert not np.allclose(
        pix2pix.generator(images, training=False), pix2pix.translate(images), atol=1e-6
    )


def test_signatures_take_and_return_images_of_the_model(tmp_path, capsys):
    model = tiny_cycle_gan()
    model.save(tmp_path / "cycle.keras")
    argv = ["export", "--model", str(tmp_path / "cycle.keras"), "--name", "cycle"]
    assert cli_main([*argv, "--base-dir", str(tmp_path / "served")]) == 0
    printed = capsys.readouterr().out
    assert "signature serving_default, a_to_b" in printed
    assert "Each direction: a_to_b, a_to_b_uint8, b_to_a, b_to_a_uint8." in printed
    served = tf.saved_model.load(str(tmp_path / "served" / "cycle" / "1"))
    for name in ("b_to_a", "b_to_a_uint8"):
        signature = served.signatures[name]
        (spec,) = signature.structured_input_signature[1].values()
        dtype = tf.uint8 if name.endswith("uint8") else tf.float32
        assert (spec.dtype, spec.shape.as_list()) == (dtype, [None, 8, 8, 1])
        output = signature.structured_outputs["images"]
        assert (output.dtype, output.shape.as_list()) == (dtype, [None, 8, 8, 1])
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"b_to_a: images of shape \(batch, 8, 8, 1\). Received: images of shape "
        r"\[1 16 16 1\]",
    ):
        served.signatures["b_to_a"](images=tf.zeros([1, 16, 16, 1]))
