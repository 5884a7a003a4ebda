"""The training data of a `kg.train` run, as the preset needs it."""

import os

from keras_gans import distribute
from keras_gans.data import load, load_pairs, load_unpaired, paired_task
from keras_gans.models import Pix2Pix


def training_data(config, preset, seed, strategy):
    """The run's `tf.data.Dataset`, batched as the preset trains.

    Args:
        config: the run's `TrainingConfig`.
        preset: the `Preset` being trained.
        seed: the run's seed (shuffling).
        strategy: the `tf.distribute` strategy (a multi-worker job shards by data).
    """
    options = config.data
    batch_size = options["batch_size"] or preset.batch_size
    if preset.translation:
        data = translation_data(config, preset, batch_size, seed=seed, shuffle=True)
    else:
        if options["task"] is not None:
            raise ValueError(
                "`task` makes (source, target) pairs for an image-to-image preset (pix2pix). "
                f"Received: task={options['task']!r} with preset={config.model['preset']!r}."
            )
        data = load(
            options["dataset"],
            batch_size=batch_size,
            with_labels=preset.conditional,
            seed=seed,
            image_size=options["image_size"],
        )
    if distribute.is_multi_worker(strategy):
        data = distribute.shard_by_data(data)
    return data


def translation_data(config, preset, batch_size, seed=None, shuffle=True):
    """The `(source, target)` or `(a, b)` batches of an image-to-image preset.

    - `pix2pix` with a `task`: the dataset's images (`kg.data.load`) made into
      pairs by `kg.data.paired_task` (the degraded image is the source).
    - `pix2pix` without: `kg.data.load_pairs` on the dataset, a folder of A|B
      images or `"A_FOLDER,B_FOLDER"`, in `direction`.
    - `cyclegan`: `kg.data.load_unpaired` on the dataset, a folder with
      `trainA/` and `trainB/`, `"A_FOLDER,B_FOLDER"` or `cycle_gan/NAME` (tfds).

    With `shuffle=False` the batches come in the data's order (the rows of
    the run's image grids).
    """
    options = config.data
    dataset, task, name = options["dataset"], options["task"], config.model["preset"]
    common = {
        "batch_size": batch_size,
        "image_size": options["image_size"],
        "seed": seed,
        "shuffle": shuffle,
        "drop_remainder": shuffle,
    }
    if task is not None:
        if not issubclass(preset.model_class, Pix2Pix):
            raise ValueError(
                "`task` makes paired data, for pix2pix; CycleGAN trains on unpaired domains. "
                f"Received: task={task!r} with preset={name!r}."
            )
        return paired_task(load(dataset, **common), task, seed=seed or 0, keep_labels=False)
    folders = split_folders(dataset)
    if issubclass(preset.model_class, Pix2Pix):
        if isinstance(folders, str) and not os.path.isdir(folders):
            raise ValueError(
                "pix2pix trains on pairs: a folder of side-by-side A|B images, two folders "
                "'A_FOLDER,B_FOLDER' of matching file names, or any image dataset with a "
                f"task (task='super_resolution', ...). Received: dataset={dataset!r} and no task."
            )
        return load_pairs(folders, direction=options["direction"], **common)
    if isinstance(folders, tuple):
        return load_unpaired(*folders, **common)
    return load_unpaired(folders, **common)


def split_folders(dataset):
    """`"A_FOLDER,B_FOLDER"` (or a pair) as a tuple of two paths; anything else as it is."""
    if isinstance(dataset, (tuple, list)):
        return tuple(os.fspath(part) for part in dataset)
    dataset = os.fspath(dataset)
    if "," in dataset and not os.path.exists(dataset):
        parts = [part.strip() for part in dataset.split(",")]
        if len(parts) != 2 or not all(parts):
            raise ValueError(
                "Two folders are given as 'A_FOLDER,B_FOLDER'. Received: "
                f"dataset={dataset!r} ({len(parts)} parts)."
            )
        return tuple(parts)
    return dataset


def count_classes(dataset):
    """Largest label in a labelled dataset, plus one (one pass over the labels)."""
    import tensorflow as tf

    largest = dataset.map(lambda images, labels: tf.reduce_max(labels)).reduce(
        tf.constant(-1, tf.int32), tf.maximum
    )
    return int(largest) + 1
