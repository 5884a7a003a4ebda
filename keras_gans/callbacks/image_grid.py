"""Watch the generator learn: a PNG grid per epoch and a GIF of the run."""

import os

import keras
import numpy as np

from keras_gans.callbacks.summary_writer import SummaryWriter
from keras_gans.callbacks.translation_rows import first_inputs, translation_rows
from keras_gans.engine.translation import Translation
from keras_gans.images import make_grid, save_gif, save_grid
from keras_gans.latent import latent_vectors

DEFAULT_NUM_IMAGES = 64  # a latent model's grid
DEFAULT_TRANSLATION_ROWS = 8  # an image-to-image model's: 8 rows of 3 images


class ImageGrid(keras.callbacks.Callback):
    """Saves a grid of generated (or translated) images every epoch and a GIF at the end.

    The latent vectors are drawn once, when training starts, and reused at
    every epoch, so consecutive grids show the same samples improving. Files:
    `directory/epoch_0001.png`, `epoch_0002.png`, ... and `directory/training.gif`
    made from every `epoch_*.png` in the folder (a resumed run continues the
    animation). For a conditional model the grid has one row per class.
    Nothing is written before training starts.

    **Image-to-image models** (`kg.Pix2Pix`, `kg.CycleGAN`) translate a fixed
    batch of `inputs` instead, one row per input image:

    - `Pix2Pix`: source | output | target (the target column when `inputs`
      has targets);
    - `CycleGAN`: a | a->b | b->a(a->b), and, when `inputs` has B images
      too, rows b | b->a | a->b(b->a) below.

    `inputs` is read once, when training first starts: pass held-out images,
    or an unshuffled dataset, so that a resumed run shows the same rows
    (`kg.train` passes the first images of the unshuffled data).

    Args:
        directory: folder for the PNGs and the GIF (created when training starts).
        inputs: for an image-to-image model (required), the images to
            translate: an array of sources (A images), a pair `(sources,
            targets)` (`(a, b)` for `CycleGAN`) of arrays, or a
            `tf.data.Dataset` of such elements, e.g. `kg.data.load_pairs(...)`
            (a third element, labels, is ignored). `None` for latent models.
            Defaults to `None`.
        num_images: images per grid. For a conditional model, images per class
            row is `num_images // num_classes` (at least 1); for an
            image-to-image model, the input images (rows) shown. Defaults to
            `None`: 64 images, or 8 rows of translations.
        every_n_epochs: write a grid every this many epochs. Defaults to `1`.
        seed: seed of the fixed latent vectors, or None for a random one drawn when
            training starts (the grids of one run still share them). Defaults to `None`.
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
    # A translation model: rows of source | output | target, from held-out pairs.
    grid = kg.callbacks.ImageGrid("runs/p2p/grids", inputs=(sources, targets))
    p2p.fit(pairs, epochs=10, callbacks=[grid])
    # With TensorBoard: the grids beside the losses of the "train" run.
    gan.fit(ds, epochs=10, callbacks=[
        keras.callbacks.TensorBoard("runs/x/logs"),
        kg.callbacks.ImageGrid("runs/x/grids", log_dir="runs/x/logs/train"),
    ])
    ```
    """

    def __init__(
        self,
        directory,
        num_images=None,
        every_n_epochs=1,
        seed=None,
        gif=True,
        scale=2,
        log_dir=None,
        inputs=None,
    ):
        super().__init__()
        if (num_images is not None and int(num_images) < 1) or int(every_n_epochs) < 1:
            raise ValueError(
                "`num_images` and `every_n_epochs` must be positive. Received: "
                f"num_images={num_images}, every_n_epochs={every_n_epochs}"
            )
        self.directory = os.fspath(directory)
        self.num_images = None if num_images is None else int(num_images)
        self.inputs = inputs
        self.every_n_epochs = int(every_n_epochs)
        self.seed = seed
        self.gif = gif
        self.scale = scale
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        self._summaries = None if log_dir is None else SummaryWriter(log_dir)
        self._z = None
        self._labels = None
        self._rows = None
        self._translated = None  # (first, second) input arrays of an image-to-image model

    def on_train_begin(self, logs=None):
        if isinstance(self.model, Translation):
            self._read_inputs()
        elif self.inputs is not None:
            raise ValueError(
                "ImageGrid's `inputs` are the images an image-to-image model translates "
                f"(Pix2Pix, CycleGAN). Received: inputs for a {type(self.model).__name__}, "
                "which generates from latent vectors: leave inputs=None."
            )
        os.makedirs(self.directory, exist_ok=True)
        if self._z is not None or self._translated is not None:
            return
        num_classes = getattr(self.model, "num_classes", None)
        if num_classes:
            per_class = max((self.num_images or DEFAULT_NUM_IMAGES) // num_classes, 1)
            self._labels = np.repeat(np.arange(num_classes, dtype="int32"), per_class)
            self._rows = num_classes
        num_images = DEFAULT_NUM_IMAGES if self.num_images is None else self.num_images
        count = len(self._labels) if self._labels is not None else num_images
        self._z = latent_vectors(count, self.model.latent_dim, self.seed)  # None: drawn once

    def _read_inputs(self):
        if self._translated is not None:
            return
        if self.inputs is None:
            raise ValueError(
                f"ImageGrid needs `inputs` for a {type(self.model).__name__}: the source images "
                "it translates in every grid. Received: inputs=None. Pass e.g. "
                "ImageGrid(directory, inputs=(sources, targets)) or a dataset of pairs."
            )
        rows = DEFAULT_TRANSLATION_ROWS if self.num_images is None else self.num_images
        self._translated = first_inputs(self.inputs, rows)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs == 0:
            self.save(epoch + 1)

    def save(self, epoch):
        """Writes the grid for `epoch` (1-based) and returns its path."""
        if self._translated is not None:
            images, self._rows = translation_rows(self.model, *self._translated)
        else:
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
