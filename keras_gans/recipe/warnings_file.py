"""The run folder's `warnings.txt`: a `TrainingMonitor`'s warnings, one line each."""

import os

import keras

WARNINGS_FILE = "warnings.txt"


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
