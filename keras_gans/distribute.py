"""Training on several devices and machines with TensorFlow's own `tf.distribute`.

- `mirrored`: `tf.distribute.MirroredStrategy`, every GPU of one machine (one
  device if there is none).
- `multi_worker`: `tf.distribute.MultiWorkerMirroredStrategy`, one process per
  machine (or per GPU), described by the `TF_CONFIG` environment variable;
  each process runs the same program.

The batch given to `fit` is the *global* batch: each of the N replicas takes
1/N of it, the losses are averaged over the global batch and the gradients
summed across replicas, so N replicas train as one device would on the same
batches (see `tests/test_distribution.py` and `tests/test_multi_worker.py`).

Where Keras 3.15 / TensorFlow 2.21 stand with `MultiWorkerMirroredStrategy`
(keras-team/keras#20585, tensorflow/tensorflow#72388), and what this module
does about it:

- `fit` fails on every model: Keras reduces the step's scalar logs with
  `strategy.reduce("MEAN", value, axis=0)` in multi-worker mode, which needs a
  leading axis ("Invalid reduction dimension 0 for input with 0 dimensions").
  `worker_logs` gives the logs that axis (shape `(1,)`) in multi-worker mode
  only; Keras' reduction takes it away again.
- Before the first step Keras averages one input batch across workers to build
  the model symbolically; for `(images, labels)` batches that fails
  ("Attempt to convert a value (PerReplica...)"). A GAN is built when it is
  constructed and compiled, so `GAN` skips that batch (under any strategy:
  drawing it also advances a reshuffling dataset, so that replicas would see
  another order of the data than one device).
- `keras.callbacks.BackupAndRestore` writes from every worker to the same
  files: `kg.callbacks.MultiWorkerBackupAndRestore` lets only the chief
  write there, and every worker restore from it.
"""

import json
import os

import tensorflow as tf
from keras import ops

STRATEGIES = ("default", "mirrored", "multi_worker")


def get_strategy(name):
    """A `tf.distribute.Strategy` by name: `"default"`, `"mirrored"` or `"multi_worker"`.

    `"multi_worker"` reads the cluster from `TF_CONFIG` and must be created
    before TensorFlow runs any operation in the process (as the command line
    does first of all).
    """
    if name in (None, "default"):
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"`strategy` must be one of {list(STRATEGIES)}. Received: strategy={name!r}")


def is_multi_worker(strategy=None):
    """Whether `strategy` (default: the current one) spans several worker processes."""
    strategy = strategy or tf.distribute.get_strategy()
    return (
        isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
        and strategy.extended._in_multi_worker_mode()
    )


def worker(strategy=None):
    """`(task_type, task_id)` of this process; `("worker", 0)` outside a cluster."""
    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not is_multi_worker(strategy):
        return "worker", 0
    return resolver.task_type, resolver.task_id


def is_chief(strategy=None):
    """Whether this process writes the run's files: the `chief`, else worker 0.

    `TF_CONFIG` may name a `chief` task; without one, worker 0 is the chief.
    """
    task_type, task_id = worker(strategy)
    if task_type == "chief":
        return True
    cluster = json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    return task_type == "worker" and task_id == 0 and "chief" not in cluster


def worker_logs(logs, strategy=None):
    """The step's logs as Keras' multi-worker reduction needs them (see the module doc)."""
    if not is_multi_worker(strategy):
        return logs
    return {name: ops.reshape(value, (1,)) for name, value in logs.items()}


def shard_by_data(dataset):
    """`dataset` with auto-sharding by data (each worker keeps its part of every batch).

    Datasets made from in-memory arrays (`kg.data.load`) have no files to
    shard by; setting the policy says so, instead of TensorFlow warning.
    """
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options)
