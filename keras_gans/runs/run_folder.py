"""A training run's folder, kept as a transaction: what `kg.train` writes, and how it resumes."""

import collections
import contextlib
import os
import shutil
import tempfile

import keras
import numpy as np

from keras_gans.callbacks import MultiWorkerBackupAndRestore
from keras_gans.callbacks.multi_worker_backup_and_restore import (
    latest_backup,
    seed_states,
    set_seed_states,
)
from keras_gans.plots import plot_history
from keras_gans.runs import atomic_files
from keras_gans.runs.history import HistoryCSV, read_history
from keras_gans.runs.run_lock import RunLock
from keras_gans.runs.run_record import RESUME_FILE, RunRecord, differences

Start = collections.namedtuple("Start", ["resuming", "epoch", "steps_in_epoch", "source"])
Start.__doc__ = """Where a run starts: whether it resumes, the epoch, the steps done in it, and
what it resumes from (the backup folder or model.keras)."""


class RunFolder:
    """The files of one training run, kept so that no run is ever lost or mixed with another.

    Layout: `grids/epoch_NNNN.png` and `grids/training.gif`, `history.csv`
    (one row per epoch, one header), `model.keras`, `losses.png`,
    `resume.json` (what the run is and how far it got); while training,
    `backup/` (the full training state, `kg.callbacks.MultiWorkerBackupAndRestore`)
    and `run.lock`.

    - Every file is written beside its target and renamed into place
      (`keras_gans.runs.atomic_files`): a process killed at any moment leaves
      the previous version or the new one. The backup is removed only once
      `model.keras` is written.
    - `run.lock` refuses a second process on the folder (`RunLock`).
    - `resume.json` records the run (`describe_run`): resuming it with other
      options is refused with one line that says what differs.
    - An interrupted run resumes from its backup where it stopped, mid-epoch
      included, and ends with the model an uninterrupted run would have
      (`position` replays the data order). A finished run is continued by
      more epochs, and otherwise refused rather than restarted.

    In a multi-worker job only the chief writes `directory`; the other
    workers write to a temporary folder they delete, and every worker
    resumes from `directory/backup/`, which must be on a file system they all
    read.

    Args:
        directory: the run folder.
        chief: whether this process writes `directory`. Defaults to `True`.
    """

    def __init__(self, directory, chief=True):
        self.run_directory = os.fspath(directory)  # read by every worker
        self.backup = os.path.join(self.run_directory, "backup")
        self.chief = chief
        self.directory = (
            self.run_directory if chief else tempfile.mkdtemp(prefix="keras_gans_worker_")
        )
        self.record = RunRecord(os.path.join(self.run_directory, RESUME_FILE))
        self.start = Start(False, 0, 0, None)

    def path(self, name):
        """The path of a file of the run, e.g. `path("model.keras")`."""
        return os.path.join(self.directory, name)

    def lock(self):
        """A context that holds `run.lock` (the chief's only) while the run trains."""
        return RunLock(self.directory) if self.chief else contextlib.nullcontext()

    def seed(self, given=None, fresh=False):
        """The run's seed: `given`, else the one recorded by the run being resumed, else new."""
        if given is not None:
            return given
        record = {} if fresh else self.record.read()
        recorded = record.get("run", {}).get("seed")
        if recorded is not None and self._has_progress(record, latest_backup(self.backup)):
            return recorded
        return int(np.random.default_rng().integers(2**31))

    @staticmethod
    def _has_progress(record, backup):
        """Whether the folder holds training worth keeping: a backup or a saved model."""
        return backup is not None or record.get("saved_epochs") is not None

    def open(self, model, run, epochs, fresh=False):
        """Prepares the folder for `model` to train `epochs` epochs; returns the `Start`.

        Raises a `ValueError` (before any work) when the folder holds a run of
        other options, a finished run that `epochs` would not continue, or a
        `model.keras` of an unrecorded run.

        Args:
            model: the built, compiled model; restored here when a finished
                run is continued.
            run: what the run is (`describe_run`).
            epochs: the epochs the run should have in all.
            fresh: discard the folder's run (its backup and record) first.
        """
        if fresh and self.chief:
            shutil.rmtree(self.backup, ignore_errors=True)
            self.record.remove()
        if self.chief:
            atomic_files.remove_partial_files(self.directory)
        record = {} if fresh else self.record.read()
        backup = None if fresh else latest_backup(self.backup)
        self._check_same_run(record, run, backup, fresh)
        saved = record.get("saved_epochs")
        if backup is not None and (backup.epoch, backup.steps_in_epoch) > (saved or 0, 0):
            if epochs < backup.epoch:
                raise ValueError(
                    f"The interrupted run in {self.run_directory} has already trained "
                    f"{backup.epoch} epochs. Received: epochs={epochs}. Resume it with "
                    f"at least {backup.epoch} epochs, or pass --fresh (fresh=True) to start over."
                )
            self.start = Start(True, backup.epoch, backup.steps_in_epoch, self.backup)
        elif saved is not None:
            self.start = self._continue_finished(model, record, epochs)
        if self.chief:
            self.record.write(run=run, epochs_done=self.start.epoch)
        return self.start

    def _check_same_run(self, record, run, backup, fresh):
        model_file = os.path.join(self.run_directory, "model.keras")
        if "run" not in record:
            if backup is None and os.path.exists(model_file) and not fresh:
                raise ValueError(
                    f"{self.run_directory} already holds a model.keras, of a run that "
                    f"recorded nothing to continue it (no {RESUME_FILE}). Received: "
                    f"directory={self.run_directory!r}. Train into another folder, or pass "
                    "--fresh (fresh=True) to replace it."
                )
            return  # a new run, or the backup of an earlier version's run: resumed as it is
        if not self._has_progress(record, backup):
            return  # nothing trained yet that another run could be mixed with
        changed = differences(record["run"], run)
        if changed:
            raise ValueError(
                f"The run in {self.run_directory} was trained with other options, and "
                f"resuming it would mix two runs. Received: {'; '.join(changed)} (recorded "
                "-> now). Use the recorded options to resume it, or pass --fresh "
                "(fresh=True) to start over, discarding its progress."
            )

    def _continue_finished(self, model, record, epochs):
        saved = record["saved_epochs"]
        if epochs <= saved:
            raise ValueError(
                f"The run in {self.run_directory} has finished its {saved} epochs "
                f"(model.keras). Received: epochs={epochs}. To train it further, ask for more "
                f"epochs in all (--epochs {saved + 5}, or epochs={saved + 5}); to start over, "
                "pass --fresh (fresh=True)."
            )
        path = os.path.join(self.run_directory, "model.keras")
        model.load_weights(path)
        set_seed_states(model, record.get("seed_states") or [])  # not in model.keras
        if self.chief:
            shutil.rmtree(self.backup, ignore_errors=True)  # left by a kill before its removal
        return Start(True, saved, 0, path)

    def position(self, data, steps_per_epoch=None):
        """`(data, steps_per_epoch)` for `fit` to resume at `start` with the batches it would have.

        The data repeats, and each epoch is `steps_per_epoch` batches (one
        pass over `data` when None), so that `fit` reads one stream of passes:
        a seeded dataset that reshuffles every pass draws each pass's order
        from its seed in turn, and `fit`, starting an iterator per epoch,
        would draw some orders for nothing. To resume, the passes the run has
        done are started (not read), so that the next pass gets the order an
        uninterrupted run gives it, and the stream starts at the batch the run
        stopped at; the backup callback then reads and skips the steps done in
        the resumed epoch. A dataset of unknown size without `steps_per_epoch`
        is left as it is (one pass per epoch; its resumed order may differ).
        """
        batches = int(data.cardinality())
        steps_per_epoch = steps_per_epoch or (batches if batches > 0 else None)
        if steps_per_epoch is None:
            for _ in range(self.start.epoch):
                iter(data)
            return data, None
        done = self.start.epoch * steps_per_epoch
        if batches > 0:
            for _ in range(done // batches):
                iter(data)  # draws that pass's order
            done %= batches
        stream = data.repeat()
        return (stream.skip(done) if done else stream), steps_per_epoch

    def callbacks(self, verbose, backup_every_n_steps=None):
        """The callbacks that keep the folder: history, backup, progress in `resume.json`.

        The epoch's grid and log row are written before its backup (callbacks
        listed before these), so a run killed in between redoes (and re-logs)
        that epoch instead of losing it.
        """
        return [
            HistoryCSV(self.path("history.csv"), self.start.resuming),
            MultiWorkerBackupAndRestore(
                self.backup,
                save_freq=backup_every_n_steps or "epoch",
                double_checkpoint=True,
                delete_checkpoint=False,  # removed by `finish`, once model.keras is written
            ),
            ResumeMetadata(self.record if self.chief else None, self.start, verbose),
        ]

    def finish(self, model, title):
        """Writes `model.keras` and `losses.png`, marks the run finished, removes the backup.

        Returns the history of every epoch.
        """
        atomic_files.write_with(self.path("model.keras"), model.save, suffix=".keras")
        history = read_history(self.path("history.csv"))
        atomic_files.write_with(
            self.path("losses.png"),
            lambda path: plot_history(history, path, title=title),
            suffix=".png",
        )
        if self.chief:
            # model.keras holds the epochs done; then the backup can go.
            self.record.write(
                saved_epochs=self.record.read()["epochs_done"], seed_states=seed_states(model)
            )
            shutil.rmtree(self.backup, ignore_errors=True)
        else:
            shutil.rmtree(self.directory, ignore_errors=True)
        return history


class ResumeMetadata(keras.callbacks.Callback):
    """Keeps the progress in `resume.json` (`epochs_done`, after each epoch's backup) and
    says when a run resumes."""

    def __init__(self, record, start, verbose):
        super().__init__()
        self.record = record
        self.start = start
        self.verbose = verbose
        self._announce = start.resuming

    def on_epoch_begin(self, epoch, logs=None):
        if self._announce and self.verbose:
            steps = self.start.steps_in_epoch
            after = f" after its step {steps}" if steps else ""
            what = "finished" if self.start.source.endswith(".keras") else "interrupted"
            print(
                f"Resuming the {what} run from {self.start.source} at epoch {epoch + 1}"
                f"{after} (fresh=True or --fresh starts over)",
                flush=True,
            )
        self._announce = False

    def on_epoch_end(self, epoch, logs=None):
        if self.record is not None:
            self.record.write(epochs_done=epoch + 1)
