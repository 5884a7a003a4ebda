"""The run folder's `history.csv`: a row per epoch under one header that matches them all."""

import csv
import io
import math
import os

import keras

from keras_gans.runs import atomic_files


class HistoryCSV(keras.callbacks.Callback):
    """Writes each epoch's logs as a row of `filename`, under one header that matches every row.

    - When resuming, only the rows of the epochs before the one training
      restarts from are kept (those after the backup are trained and logged
      again), and a row left half-written by a killed process is dropped.
    - The columns are the logs' names (no `val_*` columns of NA without
      validation data). When an epoch logs a name the header lacks (a resume
      with other logs, validation every N epochs), the file is rewritten with
      the new column, NA in the rows that lack it: the header always matches.
    - The file is rewritten whole or not at all (`keras_gans.runs.atomic_files`)
      and rows are appended and synced one at a time.

    Args:
        filename: the CSV file.
        resuming: keep the rows of the epochs before the first one trained.
    """

    def __init__(self, filename, resuming):
        super().__init__()
        self.filename = os.fspath(filename)
        self.resuming = resuming
        self._columns = None
        self._rows = None

    def on_train_begin(self, logs=None):
        self._columns = self._rows = None
        self._written = False

    def on_epoch_begin(self, epoch, logs=None):
        if self._rows is None:  # the first epoch trained: its number is known now
            columns, rows = read_rows(self.filename) if self.resuming else ([], [])
            self._columns = columns
            self._rows = [row for row in rows if int(row["epoch"]) < epoch]

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": str(epoch), **{name: _format(v) for name, v in (logs or {}).items()}}
        self._rows.append(row)
        new = sorted(name for name in row if name != "epoch" and name not in self._columns)
        if new or not self._written:
            # This run's first row, or a new column: the whole file, under one header.
            self._columns = sorted([*self._columns, *new])
            atomic_files.write_text(self.filename, _to_csv(self._columns, self._rows))
            self._written = True
            return
        with open(self.filename, "a", newline="") as f:
            f.write(_to_csv(self._columns, [row], header=False))
            f.flush()
            os.fsync(f.fileno())


def _format(value):
    try:
        return repr(float(value))
    except (TypeError, ValueError):
        return str(value)


def _to_csv(columns, rows, header=True):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(["epoch", *columns])
    for row in rows:
        writer.writerow([row["epoch"], *(row.get(name, "NA") for name in columns)])
    return out.getvalue()


def read_rows(path):
    """`(columns, rows)` of a history CSV: its log names, and its complete rows as dicts.

    Rows that do not match the header (a line cut by a killed process) are
    dropped; of two rows for one epoch the last is kept.
    """
    if not os.path.exists(path):
        return [], []
    with open(path, newline="") as f:
        lines = list(csv.reader(f))
    if not lines or not lines[0] or lines[0][0] != "epoch":
        return [], []
    header, by_epoch = lines[0], {}
    for line in lines[1:]:
        if len(line) != len(header) or not line[0].isdigit():
            continue
        by_epoch[int(line[0])] = dict(zip(header, line, strict=True))
    return header[1:], [by_epoch[epoch] for epoch in sorted(by_epoch)]


def read_history(path):
    """The per-epoch logs of a history CSV as a dict of lists (`History.history` style)."""
    columns, rows = read_rows(path)
    # Logs an epoch lacks are NA (NaN here); a column of NA only is left out.
    return {
        name: [_number(row[name]) for row in rows]
        for name in columns
        if any(row[name] != "NA" for row in rows)
    }


def _number(text):
    try:
        return float(text)
    except ValueError:
        return math.nan
