"""The training recipe behind `keras-gans train`, as a library function: `kg.train(...)`."""

import collections
import csv
import json
import os
import shutil
import sys
import tempfile

import keras

from keras_gans import distribute, mixed_precision
from keras_gans.callbacks import ImageGrid, MultiWorkerBackupAndRestore
from keras_gans.data import load
from keras_gans.plots import plot_history
from keras_gans.presets import build_model, get_preset

RESUME_FILE = "resume.json"

TrainingRun = collections.namedtuple("TrainingRun", ["model", "history"])
TrainingRun.__doc__ = """What `train` returns: the trained `model` and its per-epoch `history`
(a dict of lists, every epoch of the run, including those before a resume)."""


def train(
    model="dcgan",
    dataset="fashion_mnist",
    epochs=5,
    out="runs/default",
    batch_size=None,
    latent_dim=128,
    num_classes=None,
    loss="auto",
    label_smoothing=0.0,
    ema_decay=None,
    r1_penalty=0.0,
    augment=None,
    spectral_norm=None,
    steps_per_epoch=None,
    seed=0,
    grid_every=1,
    backup_every=None,
    fresh=False,
    callbacks=None,
    verbose="auto",
    strategy=None,
    tensorboard=None,
    precision="float32",
):
    """Trains a preset GAN with `model.fit` into a run folder, resuming it if interrupted.

    Writes `out/grids/epoch_NNNN.png` and `out/grids/training.gif`, `out/history.csv`
    (one row per epoch), `out/model.keras` and `out/losses.png`. While training,
    `out/backup/` holds the full training state (`keras.callbacks.BackupAndRestore`:
    both networks, both optimizers, the noise state, the epoch) and `out/resume.json`
    the number of epochs done, `{"epoch": N}`, rewritten after each epoch's backup.
    Calling `train` again with the same `out` after an interruption resumes from the
    backup and logs every epoch once. Both are removed when training finishes.

    Args:
        model: preset name, one of `keras_gans.presets.PRESETS`: `"dcgan"`, `"mlp"`,
            `"cgan"`, `"wgan"`, `"wgan_gp"`, `"sngan"`. Defaults to `"dcgan"`.
        dataset: anything `kg.data.load` reads: `"fashion_mnist"` (offline),
            `"mnist"`, `"cifar10"`, a tfds name, a `.npz` file or a folder of images.
            Defaults to `"fashion_mnist"`.
        epochs: total number of epochs, those of an interrupted run included.
            Defaults to `5`.
        out: the run folder. Defaults to `"runs/default"`.
        batch_size: images per batch. Defaults to the preset's (`Preset.batch_size`).
        latent_dim: size of the latent vectors. Defaults to `128`.
        num_classes: number of classes of a conditional preset. Defaults to the
            largest label in the dataset plus one.
        loss: adversarial loss name for `compile`. Defaults to `"auto"`, the preset's
            (hinge for `"sngan"`) or the model class's own.
        label_smoothing: one-sided label smoothing of the real target. Defaults to `0.0`.
        ema_decay: decay of the generator's moving average, which then samples
            (grids, `model.keras`'s `generate`, exports; see `GAN`). Defaults to
            `None` (none).
        r1_penalty: gamma of the R1 penalty on D (`GAN.compile`). Defaults to `0.0`.
        augment: augmentation of every D input (`GAN.compile`): a DiffAugment
            policy such as `"translation,cutout,color"`, `"ada"` or a
            `kg.augment` object. Defaults to `None` (none).
        spectral_norm: bool or None: spectral normalisation of D's layers
            (DCGAN discriminators). Defaults to `None`, the preset's choice.
        steps_per_epoch: batches per epoch. Defaults to `None`, the whole dataset.
        seed: seed of the weights, the noise and the shuffling. Defaults to `0`.
        grid_every: write an image grid every this many epochs. Defaults to `1`.
        backup_every: also back up the training state every this many steps.
            Defaults to `None`, at the end of every epoch only.
        fresh: discard the backup of an interrupted run in `out` and start over.
            Defaults to `False`.
        callbacks: more `keras.callbacks.Callback`s for `fit`. Defaults to `None`.
        verbose: `fit` verbosity, `0`, `1` or `2`; messages are printed unless `0`.
            Defaults to `"auto"`: `1` on a terminal, else `2`.
        strategy: `None` (one device), `"mirrored"` (every GPU of this machine),
            `"multi_worker"` (one process per machine, from `TF_CONFIG`; see
            `keras_gans.distribute`) or a `tf.distribute.Strategy`. `batch_size`
            is the global batch, split across the replicas. In a multi-worker
            job only the chief writes `out`; the other workers write to a
            temporary folder they delete, and every worker resumes from
            `out/backup/`, which must be on a file system they all read.
            Defaults to `None`.
        tensorboard: a folder for TensorBoard logs, or `None`: the losses of every
            epoch (`keras.callbacks.TensorBoard`) and, in its `train` run, the
            image grids. Needs `pip install keras-gans[tensorboard]`.
            Defaults to `None`.
        precision: the networks' dtype policy: `"float32"`, `"mixed_float16"`
            (GPUs; both optimizers loss-scaled) or `"mixed_bfloat16"` (CPUs with
            bfloat16 instructions and TPUs; measured 1.17x float32 here, see
            benchmarks/throughput.py). The global policy is left as it was.
            Defaults to `"float32"`.

    Returns:
        A `TrainingRun(model, history)`.

    Example:

    ```python
    model, history = kg.train("dcgan", "fashion_mnist", epochs=5, out="runs/fashion")
    images = model.generate(16, seed=0)
    ```
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"`epochs` must be a positive integer. Received: epochs={epochs!r}")
    if verbose not in ("auto", 0, 1, 2):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    if verbose == "auto":
        verbose = 1 if sys.stdout.isatty() else 2
    preset = get_preset(model)
    mixed_precision.check_policy(precision)
    if strategy is None or isinstance(strategy, str):
        # First of all: a multi-worker strategy must exist before any TF operation.
        strategy = distribute.get_strategy(strategy)
    keras.utils.set_random_seed(seed)
    data = load(
        dataset,
        batch_size=batch_size or preset.batch_size,
        with_labels=preset.conditional,
        seed=seed,
    )
    images_spec = data.element_spec[0] if preset.conditional else data.element_spec
    if preset.conditional and num_classes is None:
        num_classes = _count_classes(data)
    if distribute.is_multi_worker(strategy):
        data = distribute.shard_by_data(data)
    with strategy.scope(), mixed_precision.global_policy(precision):
        gan = build_model(
            model,
            images_spec.shape[1:],
            latent_dim=latent_dim,
            num_classes=num_classes,
            seed=seed,
            ema_decay=ema_decay,
            spectral_norm=spectral_norm,
        )
        compile_kwargs = dict(preset.compile_kwargs)
        if loss != "auto" or "loss" not in compile_kwargs:
            compile_kwargs["loss"] = loss
        gan.compile(
            **compile_kwargs,
            label_smoothing=label_smoothing,
            r1_penalty=r1_penalty,
            augment=augment,
        )

    backup_dir = os.path.join(os.fspath(out), "backup")  # every worker resumes from it
    if fresh and distribute.is_chief(strategy):
        shutil.rmtree(backup_dir, ignore_errors=True)
    # Keras resumes whenever the backup exists (it deletes it after a finished run).
    resuming = os.path.isdir(backup_dir)
    # The other workers of a multi-worker job write their copies out of the way.
    chief = distribute.is_chief(strategy)
    out = os.fspath(out) if chief else tempfile.mkdtemp(prefix="keras_gans_worker_")
    history_path = os.path.join(out, "history.csv")
    os.makedirs(out, exist_ok=True)
    logged = []
    if tensorboard is not None:
        log_dir = os.fspath(tensorboard) if chief else os.path.join(out, "logs")
        logged = [keras.callbacks.TensorBoard(log_dir)]
    gan.fit(
        data,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        # The epoch's grid and log row are written before its backup, so a run
        # killed in between redoes (and re-logs) that epoch instead of losing it.
        callbacks=[
            *logged,
            ImageGrid(
                os.path.join(out, "grids"),
                every_n_epochs=grid_every,
                log_dir=os.path.join(logged[0].log_dir, "train") if logged else None,
            ),
            _HistoryCSV(history_path, resuming),
            MultiWorkerBackupAndRestore(
                backup_dir, save_freq=backup_every or "epoch", double_checkpoint=True
            ),
            _ResumeMetadata(os.path.join(out, RESUME_FILE), backup_dir, resuming, verbose),
            *(callbacks or []),
        ],
        verbose=verbose,
    )
    model_path = os.path.join(out, "model.keras")
    gan.save(model_path)
    history = read_history(history_path)
    plot_history(history, os.path.join(out, "losses.png"), title=f"{model} on {dataset}")
    if not chief:
        shutil.rmtree(out, ignore_errors=True)
    elif verbose:
        print(
            f"Saved {model_path}, grids in {os.path.join(out, 'grids')}, "
            f"loss curves in {os.path.join(out, 'losses.png')}"
        )
    return TrainingRun(gan, history)


class _HistoryCSV(keras.callbacks.CSVLogger):
    """A `CSVLogger` that, when resuming, keeps only the rows of the epochs before the
    one training restarts from: those after the backup are trained and logged again."""

    def __init__(self, filename, resuming):
        super().__init__(filename, append=resuming)
        self._opened = False

    def on_train_begin(self, logs=None):
        self._opened = False  # opened at the first epoch, once its number is known

    def on_epoch_begin(self, epoch, logs=None):
        if self._opened:
            return
        if self.append:
            _truncate_history(self.filename, epoch)
        super().on_train_begin()
        self._opened = True


class _ResumeMetadata(keras.callbacks.Callback):
    """Keeps `path` = `{"epoch": epochs done}` beside the backup: written after each
    epoch's backup, removed once training has finished (and the backup is deleted)."""

    def __init__(self, path, backup_dir, resuming, verbose):
        super().__init__()
        self.path = path
        self.backup_dir = backup_dir
        self.resuming = resuming
        self.verbose = verbose

    def on_train_begin(self, logs=None):
        if not self.resuming and os.path.exists(self.path):
            os.remove(self.path)  # left by a run killed as it finished

    def on_epoch_begin(self, epoch, logs=None):
        if self.resuming and self.verbose:
            print(
                f"Resuming the interrupted run from {self.backup_dir} at epoch {epoch + 1} "
                "(fresh=True or --fresh starts over)",
                flush=True,
            )
        self.resuming = False

    def on_epoch_end(self, epoch, logs=None):
        partial = self.path + ".partial"
        with open(partial, "w") as f:
            json.dump({"epoch": epoch + 1}, f)
        os.replace(partial, self.path)  # readers never see half a file

    def on_train_end(self, logs=None):
        if os.path.exists(self.path):
            os.remove(self.path)


def _truncate_history(path, epochs):
    """Keeps the header and the rows of the first `epochs` epochs of a history CSV."""
    if not os.path.exists(path):
        return
    with open(path) as f:
        lines = f.read().splitlines()
    kept = lines[:1] + [line for line in lines[1:] if int(line.split(",")[0]) < epochs]
    with open(path, "w") as f:
        f.write("\n".join(kept) + "\n")


def read_history(path):
    """The per-epoch logs of a history CSV as a dict of lists (`History.history` style)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    # CSVLogger writes "NA" for logs an epoch lacks (e.g. val_* without validation data).
    names = [
        name
        for name in (rows[0] if rows else {})
        if name != "epoch" and any(row[name] != "NA" for row in rows)
    ]
    # A resumed run may log names the first part did not (or the reverse): NaN there.
    return {
        name: [float("nan") if row[name] in ("NA", None) else float(row[name]) for row in rows]
        for name in names
    }


def _count_classes(dataset):
    """Largest label in a labelled dataset, plus one (one pass over the labels)."""
    import tensorflow as tf

    largest = dataset.map(lambda images, labels: tf.reduce_max(labels)).reduce(
        tf.constant(-1, tf.int32), tf.maximum
    )
    return int(largest) + 1
