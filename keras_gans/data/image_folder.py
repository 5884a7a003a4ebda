"""`kg.data.load(folder)`: a folder of images (a sub-folder per class when labels are asked for)."""

import functools
import os

from keras_gans.data import image_files
from keras_gans.data.file_dataset import file_dataset


def _class_files(directory):
    """`(paths, labels, class names, images directly in the folder)`: classes are sub-folders."""
    names = sorted(
        entry.name
        for entry in os.scandir(directory)
        if entry.is_dir() and not entry.name.startswith(".")
    )
    at_root, _ = image_files.list_image_files(directory)
    at_root = [path for path in at_root if os.path.dirname(path) == directory.rstrip(os.sep)]
    if not names:
        raise ValueError(
            "with_labels=True reads one sub-folder per class (e.g. cats/, dogs/), but the "
            f"folder has no sub-folders (it holds {len(at_root)} images directly). Received: "
            f"{directory}. Load it with with_labels=False, or sort its images into class folders."
        )
    paths, labels = [], []
    for label, name in enumerate(names):
        found, _ = image_files.list_image_files(os.path.join(directory, name))
        paths += found
        labels += [label] * len(found)
    return paths, labels, names, at_root


def image_folder_dataset(
    directory, with_labels, image_size=None, shuffle=True, seed=None, color_mode=None
):
    """An unbatched dataset of uint8 images (and int32 labels) from a folder, scanned first.

    Every file is checked when this is called (see `image_files`): a corrupt
    or non-image file, or a mix of sizes without `image_size`, is a
    `ValueError` here, before any training. With `with_labels=True` each
    immediate sub-folder is a class (sorted by name: label 0 is the first);
    images directly in the folder are then left out (the warning says so).

    Returns:
        `(dataset, class_names)`; `class_names` is None without labels.
    """
    skipped_files = []
    left_out = []
    if with_labels:
        paths, labels, class_names, left_out = _class_files(directory)
        _, skipped_files = image_files.list_image_files(directory)
    else:
        paths, skipped_files = image_files.list_image_files(directory)
        labels = class_names = None
    if not paths:
        where = "its class sub-folders" if with_labels else "it"
        raise ValueError(
            f"No images ({', '.join(image_files.IMAGE_EXTENSIONS)}) found in the folder or "
            f"{where}. Received: {directory}"
        )
    infos = image_files.inspect_images(paths, directory)
    size = image_files.common_size(infos, image_size, directory)
    channels = image_files.choose_channels(infos, color_mode)
    note = image_files.conversion_note(infos, channels)
    image_files.warn_once(directory, [note], skipped_files, left_out)
    read = functools.partial(image_files.read_image, channels=channels, size=size)
    dataset = file_dataset([paths], read, [(*size, channels)], labels, shuffle, seed)
    return dataset, class_names
