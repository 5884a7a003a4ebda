"""The run folder's `history.csv`: one row per epoch, kept right across resumes."""

import csv
import os

import keras


class HistoryCSV(keras.callbacks.CSVLogger):
    """A `CSVLogger` that, when resuming, keeps only the rows of the epochs before the
    one training restarts from: those after the backup are trained and logged again.

    The columns are the logs of the first epoch (no `val_*` columns of NA
    without validation data).
    """

    def __init__(self, filename, resuming):
        super().__init__(filename, append=resuming)
        self._opened = False

    def on_train_begin(self, logs=None):
        self._opened = False  # opened at the first epoch, once its number is known

    def on_epoch_begin(self, epoch, logs=None):
        if self._opened:
            return
        if self.append:
            truncate_history(self.filename, epoch)
        super().on_train_begin()
        self._opened = True

    def on_epoch_end(self, epoch, logs=None):
        # The columns are what the first epoch logged: Keras' CSVLogger would add
        # a column of NA for a `val_*` twin of every log when there is none.
        if self.keys is None:
            self.keys = sorted(logs or {})
        super().on_epoch_end(epoch, logs)


def truncate_history(path, epochs):
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
    # CSVLogger writes "NA" for logs an epoch lacks.
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
