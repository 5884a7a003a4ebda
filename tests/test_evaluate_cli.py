"""`keras-gans evaluate` end to end on tiny saved 28x28 models, through `add_evaluate_parser`."""

import argparse
import json
import subprocess
import sys

import keras
import pytest

import keras_gans as kg
from keras_gans.evaluate import add_evaluate_parser
from keras_gans.metrics import fashion_classifier

# The sub-command registered on a parser of its own, as cli.py does.
SCRIPT = (
    "import argparse, sys\n"
    "from keras_gans.evaluate import add_evaluate_parser\n"
    "parser = argparse.ArgumentParser(prog='keras-gans')\n"
    "add_evaluate_parser(parser.add_subparsers(dest='command', required=True))\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "sys.exit(args.run(args))\n"
)


def evaluate(*args, cwd, check=True):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "evaluate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def save_tiny_model(path, num_classes=None):
    keras.utils.set_random_seed(0)
    shape = (28, 28, 1)
    generator = kg.networks.dcgan_generator(8, shape, num_classes=num_classes, filters=16)
    discriminator = kg.networks.dcgan_discriminator(shape, num_classes=num_classes, filters=8)
    if num_classes:
        model = kg.ConditionalGAN(generator, discriminator, latent_dim=8, num_classes=num_classes)
    else:
        model = kg.GAN(generator, discriminator, latent_dim=8)
    model.compile()
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    return path


def test_evaluate_prints_a_table_writes_json_and_reuses_the_reference(tmp_path, capsys):
    model = save_tiny_model(tmp_path / "runs" / "tiny" / "model.keras")
    cache = tmp_path / "cache"
    first = evaluate(
        "--model",
        str(model),
        "--dataset",
        "fashion_mnist",
        "--split",
        "test",
        "--num-images",
        "500",
        "--cache-dir",
        str(cache),
        cwd=tmp_path,
    )
    names = [f"{m}_fashion_classifier_500" for m in ("fid", "kid", "is", "precision", "recall")]
    lines = first.stdout.splitlines()
    header = next(
        i for i, line in enumerate(lines) if line.split()[:3] == ["metric", "value", "protocol"]
    )
    table = {line.split()[0]: line for line in lines[header + 2 : header + 2 + len(names)]}
    assert sorted(table) == sorted(names)
    assert "vs the statistics of all of fashion_mnist/test" in table["fid_fashion_classifier_500"]
    assert "500/500" in first.stdout  # the progress bar of the generated images

    report = json.loads((model.parent / "evaluation.json").read_text())
    assert sorted(report["metrics"]) == sorted(names)
    assert report["dataset"] == "fashion_mnist" and report["split"] == "test"
    extractor = report["extractors"]["fashion_classifier"]
    assert "fashion_classifier (128-d features, 10 classes)" in extractor["description"]
    assert extractor["weights_sha256"] == fashion_classifier().fingerprint()
    values = report["metrics"]
    assert (
        values["fid_fashion_classifier_500"] > 0 and 1 <= values["is_fashion_classifier_500"] <= 10
    )
    for name in names[3:]:
        assert 0 <= values[name] <= 1
    assert f"{values['fid_fashion_classifier_500']:.4f}" in table["fid_fashion_classifier_500"]

    # A conditional model, chosen metrics, the cached reference, another JSON path
    # (in this process, to save a TensorFlow start-up).
    cgan = save_tiny_model(tmp_path / "runs" / "cgan" / "model.keras", num_classes=10)
    out = tmp_path / "scores.json"
    assert (
        run_in_process(
            "--model", str(cgan), "--split", "test", "--cache-dir", str(cache), "--out", str(out),
            "--metrics", "fid_fashion_classifier_500", "accuracy_fashion_classifier_500",
        )
        == 0
    )  # fmt: skip
    second = capsys.readouterr().out
    assert "loaded" in second and str(cache) in second
    scores = json.loads(out.read_text())["metrics"]
    assert sorted(scores) == ["accuracy_fashion_classifier_500", "fid_fashion_classifier_500"]
    assert 0 <= scores["accuracy_fashion_classifier_500"] <= 1


def in_process_parser():
    parser = argparse.ArgumentParser(prog="keras-gans")
    add_evaluate_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def run_in_process(*args):
    parsed = in_process_parser().parse_args(["evaluate", *args])
    return parsed.run(parsed)


def test_evaluate_explains_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        in_process_parser().parse_args(["evaluate", "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    for option in (
        "--model",
        "--dataset",
        "--split",
        "--metrics",
        "--extractor",
        "--num-images",
        "--classifier",
        "--inception-weights",
        "--out",
        "--cache-dir",
        "--no-cache",
        "--batch-size",
        "--seed",
    ):
        assert option in help_text


def test_evaluate_reports_bad_input(tmp_path):
    with pytest.raises(SystemExit, match="no such model file: nowhere.keras"):
        run_in_process("--model", "nowhere.keras")
    model = str(save_tiny_model(tmp_path / "model.keras"))
    with pytest.raises(SystemExit, match="for conditional models"):
        run_in_process(
            "--model", model, "--metrics", "accuracy_fashion_classifier_500", "--no-cache"
        )
    with pytest.raises(SystemExit, match="<metric>_<extractor>_<count>"):
        run_in_process("--model", model, "--metrics", "fid10k")
    with pytest.raises(
        SystemExit, match=r"Classifier file not found. Received: classifier='none.keras'"
    ):
        run_in_process("--model", model, "--classifier", "none.keras")
    assert not (tmp_path / "evaluation.json").exists()


def test_default_metrics_follow_the_model(tmp_path):
    from keras_gans.evaluate import _build_evaluator

    for num_classes, extra in ((None, []), (10, ["accuracy"])):
        path = save_tiny_model(tmp_path / f"model_{num_classes}.keras", num_classes=num_classes)
        args = in_process_parser().parse_args(["evaluate", "--model", str(path), "--no-cache"])
        evaluator = _build_evaluator(args, keras.models.load_model(path))
        expected = ["fid", "kid", "is", "precision", "recall", *extra]
        assert evaluator.metrics == [f"{m}_fashion_classifier_10k" for m in expected]
