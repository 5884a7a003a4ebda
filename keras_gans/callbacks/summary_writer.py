"""TensorBoard event files written by the package's callbacks (`log_dir=...`)."""

import os

import numpy as np
import tensorflow as tf

INSTALL_HINT = "pip install keras-gans[tensorboard]"


class SummaryWriter:
    """Writes scalars and images to TensorBoard event files in `log_dir`.

    The file is opened at the first write (nothing is written before
    training) and flushed after every write, so TensorBoard shows each value
    as soon as it exists. Writing summaries needs the `tensorboard` package
    (TensorFlow only declares `tf.summary.scalar` / `image`); its absence is
    reported when the callback is made, before any training.

    Args:
        log_dir: folder of the event files, e.g. the `train` run of a
            `keras.callbacks.TensorBoard(log_dir=...)` folder.
    """

    def __init__(self, log_dir):
        try:
            import tensorboard  # noqa: F401  (tf.summary's implementation)
        except ImportError as error:
            raise ImportError(
                f"Writing TensorBoard summaries needs the tensorboard package: {INSTALL_HINT}. "
                f"Received: log_dir={log_dir!r}"
            ) from error
        self.log_dir = os.fspath(log_dir)
        self._writer = None

    def _write(self, summary, *args, **kwargs):
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(self.log_dir)
        with self._writer.as_default():
            summary(*args, **kwargs)
        self._writer.flush()

    def scalar(self, name, value, step):
        """Writes `value` (a float) under `name` at `step`."""
        self._write(tf.summary.scalar, name, float(value), step=int(step))

    def image(self, name, picture, step):
        """Writes one uint8 picture `(H, W)` or `(H, W, C)` under `name` at `step`."""
        picture = np.asarray(picture, "uint8")
        if picture.ndim == 2:
            picture = picture[..., None]
        self._write(tf.summary.image, name, picture[None], step=int(step))

    def close(self):
        if self._writer is not None:
            self._writer.close()
            self._writer = None
