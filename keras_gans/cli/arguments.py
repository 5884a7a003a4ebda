"""What several `keras-gans` commands share: argument types and loading a saved model."""

import argparse
import os


def positive_int(text):
    """argparse type: an int >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {text}")
    return value


def add_model_argument(parser):
    """The `--model PATH` of the commands that read a saved model."""
    parser.add_argument("--model", required=True, help="path to a saved .keras model")


def load_model(args):
    """The `.keras` model at `args.model`; exits with a message when there is none."""
    if not os.path.isfile(args.model):
        raise SystemExit(f"keras-gans {args.command}: no such model file: {args.model}")
    import keras

    import keras_gans  # noqa: F401  (registers the model classes)

    return keras.models.load_model(args.model)
