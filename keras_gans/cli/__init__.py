"""The `keras-gans` command: train, sample, evaluate, export.

    keras-gans train --model dcgan --dataset fashion_mnist --epochs 5 --out runs/fashion
    keras-gans sample --model runs/fashion/model.keras -n 64 --out grid.png
    keras-gans evaluate --model runs/fashion/model.keras --dataset fashion_mnist
    keras-gans export --model runs/fashion/model.keras --name fashion_dcgan

Each command is a module with `add_parser(subparsers)` and `run(args)`; TensorFlow
and Keras are imported by `run`, not by `--help`.

A user error (a missing or unreadable model file, bad data, an export that
would overwrite a version, ...) prints one line, `keras-gans COMMAND: error:
...`, on stderr and exits with status 1; `--debug` shows the traceback instead.
"""

import argparse
import os
import zipfile

from keras_gans.cli import evaluate, export, sample, train

COMMANDS = (train, sample, evaluate, export)


def build_parser():
    """The `keras-gans` argument parser, one sub-command per module of `COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="keras-gans", description="Train GANs with Keras, sample, evaluate and export them."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command_parser = command.add_parser(subparsers)
        command_parser.add_argument(
            "--debug",
            action="store_true",
            help="show the Python traceback of an error (default: one line on stderr)",
        )
        command_parser.set_defaults(run=command.run)
    return parser


# What bad input raises: one line for the user, not a traceback.
USER_ERRORS = (ValueError, OSError, RuntimeError, zipfile.BadZipFile)


def main(argv=None):
    """Runs `keras-gans` with `argv` (default: the command line); returns the exit code.

    A user error raises `SystemExit` with one line (exit status 1) unless
    `--debug` is given.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except USER_ERRORS as error:
        if args.debug:
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        raise SystemExit(f"keras-gans {args.command}: error: {message}") from None
