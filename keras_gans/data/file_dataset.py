"""A `tf.data.Dataset` that decodes image files with PIL as it streams (nothing held in memory)."""

import numpy as np
import tensorflow as tf

AUTOTUNE = tf.data.AUTOTUNE


def file_dataset(columns, read, shapes, labels=None, shuffle=True, seed=None):
    """An unbatched dataset of uint8 images read from files, in parallel, in order.

    Args:
        columns: list of equally long lists of paths; element `i` is read
            from `[column[i] for column in columns]`.
        read: Python function taking those paths (str) and returning one
            uint8 array per entry of `shapes`.
        shapes: the `(height, width, channels)` of each array `read` returns.
        labels: optional int labels, one per element, yielded last.
        shuffle: reshuffle the file order every epoch (before decoding, so
            it costs nothing). Defaults to `True`.
        seed: shuffling seed. Defaults to `None`.

    Returns:
        A dataset of uint8 images (a tuple when `shapes` has several
        entries), followed by an int32 label when `labels` is given.
    """
    tensors = tuple(tf.constant(list(column), tf.string) for column in columns)
    if labels is not None:
        tensors += (tf.constant(np.asarray(labels, "int32")),)
    dataset = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle:
        dataset = dataset.shuffle(len(columns[0]), seed=seed, reshuffle_each_iteration=True)

    def read_paths(*paths):
        images = read(*(path.decode() for path in paths))
        return list(images) if isinstance(images, tuple) else [images]

    def decode(*element):
        paths = element[: len(columns)]
        images = tf.numpy_function(read_paths, list(paths), [tf.uint8] * len(shapes))
        for image, shape in zip(images, shapes, strict=True):
            image.set_shape(shape)
        images = tuple(images) if len(shapes) > 1 else images[0]
        return (images, *element[len(columns) :]) if labels is not None else images

    return dataset.map(decode, num_parallel_calls=AUTOTUNE)
