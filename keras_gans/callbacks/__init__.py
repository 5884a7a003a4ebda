"""Callbacks for watching, scoring and guarding GAN training."""

from keras_gans.callbacks.fid import FIDCallback, KIDCallback
from keras_gans.callbacks.image_grid import ImageGrid
from keras_gans.callbacks.multi_worker_backup_and_restore import MultiWorkerBackupAndRestore
from keras_gans.callbacks.terminate_on_non_finite_loss import TerminateOnNonFiniteLoss
from keras_gans.callbacks.training_monitor import TrainingMonitor, TrainingWarning

__all__ = [
    "FIDCallback",
    "ImageGrid",
    "KIDCallback",
    "MultiWorkerBackupAndRestore",
    "TerminateOnNonFiniteLoss",
    "TrainingMonitor",
    "TrainingWarning",
]
