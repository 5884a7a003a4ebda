"""The command's first contact: `--version`, `--help` without TensorFlow, no start-up logs."""

import argparse
import os
import re
import subprocess
import sys

import pytest

import keras_gans
from keras_gans import cli

KERAS_GANS = os.path.join(os.path.dirname(sys.executable), "keras-gans")
IMPORTED_TENSORFLOW = re.compile(r"\|\s+tensorflow$", re.M)  # a line of -X importtime


def run(args, **env):
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run(
        args, capture_output=True, text=True, timeout=300, env={**environment, **env}
    )


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"keras-gans {keras_gans.__version__}\n"


def test_help_lists_each_command_with_the_summary_its_module_registers():
    parser = cli.build_parser()
    (subcommands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    registered = {choice.dest: choice.help for choice in subcommands._choices_actions}
    assert registered == cli.SUMMARIES


@pytest.mark.parametrize("how", ["console_script", "python_m"])
def test_help_and_version_import_no_tensorflow(how):
    command = [KERAS_GANS] if how == "console_script" else [sys.executable, "-m", "keras_gans.cli"]
    for flag in ("--help", "--version"):
        result = run([*command, flag], PYTHONPROFILEIMPORTTIME="1")
        assert result.returncode == 0, result.stderr[-2000:]
        assert "keras_gans" in result.stderr  # the import times were written
        assert not IMPORTED_TENSORFLOW.search(result.stderr), flag
    assert "train a model and write grids" in run([*command, "--help"]).stdout


@pytest.mark.slow  # imports TensorFlow in a fresh process: 5-14 s on 2 shared cores
def test_a_command_prints_its_error_and_no_tensorflow_start_up_lines(tmp_path):
    result = run([KERAS_GANS, "sample", "--model", str(tmp_path / "missing.keras")])
    assert result.returncode == 1
    assert result.stderr == f"keras-gans sample: no such model file: {tmp_path}/missing.keras\n"


@pytest.mark.parametrize("setting", ["environment", "keras.json"])
def test_another_keras_backend_gets_one_clear_error(setting, tmp_path):
    # jax is not installed here: the error must come before Keras tries to import it.
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "KERAS_HOME")}
    if setting == "environment":
        env["KERAS_BACKEND"] = "jax"
    else:
        (tmp_path / "keras.json").write_text('{"backend": "jax"}')
        env["KERAS_HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import keras_gans"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: keras_gans needs Keras' TensorFlow backend"), last
    assert "Received: Keras set to the 'jax' backend" in last
    assert "KERAS_BACKEND=tensorflow" in last


def test_a_keras_already_running_on_another_backend_is_named(monkeypatch):
    from keras_gans import backend_check

    monkeypatch.setattr(keras_gans.backend_check.sys.modules["keras"].backend, "backend",
                        lambda: "torch")  # fmt: skip
    with pytest.raises(ImportError, match="Received: Keras set to the 'torch' backend"):
        backend_check.require_tensorflow_backend()
