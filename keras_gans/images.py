"""Turning generated images into pictures: uint8 conversion, grids, PNG and GIF."""

import math

import numpy as np
from PIL import Image

# The largest picture `save_grid` writes, in pixels after enlarging (192 MB as RGB
# uint8): a cap on the picture's size, so neither `scale` nor the number of images
# can exhaust memory. `keras-gans sample` checks it before generating any image.
MAX_GRID_PIXELS = 64_000_000


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
    rows, cols = _grid_layout(n, rows)
    grid = np.zeros((rows * h + (rows + 1) * padding, cols * w + (cols + 1) * padding, c), "uint8")
    for i, image in enumerate(images):
        r, k = divmod(i, cols)
        top, left = padding + r * (h + padding), padding + k * (w + padding)
        grid[top : top + h, left : left + w] = image
    return grid[..., 0] if c == 1 else grid


def _grid_layout(num_images, rows=None):
    """`(rows, columns)` of `make_grid`'s tiles: a near-square grid unless `rows` is given."""
    rows = rows or int(math.floor(math.sqrt(num_images))) or 1
    return rows, math.ceil(num_images / rows)


def check_grid_size(num_images, image_shape, rows=None, scale=1, padding=2):
    """Raises a `ValueError` if the picture `save_grid` would write is too large.

    The picture of `num_images` images of `image_shape` (`make_grid`'s
    layout), enlarged `scale` times, may have at most `MAX_GRID_PIXELS`
    pixels (64 megapixels). Cheap: nothing is generated or allocated, so
    callers check before generating the images.

    Args:
        num_images: int, number of images in the grid.
        image_shape: `(height, width, ...)` of one image.
        rows: number of rows; defaults to a near-square grid.
        scale: int >= 1, the enlargement. Defaults to `1`.
        padding: pixels between tiles. Defaults to `2`.

    Example:

    ```python
    kg.images.check_grid_size(64, (28, 28, 1), scale=100_000)  # ValueError
    ```
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 1:
        raise ValueError(f"`scale` must be an int >= 1. Received: scale={scale!r}")
    h, w = int(image_shape[0]), int(image_shape[1])
    rows, cols = _grid_layout(num_images, rows)
    height, width = rows * h + (rows + 1) * padding, cols * w + (cols + 1) * padding
    pixels = height * width * scale * scale
    if pixels > MAX_GRID_PIXELS:
        largest = math.isqrt(MAX_GRID_PIXELS // (height * width))
        advice = f"the largest scale for this grid is {largest}" if largest else "use fewer images"
        raise ValueError(
            f"A grid of {num_images} images of {h}x{w} enlarged {scale} times would be "
            f"{width * scale}x{height * scale} pixels ({pixels / 1e6:.3g} megapixels), above "
            f"the limit of {MAX_GRID_PIXELS / 1e6:.3g} megapixels. Received: scale={scale}; "
            f"{advice}."
        )


def save_grid(images, path, rows=None, scale=1):
    """Saves `make_grid(images, rows)` as a PNG, optionally enlarged `scale` times.

    The picture may have at most `MAX_GRID_PIXELS` pixels (64 megapixels):
    a larger one raises a `ValueError` (see `check_grid_size`) before anything
    is drawn.
    """
    images = np.asarray(images)
    if images.ndim == 4:  # else make_grid says what is wrong
        check_grid_size(len(images), images.shape[1:], rows, scale)
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
