"""The `keras-gans` command: train, sample, evaluate, export, translate.

    keras-gans train --preset dcgan --dataset fashion_mnist --epochs 5 --out runs/fashion
    keras-gans sample --model runs/fashion/model.keras -n 64 --out grid.png
    keras-gans evaluate --model runs/fashion/model.keras --dataset fashion_mnist
    keras-gans export --model runs/fashion/model.keras --name fashion_dcgan
    keras-gans translate --model runs/p2p/model.keras --input photos/ --out translated/

Each command is a module with `add_parser(subparsers)` and `run(args)`. `keras-gans
--help` and `--version` import no TensorFlow; a command imports it with its start-up
log lines hidden unless `--debug` is given (`tensorflow_logs`).

A user error (a missing or unreadable model file, bad data, an export that
would overwrite a version, ...) prints one line, `keras-gans COMMAND: error:
...`, on stderr and exits with status 1; `--debug` shows the traceback instead.
"""

import argparse
import sys
import zipfile

import keras_gans
from keras_gans.cli import evaluate, export, sample, train, translate
from keras_gans.cli.tensorflow_logs import import_tensorflow_quietly

COMMANDS = (train, sample, evaluate, export, translate)
# What `keras-gans --help` lists, without building the commands' parsers (which read the
# presets and the metrics, and so import TensorFlow). tests/test_cli_startup.py checks
# that each matches the help its module registers.
SUMMARIES = {
    "train": "train a model and write grids, loss curves and model.keras",
    "sample": "generate a grid of images from a saved model",
    "evaluate": "score a saved model: FID, KID, Inception Score, precision/recall, accuracy",
    "export": "export a model's generator as a SavedModel for TF Serving",
    "translate": "translate a folder of images with a saved Pix2Pix or CycleGAN",
}


def command_name(module):
    return module.__name__.rpartition(".")[2]


def build_parser(commands=None):
    """The `keras-gans` argument parser, one sub-command per module of `COMMANDS`.

    Args:
        commands: names of the commands whose options are built; the others are listed
            by name and summary only. Defaults to `None`, all of them.
    """
    parser = argparse.ArgumentParser(
        prog="keras-gans",
        description="Train GANs with Keras, sample, evaluate, export them and translate images.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {keras_gans.__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        name = command_name(command)
        if commands is not None and name not in commands:
            subparsers.add_parser(name, help=SUMMARIES[name])
            continue
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
    argv = sys.argv[1:] if argv is None else list(argv)
    names = [command_name(command) for command in COMMANDS]
    chosen = next((word for word in argv if not word.startswith("-")), None)
    chosen = [chosen] if chosen in names else []
    if chosen:  # every command uses TensorFlow: import it before its options are read
        if "--debug" not in argv:
            import_tensorflow_quietly()
        keras_gans._import_api()  # registers the model classes, for load_model
    args = build_parser(chosen).parse_args(argv)
    try:
        return args.run(args)
    except USER_ERRORS as error:
        if args.debug:
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        raise SystemExit(f"keras-gans {args.command}: error: {message}") from None
