"""The augmentation of a `kg.train` run: the one given, or one chosen from the dataset's size."""

from keras_gans.augment import ADA

# === The automatic choice (`augment="auto"`, the default of `kg.train` and `keras-gans train`) ===
# Measured (benchmarks/data_efficiency.py; docs/benchmarks.md, "Little data"), dcgan on
# Fashion-MNIST subsets, 2 CPU cores. 100 images, 6,000 steps, 3 seeds: ADA 65.9 +- 1.9
# against 92.2 +- 2.5 unaugmented (28% lower; DiffAugment 11-18%). 300 images, 4,000 steps,
# one seed: ADA even (52.7 against 54.4), DiffAugment 19% worse. 1,000 and 6,000 images:
# augmentation only slowed the generator down. So ADA below 300 images, none from there.
SMALL_DATASET = 300
ADA_ADJUSTMENT_IMAGES = 100_000  # p may move by 1 per 100k real images (the paper's 500k
# is for runs of millions of images; at 6,000 steps of 64 it could barely move)


def small_dataset_augment():
    """A new augmentation for a small dataset: ADA as the benchmark measured it."""
    return ADA(target=0.6, adjustment_images=ADA_ADJUSTMENT_IMAGES)


def count_images(data, batch_size):
    """Images in one pass over the batched `data` (whole batches), or None if unknown."""
    batches = int(data.cardinality())
    return batches * batch_size if batches >= 0 else None


def describe_automatic_choice():
    """The automatic choice in words, for help texts."""
    return f"ada for fewer than {SMALL_DATASET:,} training images, else none"


def resolve_augment(augment, num_images):
    """The run's `augment`, with `"auto"` decided by the dataset's size; and why, or None.

    Args:
        augment: the `augment` option: `"auto"`, or anything `compile` takes
            (`None` and `"none"` are off).
        num_images: images in one pass over the training data, or None when
            unknown (then no augmentation).

    Returns:
        `(augment, note)`: what to pass to `compile`, and a line for the log
        when `"auto"` turned augmentation on (else None).
    """
    if augment != "auto":
        return augment, None
    if num_images is None or num_images >= SMALL_DATASET:
        return None, None
    note = (
        f"Augment: ada (target r_t 0.6, p moving by at most 1 per {ADA_ADJUSTMENT_IMAGES:,} "
        f"images), chosen for a small dataset ({num_images:,} images, fewer than "
        f"{SMALL_DATASET:,}), so that the discriminator does not memorise it "
        "(--augment none to turn it off)"
    )
    return small_dataset_augment(), note
