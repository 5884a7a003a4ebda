"""The training data of a `kg.train` run, as the preset needs it."""

from keras_gans import distribute
from keras_gans.data import load


def training_data(config, preset, seed, strategy):
    """The run's `tf.data.Dataset`, batched as the preset trains.

    Args:
        config: the run's `TrainingConfig`.
        preset: the `Preset` being trained.
        seed: the run's seed (shuffling).
        strategy: the `tf.distribute` strategy (a multi-worker job shards by data).
    """
    options = config.data
    data = load(
        options["dataset"],
        batch_size=options["batch_size"] or preset.batch_size,
        with_labels=preset.conditional,
        seed=seed,
        image_size=options["image_size"],
    )
    if distribute.is_multi_worker(strategy):
        data = distribute.shard_by_data(data)
    return data


def count_classes(dataset):
    """Largest label in a labelled dataset, plus one (one pass over the labels)."""
    import tensorflow as tf

    largest = dataset.map(lambda images, labels: tf.reduce_max(labels)).reduce(
        tf.constant(-1, tf.int32), tf.maximum
    )
    return int(largest) + 1
