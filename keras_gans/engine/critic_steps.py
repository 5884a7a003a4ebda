"""Several discriminator (critic) updates per generator update, traced once for any number."""

import tensorflow as tf
from keras import ops


def check_critic_steps(critic_steps):
    """`critic_steps` as an int >= 1; a `ValueError` naming it otherwise."""
    if isinstance(critic_steps, bool) or not isinstance(critic_steps, int) or critic_steps < 1:
        raise ValueError(
            f"`critic_steps` must be an int >= 1. Received: critic_steps={critic_steps!r}"
        )
    return critic_steps


def deal(images, labels, parts, part):
    """Part `part` of a batch dealt into `parts`: images part, part + k, part + 2k, ...

    A batch of fewer than k images (the last, incomplete batch of an epoch)
    is dealt round: part i holds image i mod B, so every critic step still
    trains on a real image and the epoch ends normally. Dealing (rather than
    cutting contiguous slices) keeps `tf.distribute` training identical to one
    device when each replica's batch is a multiple of k. `part` may be a
    tensor (inside the critic loop).
    """
    if parts == 1:
        return images, labels
    size = ops.shape(images)[0]  # an int when the batch size is static
    static = isinstance(size, int)
    low, high = (min, max) if static else (ops.minimum, ops.maximum)
    per_step = low(high(size // parts, 1), size)  # 0 only for an empty batch
    index = (ops.arange(per_step) * parts + part) % high(size, 1)
    taken = ops.take(images, index, axis=0)
    return taken, None if labels is None else ops.take(labels, index, axis=0)


def run_critic_steps(step, parts):
    """Calls `step(part)` for parts 1 .. `parts` - 1 (part 0 runs before, outside the loop).

    The later parts run in a `tf.while_loop` outside `tf.distribute`, so the
    step is traced twice (part 0 and the loop body) whatever `critic_steps`
    is. Under a strategy they are unrolled: its synchronisation points (the
    gradient all-reduce, synchronised BatchNorm) cannot sit inside a loop of
    the replica function ("`merge_call` called while defining a new graph").
    """
    if parts == 1:
        return
    if tf.distribute.has_strategy() or tf.executing_eagerly():
        for part in range(1, parts):
            step(part)
        return

    def body(part):
        step(part)
        return (part + 1,)

    tf.while_loop(lambda part: part < parts, body, (tf.constant(1),))
