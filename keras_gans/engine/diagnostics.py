"""What the training step measures about itself, for `kg.callbacks.TrainingMonitor`.

The course notes name the ways GAN training fails: the discriminator wins and
the generator's gradients vanish, or the generator collapses onto a few modes.
Each step logs the quantities that show them:

- `d_grad_norm`, `g_grad_norm`: the L2 norm of each player's gradient (all its
  trainable weights together). A non-saturating generator keeps a useful
  gradient when D rejects its samples; a minimax one sees it vanish
  (Goodfellow et al. 2014, sec. 3; Arjovsky & Bottou 2017).
- `diversity`: the mean pairwise distance between the generated images,
  divided by that between the real images of the batch: relative to the data's
  own diversity. About 1 for a generator as varied as the data, near 0 when it
  collapses. It is measured on the images, not on D's features: in D's
  training-mode pass BatchNorm normalises the fakes' batch by its own spread,
  so near-identical samples came out at the scale of real ones (every sample
  the same coloured checkerboard scored 0.25 on a DCGAN D's features, 0.09 on
  the images; `tests/test_training_monitor.py`).

They cost a little: on a large network, a gradient norm reads every gradient
once more (about 3% of Pix2Pix's step at 64x64, 32M weights).
`compile(diagnostics_every_n_steps=N)` measures them on the first step of each
epoch and every N-th step only (`due`, `measured`); the epoch's value is then
the mean over the steps that measured it.
"""

from typing import Any, NamedTuple

import tensorflow as tf
from keras import ops

from keras_gans.losses import global_batch_mean, num_replicas
from keras_gans.step_schedule import on_schedule


class Sampled(NamedTuple):
    """A diagnostic of a step that may not measure it: `weight` is 1 if it did, else 0.

    `Trackers.update` adds `value` to the running mean with that weight.
    """

    value: Any
    weight: Any


def due(model, name):
    """Whether this step measures the diagnostic logged as `name`.

    True (a Python bool) on every step when `model.diagnostics_every_n_steps`
    is 1, and under a strategy of several replicas: the norms all-reduce the
    gradients, and a collective op cannot run in one branch of a condition.
    Otherwise a bool tensor, true on the first step of each epoch (`name`'s
    tracker still empty, so that every epoch logs a value) and on every N-th
    generator update (steps 0, N, 2N, ...).
    """
    every = model.diagnostics_every_n_steps
    if every == 1 or num_replicas() > 1:
        return True
    first_of_epoch = ops.equal(model.trackers.get(name).count, 0.0)
    return ops.logical_or(first_of_epoch, on_schedule(model, every))


def measured(is_due, compute):
    """`compute()` (a float32 scalar) if `is_due`; a `Sampled` value otherwise."""
    if is_due is True:
        return compute()
    value = ops.cond(is_due, compute, lambda: ops.zeros((), "float32"))
    return Sampled(value, ops.cast(is_due, "float32"))


def gradient_norm(gradients):
    """The L2 norm of the gradient of the global-batch loss, as a logged value.

    Under `tf.distribute` each replica holds its share of the gradient; the
    shares are summed (an all-reduce) first, so that the norm is that of the
    one-device gradient. Returned as a global-batch mean like every log.
    """
    gradients = [g for g in gradients if g is not None]
    if num_replicas() > 1:
        gradients = tf.distribute.get_replica_context().all_reduce("sum", gradients)
    # `tf.nn.l2_loss` (sum(g ** 2) / 2) reads each gradient once, with no temporary
    # tensor of squares: on a large network the norm costs as much memory traffic as
    # one more pass over the weights.
    halves = [tf.nn.l2_loss(ops.cast(g, "float32")) for g in gradients]
    return global_batch_mean(ops.sqrt(2.0 * ops.sum(ops.stack(halves))))


def mean_pairwise_distance(features):
    """Mean Euclidean distance between the rows of `features` (batch, ...), i != j."""
    x = ops.reshape(ops.cast(features, "float32"), (ops.shape(features)[0], -1))
    # Centred first: distances do not change, and |a|^2 + |b|^2 - 2ab then cancels on
    # small numbers (a collapsed batch gives ~0, not float32 rounding of |x|^2).
    x = x - ops.mean(x, axis=0, keepdims=True)
    squared = ops.sum(ops.square(x), axis=1)
    distances = squared[:, None] + squared[None, :] - 2.0 * ops.matmul(x, ops.transpose(x))
    distances = ops.sqrt(ops.maximum(distances, 0.0) + 1e-12)
    n = ops.cast(ops.shape(x)[0], "float32")
    off_diagonal = ops.sum(distances) - ops.sum(ops.diagonal(distances))
    return off_diagonal / ops.maximum(n * (n - 1.0), 1.0)


def feature_diversity(real_features, fake_features):
    """`diversity`: fakes' mean pairwise feature distance over the reals', on the global batch.

    Under `tf.distribute` the replicas' features are gathered first, so the
    value is the one-device value.
    """
    real, fake = ops.stop_gradient(real_features), ops.stop_gradient(fake_features)
    if num_replicas() > 1:
        context = tf.distribute.get_replica_context()
        real, fake = context.all_gather(real, axis=0), context.all_gather(fake, axis=0)
    ratio = mean_pairwise_distance(fake) / ops.maximum(mean_pairwise_distance(real), 1e-12)
    return global_batch_mean(ratio)
