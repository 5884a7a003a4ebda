"""`keras-gans evaluate` end to end on tiny saved 28x28 models, in process through `cli.main`
(test_cli.py runs it once in a process of its own and checks its help)."""

import json
import re

import keras
import pytest

import keras_gans as kg
from keras_gans import cli
from keras_gans.cli.evaluate import _build_evaluator
from keras_gans.metrics import Evaluator, fashion_classifier


def evaluate(*args):
    """`keras-gans evaluate ARGS` in this process; returns the exit code."""
    return cli.main(["evaluate", *args])


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
    argv = ["--model", str(model), "--dataset", "fashion_mnist", "--split", "test"]
    assert evaluate(*argv, "--num-images", "500", "--cache-dir", str(cache)) == 0
    first = capsys.readouterr().out
    names = [f"{m}_fashion_classifier_500" for m in ("fid", "kid", "is", "precision", "recall")]
    lines = first.splitlines()
    header = next(
        i for i, line in enumerate(lines) if line.split()[:3] == ["metric", "value", "protocol"]
    )
    table = {line.split()[0]: line for line in lines[header + 2 : header + 2 + len(names)]}
    assert sorted(table) == sorted(names)
    assert "vs the statistics of all of fashion_mnist/test" in table["fid_fashion_classifier_500"]
    assert "500/500" in first  # the progress bar of the generated images

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

    # A conditional model, chosen metrics, the cached reference, another JSON path.
    cgan = save_tiny_model(tmp_path / "runs" / "cgan" / "model.keras", num_classes=10)
    out = tmp_path / "scores.json"
    assert (
        evaluate(
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


def test_evaluate_reports_bad_input(tmp_path):
    with pytest.raises(SystemExit, match="no such model file: nowhere.keras"):
        evaluate("--model", "nowhere.keras")
    model = str(save_tiny_model(tmp_path / "model.keras"))
    with pytest.raises(SystemExit, match="for conditional models"):
        evaluate("--model", model, "--metrics", "accuracy_fashion_classifier_500", "--no-cache")
    with pytest.raises(SystemExit, match="<metric>_<extractor>_<count>"):
        evaluate("--model", model, "--metrics", "fid10k")
    with pytest.raises(
        SystemExit, match=r"Classifier file not found. Received: classifier='none.keras'"
    ):
        evaluate("--model", model, "--classifier", "none.keras")
    assert not (tmp_path / "evaluation.json").exists()


def test_default_metrics_follow_the_model(tmp_path):
    for num_classes, extra in ((None, []), (10, ["accuracy"])):
        path = save_tiny_model(tmp_path / f"model_{num_classes}.keras", num_classes=num_classes)
        args = cli.build_parser().parse_args(["evaluate", "--model", str(path), "--no-cache"])
        evaluator = _build_evaluator(args, keras.models.load_model(path))
        expected = ["fid", "kid", "is", "precision", "recall", *extra]
        assert evaluator.metrics == [f"{m}_fashion_classifier_10k" for m in expected]


def test_an_unwritable_out_fails_before_any_metric_is_computed(tmp_path, monkeypatch):
    """Issue 34: `evaluate --out` to an unwritable path failed only after every metric."""
    model = str(save_tiny_model(tmp_path / "model.keras"))
    monkeypatch.setattr(Evaluator, "evaluate", lambda *args: pytest.fail("metrics were computed"))
    (tmp_path / "a_file").write_text("")
    cases = {tmp_path / "a_file" / "scores.json": "Not a directory", tmp_path: "Is a directory"}
    for out, reason in cases.items():
        with pytest.raises(
            SystemExit,
            match=rf"^keras-gans evaluate: error: Cannot write the report to "
            rf"{re.escape(str(out))}: .*{reason}.*\. Choose another --out\.$",
        ):
            evaluate("--model", model, "--out", str(out), "--no-cache")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "model.keras"]
