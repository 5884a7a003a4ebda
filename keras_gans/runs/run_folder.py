"""A training run's folder: what `kg.train` writes, and how an interrupted run resumes."""

import json
import os
import shutil
import tempfile

import keras

from keras_gans.callbacks import MultiWorkerBackupAndRestore
from keras_gans.plots import plot_history
from keras_gans.runs.history import HistoryCSV, read_history

RESUME_FILE = "resume.json"


class RunFolder:
    """The files of one training run, and the callbacks that keep them.

    Layout: `grids/epoch_NNNN.png` and `grids/training.gif`, `history.csv`
    (one row per epoch), `model.keras`, `losses.png`; while training,
    `backup/` (the full training state, `keras.callbacks.BackupAndRestore`)
    and `resume.json` (`{"epoch": epochs done}`, rewritten after each epoch's
    backup). Running the same training again after an interruption resumes
    from the backup and logs every epoch once; both are removed when training
    finishes.

    In a multi-worker job only the chief writes `directory`; the other
    workers write to a temporary folder they delete, and every worker
    resumes from `directory/backup/`, which must be on a file system they all
    read.

    Args:
        directory: the run folder.
        chief: whether this process writes `directory`. Defaults to `True`.
    """

    def __init__(self, directory, chief=True):
        self.backup = os.path.join(os.fspath(directory), "backup")  # every worker resumes from it
        self.chief = chief
        self.directory = (
            os.fspath(directory) if chief else tempfile.mkdtemp(prefix="keras_gans_worker_")
        )

    def path(self, name):
        """The path of a file of the run, e.g. `path("model.keras")`."""
        return os.path.join(self.directory, name)

    def open(self, fresh=False):
        """Prepares the folder; returns whether an interrupted run resumes from its backup.

        `fresh=True` discards the backup of an interrupted run first.
        """
        if fresh and self.chief:
            shutil.rmtree(self.backup, ignore_errors=True)
        os.makedirs(self.directory, exist_ok=True)
        # Keras resumes whenever the backup exists (it deletes it after a finished run).
        return os.path.isdir(self.backup)

    def callbacks(self, resuming, verbose, backup_every_n_steps=None):
        """The callbacks that keep the folder: history, backup, resume metadata.

        The epoch's grid and log row are written before its backup (callbacks
        listed before these), so a run killed in between redoes (and re-logs)
        that epoch instead of losing it.
        """
        return [
            HistoryCSV(self.path("history.csv"), resuming),
            MultiWorkerBackupAndRestore(
                self.backup, save_freq=backup_every_n_steps or "epoch", double_checkpoint=True
            ),
            ResumeMetadata(self.path(RESUME_FILE), self.backup, resuming, verbose),
        ]

    def finish(self, model, title):
        """Saves `model.keras` and `losses.png`; returns the history of every epoch."""
        model.save(self.path("model.keras"))
        history = read_history(self.path("history.csv"))
        plot_history(history, self.path("losses.png"), title=title)
        if not self.chief:
            shutil.rmtree(self.directory, ignore_errors=True)
        return history


class ResumeMetadata(keras.callbacks.Callback):
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
