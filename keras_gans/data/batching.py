"""Batching, per-batch preparation and prefetching, the same for every `keras_gans.data` dataset."""

import tensorflow as tf

AUTOTUNE = tf.data.AUTOTUNE


def batch_and_prefetch(dataset, batch_size, drop_remainder, prepare=None):
    """Batches, maps `prepare` over the batches (e.g. [0, 255] -> [-1, 1]) and prefetches.

    tf.data's autotuning is turned off: an iterator with autotuning on blocks
    the thread that deletes it for up to about a second (no CPU used), and
    `fit` deletes its iterator at the end of every call, which made repeated
    short `fit` calls (notebooks, loops of callbacks) far slower than one long
    `fit` (measured in benchmarks/throughput.py). This pipeline is light: with
    autotuning off, AUTOTUNE means one parallel call per core and a prefetch
    buffer that grows when the consumer waits.
    """
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    if prepare is not None:
        dataset = dataset.map(prepare, num_parallel_calls=AUTOTUNE)
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.prefetch(AUTOTUNE).with_options(options)


def check_count(count, batch_size, drop_remainder, name):
    """A `ValueError` if dropping the incomplete batch would leave no batch of `count` elements."""
    if drop_remainder and count < batch_size:
        raise ValueError(
            f"'{name}' has {count} images, fewer than one batch, so dropping the "
            f"incomplete batch would leave nothing. Received: batch_size={batch_size}; "
            "expected a batch_size <= the number of images (or drop_remainder=False)."
        )


def check_batch_size(batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(
            f"`batch_size` must be a positive int. Received: batch_size={batch_size!r}"
        )
