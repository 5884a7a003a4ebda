"""`kg.data.load_unpaired`: two unpaired image domains for CycleGAN."""

import functools
import os

import tensorflow as tf

from keras_gans.data import image_files
from keras_gans.data.batching import batch_and_prefetch, check_batch_size, check_count
from keras_gans.data.file_dataset import file_dataset
from keras_gans.data.load import resize_images
from keras_gans.data.scaling import scale_images

AUTOTUNE = tf.data.AUTOTUNE


def load_unpaired(
    a,
    b=None,
    split="train",
    batch_size=1,
    image_size=None,
    shuffle=True,
    seed=None,
    drop_remainder=True,
    download=True,
):
    """Loads two image domains, A and B, as a batched, prefetched `tf.data.Dataset` of `(a, b)`.

    Each element is `(a, b)`: a float32 batch of A images and one of B
    images in [-1, 1], shapes `(batch, height, width, channels_a)` and
    `(batch, height, width, channels_b)`. The two sides are shuffled
    independently (seeds `seed` and `seed + 1`): image `i` of `a` has nothing
    to do with image `i` of `b`.

    When the two sides hold different numbers of images, an epoch runs over
    the larger side once, and the smaller side is repeated (reshuffled at
    each pass) to keep up with it, as in the CycleGAN reference code: an
    epoch has `max(count_a, count_b) // batch_size` batches and every image
    of both sides is seen at least once per epoch.

    Three forms:

    - `load_unpaired(folder_a, folder_b)`: two folders of images;
    - `load_unpaired(folder)`: a folder in the CycleGAN layout, with
      sub-folders `trainA/` and `trainB/` (`testA/` and `testB/` for
      `split="test"`);
    - `load_unpaired("cycle_gan/horse2zebra")`: a TensorFlow Datasets name
      with splits `trainA`, `trainB`, `testA`, `testB` (downloaded when
      online; offline a one-line `ValueError` within seconds). Its images
      are decoded by tfds and resized with Keras (bilinear, antialiased,
      centre-cropped) when `image_size` is given.

    Folders are checked and converted as `kg.data.load` does for folders
    (`keras_gans.data.image_files`, channels chosen per side) and streamed
    from disk.

    Args:
        a: the A folder, a CycleGAN-layout folder, or a tfds name.
        b: the B folder, or None for the other two forms. Defaults to `None`.
        split: `"train"` or `"test"` (sub-folders `{split}A`, `{split}B`,
            tfds splits of those names); ignored for two folders.
            Defaults to `"train"`.
        batch_size: images of each side per batch. Defaults to `1` (as in
            CycleGAN).
        image_size: int or `(height, width)`: every image is resized and
            centre-cropped to it. Defaults to `None`: all the images of both
            sides must then have one size.
        shuffle: reshuffle each side every epoch. Defaults to `True`.
        seed: shuffling seed. Defaults to `None`.
        drop_remainder: drop the last incomplete batch. Defaults to `True`.
        download: for a tfds name, allow the download. Defaults to `True`.

    Returns:
        A `tf.data.Dataset` of `(a, b)`.

    Example:

    ```python
    ds = kg.data.load_unpaired("horse2zebra/trainA", "horse2zebra/trainB")
    horses, zebras = next(iter(ds))  # (1, 256, 256, 3) each, in [-1, 1]
    ```

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.
    """
    check_batch_size(batch_size)
    seeds = (None, None) if seed is None else (seed, seed + 1)
    if b is not None:
        folders = [os.fspath(a), os.fspath(b)]
        for folder in folders:
            if not os.path.isdir(folder):
                raise ValueError(f"Expected a folder of images. Received: {folder!r}")
        sides, counts = _folder_sides(folders, image_size, shuffle, seeds)
        where = " and ".join(folders)
    else:
        a = os.fspath(a)
        folders = [os.path.join(a, f"{split}{side}") for side in "AB"]
        if os.path.isdir(a):
            if not all(os.path.isdir(folder) for folder in folders):
                found = sorted(e.name for e in os.scandir(a) if e.is_dir())
                raise ValueError(
                    f"A single folder must have the CycleGAN layout, sub-folders {split}A/ and "
                    f"{split}B/ (split={split!r}); or pass two folders. Received: {a} with "
                    f"sub-folders {found}"
                )
            sides, counts = _folder_sides(folders, image_size, shuffle, seeds)
        elif os.path.exists(a) or a.startswith((".", os.sep)):
            raise ValueError(
                "Expected two folders, a folder with trainA/ and trainB/, or a tfds name such "
                f"as 'cycle_gan/horse2zebra'. Received: a={a!r}, which is none of these."
            )
        else:
            sides, counts = _tfds_sides(a, split, image_size, shuffle, seeds, download)
        where = a
    check_count(max(counts), batch_size, drop_remainder, where)
    if counts[0] != counts[1]:
        shorter = 0 if counts[0] < counts[1] else 1
        sides[shorter] = sides[shorter].repeat()
    dataset = tf.data.Dataset.zip(tuple(sides))

    def prepare(images_a, images_b):
        return scale_images(images_a), scale_images(images_b)

    return batch_and_prefetch(dataset, batch_size, drop_remainder, prepare)


def _folder_sides(folders, image_size, shuffle, seeds):
    """Two datasets of uint8 images read from `folders`, and their sizes."""
    scans = []
    for folder in folders:
        paths, skipped = image_files.list_image_files(folder)
        if not paths:
            raise ValueError(
                f"No images ({', '.join(image_files.IMAGE_EXTENSIONS)}) found in the folder. "
                f"Received: {folder}"
            )
        scans.append((image_files.inspect_images(paths, folder), skipped))
    infos = [info for side, _ in scans for info in side]
    size = image_files.common_size(infos, image_size, " and ".join(folders))
    channels = [image_files.choose_channels(side) for side, _ in scans]
    notes = [
        image_files.conversion_note(side, c, label=folder)
        for (side, _), c, folder in zip(scans, channels, folders, strict=True)
    ]
    skipped = [path for _, side_skipped in scans for path in side_skipped]
    image_files.warn_once(" and ".join(folders), notes, skipped)
    sides = [
        file_dataset(
            [[info.path for info in side]],
            functools.partial(image_files.read_image, channels=c, size=size),
            [(*size, c)],
            shuffle=shuffle,
            seed=seed,
        )
        for (side, _), c, seed in zip(scans, channels, seeds, strict=True)
    ]
    return sides, [len(side) for side, _ in scans]


def _tfds_sides(name, split, image_size, shuffle, seeds, download):
    """The `{split}A` and `{split}B` splits of a tfds dataset, and their sizes."""
    from keras_gans.data.tfds_source import check_dataset_name, tfds_dataset

    check_dataset_name(name, ())
    size = image_files.image_size_pair(image_size)
    sides, counts = [], []
    for side, seed in zip("AB", seeds, strict=True):
        dataset = tfds_dataset(name, f"{split}{side}", download=download)
        dataset = dataset.map(lambda image, label: resize_images(image, size), AUTOTUNE)
        count = int(dataset.cardinality())
        if count < 0:  # unknown: count once
            count = int(dataset.reduce(0, lambda total, _: total + 1))
        if shuffle:
            dataset = dataset.shuffle(min(count, 10_000), seed=seed, reshuffle_each_iteration=True)
        sides.append(dataset)
        counts.append(count)
    return sides, counts
