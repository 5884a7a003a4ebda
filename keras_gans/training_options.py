"""Every option of a training run in one table: `kg.train`'s parameters, `keras-gans train`'s flags.

`kg.train`'s signature and docstring, the CLI's flags and help, and the docs'
table of options are all generated from `training_options()`. Each option
belongs to a group of the run's config (`TrainingConfig`): the data, the
model, its compile step, the run itself. The compile group includes every
trick's options (`kg.tricks.OPTIONS`), so a new trick is an option of
`kg.train` and of the CLI with no other change.
"""

import argparse
import dataclasses
import functools
from typing import Any

GROUPS = ("data", "model", "compile", "run")


@dataclasses.dataclass(frozen=True)
class TrainingOption:
    """One option of `kg.train` and `keras-gans train`.

    Attributes:
        name: the `kg.train` parameter (the CLI flag is `--name-with-dashes`,
            or `flag`).
        group: `"data"`, `"model"`, `"compile"` or `"run"`.
        default: the default of both.
        help: one line, for the docstring and `--help` (without the default).
        type: parses the CLI's text (str when None).
        choices: the values allowed, if a fixed list.
        flag: the CLI flag when it is not the name with dashes.
        switch: a boolean; `--name` / `--no-name` in the CLI (`--name` only
            when the default is False).
        cli: False for Python-only options (callback objects).
    """

    name: str
    group: str
    default: Any
    help: str
    type: Any = None
    choices: tuple = None
    flag: str = None
    switch: bool = False
    cli: bool = True

    @property
    def cli_flag(self):
        return self.flag or "--" + self.name.replace("_", "-")


def positive_int(text):
    """argparse type: an int >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {text}")
    return value


def image_size(text):
    """argparse type: `N` or `HxW` as an int or an `(h, w)` pair."""
    parts = text.lower().split("x")
    try:
        sizes = [positive_int(part) for part in parts]
    except (ValueError, argparse.ArgumentTypeError):
        sizes = []
    if len(sizes) not in (1, 2):
        raise argparse.ArgumentTypeError(f"expected N or HxW, e.g. 64 or 48x64, received {text}")
    return sizes[0] if len(sizes) == 1 else tuple(sizes)


def _verbosity(text):
    return text if text == "auto" else int(text)


def _core_options(preset_names):
    from keras_gans.recipe import augment_choice
    from keras_gans.recipe.preset_choice import describe_automatic_choice

    return (
        # === Data ===
        TrainingOption(
            "dataset", "data", "fashion_mnist",
            "fashion_mnist (offline), mnist, cifar10, a tfds name, a .npz file (x, optional "
            "y) or a folder of images; pix2pix without --task: a folder of A|B pairs or "
            "A_FOLDER,B_FOLDER; cyclegan: a folder with trainA/ and trainB/, A_FOLDER,B_FOLDER "
            "or cycle_gan/NAME",
        ),
        TrainingOption(
            "task", "data", None,
            "pix2pix: make (degraded, original) pairs of the dataset's images with "
            "kg.data.paired_task; default: none (the dataset holds pairs)",
            choices=("super_resolution", "inpainting", "colorization", "edges"),
        ),
        TrainingOption(
            "direction", "data", "a_to_b",
            "pix2pix on a folder of pairs: a_to_b trains A -> B, b_to_a B -> A (facades' "
            "labels -> photos)",
            choices=("a_to_b", "b_to_a"),
        ),
        TrainingOption(
            "batch_size", "data", None,
            "images per batch (the global batch under a strategy); default: the preset's",
            type=positive_int,
        ),
        TrainingOption(
            "image_size", "data", None,
            "resize and centre-crop a folder's images to N or HxW; default: their own size",
            type=image_size,
        ),
        TrainingOption(
            "steps_per_epoch", "data", None,
            "limit each epoch to this many batches; default: the whole dataset",
            type=positive_int,
        ),
        # === Model ===
        TrainingOption(
            "preset", "model", None,
            "model preset, or auto; default: chosen from the data (auto): "
            f"{describe_automatic_choice()}",
            choices=("auto", *preset_names),
        ),
        TrainingOption("latent_dim", "model", 128, "size of the latent vectors", type=positive_int),
        TrainingOption(
            "num_classes", "model", None,
            "number of classes of a conditional preset; default: largest label + 1",
            type=positive_int,
        ),
        TrainingOption(
            "ema_decay", "model", None,
            "sample from an exponential moving average of the generator with this decay, "
            "e.g. 0.999; default: none",
            type=float,
        ),
        TrainingOption(
            "spectral_norm", "model", None,
            "spectral normalisation of the discriminator's layers; default: the preset's",
            switch=True,
        ),
        # === Compile ===
        TrainingOption(
            "loss", "compile", "auto",
            "adversarial loss (kg.losses): minimax, non_saturating, least_squares, hinge, "
            "wasserstein, ...; default: the preset's",
        ),
        TrainingOption(
            "label_smoothing", "compile", 0.0, "one-sided label smoothing of the real target",
            type=float,
        ),
        TrainingOption(
            "augment", "compile", "auto",
            "augment every discriminator input: a DiffAugment policy such as "
            "translation,cutout,color, ada, or none; default: "
            + augment_choice.describe_automatic_choice(),
        ),
        TrainingOption(
            "reuse_fakes", "compile", True,
            "train G on the fakes of the D step through their recorded pass (one G pass "
            "fewer per step)",
            switch=True,
        ),
        TrainingOption(
            "simultaneous_updates", "compile", False,
            "both players' gradients from one pass of D, as TensorFlow's pix2pix and "
            "CycleGAN tutorials (one pass of D fewer per step, unless D judges a CycleGAN's "
            "history pools)",
            switch=True,
        ),
        TrainingOption(
            "diagnostics_every_n_steps", "compile", 1,
            "measure the gradient norms and diversity that the monitor reads on the first "
            "step of each epoch and every N-th step (they cost a few percent of a large "
            "network's step)",
            type=positive_int,
        ),
        # The tricks' options come here (`training_options`).
        # === Run ===
        TrainingOption("epochs", "run", 5, "total epochs, an interrupted run's included",
                       type=positive_int),  # fmt: skip
        TrainingOption("directory", "run", "runs/default", "run folder for all outputs",
                       flag="--out"),  # fmt: skip
        TrainingOption(
            "seed", "run", None,
            "seed of the weights, the noise and the shuffling; default: a random one, "
            "recorded in the run folder",
            type=int,
        ),
        TrainingOption(
            "grid_every_n_epochs", "run", 1, "write an image grid every N epochs",
            type=positive_int,
        ),
        TrainingOption(
            "backup_every_n_steps", "run", None,
            "also back up the training state every N steps; default: every epoch's end only",
            type=positive_int,
        ),
        TrainingOption(
            "fresh", "run", False,
            "discard the backup of an interrupted run in the folder and start over",
            switch=True,
        ),
        TrainingOption(
            "strategy", "run", None,
            "tf.distribute strategy: mirrored (every GPU of this machine) or multi_worker "
            "(one process per machine, from TF_CONFIG); default: one device",
            choices=("mirrored", "multi_worker"),
        ),
        TrainingOption(
            "precision", "run", "float32",
            "dtype policy of the networks: mixed_float16 (GPUs, loss-scaled) or "
            "mixed_bfloat16 (CPUs with bfloat16 instructions, TPUs)",
            choices=("float32", "mixed_float16", "mixed_bfloat16"),
        ),
        TrainingOption(
            "tensorboard", "run", None,
            "write TensorBoard logs (losses, grids) to this folder; needs "
            'pip install ".[tensorboard]"; default: none',
        ),
        TrainingOption(
            "monitor", "run", True,
            "watch for D winning, vanishing G gradients and mode collapse "
            "(kg.callbacks.TrainingMonitor): warnings printed and written to OUT/warnings.txt",
            switch=True,
        ),
        TrainingOption(
            "verbose", "run", "auto",
            "fit's verbosity: 0, 1 or 2; auto is 1 on a terminal, else 2",
            type=_verbosity, choices=("auto", 0, 1, 2),
        ),
        TrainingOption(
            "callbacks", "run", None, "more keras.callbacks.Callback objects for fit", cli=False
        ),
    )  # fmt: skip


@functools.cache
def training_options():
    """Every `TrainingOption`, the tricks' included, in signature order."""
    from keras_gans.presets import PRESETS
    from keras_gans.tricks import OPTIONS

    core = _core_options(sorted(PRESETS))
    tricks = tuple(
        TrainingOption(option.name, "compile", option.default, option.help, type=option.type)
        for _, option in OPTIONS.values()
    )
    split = next(i for i, option in enumerate(core) if option.group == "run")
    return core[:split] + tricks + core[split:]


@dataclasses.dataclass
class TrainingConfig:
    """The options of one run, grouped: `data`, `model`, `compile`, `run` (dicts by name)."""

    data: dict
    model: dict
    compile: dict
    run: dict

    @classmethod
    def from_arguments(cls, **arguments):
        """The config of `kg.train(**arguments)`; a `ValueError` naming unknown options."""
        options = {option.name: option for option in training_options()}
        unknown = sorted(set(arguments) - set(options))
        if unknown:
            raise ValueError(
                f"Unknown training options {unknown}. Expected names from {sorted(options)}."
            )
        groups = {group: {} for group in GROUPS}
        for name, option in options.items():
            groups[option.group][name] = arguments.get(name, option.default)
        return cls(**groups)
