"""`keras-gans --help`: every option of every command explained, and `kg.train`'s parameters
and `keras-gans train`'s flags one to one."""

import argparse
import inspect
import re

import pytest

import keras_gans as kg
from keras_gans import cli
from keras_gans.train import train


def test_every_train_parameter_is_a_flag_of_the_same_name_and_the_reverse():
    parser = next(
        action.choices["train"]
        for action in cli.build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    flags = {a.dest: a for a in parser._actions if a.dest not in ("help", "debug")}
    parameters = inspect.signature(train).parameters
    python_only = {"callbacks"}  # Callback objects
    assert set(flags) == set(parameters) - python_only
    args = parser.parse_args([])
    for name, parameter in parameters.items():
        if name in python_only:
            continue
        assert getattr(args, name) == parameter.default, name
        expected = "--out" if name == "directory" else "--" + name.replace("_", "-")
        assert flags[name].option_strings[0] == expected, name
    # The tricks' options are among them, from the one table.
    assert {"r1_penalty", "r1_every_n_steps", "gradient_penalty", "feature_matching"} <= set(flags)


# Each option's help must state its default or what it does: (option, phrase).
HELP = {
    "train": {
        "--preset": "model preset, or auto; default: chosen from the data (auto): dcgan for "
        "images of at most",
        "--dataset": "fashion_mnist (offline)",
        "--task": "pix2pix: make (degraded, original) pairs of the dataset's images",
        "--direction": "pix2pix on a folder of pairs: a_to_b trains A -> B, b_to_a B -> A",
        "--epochs": "(default: 5)",
        "--batch-size": "default: the preset's",
        "--image-size": "resize and centre-crop a folder's images to N or HxW",
        "--out": "run folder for all outputs (default: runs/default)",
        "--latent-dim": "(default: 128)",
        "--num-classes": "default: largest label + 1",
        "--loss": "wasserstein, ...; default: the preset's",
        "--ema-decay": "moving average of the generator with this decay, e.g. 0.999; default: none",
        "--augment": "ada, or none; default: ada for fewer than",
        "--reuse-fakes": "(default: True)",
        "--simultaneous-updates": "(one pass of D fewer per step, unless D judges a CycleGAN's "
        "history pools) (default: False)",
        "--diagnostics-every-n-steps": "on the first step of each epoch and every N-th step "
        "(they cost a few percent of a large network's step) (default: 1)",
        "--spectral-norm": "default: the preset's",
        "--label-smoothing": "one-sided label smoothing of the real target (default: 0.0)",
        "--steps-per-epoch": "default: the whole dataset",
        "--seed": "default: a random one, recorded in the run folder",
        "--grid-every-n-epochs": "every N epochs (default: 1)",
        "--backup-every-n-steps": "every N steps; default: every epoch's end only",
        "--fresh": "discard the backup of an interrupted run in the folder and start over "
        "(default: False)",
        "--strategy": "default: one device",
        "--tensorboard": "default: none",
        "--precision": "mixed_bfloat16 (CPUs with bfloat16 instructions, TPUs) (default: float32)",
        "--verbose": "(default: auto)",
        "--monitor": "printed and written to OUT/warnings.txt (default: True)",
        **{
            "--" + name.replace("_", "-"): f"(default: {option.default})"
            for name, (_, option) in kg.tricks.OPTIONS.items()
        },
    },
    "sample": {
        "--model": "path to a saved .keras model",
        "--num-images": "(default: 64; for a conditional model, spread over one row per class",
        "--labels": "one image each (conditional models)",
        "--out": "(default: samples.png)",
        "--seed": "(default: 0)",
        "--scale": "(default: 2)",
    },
    "translate": {
        "--model": "path to a saved .keras model",
        "--input": "folder of images to translate",
        "--out": "folder for the translated PNGs",
        "--direction": "a_to_b or b_to_a for a CycleGAN (default: the model's default, a_to_b)",
        "--batch-size": "(default: 32)",
    },
    "export": {
        "--model": "path to a saved .keras model",
        "--name": "served model name",
        "--base-dir": "(default: saved_models)",
        "--version": "(default: one more than the highest present); an existing version "
        "is refused unless --overwrite is given",
        "--overwrite": "replace the version given by --version if it exists (default: refuse)",
        "--max-batch-size": "larger requests are refused (default: 1024)",
    },
    "evaluate": {
        "--model": "path to a saved .keras model",
        "--dataset": "fashion_mnist (default, offline)",
        "--split": "(default: train)",
        "--metrics": "fid (FID, lower is better); kid (KID, lower is better)",
        "--extractor": "Default: fashion_classifier for fashion_mnist, else inception",
        "--num-images": "(default: 10000; an image-to-image model translates every input image)",
        "--task": "image-to-image models: translate the sources of this paired task",
        "--inputs": "image-to-image models: the source images to translate",
        "--direction": "a CycleGAN's direction, a_to_b or b_to_a (default: a_to_b)",
        "--classifier": "python -m keras_gans.metrics.train_classifier",
        "--inception-weights": "imagenet (default;",
        "--out": "(default: evaluation.json beside the model)",
        "--cache-dir": "(default: $KERAS_HOME/keras_gans/reference",
        "--no-cache": "neither read nor write cached reference statistics",
        "--batch-size": "(default: 500)",
        "--seed": "(default: 0)",
    },
}
for _options in HELP.values():
    _options["--debug"] = "show the Python traceback of an error (default: one line on stderr)"
DESCRIPTIONS = {
    "train": "running the same command again after an interruption resumes from the backup",
    "sample": "into one PNG grid",
    "export": "BASE_DIR/NAME/VERSION/",
    "evaluate": "<metric>_<extractor>_<count>",
    "translate": "resized and centre-cropped to it (aspect ratio kept)",
}


def option_helps(text):
    """`{"--epochs": "EPOCHS epochs (default: 5)", ...}` from an argparse help text."""
    helps, option = {}, None
    for line in text.splitlines():
        if re.match(r"  -", line):  # an option's first line
            option = re.findall(r"--[\w-]+", line)[0]
            helps[option] = line
        elif option and line.startswith("   "):  # its help, continued
            helps[option] += line
        else:
            option = None
    return {name: " ".join(words.split()) for name, words in helps.items()}


@pytest.mark.parametrize("command", sorted(HELP))
def test_help_explains_every_option(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    helps = option_helps(text)
    assert sorted(helps) == sorted([*HELP[command], "--help"])  # no option left unchecked
    for option, phrase in HELP[command].items():
        assert phrase in helps[option], option
    assert DESCRIPTIONS[command] in " ".join(text.split())
