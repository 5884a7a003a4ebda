"""The training recipe behind `keras-gans train`, as a library function: `kg.train(...)`."""

import collections
import inspect
import sys

import keras
import numpy as np

from keras_gans import distribute, mixed_precision
from keras_gans.callbacks import ImageGrid
from keras_gans.data import load
from keras_gans.presets import build_model, get_preset
from keras_gans.runs import RunFolder
from keras_gans.training_options import TrainingConfig, training_options

TrainingRun = collections.namedtuple("TrainingRun", ["model", "history"])
TrainingRun.__doc__ = """What `train` returns: the trained `model` and its per-epoch `history`
(a dict of lists, every epoch of the run, including those before a resume)."""


def train(preset="dcgan", dataset="fashion_mnist", **options):
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
    data_options, run = config.data, config.run
    _check_run(run)
    verbose = run["verbose"]
    if verbose == "auto":
        verbose = 1 if sys.stdout.isatty() else 2
    recipe = get_preset(config.model["preset"])
    precision = mixed_precision.check_policy(run["precision"])
    strategy = run["strategy"]
    if strategy is None or isinstance(strategy, str):
        # First of all: a multi-worker strategy must exist before any TF operation.
        strategy = distribute.get_strategy(strategy)
    seed = run["seed"] if run["seed"] is not None else int(np.random.default_rng().integers(2**31))
    keras.utils.set_random_seed(seed)
    data = load(
        data_options["dataset"],
        batch_size=data_options["batch_size"] or recipe.batch_size,
        with_labels=recipe.conditional,
        seed=seed,
        image_size=data_options["image_size"],
    )
    images_spec = data.element_spec[0] if recipe.conditional else data.element_spec
    model_options = dict(config.model)
    if recipe.conditional and model_options["num_classes"] is None:
        model_options["num_classes"] = _count_classes(data)
    if distribute.is_multi_worker(strategy):
        data = distribute.shard_by_data(data)
    with strategy.scope(), mixed_precision.global_policy(precision):
        model = build_model(image_shape=images_spec.shape[1:], seed=seed, **model_options)
        model.compile(**_compile_arguments(recipe, config.compile))

    folder = RunFolder(run["directory"], chief=distribute.is_chief(strategy))
    resuming = folder.open(fresh=run["fresh"])
    logged = []
    if run["tensorboard"] is not None:
        log_dir = run["tensorboard"] if folder.chief else folder.path("logs")
        logged = [keras.callbacks.TensorBoard(log_dir)]
    grid = ImageGrid(
        folder.path("grids"),
        every_n_epochs=run["grid_every_n_epochs"],
        log_dir=f"{logged[0].log_dir}/train" if logged else None,
    )
    model.fit(
        data,
        epochs=run["epochs"],
        steps_per_epoch=data_options["steps_per_epoch"],
        callbacks=[
            *logged,
            grid,
            *folder.callbacks(resuming, verbose, run["backup_every_n_steps"]),
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
    epochs = run["epochs"]
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"`epochs` must be a positive integer. Received: epochs={epochs!r}")
    if run["verbose"] not in ("auto", 0, 1, 2):
        raise ValueError(
            f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={run['verbose']!r}"
        )


def _compile_arguments(recipe, options):
    """The preset's compile arguments, with the run's options where they are set."""
    arguments = dict(recipe.compile_kwargs)
    for name, value in options.items():
        default = next(o.default for o in training_options() if o.name == name)
        if name not in arguments or (value != default and value != "auto"):
            arguments[name] = value
    if arguments.get("loss") == "auto":
        arguments.pop("loss")
    return arguments


def _count_classes(dataset):
    """Largest label in a labelled dataset, plus one (one pass over the labels)."""
    import tensorflow as tf

    largest = dataset.map(lambda images, labels: tf.reduce_max(labels)).reduce(
        tf.constant(-1, tf.int32), tf.maximum
    )
    return int(largest) + 1


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
