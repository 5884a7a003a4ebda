"""Images from local files: a `.npz` archive or a folder of pictures."""

import os

import keras
import numpy as np

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def load_npz_arrays(path, split):
    """Reads `(x, y)` from an `.npz` with arrays `x` (and optional `y`).

    Arrays named `x_{split}` / `y_{split}` are used instead when present.
    `y` is None when the file has no labels.
    """
    with np.load(path) as f:
        x_key = f"x_{split}" if f"x_{split}" in f else "x"
        y_key = f"y_{split}" if f"y_{split}" in f else "y"
        if x_key not in f:
            raise ValueError(
                f"The .npz file {path} must contain an array 'x' (images) and "
                f"optionally 'y' (int labels). Received: arrays {sorted(f.files)}"
            )
        x = f[x_key]
        y = f[y_key] if y_key in f else None
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError(
            f"Expected images of shape (n, height, width[, channels]) in {path}. "
            f"Received: x with shape {x.shape}"
        )
    if y is not None:
        y = np.asarray(y).reshape(-1)
    return x, y


def _first_image(directory):
    for root, _, files in sorted(os.walk(directory)):
        for name in sorted(files):
            if name.lower().endswith(IMAGE_EXTENSIONS):
                return os.path.join(root, name)
    raise ValueError(
        f"No images ({', '.join(IMAGE_EXTENSIONS)}) found under the folder. Received: {directory}"
    )


def image_folder_dataset(directory, with_labels, image_size=None, shuffle=True, seed=None):
    """An unbatched dataset of float32 images in [0, 255] from a folder.

    Uses `keras.utils.image_dataset_from_directory`; with labels, each
    sub-folder is a class. `image_size` and grayscale-or-RGB default to those
    of the first image found.
    """
    from PIL import Image

    with Image.open(_first_image(directory)) as first:
        color_mode = "grayscale" if first.mode in ("L", "1", "I;16") else "rgb"
        size = image_size or (first.height, first.width)
    return keras.utils.image_dataset_from_directory(
        directory,
        labels="inferred" if with_labels else None,
        label_mode="int" if with_labels else None,
        color_mode=color_mode,
        batch_size=None,
        image_size=tuple(size),
        shuffle=shuffle,
        seed=seed,
        verbose=False,
    )
