"""The rows of an image grid for an image-to-image model: source | output | target, and cycles."""

import numpy as np

from keras_gans.metrics.translations import input_batches


def first_inputs(inputs, num_images):
    """The first `num_images` rows of `inputs` as `(first, second)` float32 arrays.

    `inputs` is what `ImageGrid(inputs=...)` takes: an array of images, a pair
    `(first, second)` of arrays (a third element, labels, is ignored), or a
    `tf.data.Dataset` of such elements, batched or not (read until
    `num_images` rows are found; see `keras_gans.metrics.translations`).
    `second` is None when only images are given.
    """
    firsts, seconds, count = [], [], 0
    for first, second, _ in input_batches(inputs):
        firsts.append(first)
        seconds.append(second)
        count += len(first)
        if count >= num_images:
            break
    if not count:
        raise ValueError("ImageGrid's `inputs` hold no image. Received: no element.")
    first = np.concatenate(firsts)[:num_images].astype("float32")
    if any(second is None for second in seconds):
        return first, None
    return first, np.concatenate(seconds)[:num_images].astype("float32")


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
