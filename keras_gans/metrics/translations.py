"""Translating source images for the metrics: the inputs an `Evaluator` reads, batch by batch."""

import keras
import numpy as np
import tensorflow as tf

from keras_gans.images import to_uint8


def input_batches(inputs):
    """Yields `(sources, targets, labels)` numpy batches (None for a missing part) of `inputs`.

    `inputs` is an array of source images `(n, h, w, c)`, a pair
    `(sources, targets)` or a triple `(sources, targets, labels)` of arrays,
    or a `tf.data.Dataset` whose elements are sources, `(source, target)` or
    `(source, target, labels)`, batched or not: `kg.data.load(...)`,
    `kg.data.load_pairs(...)`, `kg.data.paired_task(...)`.
    """
    if isinstance(inputs, tf.data.Dataset):
        for element in inputs.as_numpy_iterator():
            parts = _parts(element)
            if parts[0].ndim == 3:  # an unbatched dataset
                parts = tuple(None if part is None else part[None] for part in parts)
            yield parts
        return
    parts = _parts(inputs)
    lengths = {len(part) for part in parts if part is not None}
    if len(lengths) > 1:
        raise ValueError(
            "Sources, targets and labels pair up image for image. Received: parts of "
            f"{', '.join(str(len(p)) for p in parts if p is not None)} items."
        )
    yield parts


def _parts(element):
    if isinstance(element, dict):
        element = tuple(element.values())
    if isinstance(element, (tuple, list)):
        if not 1 <= len(element) <= 3:
            raise ValueError(
                "Translation inputs are source images, (source, target) or (source, target, "
                f"labels). Received: an element of {len(element)} parts."
            )
        parts = [np.asarray(part) for part in element] + [None] * (3 - len(element))
    else:
        parts = [np.asarray(element), None, None]
    if parts[0].ndim not in (3, 4):
        raise ValueError(
            "Translation inputs are images (n, height, width, channels). Received: sources "
            f"of shape {parts[0].shape}."
        )
    return tuple(parts)


def translator(model, direction=None):
    """`f(images) -> images` (numpy, float32) translating with `model` in inference mode.

    `model` is an image-to-image model (`kg.Pix2Pix`, `kg.CycleGAN`: its
    `translate`, in `direction`), a `keras.Model` mapping images to images
    (a baseline, e.g. a U-Net trained with L1 alone), or any function of a
    batch of images in [-1, 1] (bicubic upsampling, say).
    """
    if hasattr(model, "translate") and hasattr(model, "directions"):
        model.translator(direction)  # a ValueError naming the directions for a wrong one
        return lambda images: model.translate(images, direction=direction)
    if direction is not None:
        raise ValueError(
            "`direction` chooses a generator of an image-to-image model (Pix2Pix, "
            f"CycleGAN). Received: direction={direction!r} for a {type(model).__name__}."
        )
    if isinstance(model, keras.Model):
        return lambda images: keras.ops.convert_to_numpy(model(images, training=False))
    if callable(model):
        return lambda images: np.asarray(model(images))
    raise ValueError(
        "Expected an image-to-image model, a keras.Model or a function of images. "
        f"Received: {model!r}"
    )


def translated_batches(translate, inputs, num_images, batch_size, pairs=None, labels=None):
    """Yields the translations of the first `num_images` sources of `inputs`, in batches.

    Args:
        translate: `f(images) -> images` (see `translator`).
        inputs: see `input_batches`.
        num_images: how many sources are translated; `inputs` must hold
            that many.
        batch_size: images per translated batch.
        pairs: a list, or None. When given, `(outputs, targets)` uint8 batches
            (`kg.images.to_uint8`) are appended to it, for the metrics of
            pairs; the inputs must then have targets.
        labels: a list, or None. When given, the sources' int labels are
            appended to it, for the accuracy of a classifier on the
            translations; the inputs must then have labels.
    """
    count = 0
    for sources, targets, classes in _rebatched(input_batches(inputs), batch_size):
        sources = sources[: num_images - count]
        outputs = np.asarray(translate(sources.astype("float32")), dtype="float32")
        if pairs is not None:
            if targets is None:
                raise ValueError(
                    "The metrics of pairs (PSNR, SSIM, L1) compare each translation with its "
                    "target. Received: inputs without targets (source images only). Pass "
                    "(sources, targets), or a dataset of pairs (kg.data.load_pairs, "
                    "kg.data.paired_task)."
                )
            targets = targets[: len(sources)]
            if targets.shape != outputs.shape:
                raise ValueError(
                    "Each translation is compared with its target: they must have one shape. "
                    f"Received: translations of shape {outputs.shape[1:]} and targets of "
                    f"shape {targets.shape[1:]}."
                )
            pairs.append((to_uint8(outputs), to_uint8(targets)))
        if labels is not None:
            if classes is None:
                raise ValueError(
                    "The accuracy of translations compares the classifier's class with each "
                    "source's label. Received: inputs without labels. Pass (sources, targets, "
                    "labels), or e.g. kg.data.paired_task(kg.data.load(..., with_labels=True), "
                    "task)."
                )
            labels.append(np.asarray(classes[: len(sources)], dtype="int32").reshape(-1))
        count += len(sources)
        yield outputs
        if count == num_images:
            return
    raise ValueError(
        f"The metrics ask for {num_images} translations (the count in their names). "
        f"Received: inputs with {count} source images. Use a count they hold, e.g. "
        f"fid_inception_{count} or psnr_{count}."
    )


def _rebatched(batches, batch_size):
    """`(sources, targets, labels)` batches of at most `batch_size` images."""
    for parts in batches:
        for start in range(0, len(parts[0]), batch_size):
            yield tuple(None if p is None else p[start : start + batch_size] for p in parts)


def count_images(inputs):
    """How many source images `inputs` holds (one pass over a dataset)."""
    return sum(len(sources) for sources, _, _ in input_batches(inputs))
