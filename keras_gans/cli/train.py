"""`keras-gans train`: `kg.train` on the command line, one flag per option of its table."""

import argparse
import os
import sys
import warnings


def add_parser(subparsers):
    """Registers `train` on an argparse `subparsers` object and returns its parser."""
    from keras_gans.training_options import training_options

    parser = subparsers.add_parser(
        "train",
        help="train a model and write grids, loss curves and model.keras",
        description="Train a GAN with model.fit (the same as keras_gans.train in Python). "
        "Writes OUT/grids/epoch_NNNN.png, OUT/grids/training.gif, OUT/history.csv, "
        "OUT/losses.png and OUT/model.keras. While training, OUT/backup/ holds the full "
        "state (networks, optimizers, noise state, epoch) and OUT/resume.json the number of "
        "epochs done; running the same command again after an interruption resumes from "
        "the backup, logging every epoch once.",
    )
    for option in training_options():
        if option.cli:
            add_option(parser, option)
    return parser


def add_option(parser, option):
    """Adds one `TrainingOption` as a flag whose help states its default."""
    default = "none" if option.default is None else option.default
    help_text = option.help if "default:" in option.help else f"{option.help} (default: {default})"
    if option.switch:
        action = "store_true" if option.default is False else argparse.BooleanOptionalAction
        parser.add_argument(
            option.cli_flag, dest=option.name, action=action, default=option.default,
            help=help_text,
        )  # fmt: skip
        return
    parser.add_argument(
        option.cli_flag,
        dest=option.name,
        type=option.type,
        choices=option.choices,
        default=option.default,
        help=help_text,
    )


def run(args):
    """Runs `keras-gans train` for parsed `args`; returns the exit code.

    The library's warnings (the data's conversions, `TrainingMonitor`'s
    failures) are printed on stderr as `keras-gans train: warning: ...`, each
    one as it comes; other libraries' warnings keep Python's format.
    """
    from keras_gans.callbacks import TrainingWarning
    from keras_gans.train import train
    from keras_gans.training_options import training_options

    with warnings.catch_warnings():
        warnings.simplefilter("always", TrainingWarning)
        warnings.showwarning = _show_warning(warnings.showwarning, TrainingWarning)
        train(**{o.name: getattr(args, o.name) for o in training_options() if o.cli})
    return 0


def _show_warning(show, training_warning):
    """`warnings.showwarning` that prints keras_gans' warnings as one plain line each."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def show_warning(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, training_warning) or os.path.abspath(filename).startswith(package):
            text = " ".join(str(message).split())
            print(f"keras-gans train: warning: {text}", file=file or sys.stderr, flush=True)
            return
        show(message, category, filename, lineno, file, line)

    return show_warning
