"""Turning generated images into pictures: uint8 conversion, grids, PNG and GIF."""

import math

import numpy as np
from PIL import Image


def to_uint8(images):
    """Maps float images in [-1, 1] to uint8 in [0, 255] (values outside are clipped)."""
    images = np.asarray(images, dtype="float32")
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype("uint8")


def make_grid(images, rows=None, padding=2):
    """Tiles a batch of images `(n, h, w, c)` in [-1, 1] into one uint8 picture.

    Args:
        images: array of shape `(n, height, width, channels)`, channels 1 or 3.
        rows: number of rows; defaults to a near-square grid.
        padding: pixels of black between tiles. Defaults to `2`.

    Returns:
        uint8 array `(H, W)` for grayscale or `(H, W, 3)` for colour.
    """
    images = to_uint8(images)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"Expected images of shape (n, height, width, 1 or 3). Received: shape {images.shape}"
        )
    n, h, w, c = images.shape
    rows = rows or int(math.floor(math.sqrt(n))) or 1
    cols = math.ceil(n / rows)
    grid = np.zeros((rows * h + (rows + 1) * padding, cols * w + (cols + 1) * padding, c), "uint8")
    for i, image in enumerate(images):
        r, k = divmod(i, cols)
        top, left = padding + r * (h + padding), padding + k * (w + padding)
        grid[top : top + h, left : left + w] = image
    return grid[..., 0] if c == 1 else grid


def save_grid(images, path, rows=None, scale=1):
    """Saves `make_grid(images, rows)` as a PNG, optionally enlarged `scale` times."""
    picture = Image.fromarray(make_grid(images, rows))
    if scale > 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    picture.save(path)
    return path


def save_gif(frame_paths, path, duration_ms=300):
    """Writes the PNG files `frame_paths`, in order, as an animated GIF."""
    frames = [Image.open(p).convert("P") for p in frame_paths]
    if not frames:
        raise ValueError(f"No frames to write to {path}. Received: frame_paths=[]")
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=duration_ms, loop=0)
    return path
