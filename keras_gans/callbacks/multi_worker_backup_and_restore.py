"""`keras.callbacks.BackupAndRestore`, crash-safe, exact mid-epoch, for several worker processes."""

import collections
import glob
import json
import os
import shutil
import tempfile
import warnings

import keras

from keras_gans import distribute

WEIGHTS = "latest.weights.h5"
METADATA = "training_metadata.json"
PREVIOUS = ".bkp"  # Keras' suffix of the previous backup (`double_checkpoint=True`)

Backup = collections.namedtuple(
    "Backup", ["weights", "epoch", "steps_in_epoch", "trackers", "seed_states"]
)
Backup.__doc__ = """One complete backup: its weights file, where training resumes (`epoch`,
and `steps_in_epoch` steps already done in it), the epoch's running means, and the layers'
random states (which Keras' weights files leave out)."""


class MultiWorkerBackupAndRestore(keras.callbacks.BackupAndRestore):
    """Backs up the training state so that an interrupted `fit` resumes exactly.

    Keras' `BackupAndRestore` with three changes:

    - **Crash-safe files.** Each backup (the weights file and its metadata)
      is written beside the previous one, synced and renamed into place, and
      the metadata records the weights file's SHA-256. A process killed at
      any moment leaves a complete backup: on restore, the newest backup
      whose files are whole and match is used, falling back to the previous
      one (`double_checkpoint=True`, Keras' `.bkp` files) or to the files a
      killed save left complete. A truncated or empty file is skipped, never
      a `JSONDecodeError`; when no backup is complete, a clear `OSError`.
    - **Exact mid-epoch resumes.** A backup taken every N steps (`save_freq`
      an int) records the steps done in the epoch and the epoch's running
      means. Resuming reads and discards the batches of those steps (the
      dataset must give the same batches again, as an unshuffled or seeded
      one does; `kg.train` sees to it) and trains on the rest of the epoch,
      so the model ends as an uninterrupted run's would, and the epoch's
      logs are the means over all its steps. Keras instead restarts the
      epoch from its first batch. An int `save_freq` also backs up at each
      epoch's end.
    - **Several workers.** In a `tf.distribute.MultiWorkerMirroredStrategy`
      job the chief (`kg.distribute.is_chief`) writes `backup_dir`; every
      other worker saves the same state (the same operations run on every
      worker) into a private temporary folder that it deletes at once. When
      the job starts again, **every** worker restores from `backup_dir`, so
      all resume from the same step with the same state. `backup_dir` must
      therefore be readable by every worker: a local folder for workers on
      one machine, a shared file system (NFS, GCS, ...) for several machines.

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
        self._epoch = 0
        self._steps_in_epoch = 0
        self._steps_since_save = 0
        self._resumed = None  # the Backup restored, until its epoch has begun
        self._skip_steps = 0  # steps of the resumed epoch already done
        self._latest_is_complete = False  # may the latest files become the previous ones?

    # === Restoring ===

    def on_train_begin(self, logs=None):
        if not self.model.built:
            super()._load_model()  # Keras' error for an unbuilt model
        self._resumed = None
        self._latest_is_complete = False
        for backup in _backups(self.chief_backup_dir):
            if self._restore(backup):
                self._resumed = backup
                self._latest_is_complete = backup.weights == _path(self.chief_backup_dir, WEIGHTS)
                return
        if _backup_files(self.chief_backup_dir):
            raise OSError(
                f"The backup in {self.chief_backup_dir} holds no complete training state: "
                f"Received: files {sorted(os.listdir(self.chief_backup_dir))}, none of them a "
                "whole backup. Delete the folder (kg.train: fresh=True, the CLI: --fresh) "
                "to start over."
            )

    def _restore(self, backup):
        optimizer = self.model.optimizer
        if optimizer is not None and not optimizer.built:
            optimizer.build(self.model.trainable_variables)
        try:
            _load_weights(self.model, backup.weights)
        except OSError:
            return False  # a damaged file: the next backup
        except ValueError as error:
            raise ValueError(
                f"The backup in {self.chief_backup_dir} does not fit this model: it was "
                "written by a model of other networks. Received: "
                f"{' '.join(str(error).split())[:300]}. Resume with the same model, or "
                "delete the backup (kg.train: fresh=True, the CLI: --fresh)."
            ) from None
        if backup.seed_states:
            set_seed_states(self.model, backup.seed_states)
        self.model._initial_epoch = backup.epoch  # as Keras' BackupAndRestore does
        return True

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch, self._steps_in_epoch, self._skip_steps = epoch, 0, 0
        backup, self._resumed = self._resumed, None
        if backup is None or backup.epoch != epoch or not backup.steps_in_epoch:
            return
        self._skip_steps = backup.steps_in_epoch
        _skip_train_steps(self.model, backup.steps_in_epoch, backup.trackers)

    # === Saving ===

    def on_train_batch_end(self, batch, logs=None):
        done = batch + 1
        if done <= self._skip_steps:  # a step done before the interruption
            self._steps_in_epoch = done
            return
        self._steps_since_save += done - self._steps_in_epoch
        self._steps_in_epoch = done
        if done == self.params.get("steps"):
            return  # the epoch's end: backed up in a moment, with the epoch's logs done
        if self._saves_every_n_steps() and self._steps_since_save >= self.save_freq:
            self._save_model()

    def on_epoch_end(self, epoch, logs=None):
        self._epoch, self._steps_in_epoch = epoch + 1, 0
        if self.save_freq == "epoch" or self._saves_every_n_steps():
            self._save_model()

    def _saves_every_n_steps(self):
        return isinstance(self.save_freq, int) and not isinstance(self.save_freq, bool)

    def _save_model(self):
        self._steps_since_save = 0
        if distribute.is_chief(self.model.distribute_strategy):
            self._save_to(self.chief_backup_dir)
            return
        private = tempfile.mkdtemp(prefix="keras_gans_worker_backup_")
        try:
            self._save_to(private)
        finally:
            shutil.rmtree(private, ignore_errors=True)

    def _save_to(self, directory):
        """Writes a backup; at every moment a complete one is left in `directory`."""
        from keras_gans.runs import atomic_files

        os.makedirs(directory, exist_ok=True)
        weights, metadata = _path(directory, WEIGHTS), _path(directory, METADATA)
        new_weights = atomic_files.partial_path(weights, ".weights.h5")
        new_metadata = atomic_files.partial_path(metadata, ".json")
        self.model.save_weights(new_weights, overwrite=True)
        atomic_files.sync_file(new_weights)
        record = {
            "epoch": self._epoch,
            "batch": max(self._steps_in_epoch - 1, 0),  # Keras' key
            "steps_in_epoch": self._steps_in_epoch,
            "weights_sha256": atomic_files.sha256(new_weights),
            "trackers": _tracker_values(self.model),
            "seed_states": seed_states(self.model),
        }
        with open(new_metadata, "w") as f:
            json.dump(record, f)
        atomic_files.sync_file(new_metadata)
        # The new pair is complete (and found by `_backups`) before anything is renamed.
        if self.double_checkpoint and self._latest_is_complete:
            for path in (weights, metadata):
                if os.path.exists(path):
                    os.replace(path, path + PREVIOUS)
        atomic_files.replace(new_weights, weights)
        atomic_files.replace(new_metadata, metadata)
        self._latest_is_complete = True
        atomic_files.remove_partial_files(directory)  # older ones, left by killed saves

    def on_train_end(self, logs=None):
        # Only the chief deletes the backup, once training has finished.
        if distribute.is_chief(self.model.distribute_strategy):
            super().on_train_end(logs)


# === Reading backups ===


def _load_weights(model, path):
    """`model.load_weights(path)`, for a weights file of any name (Keras wants `.weights.h5`)."""
    if path.endswith(".weights.h5"):
        return model.load_weights(path)
    with tempfile.TemporaryDirectory(prefix="keras_gans_restore_") as folder:
        link = os.path.join(folder, "backup.weights.h5")
        os.symlink(os.path.abspath(path), link)
        return model.load_weights(link)


def _path(directory, name):
    return os.path.join(os.fspath(directory), name)


def _backup_files(directory):
    """The backup files in `directory` (not the temporary files of a save killed midway)."""
    if not os.path.isdir(directory):
        return []
    return [name for name in os.listdir(directory) if name.startswith((WEIGHTS, METADATA))]


def latest_backup(directory):
    """The newest complete `Backup` in `directory` (metadata and weights that match), or None.

    The one `MultiWorkerBackupAndRestore` restores unless its weights fail to load.
    """
    return next(iter(_backups(directory)), None)


def _backups(directory):
    """Complete backups in `directory`, newest first: each metadata file whose weights file
    (any of the folder's, found by SHA-256) is whole; then, for metadata written by Keras
    (without a SHA-256), the weights file of its slot."""
    if not os.path.isdir(directory):
        return []
    metadata = glob.glob(_path(directory, METADATA + "*")) + glob.glob(
        _path(directory, ".training_metadata.partial*.json")
    )
    weights = glob.glob(_path(directory, WEIGHTS + "*")) + glob.glob(
        _path(directory, ".latest.partial*.weights.h5")
    )
    hashes = {}
    found, unverified = [], []
    for path in metadata:
        record = _read_json(path)
        if record is None:
            continue
        epoch, steps = record.get("epoch"), record.get("steps_in_epoch", 0)
        if not isinstance(epoch, int) or not isinstance(steps, int):
            continue
        trackers = record.get("trackers") or {}
        if "weights_sha256" not in record:  # Keras' own metadata: its slot's weights
            slot = _path(directory, WEIGHTS) + (PREVIOUS if path.endswith(PREVIOUS) else "")
            if os.path.exists(slot):
                unverified.append(Backup(slot, epoch, 0, {}, None))
            continue
        for candidate in weights:
            if candidate not in hashes:
                hashes[candidate] = _hash_or_none(candidate)
            if hashes[candidate] == record["weights_sha256"]:
                found.append(Backup(candidate, epoch, steps, trackers, record.get("seed_states")))
                break
    found.sort(key=lambda backup: (backup.epoch, backup.steps_in_epoch), reverse=True)
    unverified.sort(key=lambda backup: backup.weights.endswith(PREVIOUS))  # latest first
    return found + unverified


def _read_json(path):
    try:
        with open(path) as f:
            value = json.load(f)
    except (OSError, ValueError):  # missing, empty, truncated (JSONDecodeError), not text
        return None
    return value if isinstance(value, dict) else None


def _hash_or_none(path):
    from keras_gans.runs import atomic_files

    try:
        return atomic_files.sha256(path)
    except OSError:
        return None


# === The resumed epoch ===


def _seed_variables(model):
    return [v for v in model.variables if v.path.endswith("seed_generator_state")]


def seed_states(model):
    """The state of every random layer of `model` (Dropout, ...), in `model.variables` order.

    Keras' weights files leave these out, so a restored model would draw other
    dropout masks than the model that was saved.
    """
    return [keras.ops.convert_to_numpy(v).tolist() for v in _seed_variables(model)]


def set_seed_states(model, states):
    """Puts back the states `seed_states` returned (skipped if the layers differ)."""
    variables = _seed_variables(model)
    if len(variables) == len(states):
        for variable, state in zip(variables, states, strict=True):
            variable.assign(state)


def _skip_train_steps(model, steps, trackers):
    """Makes `model`'s next `steps` train steps read their batches and train on nothing; the
    step after them adds `trackers` (the running means' state of the skipped steps) to its own.

    The running means are made by the first traced step, hence added after it.
    """
    train_function = model.train_function
    per_call = int(getattr(model, "steps_per_execution", 1) or 1)
    remaining = [steps]

    def skipping(iterator):
        if remaining[0] > 0:
            for _ in range(per_call):
                next(iterator)
            remaining[0] -= per_call
            return {}
        model.train_function = train_function
        logs = train_function(iterator)
        _add_to_trackers(model, trackers)
        return logs

    model.train_function = skipping


def _tracker_values(model):
    """The running means' state (`model.metrics`' variables) by path, as lists."""
    return {
        variable.path: keras.ops.convert_to_numpy(variable).tolist()
        for metric in model.metrics
        for variable in metric.variables
    }


def _add_to_trackers(model, values):
    """Adds the running means' state of an epoch's steps before a resume to the later ones'."""
    variables = {v.path: v for metric in model.metrics for v in metric.variables}
    try:
        for path, value in values.items():
            if path in variables:
                variables[path].assign_add(value)
    except (ValueError, NotImplementedError) as error:  # e.g. a sum over replicas
        warnings.warn(
            "The logs of the resumed epoch average only the steps after the resume: the "
            f"running means could not be restored ({error}).",
            stacklevel=2,
        )
