"""Checks of the training data: before the first step of `fit`, and on every batch.

They turn the usual silent failures of GAN training (uint8 images, images in
[0, 1] or [0, 255], the wrong image size, NaN pixels, bad labels, an empty
dataset) into a `ValueError` that names what was received, where, and what
was expected, before any work is lost.

Two stages:

- `check_training_data`, before `fit` starts: a `tf.data.Dataset`'s element
  spec and first batch, or an array whole (shape, dtype, range, labels).
- `check_every_batch`, while `fit` runs: a dataset gets a `map` that checks
  each batch as the input pipeline reads it (finite values in [-1, 1], labels
  in [0, num_classes), image shape when the spec leaves it open), with
  `tf.debugging.Assert`. The assertion stops the pipeline before the step
  that would use the batch, so nothing is trained on it, the model keeps the
  steps already taken and no callback has saved anything since.
  `name_data_errors` turns that assertion's graph error into a `ValueError`
  naming the batch. Checking in the input pipeline runs on tf.data's threads,
  ahead of the training step (in the step it would be on its critical path),
  and also works with `jit_compile=True` (XLA drops assertions inside the
  step). Measured by `benchmarks/data_checks.py` (default DCGAN 28x28, batch
  128): 0.9 ms of CPU per batch, 0.6% of a training step's CPU time.
"""

import contextlib
import functools
import re
import types

import keras
import numpy as np
import tensorflow as tf

from keras_gans.data.scaling import RANGE_TOLERANCE
from keras_gans.engine.batch_checks import (
    MARKER,
    BatchChecker,
    CheckedPyDataset,
    checked_generator,
)

# Checked data whose minimum is above this looks one-sided: images in [0, 1]
# (or [0, 255]) that were not rescaled to the [-1, 1] of the generator's tanh.
ONE_SIDED_MINIMUM = -0.5

_ASSERTION = re.compile(rf"\[{MARKER}\] \[(\w+)\]((?: \[[^\]]*\])*)")


def check_training_data(model, x, y=None, batch_size=None, one_sided_data=False, which="training"):
    """Raises `ValueError` if `model` cannot train on `x` (and `y`).

    A `tf.data.Dataset` is checked on its element spec and its first batch, a
    `keras.utils.PyDataset` on its first batch; arrays are checked whole
    (with `fit`'s `batch_size`, Keras' default 32 if None). The parts of a
    batch are named by the model's `batch_spec`: every image part is checked
    (shape, dtype, finite values in [-1, 1]), labels by `model.check_labels`.
    A Python generator's first batch is checked as it is read
    (`check_every_batch`).

    Args:
        model: the model about to train (an `AdversarialModel`).
        x, y: what `fit` was given.
        batch_size: `fit`'s batch size.
        one_sided_data: skip the check for data whose minimum is above
            `ONE_SIDED_MINIMUM` (images in [0, 1]). Defaults to `False`.
        which: `"training"` or `"validation"`, for messages. Defaults to
            `"training"`.
    """
    spec = model.batch_spec
    if isinstance(x, tf.data.Dataset):
        parts = dict(zip(spec.fields, spec.unpack(x.element_spec), strict=True))
        for field in spec.image_fields:
            _check_shape(model, field, parts[field].shape, parts[field].dtype, which)
        first = next(iter(x.take(1)), None)
        if first is None:
            raise ValueError(
                f"The {which} dataset is empty: it yielded no batch. Received: a "
                f"tf.data.Dataset with element_spec={x.element_spec}. If it is "
                "batched with drop_remainder=True, check that it holds at least "
                "one full batch."
            )
        where = "its first batch"
    elif isinstance(x, keras.utils.PyDataset):
        if x.num_batches == 0:
            raise ValueError(f"The {which} PyDataset is empty. Received: len(x) == 0")
        first, where = x[0], "its first batch"
    elif isinstance(x, (np.ndarray, tf.Tensor)):
        if len(x) == 0:
            raise ValueError(f"The {which} data is empty. Received: x with shape {x.shape}")
        first, where = ((x, y) if y is not None else (x,)), "all of it"
    else:
        return
    batch = dict(zip(spec.fields, spec.unpack(first), strict=True))
    size = len(batch[spec.fields[0]])
    model.check_batch_size(min(batch_size or 32, size) if where == "all of it" else size)
    _check_batch(model, batch, one_sided_data, where, which)


def _check_batch(model, batch, one_sided_data, where, which):
    """The checks of a batch (or of all the data) as a dict of its parts."""
    spec = model.batch_spec
    for field in spec.image_fields:
        images = np.asarray(batch[field])
        _check_shape(model, field, images.shape, images.dtype, which)
        _check_range(images, one_sided_data, where, field, which)
    if spec.label_field is not None:
        labels = batch[spec.label_field]
        model.check_labels(None if labels is None else np.asarray(labels))


def _check_shape(model, field, shape, dtype, which="training"):
    expected = model.data_shapes().get(field)
    shape = tuple(shape)
    if expected is None:
        return
    if not _shape_matches(shape, expected):
        raise ValueError(
            f"The {which} {_named(field)} do not fit the networks. Received: {_named(field)} "
            f"of shape {shape}; expected (batch, {', '.join(map(str, expected))}) "
            f"for the model's networks."
        )
    if not tf.as_dtype(dtype).is_floating:
        raise ValueError(
            f"The {which} {_named(field)} must be floats in [-1, 1]. Received: dtype "
            f"{tf.as_dtype(dtype).name}. {_RESCALE_UINT8}"
        )


_RESCALE_UINT8 = (
    "Rescale uint8 images in [0, 255] with `keras_gans.data.scale_images`, e.g. "
    "`ds.map(keras_gans.data.scale_images)` (keras_gans.data.load does this for you)."
)


def _shape_matches(shape, expected):
    return len(shape) == len(expected) + 1 and all(
        got is None or want is None or got == want
        for got, want in zip(shape[1:], expected, strict=True)
    )


def _named(field):
    """How errors name a part of the batch: "images", "source images", "A images", ..."""
    if field == "images":
        return "images"
    return f"{field.upper() if len(field) == 1 else field} images"  # CycleGAN's domains


def _check_range(images, one_sided_data, where, field="images", which="training"):
    what = f"The {which} {_named(field)}"
    finite = np.isfinite(images)
    if not finite.all():
        raise ValueError(
            f"{what} contain NaN or infinite values ({where} was checked). "
            f"Received: {int(np.size(images) - finite.sum())} non-finite values, the "
            f"first in image {int(np.argmin(finite.reshape(len(images), -1).all(axis=1)))}; "
            "expected finite values in [-1, 1]."
        )
    low, high = float(np.min(images)), float(np.max(images))
    if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
        raise ValueError(
            f"{what} must be in [-1, 1], the range of the generator's "
            f"tanh output. Received: values in [{low:g}, {high:g}]. Images in "
            "[0, 255] can be rescaled with `keras_gans.data.scale_images`; images in "
            "[0, 1] with `x * 2 - 1`."
        )
    if low > ONE_SIDED_MINIMUM and not one_sided_data:
        raise ValueError(
            f"{what} look one-sided: their minimum is well above -1, the "
            f"bottom of the generator's tanh range ({where} was checked). Received: values "
            f"in [{low:g}, {high:g}]; expected images in [-1, 1]. Images in [0, 1] can be "
            "rescaled with `x * 2 - 1`. If the data really has no value below "
            f"{ONE_SIDED_MINIMUM}, pass `fit(..., one_sided_data=True)`."
        )


# === Every batch, in the input pipeline ===


def check_every_batch(model, x, which="training", one_sided_data=False):
    """`x` with a check of every batch as `fit` reads it.

    Each image part of a batch (named by the model's `batch_spec`) must hold
    finite values in [-1, 1] (within `RANGE_TOLERANCE`) and the networks'
    shape; for a model with `num_classes`, labels must be in
    [0, num_classes). A `tf.data.Dataset` gets a `map` that asserts it in its
    pipeline; a `keras.utils.PyDataset` or a Python generator is wrapped so
    that each batch is checked in numpy as it is read (uint8 batches too,
    and a generator's first batch as arrays are before training,
    `one_sided_data` applying). A failing batch stops `fit` before any step on
    it with an error that `name_data_errors` turns into a `ValueError` naming
    it. Batches are numbered from 0 at the start of each pass over the data
    (each epoch, unless the dataset repeats). Anything else is returned as it is.
    """
    if isinstance(x, keras.utils.PyDataset):
        return CheckedPyDataset(x, _batch_checker(model, which))
    if isinstance(x, types.GeneratorType):

        def check_first(batch):
            parts = dict(zip(model.batch_spec.fields, model.batch_spec.unpack(batch), strict=True))
            _check_batch(model, parts, one_sided_data, "its first batch", which)

        return checked_generator(x, _batch_checker(model, which), check_first)
    if not isinstance(x, tf.data.Dataset):
        return x
    spec = model.batch_spec
    parts = dict(zip(spec.fields, spec.unpack(x.element_spec), strict=True))
    image_fields = [
        field
        for field in spec.image_fields
        if isinstance(parts[field], tf.TensorSpec) and parts[field].dtype.is_floating
    ]
    if not image_fields:
        return x
    num_classes = getattr(model, "num_classes", None)
    labels_spec = parts.get(spec.label_field) if spec.label_field else None
    check_labels = (
        num_classes is not None
        and isinstance(labels_spec, tf.TensorSpec)
        and labels_spec.dtype.is_integer
    )
    expected = model.data_shapes()

    def check(index, element):
        batch = dict(zip(spec.fields, spec.unpack(element), strict=True))
        assertions = []
        for field in image_fields:
            open_shape = not parts[field].shape[1:].is_fully_defined()
            assertions += _image_assertions(
                batch[field], field, index, expected.get(field), open_shape, which
            )
        if check_labels:
            labels = batch[spec.label_field]
            low, high = tf.reduce_min(labels), tf.reduce_max(labels)
            in_range = (low >= 0) & (high < num_classes)
            assertions.append(_assert(in_range, "labels", which, index, "labels", low, high))
        with tf.control_dependencies(assertions):
            return tf.nest.map_structure(tf.identity, element)

    return x.enumerate().map(check)


def _batch_checker(model, which):
    return BatchChecker(
        model.batch_spec, model.data_shapes(), getattr(model, "num_classes", None), which
    )


def _image_assertions(images, field, index, expected, open_shape, which):
    """The assertions on one image part of a batch: finite, in range, of the expected shape."""
    finite = tf.math.is_finite(images)
    bad = tf.size(finite) - tf.math.count_nonzero(finite, dtype=tf.int32)
    shape = tf.shape(images)
    per_image = tf.reduce_all(tf.reshape(finite, [shape[0], tf.reduce_prod(shape[1:])]), 1)
    low, high = tf.reduce_min(images), tf.reduce_max(images)
    first_bad = tf.argmin(tf.cast(per_image, tf.int32))
    assertions = [_assert(bad == 0, "non_finite", which, index, field, bad, first_bad)]
    with tf.control_dependencies(assertions):  # the range of finite values only
        in_range = (low >= -1 - RANGE_TOLERANCE) & (high <= 1 + RANGE_TOLERANCE)
        assertions.append(_assert(in_range, "range", which, index, field, low, high))
    if open_shape and expected is not None:
        want = [-1 if d is None else d for d in expected]
        same = tf.reduce_all((shape[1:] == want) | (tf.constant(want) == -1))
        assertions.append(_assert(same, "shape", which, index, field, shape))
    return assertions


def _assert(condition, kind, *values):
    return tf.debugging.Assert(condition, [MARKER, kind, *values], summarize=8)


def after_the_batch_is_read(train_step):
    """Decorates a `train_step(self, data)` so that nothing in it runs before `data` is read.

    Inside Keras' compiled train function TensorFlow may run the step's ops
    that do not need the data (the optimizers' iteration counts, the noise
    state) while the batch is still being read. When the batch fails its
    check, those would be changed by a step that never trains. Every op of
    the decorated step depends on the batch, so a rejected batch leaves the
    whole model state as the previous step left it.
    """

    @functools.wraps(train_step)
    def step(self, data):
        with tf.control_dependencies([t for t in tf.nest.flatten(data) if t is not None]):
            return train_step(self, data)

    return step


@contextlib.contextmanager
def name_data_errors(model):
    """Re-raises a failed check of `check_every_batch` as a `ValueError` naming the batch.

    The failure is a tf.data assertion (an `OpError`), or a `ValueError` of a
    Python batch check, raised directly or wrapped by tf.data in an `OpError`.
    Other errors pass through unchanged.
    """
    try:
        yield
    except (tf.errors.OpError, ValueError) as error:
        message = error.message if isinstance(error, tf.errors.OpError) else str(error)
        found = _ASSERTION.search(message or "")
        if found is None:
            raise
        values = re.findall(r"\[([^\]]*)\]", found[2])
        raise ValueError(_describe(model, found[1], values)) from None


def _describe(model, kind, values):
    which, index, field, values = values[0], values[1], values[2], values[3:]
    what = _named(field) if field != "labels" else "labels"
    where = "" if field == "images" else f" in its {what}"
    if kind == "non_finite":
        problem = (
            f"holds NaN or infinite values{where}. Received: {values[0]} non-finite values, the "
            f"first in image {values[1]} of the batch; expected finite values in [-1, 1]."
        )
    elif kind == "range":
        problem = (
            f"is outside [-1, 1]{where}. Received: values in [{values[0]}, {values[1]}]; "
            "expected values in [-1, 1], the range of the generator's tanh output."
        )
    elif kind == "dtype":
        problem = (
            f"holds integer images{where}. Received: dtype {values[0]}; expected floats in "
            f"[-1, 1]. {_RESCALE_UINT8}"
        )
    elif kind == "shape":
        expected = model.data_shapes().get(field)
        problem = (
            f"does not fit the networks{where}. Received: {_named(field)} of shape "
            f"({', '.join(values[0].split())}); expected (batch, {', '.join(map(str, expected))})."
        )
    else:
        problem = (
            f"has labels out of range. Received: labels in [{values[0]}, {values[1]}]; "
            f"expected labels in [0, {model.num_classes})."
        )
    steps = _steps_done(model)
    kept = (
        f"Nothing was trained on this batch: the model keeps the {steps} steps taken before it"
        if which == "training"
        else f"It was read at an epoch's end: the model keeps the {steps} steps taken"
    )
    return (
        f"Batch {index} of the {which} data (counted from 0 in each pass over the dataset) "
        f"{problem} {kept}, and backups written so far are intact."
    )


def _steps_done(model):
    optimizers = getattr(model, "optimizers", None) or {}
    optimizer = optimizers.get("generator")
    return int(optimizer.iterations) if optimizer is not None else "earlier"
