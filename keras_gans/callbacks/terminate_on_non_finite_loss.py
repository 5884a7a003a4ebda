"""Stop training when a logged loss or the model's state stops being finite."""

import math
import warnings
import weakref

import keras
import numpy as np
import tensorflow as tf


class TerminateOnNonFiniteLoss(keras.callbacks.TerminateOnNaN):
    """Stops training when a loss or the model's state is NaN or inf; keeps the last finite state.

    Keras' `TerminateOnNaN` only reads `logs["loss"]`, which GAN models do not
    log. And no log sees everything: the losses logged for a batch are
    computed before that batch's update, so the update can make the weights
    NaN while every logged loss is finite. This callback checks:

    - every log whose name ends in `loss`, after every batch;
    - the model's state (every float variable of the model and of its
      optimizers: both networks, both optimizers' moments, the tricks'
      state) at the end of every epoch, and after every batch when
      `check_state_every_batch` is set.

    First among the callbacks (`GAN.fit` puts it there), it runs before any
    callback that saves, so a non-finite state never reaches a
    `keras.callbacks.BackupAndRestore` backup or a `ModelCheckpoint` file:
    `GAN.fit` sets `check_state_every_batch` when a callback saves every N
    batches (an integer `save_freq`). The check of the state is one fused
    reduction over the variables.

    On a non-finite loss or state it first puts back the last finite state it
    kept (a copy in host memory of the state at the start of training and at
    the end of every finite epoch), so the model in memory is never left NaN;
    then:

    - `raise_error=False` (the default): stops training gracefully with a
      `RuntimeWarning` naming the epoch and the batch; `fit` returns with the
      restored state, as `EarlyStopping(restore_best_weights=True)` would.
    - `raise_error=True`: raises a `RuntimeError` at once, so that no
      callback runs after it. `GAN.fit` uses this when a `BackupAndRestore`
      is among the callbacks: a graceful stop would end the run, and Keras
      deletes the backup at the end of a run; raising keeps the last good
      backup for resuming.

    Args:
        raise_error: bool, raise a `RuntimeError` instead of stopping
            gracefully. Defaults to `False`.
        check_state_every_batch: bool, check the model's state after every
            batch, not only at the end of every epoch. Defaults to `False`.

    Attributes:
        stopped_at: `(epoch, batch)` (both counted from 0; batch None at the
            end of an epoch) where training was stopped, or None.
    """

    def __init__(self, raise_error=False, check_state_every_batch=False):
        super().__init__(raise_error=raise_error)
        self.check_state_every_batch = bool(check_state_every_batch)
        self.stopped_at = None
        self._epoch = 0
        self._variables = self._floats = []
        self._finite = None
        self._kept = None

    def on_train_begin(self, logs=None):
        self.stopped_at = None
        self._kept = None  # the state at the first epoch's start, after any restore
        self._variables = _state_variables(self.model)
        floats = [v for v in self._variables if tf.as_dtype(v.dtype).is_floating]
        self._floats = floats
        self._finite = _finiteness_check(self.model, floats)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        if self._kept is None:
            self._keep(f"the start of training (epoch {epoch})")

    def on_batch_end(self, batch, logs=None):
        bad = {
            name: float(value)
            for name, value in (logs or {}).items()
            if name.endswith("loss") and not math.isfinite(float(value))
        }
        if bad:
            self._stop(batch, f"non-finite loss {bad}")
        elif self.check_state_every_batch and not self._state_is_finite():
            self._stop(batch, self._describe_state())

    def on_epoch_end(self, epoch, logs=None):
        if self.stopped_at is not None:
            return
        if not self._state_is_finite():
            self._stop(None, self._describe_state())
        else:
            self._keep(f"the end of epoch {epoch}")

    # === State ===

    def _state_is_finite(self):
        return bool(self._finite()) if self._floats else True

    def _describe_state(self):
        names = [v.path for v in self._floats if not np.isfinite(np.asarray(v)).all()]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return f"non-finite model state (in {shown}) although the logged losses are finite"

    def _keep(self, when):
        self._kept = ([np.array(v) for v in self._variables], when)

    def _restore(self):
        if self._kept is None:
            return None
        values, when = self._kept
        for variable, value in zip(self._variables, values, strict=True):
            variable.assign(value)
        return when

    def _stop(self, batch, problem):
        self.stopped_at = (self._epoch, batch)
        where = f"Epoch {self._epoch}" + ("" if batch is None else f", batch {batch}")
        when = self._restore()
        restored = (
            f"The model's last finite state, from {when}, is restored"
            if when
            else "No finite state was kept to restore"
        )
        message = (
            f"{where} (counted from 0): {problem}; terminating training. {restored}; backups "
            "(BackupAndRestore) and checkpoints written before hold finite states only."
        )
        if self.raise_error:
            raise RuntimeError(message)
        warnings.warn(message, RuntimeWarning, stacklevel=2)
        self.model.stop_training = True


_CHECKS = weakref.WeakKeyDictionary()  # model -> (its float variables, their check)


def _finiteness_check(model, floats):
    """A `tf.function` that is True when every variable of `floats` is finite.

    Kept per model and reused while its variables are the same objects: every
    `fit` makes a new callback, and tracing the check anew cost about 0.2 s
    per `fit` call (the repeated short fits of notebooks and callbacks).
    """
    kept = _CHECKS.get(model)
    if kept is not None and len(kept[0]) == len(floats):
        if all(a is b for a, b in zip(kept[0], floats, strict=True)):
            return kept[1]
    check = tf.function(
        lambda: tf.reduce_all([tf.reduce_all(tf.math.is_finite(v)) for v in floats])
    )
    _CHECKS[model] = (floats, check)
    return check


def _state_variables(model):
    """The model's variables and those of its players' optimizers (`model.optimizers`)."""
    variables = list(model.variables)
    optimizers = getattr(model, "optimizers", None)
    if not isinstance(optimizers, dict):  # a plain Keras model
        optimizers = {"optimizer": model.optimizer} if model.optimizer is not None else {}
    for optimizer in optimizers.values():
        variables.extend(optimizer.variables)
    unique = {id(v): v for v in variables}
    return list(unique.values())


def guard_callbacks(callbacks):
    """`callbacks` with a `TerminateOnNonFiniteLoss` first, configured for the others.

    One is added if there is none: it raises (keeping the last good backup)
    when a `keras.callbacks.BackupAndRestore` is among the callbacks. It
    checks the model's state after every batch when a callback saves every
    N batches (an integer `save_freq`: `BackupAndRestore`, `ModelCheckpoint`).
    """
    callbacks = list(callbacks or [])
    guards = [c for c in callbacks if isinstance(c, TerminateOnNonFiniteLoss)]
    if not guards:
        backed_up = any(isinstance(c, keras.callbacks.BackupAndRestore) for c in callbacks)
        guards = [TerminateOnNonFiniteLoss(raise_error=backed_up)]
    per_batch = any(
        isinstance(getattr(c, "save_freq", None), int) and not isinstance(c.save_freq, bool)
        for c in callbacks
    )
    for guard in guards:
        guard.check_state_every_batch = guard.check_state_every_batch or per_batch
    others = [c for c in callbacks if not isinstance(c, TerminateOnNonFiniteLoss)]
    return [*guards, *others]
