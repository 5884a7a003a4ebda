"""Stop training when any logged loss stops being finite."""

import math

import keras


class TerminateOnNonFiniteLoss(keras.callbacks.TerminateOnNaN):
    """Stops training when any logged loss (`d_loss`, `g_loss`, ...) is NaN or inf.

    Keras' `TerminateOnNaN` only reads `logs["loss"]`, which GAN models do not
    log. This callback reads every log whose name ends in `loss`. `GAN.fit`
    adds one unless the callbacks already contain one.

    Args:
        raise_error: bool. If `False`, stops gracefully with
            `model.stop_training = True` (epoch-end callbacks still run). If
            `True`, raises a `RuntimeError` at once, so that no callback saves
            the non-finite state (use this with `BackupAndRestore` to keep the
            last good backup). Defaults to `False`.
    """

    def on_batch_end(self, batch, logs=None):
        bad = {
            name: float(value)
            for name, value in (logs or {}).items()
            if name.endswith("loss") and not math.isfinite(float(value))
        }
        if not bad:
            return
        message = (
            f"Batch {batch}: non-finite loss {bad}, terminating training. Backups "
            "written before this batch (BackupAndRestore) are kept."
        )
        if self.raise_error:
            raise RuntimeError(message)
        print(message)
        self.model.stop_training = True
