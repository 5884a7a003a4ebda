"""The training recipe behind `keras-gans train`, as a library function: `kg.train(...)`."""

import collections
import inspect
import sys

import keras

from keras_gans import distribute, mixed_precision
from keras_gans.presets import get_preset
from keras_gans.recipe.callbacks import run_callbacks
from keras_gans.recipe.data import training_data
from keras_gans.recipe.model import build_and_compile
from keras_gans.recipe.preset_choice import resolve_preset
from keras_gans.runs import RunFolder, describe_run
from keras_gans.training_options import TrainingConfig, training_options

TrainingRun = collections.namedtuple("TrainingRun", ["model", "history"])
TrainingRun.__doc__ = """What `train` returns: the trained `model` and its per-epoch `history`
(a dict of lists, every epoch of the run, including those before a resume)."""


def train(preset=None, dataset="fashion_mnist", **options):
    """Trains a preset GAN with `model.fit` into a run folder, resuming it if interrupted.

    The whole recipe: load the data, build and compile the preset's model,
    fit it with image grids, a history and backups, save `model.keras`. The
    run folder (`directory`) holds `grids/epoch_NNNN.png` and
    `grids/training.gif`, `history.csv`, `model.keras` and `losses.png`; while
    training, `backup/` and `resume.json` (see `keras_gans.runs.RunFolder`).
    Calling `train` again with the same `directory` after an interruption
    resumes from the backup and logs every epoch once.

    Every option (below) is also a flag of `keras-gans train` (`--name-with-dashes`;
    `directory` is `--out`), from the one table `keras_gans.training_options`.

    Returns:
        A `TrainingRun(model, history)`.

    Example:

    ```python
    model, history = kg.train("dcgan", "fashion_mnist", epochs=5, directory="runs/fashion")
    images = model.generate(16, seed=0)
    ```
    """
    config = TrainingConfig.from_arguments(preset=preset, dataset=dataset, **options)
    run = config.run
    verbose = _check_run(run)
    strategy = run["strategy"]
    if strategy is None or isinstance(strategy, str):
        # First of all: a multi-worker strategy must exist before any TF operation
        # (choosing the preset may load a dataset to read its images' size).
        strategy = distribute.get_strategy(strategy)
    config.model["preset"] = resolve_preset(config, verbose)
    recipe = get_preset(config.model["preset"])
    mixed_precision.check_policy(run["precision"])
    folder = RunFolder(run["directory"], chief=distribute.is_chief(strategy))
    with folder.lock():  # one process per run folder
        seed = folder.seed(run["seed"], fresh=run["fresh"])  # a resumed run keeps its own
        keras.utils.set_random_seed(seed)
        data = training_data(config, recipe, seed, strategy)
        model = build_and_compile(config, recipe, data, seed, strategy, verbose)
        run_record = describe_run(config, recipe, model, seed)
        start = folder.open(model, run_record, run["epochs"], fresh=run["fresh"])
        data, steps_per_epoch = folder.position(data, config.data["steps_per_epoch"])
        model.fit(
            data,
            epochs=run["epochs"],
            initial_epoch=start.epoch,
            steps_per_epoch=steps_per_epoch,
            callbacks=[
                *run_callbacks(config, folder),
                *folder.callbacks(verbose, run["backup_every_n_steps"]),
                *(run["callbacks"] or []),
            ],
            verbose=verbose,
        )
        history = folder.finish(model, title=f"{config.model['preset']} on {dataset}")
    if folder.chief and verbose:
        print(
            f"Saved {folder.path('model.keras')}, grids in {folder.path('grids')}, "
            f"loss curves in {folder.path('losses.png')}"
        )
    return TrainingRun(model, history)


def _check_run(run):
    """Checks the run's options; returns fit's verbosity."""
    epochs = run["epochs"]
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"`epochs` must be a positive integer. Received: epochs={epochs!r}")
    if run["verbose"] not in ("auto", 0, 1, 2):
        raise ValueError(
            f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={run['verbose']!r}"
        )
    if run["verbose"] == "auto":
        return 1 if sys.stdout.isatty() else 2
    return run["verbose"]


def _signature_and_doc():
    """`train`'s signature and its `Args:` section, from the table of training options."""
    parameters, lines = [], []
    for option in training_options():
        kind = (
            inspect.Parameter.POSITIONAL_OR_KEYWORD
            if option.name in ("preset", "dataset")
            else inspect.Parameter.KEYWORD_ONLY
        )
        parameters.append(inspect.Parameter(option.name, kind, default=option.default))
        lines.append(f"        {option.name}: {option.help}. Defaults to `{option.default!r}`.")
    first = [p for name in ("preset", "dataset") for p in parameters if p.name == name]
    rest = [p for p in parameters if p.name not in ("preset", "dataset")]
    return inspect.Signature(first + rest), "\n".join(lines)


train.__signature__, _args = _signature_and_doc()
train.__doc__ = train.__doc__.replace("    Returns:", "    Args:\n" + _args + "\n\n    Returns:", 1)
