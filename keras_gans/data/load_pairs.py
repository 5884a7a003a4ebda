"""`kg.data.load_pairs`: aligned image pairs for image-to-image translation (pix2pix)."""

import collections
import functools
import os

from keras_gans.data import image_files
from keras_gans.data.batching import batch_and_prefetch, check_batch_size, check_count
from keras_gans.data.file_dataset import file_dataset
from keras_gans.data.scaling import scale_images

DIRECTIONS = ("a_to_b", "b_to_a")
_LISTED = 5


def load_pairs(
    path_or_paths,
    split="train",
    batch_size=1,
    image_size=None,
    direction="a_to_b",
    shuffle=True,
    seed=None,
    drop_remainder=True,
):
    """Loads aligned image pairs as a shuffled, batched, prefetched `tf.data.Dataset`.

    Each element is `(source, target)`: two float32 batches in [-1, 1] of
    shapes `(batch, height, width, source_channels)` and
    `(batch, height, width, target_channels)`, image `i` of `source` paired
    with image `i` of `target`.

    Two layouts are read:

    - one folder of side-by-side images, as the pix2pix datasets ship them
      (facades, maps, edges2shoes, ...): each image is A on the left half and
      B on the right half (its width must be even);
    - two folders `(a_folder, b_folder)` whose files match by name (the path
      relative to the folder, without its extension: `a/x.jpg` pairs with
      `b/x.png`); the two images of a pair must have the same size.

    With `direction="a_to_b"` the source is A (the left half, or the first
    folder) and the target B; `"b_to_a"` swaps them (the facades' labels are
    B: labels -> photos is `"b_to_a"`). When a folder has a sub-folder named
    `split` (pix2pix's `facades/train`, `facades/val`, `facades/test`, or
    `A/train` and `B/train`), that sub-folder is read. Files are checked and
    converted as `kg.data.load` does for folders (`keras_gans.data.image_files`:
    channels chosen per side, one warning for what was converted). Images
    are streamed from disk, not held in memory.

    Args:
        path_or_paths: a folder of A|B images, or a pair of folders.
        split: the sub-folder to read when there is one. Defaults to `"train"`.
        batch_size: pairs per batch. Defaults to `1` (as in pix2pix).
        image_size: int or `(height, width)`: both images of a pair (each
            half of an A|B image) are resized and centre-cropped to it.
            Defaults to `None`: every pair must then have the same size.
        direction: `"a_to_b"` or `"b_to_a"`. Defaults to `"a_to_b"`.
        shuffle: reshuffle the pairs every epoch. Defaults to `True`.
        seed: shuffling seed. Defaults to `None`.
        drop_remainder: drop the last incomplete batch. Defaults to `True`.

    Returns:
        A `tf.data.Dataset` of `(source, target)`.

    Raises:
        ValueError: naming the files, for folders that do not pair up
            (different counts, unmatched names, two files of the same name,
            different sizes within a pair, an A|B image of odd width), for
            unreadable files and, without `image_size`, for mixed sizes.

    Example:

    ```python
    pairs = kg.data.load_pairs("facades/", direction="b_to_a", image_size=256)
    labels, photos = next(iter(pairs))  # (1, 256, 256, 3) each, in [-1, 1]
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017 (the datasets' A|B layout).
    """
    check_batch_size(batch_size)
    if direction not in DIRECTIONS:
        raise ValueError(
            f"`direction` must be 'a_to_b' or 'b_to_a'. Received: direction={direction!r}"
        )
    if isinstance(path_or_paths, (str, os.PathLike)):
        where = _split_folder(path_or_paths, split)
        columns, shapes, read = _side_by_side(where, image_size)
    elif isinstance(path_or_paths, (list, tuple)) and len(path_or_paths) == 2:
        folders = [_split_folder(path, split) for path in path_or_paths]
        where = " and ".join(folders)
        columns, shapes, read = _two_folders(*folders, image_size)
    else:
        raise ValueError(
            "`path_or_paths` must be a folder of side-by-side A|B images or a pair of folders "
            f"(a_folder, b_folder). Received: path_or_paths={path_or_paths!r}"
        )
    check_count(len(columns[0]), batch_size, drop_remainder, where)
    dataset = file_dataset(columns, read, shapes, shuffle=shuffle, seed=seed)
    swap = direction == "b_to_a"

    def prepare(a, b):
        a, b = scale_images(a), scale_images(b)
        return (b, a) if swap else (a, b)

    return batch_and_prefetch(dataset, batch_size, drop_remainder, prepare)


def _split_folder(path, split):
    """`path/split` when it is a folder, else `path` (which must be a folder)."""
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise ValueError(f"Expected a folder of images. Received: {path!r}, not a folder.")
    nested = os.path.join(path, split)
    return nested if os.path.isdir(nested) else path


def _scan(folder):
    paths, skipped = image_files.list_image_files(folder)
    if not paths:
        raise ValueError(
            f"No images ({', '.join(image_files.IMAGE_EXTENSIONS)}) found in the folder. "
            f"Received: {folder}"
        )
    return image_files.inspect_images(paths, folder), skipped


def _side_by_side(folder, image_size):
    infos, skipped = _scan(folder)
    odd = [f"{info.path} ({info.size[1]} wide)" for info in infos if info.size[1] % 2]
    if odd:
        raise ValueError(
            f"Side-by-side A|B images must have an even width, A on the left half and B on "
            f"the right. Received: {len(odd)} of {len(infos)} images of odd width in {folder}: "
            + ", ".join(odd[:_LISTED])
            + (", ..." if len(odd) > _LISTED else "")
        )
    halves = [
        image_files.ImageInfo(info.path, (info.size[0], info.size[1] // 2), info.mode, info.alpha)
        for info in infos
    ]
    size = image_files.common_size(halves, image_size, f"{folder} (each half of the A|B images)")
    channels = image_files.choose_channels(infos)
    image_files.warn_once(folder, [image_files.conversion_note(infos, channels)], skipped)
    read = functools.partial(image_files.read_image, channels=channels, size=size, halves=True)
    shape = (*size, channels)
    return [[info.path for info in infos]], [shape, shape], read


def _keyed(infos, folder):
    """`{relative path without extension: ImageInfo}`, or a `ValueError` for two files of a name."""
    keyed = collections.defaultdict(list)
    for info in infos:
        keyed[os.path.splitext(os.path.relpath(info.path, folder))[0]].append(info)
    twice = [" and ".join(i.path for i in found) for found in keyed.values() if len(found) > 1]
    if twice:
        raise ValueError(
            f"Pairs are matched by file name without extension, but {folder} has several "
            f"files of one name: {'; '.join(twice[:_LISTED])}. Received: ambiguous pairs."
        )
    return {key: found[0] for key, found in keyed.items()}


def _two_folders(folder_a, folder_b, image_size):
    (infos_a, skipped_a), (infos_b, skipped_b) = _scan(folder_a), _scan(folder_b)
    a, b = _keyed(infos_a, folder_a), _keyed(infos_b, folder_b)
    only_a, only_b = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    if only_a or only_b:
        raise ValueError(
            f"The two folders must hold files of the same names (extensions aside). Received: "
            f"{len(a)} images in {folder_a} and {len(b)} in {folder_b}; only in the first: "
            f"{_names(only_a)}; only in the second: {_names(only_b)}."
        )
    keys = sorted(a)
    unequal = [
        f"{a[k].path} is {_size(a[k])} but {b[k].path} is {_size(b[k])}"
        for k in keys
        if a[k].size != b[k].size
    ]
    if unequal:
        raise ValueError(
            f"The two images of a pair must have the same size. Received: {len(unequal)} "
            f"pairs that differ: {'; '.join(unequal[:_LISTED])}"
            + ("; ..." if len(unequal) > _LISTED else "")
            + ". Resize one side so that the pixels line up."
        )
    pairs_a = [a[k] for k in keys]
    size = image_files.common_size(pairs_a, image_size, f"{folder_a} and {folder_b}")
    channels = [image_files.choose_channels(infos) for infos in (infos_a, infos_b)]
    notes = [
        image_files.conversion_note(infos, c, label=folder)
        for infos, c, folder in zip((infos_a, infos_b), channels, (folder_a, folder_b), strict=True)
    ]
    image_files.warn_once(f"{folder_a} and {folder_b}", notes, skipped_a + skipped_b)

    def read(path_a, path_b):
        return (
            image_files.read_image(path_a, channels[0], size),
            image_files.read_image(path_b, channels[1], size),
        )

    columns = [[a[k].path for k in keys], [b[k].path for k in keys]]
    return columns, [(*size, channels[0]), (*size, channels[1])], read


def _names(keys):
    if not keys:
        return "none"
    more = f", ... ({len(keys)} in all)" if len(keys) > _LISTED else ""
    return ", ".join(keys[:_LISTED]) + more


def _size(info):
    return f"{info.size[0]}x{info.size[1]}"
