"""Every batch of Python data (generators, `keras.utils.PyDataset`) checked as it is read.

The tf.data pipeline's checks (`data_checks.check_every_batch`) in numpy, for
data that `fit` reads through Python: each image part of a batch must be
floats (not uint8), finite, in [-1, 1] and of the networks' shape, and labels
in [0, num_classes). A failing batch raises a `ValueError` whose message is
the same machine-readable marker as the pipeline's assertion, before the step
that would use it; `data_checks.name_data_errors` turns it (raised directly, or
wrapped by tf.data in an `OpError`) into the one line that names the batch.
"""

import keras
import numpy as np

from keras_gans.data.scaling import RANGE_TOLERANCE

MARKER = "keras_gans_data_check"


def marker_message(kind, which, index, field, *values):
    """The text of a failed check: `[MARKER] [kind] [which] [index] [field] [value] ...`."""
    return " ".join(f"[{part}]" for part in (MARKER, kind, which, index, field, *values))


class BatchChecker:
    """Checks one batch of Python data; picklable (a `PyDataset`'s worker processes run it).

    Args:
        spec: the model's `BatchSpec`.
        shapes: `{image part: (height, width, channels)}` the networks expect.
        num_classes: labels must be in [0, num_classes) (None: not checked).
        which: `"training"` or `"validation"`, for messages.
    """

    def __init__(self, spec, shapes, num_classes=None, which="training"):
        self.spec = spec
        self.shapes = dict(shapes)
        self.num_classes = num_classes
        self.which = which

    def __call__(self, index, batch):
        """Raises `ValueError` (a marker message) if batch `index` cannot be trained on."""
        parts = dict(zip(self.spec.fields, self.spec.unpack(batch), strict=True))
        for field in self.spec.image_fields:
            self._check_images(index, field, np.asarray(parts[field]))
        labels = parts.get(self.spec.label_field) if self.spec.label_field else None
        if self.num_classes is not None and labels is not None:
            labels = np.asarray(labels)
            if labels.size and (labels.min() < 0 or labels.max() >= self.num_classes):
                self._fail("labels", index, "labels", labels.min(), labels.max())

    def _check_images(self, index, field, images):
        if not np.issubdtype(images.dtype, np.floating):
            self._fail("dtype", index, field, images.dtype)
        expected = self.shapes.get(field)
        if expected is not None and not _shape_fits(images.shape, expected):
            self._fail("shape", index, field, " ".join(map(str, images.shape)))
        finite = np.isfinite(images)
        if not finite.all():
            per_image = finite.reshape(len(images), -1).all(axis=1)
            self._fail("non_finite", index, field, int(finite.size - finite.sum()),
                       int(np.argmin(per_image)))  # fmt: skip
        low, high = float(images.min()), float(images.max())
        if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
            self._fail("range", index, field, f"{low:g}", f"{high:g}")

    def _fail(self, kind, index, field, *values):
        raise ValueError(marker_message(kind, self.which, index, field, *values))


def _shape_fits(shape, expected):
    return len(shape) == len(expected) + 1 and all(
        want is None or got == want for got, want in zip(shape[1:], expected, strict=True)
    )


class CheckedPyDataset(keras.utils.PyDataset):
    """A `PyDataset` whose every batch is checked by `check(index, batch)` when read.

    Runs as the wrapped dataset does (same workers, multiprocessing, queue).
    """

    def __init__(self, dataset, check):
        super().__init__(
            workers=dataset.workers,
            use_multiprocessing=dataset.use_multiprocessing,
            max_queue_size=dataset.max_queue_size,
        )
        self.dataset = dataset
        self.check = check

    def __len__(self):
        return len(self.dataset)

    @property
    def num_batches(self):
        return self.dataset.num_batches

    def __getitem__(self, index):
        batch = self.dataset[index]
        self.check(index, batch)
        return batch

    def on_epoch_begin(self):
        self.dataset.on_epoch_begin()

    def on_epoch_end(self):
        self.dataset.on_epoch_end()


def checked_generator(generator, check, check_first):
    """`generator`'s batches, each checked by `check(index, batch)`; the first also by
    `check_first(batch)` (what is checked before training for arrays)."""
    for index, batch in enumerate(generator):
        if index == 0:
            check_first(batch)
        check(index, batch)
        yield batch
