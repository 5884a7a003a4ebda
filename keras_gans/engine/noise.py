"""The model's noise under `tf.distribute`: each replica draws its slice of the global batch."""

import tensorflow as tf

from keras_gans.losses import num_replicas


def draw_for_replica(draw, batch_size):
    """Returns this replica's `batch_size` rows of `draw(global_batch_size)`.

    Under a `tf.distribute` strategy the model's seed state is mirrored, so
    every replica would draw the same numbers. Instead each replica draws the
    values of the whole global batch (the same on all replicas) and keeps its
    own slice: the replicas use different values, and the global batch sees
    exactly what one device would.

    Args:
        draw: `draw(n)` returns `n` rows of random values (from the model's
            `keras.random.SeedGenerator`).
        batch_size: rows this replica needs.
    """
    replicas = num_replicas()
    if replicas == 1:
        return draw(batch_size)
    replica = tf.distribute.get_replica_context().replica_id_in_sync_group
    values = draw(batch_size * replicas)
    return values[replica * batch_size : (replica + 1) * batch_size]
