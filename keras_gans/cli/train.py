"""`keras-gans train`: `kg.train` on the command line, one flag per option of its table."""

import argparse


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
    """Runs `keras-gans train` for parsed `args`; returns the exit code."""
    from keras_gans.train import train
    from keras_gans.training_options import training_options

    train(**{o.name: getattr(args, o.name) for o in training_options() if o.cli})
    return 0
