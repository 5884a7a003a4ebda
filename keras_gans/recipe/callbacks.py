"""The callbacks of a `kg.train` run, besides those that keep the run folder."""

import os

import keras

from keras_gans.callbacks import ImageGrid, TrainingMonitor

WARNINGS_FILE = "warnings.txt"


def run_callbacks(config, folder):
    """TensorBoard (if asked for), the image grids and the monitor, in the order they must run.

    The grid of an epoch is written before the run folder's callbacks back the
    epoch up (`RunFolder.callbacks`), so a run killed in between redoes that
    epoch instead of losing its grid. The `TrainingMonitor` (option `monitor`)
    adds `failures` to the epoch's logs before the history records them; its
    warnings are also written to `warnings.txt` in the run folder.
    """
    run = config.run
    logged = []
    if run["tensorboard"] is not None:
        log_dir = run["tensorboard"] if folder.chief else folder.path("logs")
        logged = [keras.callbacks.TensorBoard(log_dir)]
    grid = ImageGrid(
        folder.path("grids"),
        every_n_epochs=run["grid_every_n_epochs"],
        log_dir=f"{logged[0].log_dir}/train" if logged else None,
    )
    watched = []
    if run["monitor"]:
        watched = [TrainingMonitor()]
        if folder.chief:
            watched.append(WarningsFile(watched[0], folder.path(WARNINGS_FILE)))
    return [*logged, grid, *watched]


class WarningsFile(keras.callbacks.Callback):
    """Appends each warning of a `TrainingMonitor` to a text file, one line each, as it comes.

    The file is started anew when training starts at epoch 0, and kept when a
    run resumes at a later epoch.

    Args:
        monitor: the `kg.callbacks.TrainingMonitor` whose `warnings` are written.
        path: the text file.
    """

    def __init__(self, monitor, path):
        super().__init__()
        self.monitor = monitor
        self.path = path
        self._written = 0
        self._started = False

    def on_epoch_begin(self, epoch, logs=None):
        if not self._started:
            self._started = True
            self._written = len(self.monitor.warnings)
            if epoch == 0 and os.path.exists(self.path):
                os.remove(self.path)

    def on_epoch_end(self, epoch, logs=None):
        new = self.monitor.warnings[self._written :]
        if new:
            with open(self.path, "a", encoding="utf-8") as file:
                file.writelines(f"{failure.message}\n" for failure in new)
            self._written = len(self.monitor.warnings)
