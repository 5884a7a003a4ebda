"""`keras.callbacks.BackupAndRestore` for a job of several worker processes."""

import shutil
import tempfile

import keras
from keras.src.utils import file_utils

from keras_gans import distribute


class MultiWorkerBackupAndRestore(keras.callbacks.BackupAndRestore):
    """Backs up the training state where every worker of a job can restore it.

    Keras 3's `BackupAndRestore` has every process write the same files, so
    the workers of a `tf.distribute.MultiWorkerMirroredStrategy` job would
    overwrite each other's backup. Here the chief (`kg.distribute.is_chief`)
    writes to `backup_dir`; every other worker saves the same state (the same
    operations run on every worker) into a private temporary folder that it
    deletes at once. When the job starts again, **every** worker restores
    from `backup_dir`, so all resume from the same step with the same state.
    `backup_dir` must therefore be readable by every worker: a local folder
    for workers on one machine, a shared file system (NFS, GCS, ...) for
    several machines.

    Outside a multi-worker job it is `keras.callbacks.BackupAndRestore`.

    Args:
        backup_dir: the chief's backup folder, read by every worker.
        save_freq: `"epoch"` or a number of batches. Defaults to `"epoch"`.
        double_checkpoint: keep the previous backup too, to fall back on if
            the latest is damaged. Defaults to `False`.
        delete_checkpoint: delete the backup when training ends. Defaults to
            `True`.

    Example:

    ```python
    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG
    with strategy.scope():
        gan = kg.GAN(...)
        gan.compile()
    gan.fit(kg.distribute.shard_by_data(dataset), epochs=20,
            callbacks=[kg.callbacks.MultiWorkerBackupAndRestore("/shared/run/backup")])
    ```
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, **kwargs):
        super().__init__(backup_dir, save_freq, double_checkpoint, **kwargs)
        self.chief_backup_dir = self.backup_dir

    def _save_model(self):
        if distribute.is_chief(self.model.distribute_strategy):
            return super()._save_model()
        private = tempfile.mkdtemp(prefix="keras_gans_worker_backup_")
        try:
            self._use_directory(private)
            super()._save_model()
        finally:
            self._use_directory(self.chief_backup_dir)
            shutil.rmtree(private, ignore_errors=True)

    def on_train_end(self, logs=None):
        # Only the chief deletes the backup, once training has finished.
        if distribute.is_chief(self.model.distribute_strategy):
            super().on_train_end(logs)

    def _use_directory(self, directory):
        """Points the callback's files at `directory` (as Keras' constructor names them)."""
        self.backup_dir = directory
        self._weights_path = file_utils.join(directory, "latest.weights.h5")
        self._training_metadata_path = file_utils.join(directory, "training_metadata.json")
        self._prev_weights_path = f"{self._weights_path}.bkp"
        self._prev_training_metadata_path = f"{self._training_metadata_path}.bkp"
