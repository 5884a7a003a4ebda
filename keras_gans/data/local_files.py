"""Images from a local `.npz` archive (folders of pictures: `image_folder`)."""

import zipfile

import numpy as np

from keras_gans.data.scaling import RANGE_TOLERANCE


def load_npz_arrays(path, split):
    """Reads `(x, y)` from an `.npz` with arrays `x` (and optional `y`), checked.

    Arrays named `x_{split}` / `y_{split}` are used instead when present.
    `y` is None when the file has no labels. Raises a `ValueError` naming the
    file and what is wrong with it: not a readable `.npz`, no `x`, images
    that are not `(n, height, width[, channels])` numbers (uint8 in [0, 255]
    or floats in [-1, 1]), or labels that are not one integer class id >= 0
    per image (float labels must be whole numbers: 0.7 is refused, 1.0 is
    read as 1).
    """
    try:
        with np.load(path) as f:
            x_key = f"x_{split}" if f"x_{split}" in f else "x"
            y_key = f"y_{split}" if f"y_{split}" in f else "y"
            files = sorted(f.files)
            x = f[x_key] if x_key in f else None
            y = f[y_key] if y_key in f else None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"Cannot read {path} as a .npz file of numeric arrays. Received: "
            f"{type(error).__name__}: {error}"
        ) from error
    if x is None:
        raise ValueError(
            f"The .npz file {path} must contain an array 'x' (images) and "
            f"optionally 'y' (int labels). Received: arrays {files}"
        )
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError(
            f"Expected images of shape (n, height, width[, channels]) in {path}. "
            f"Received: x with shape {x.shape}"
        )
    _check_npz_images(path, x)
    if y is not None:
        y = _npz_labels(path, y, len(x))
    return x, y


def _check_npz_images(path, x):
    if np.issubdtype(x.dtype, np.floating):
        finite = np.isfinite(x)
        if not finite.all():
            raise ValueError(
                f"The images 'x' in {path} contain {int(x.size - finite.sum())} NaN or infinite "
                "values. Received: non-finite floats; expected finite values in [-1, 1]."
            )
        low, high = float(x.min()), float(x.max())
        if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
            raise ValueError(
                f"Float images 'x' in {path} must be in [-1, 1]. Received: values in "
                f"[{low:g}, {high:g}]. Store pixels in [0, 255] as uint8 (they are then "
                "rescaled), or floats rescaled to [-1, 1]."
            )
    elif np.issubdtype(x.dtype, np.integer):
        low, high = int(x.min()), int(x.max())
        if low < 0 or high > 255:
            raise ValueError(
                f"Integer images 'x' in {path} must be pixels in [0, 255]. Received: values "
                f"in [{low}, {high}] (dtype {x.dtype})."
            )
    else:
        raise ValueError(
            f"The images 'x' in {path} must be numbers. Received: dtype {x.dtype}; expected "
            "uint8 pixels in [0, 255] or floats in [-1, 1]."
        )


def _npz_labels(path, y, count):
    """`y` as int32 class ids, one per image, or a `ValueError` naming the file."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        hint = " One-hot labels? Store np.argmax(y, axis=-1)." if y.ndim == 2 else ""
        raise ValueError(
            f"The labels 'y' in {path} must be one class id per image, shape (n,). "
            f"Received: y with shape {y.shape}.{hint}"
        )
    if len(y) != count:
        raise ValueError(
            f"The .npz file {path} must have one label per image. Received: {count} images "
            f"and {len(y)} labels."
        )
    if np.issubdtype(y.dtype, np.floating):
        whole = np.isfinite(y) & (y == np.round(y))
        if not whole.all():
            first = int(np.argmin(whole))
            raise ValueError(
                f"The labels 'y' in {path} must be integer class ids. Received: float labels "
                f"such as y[{first}]={y[first].item()!r} ({int(y.size - whole.sum())} not whole "
                "numbers), which would be truncated."
            )
    elif not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"The labels 'y' in {path} must be integer class ids. Received: dtype {y.dtype}."
        )
    if y.size and y.min() < 0:
        raise ValueError(
            f"The labels 'y' in {path} must be class ids >= 0. Received: labels down to "
            f"{y.min():g}."
        )
    return y.astype("int32")
