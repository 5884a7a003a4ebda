"""The one replica-scaling helper: every loss, term and logged value is a global-batch mean.

Under a `tf.distribute` strategy each replica computes its share of a loss;
the optimizer sums the replicas' gradients. So each replica averages its own
examples and divides by the number of replicas, exactly as `keras.losses`
reduces with `"sum_over_batch_size"`: the summed gradients then equal the
single-device ones.
"""

import tensorflow as tf
from keras import ops


def num_replicas():
    """Number of replicas the current `tf.distribute` strategy runs in sync."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def global_batch_mean(values):
    """Mean of per-example `values` over the global batch (this replica's share).

    Each replica averages its own examples and divides by the number of
    replicas, as `keras.losses.Loss` does, so that summing across replicas
    gives the mean over the global batch.
    """
    return ops.mean(values) / num_replicas()


def unscale_for_logging(value):
    """Undoes the per-replica scaling of `global_batch_mean` for metric trackers."""
    return value * num_replicas()


def mean_over_global_batch(values):
    """The mean of `values` over the whole global batch, the same on every replica.

    For quantities that enter a loss per example (the relativistic losses
    compare each logit with the mean logit of the other batch): under a
    strategy the replicas' sums are all-reduced, so every replica sees the
    one-device mean. Not a loss share: do not pass it to `global_batch_mean`
    as a loss.
    """
    values = ops.cast(values, "float32")
    if num_replicas() == 1:
        return ops.mean(values)
    context = tf.distribute.get_replica_context()
    total = context.all_reduce("sum", ops.sum(values))
    count = context.all_reduce("sum", ops.cast(ops.size(values), "float32"))
    return total / count
