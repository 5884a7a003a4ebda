"""Watch the generator learn: a PNG grid per epoch and a GIF of the run."""

import os

import keras
import numpy as np

from keras_gans.callbacks.summary_writer import SummaryWriter
from keras_gans.images import make_grid, save_gif, save_grid
from keras_gans.latent import latent_vectors


class ImageGrid(keras.callbacks.Callback):
    """Saves a grid of generated images every epoch and a GIF at the end.

    The latent vectors are drawn once, when training starts, and reused at
    every epoch, so consecutive grids show the same samples improving. Files:
    `directory/epoch_0001.png`, `epoch_0002.png`, ... and `directory/training.gif`
    made from every `epoch_*.png` in the folder (a resumed run continues the
    animation). For a conditional model the grid has one row per class.
    Nothing is written before training starts.

    Args:
        directory: folder for the PNGs and the GIF (created when training starts).
        num_images: images per grid. For a conditional model, images per class
            row is `num_images // num_classes` (at least 1). Defaults to `64`.
        every_n_epochs: write a grid every this many epochs. Defaults to `1`.
        seed: seed of the fixed latent vectors. Defaults to `0`.
        gif: whether to write `training.gif` when training ends. Defaults to `True`.
        scale: integer enlargement of the saved pictures. Defaults to `2`.
        log_dir: folder for TensorBoard event files, or `None`. When given,
            each grid is also written there as the image summary `image_grid`
            at step `epoch - 1` (the step of Keras' `epoch_*` scalars), e.g.
            into the `train` run of a `keras.callbacks.TensorBoard` folder.
            Needs `pip install keras-gans[tensorboard]`. Defaults to `None`.

    Example:

    ```python
    gan.fit(ds, epochs=10, callbacks=[kg.callbacks.ImageGrid("runs/x/grids")])
    # With TensorBoard: the grids beside the losses of the "train" run.
    gan.fit(ds, epochs=10, callbacks=[
        keras.callbacks.TensorBoard("runs/x/logs"),
        kg.callbacks.ImageGrid("runs/x/grids", log_dir="runs/x/logs/train"),
    ])
    ```
    """

    def __init__(
        self, directory, num_images=64, every_n_epochs=1, seed=0, gif=True, scale=2, log_dir=None
    ):
        super().__init__()
        if int(num_images) < 1 or int(every_n_epochs) < 1:
            raise ValueError(
                "`num_images` and `every_n_epochs` must be positive. Received: "
                f"num_images={num_images}, every_n_epochs={every_n_epochs}"
            )
        self.directory = os.fspath(directory)
        self.num_images = int(num_images)
        self.every_n_epochs = int(every_n_epochs)
        self.seed = seed
        self.gif = gif
        self.scale = scale
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        self._summaries = None if log_dir is None else SummaryWriter(log_dir)
        self._z = None
        self._labels = None
        self._rows = None

    def on_train_begin(self, logs=None):
        os.makedirs(self.directory, exist_ok=True)
        if self._z is not None:
            return
        num_classes = getattr(self.model, "num_classes", None)
        if num_classes:
            per_class = max(self.num_images // num_classes, 1)
            self._labels = np.repeat(np.arange(num_classes, dtype="int32"), per_class)
            self._rows = num_classes
        count = len(self._labels) if self._labels is not None else self.num_images
        self._z = latent_vectors(count, self.model.latent_dim, self.seed)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs == 0:
            self.save(epoch + 1)

    def save(self, epoch):
        """Writes the grid for `epoch` (1-based) and returns its path."""
        images = self.model.generate_from_latent(self._z, labels=self._labels)
        path = os.path.join(self.directory, f"epoch_{epoch:04d}.png")
        if self._summaries is not None:
            self._summaries.image("image_grid", make_grid(images, rows=self._rows), epoch - 1)
        return save_grid(images, path, rows=self._rows, scale=self.scale)

    def on_train_end(self, logs=None):
        if self._summaries is not None:
            self._summaries.close()
        if not self.gif:
            return
        frames = sorted(
            os.path.join(self.directory, name)
            for name in os.listdir(self.directory)
            if name.startswith("epoch_") and name.endswith(".png")
        )
        if frames:
            save_gif(frames, os.path.join(self.directory, "training.gif"))
