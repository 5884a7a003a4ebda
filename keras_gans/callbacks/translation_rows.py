"""The rows of an image grid for an image-to-image model: source | output | target, and cycles."""

import numpy as np
import tensorflow as tf


def first_inputs(inputs, num_images):
    """The first `num_images` rows of `inputs` as `(first, second)` float32 arrays.

    `inputs` is what `ImageGrid(inputs=...)` takes: an array of images, a pair
    `(first, second)` of arrays (a third element, labels, is ignored), or a
    `tf.data.Dataset` of such elements, batched or not (read until
    `num_images` rows are found). `second` is None when only images are given.
    """
    if isinstance(inputs, tf.data.Dataset):
        firsts, seconds, count = [], [], 0
        for element in inputs.as_numpy_iterator():
            first, second = _parts(element)
            if first.ndim == 3:  # an unbatched dataset
                first, second = first[None], None if second is None else second[None]
            firsts.append(first)
            seconds.append(second)
            count += len(first)
            if count >= num_images:
                break
        if not firsts:
            raise ValueError("ImageGrid's `inputs` dataset is empty. Received: no element.")
        first = np.concatenate(firsts)
        second = None if seconds[0] is None else np.concatenate(seconds)
    else:
        first, second = _parts(inputs)
    if first.ndim != 4 or (second is not None and len(second) != len(first)):
        raise ValueError(
            "ImageGrid's `inputs` must be images (n, height, width, channels), a pair "
            "(sources, targets) of such arrays, or a tf.data.Dataset of them. Received: "
            f"images of shape {first.shape}"
            + ("" if second is None else f" with second part of shape {second.shape}")
        )
    first = first[:num_images].astype("float32")
    return first, None if second is None else second[:num_images].astype("float32")


def _parts(element):
    if isinstance(element, dict):
        element = tuple(element.values())
    if isinstance(element, (tuple, list)):
        if not 1 <= len(element) <= 3:
            raise ValueError(
                "ImageGrid's `inputs` elements must be images, (source, target) or "
                f"(source, target, labels). Received: an element of {len(element)} parts."
            )
        first = np.asarray(element[0])
        second = np.asarray(element[1]) if len(element) > 1 else None
        return first, second
    return np.asarray(element), None


def translation_rows(model, first, second=None):
    """`(images, rows)` of the grid of a translation model: one row per input image.

    - One direction (`Pix2Pix`): source | output | target (without target
      column when `second` is None).
    - Two directions (`CycleGAN`): a | a->b | a->b->a, then, when `second`
      (B images) is given, b | b->a | b->a->b.

    Images of different channels or sizes in one grid are shown in colour at
    the largest size (grayscale repeated, nearest-neighbour enlargement).
    """
    if len(model.directions) == 1:
        columns = [first, model.translate(first)] + ([] if second is None else [second])
        return _tile(columns), len(first)
    forward, backward = model.directions  # a_to_b, b_to_a
    groups = [(first, forward, backward)]
    if second is not None:
        groups.append((second, backward, forward))
    tiles = []
    for images, there, back in groups:
        translated = model.translate(images, direction=there)
        tiles.append(_tile([images, translated, model.translate(translated, direction=back)]))
    tiles = _same_shape(tiles)
    return np.concatenate(tiles), sum(len(images) for images, _, _ in groups)


def _tile(columns):
    """The columns' images interleaved row by row: row i is column 0's i, column 1's i, ..."""
    columns = _same_shape(columns)
    return np.stack(columns, axis=1).reshape(-1, *columns[0].shape[1:])


def _same_shape(batches):
    """`batches` with one channel count and one size: colour and the largest if they differ."""
    channels = max(batch.shape[-1] for batch in batches)
    height = max(batch.shape[1] for batch in batches)
    width = max(batch.shape[2] for batch in batches)
    same = []
    for batch in batches:
        if batch.shape[-1] != channels:
            batch = np.repeat(batch[..., :1], channels, axis=-1)
        if batch.shape[1:3] != (height, width):
            rows = np.arange(height) * batch.shape[1] // height
            cols = np.arange(width) * batch.shape[2] // width
            batch = batch[:, rows][:, :, cols]
        same.append(batch)
    return same
