"""The `keras-gans` command: train, sample, evaluate, export.

    keras-gans train --model dcgan --dataset fashion_mnist --epochs 5 --out runs/fashion
    keras-gans sample --model runs/fashion/model.keras -n 64 --out grid.png
    keras-gans evaluate --model runs/fashion/model.keras --dataset fashion_mnist
    keras-gans export --model runs/fashion/model.keras --name fashion_dcgan

Each command is a module with `add_parser(subparsers)` and `run(args)`; TensorFlow
and Keras are imported by `run`, not by `--help`.
"""

import argparse
import os

from keras_gans.cli import evaluate, export, sample, train

COMMANDS = (train, sample, evaluate, export)


def build_parser():
    """The `keras-gans` argument parser, one sub-command per module of `COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="keras-gans", description="Train GANs with Keras, sample, evaluate and export them."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(subparsers).set_defaults(run=command.run)
    return parser


def main(argv=None):
    """Runs `keras-gans` with `argv` (default: the command line); returns the exit code."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = build_parser().parse_args(argv)
    return args.run(args)
