"""Colored Fashion-MNIST: an offline colour dataset, made from Fashion-MNIST in a few seconds.

Each garment is tinted with a hue and laid on a background of another colour.
Image `i` of a split always gets the same two colours (drawn from a numpy
generator seeded with `(COLOR_SEED, split)`, one draw per image in index
order), so the train and test sets are fixed; the labels are Fashion-MNIST's.

A Fashion-MNIST pixel `p` in [0, 1] (0 is the background) becomes
`p * garment + (1 - p) * background`, rounded to uint8, where

- the garment colour has a uniform random hue, saturation in [0.6, 1] and
  value 1 (bright);
- the background colour's hue is 60 to 300 degrees away from the garment's,
  with saturation in [0.3, 0.9] and value in [0.15, 0.55] (darker).

Sizes: 28 is Fashion-MNIST's own pixels; 32 (the default, CIFAR-10's size,
the shipped `colored_fashion_classifier`'s input) pads them with 2 pixels of
background on each side, so the garments' pixels are not resampled; any
other size is that 32x32 canvas resized (bilinear, antialiased when shrunk), e.g. 64 is
the 32 version upsampled 2x, 16 downsampled 2x. The garment map is padded or
resized before it is coloured.

Building the 60,000 training images takes about 1.5 s at 32x32 (8 s at 64x64); they are
built in memory at each `load` (nothing is cached on disk): 184 MB at 32x32,
737 MB at 64x64.
"""

import numpy as np

NATIVE_SIZE = 28
CANVAS_SIZE = 32
COLOR_SEED = 31
SPLITS = ("train", "test")
_CHUNK = 10_000


def colors(count, split):
    """`(garment, background)`: two `(count, 3)` float32 RGB arrays in [0, 1], fixed per split."""
    from matplotlib.colors import hsv_to_rgb

    rng = np.random.default_rng([COLOR_SEED, SPLITS.index(split)])
    hue = rng.random(count)
    garment = np.stack([hue, rng.uniform(0.6, 1.0, count), np.ones(count)], axis=1)
    background = np.stack(
        [
            (hue + rng.uniform(1 / 6, 5 / 6, count)) % 1.0,
            rng.uniform(0.3, 0.9, count),
            rng.uniform(0.15, 0.55, count),
        ],
        axis=1,
    )
    return hsv_to_rgb(garment).astype("float32"), hsv_to_rgb(background).astype("float32")


def colorize(intensity, garment, background):
    """`p * garment + (1 - p) * background` per pixel, `p = intensity / 255`, as uint8 RGB.

    Args:
        intensity: `(n, h, w)` or `(n, h, w, 1)` grayscale images, [0, 255].
        garment: `(n, 3)` RGB colours in [0, 1].
        background: `(n, 3)` RGB colours in [0, 1].

    Returns:
        `(n, h, w, 3)` uint8 images.
    """
    intensity = np.asarray(intensity, "float32")
    p = intensity.reshape(*intensity.shape[:3], 1)
    # 255 * (p / 255 * garment + (1 - p / 255) * background), with one (n, h, w, 3) array.
    rgb = p * (garment - background)[:, None, None, :].astype("float32")
    rgb += 255.0 * background[:, None, None, :]
    np.clip(np.rint(rgb, out=rgb), 0, 255, out=rgb)
    return rgb.astype("uint8")


def _garment_maps(intensity, image_size):
    """Fashion-MNIST's `(n, 28, 28)` maps at `image_size`, float32 in [0, 255]."""
    if image_size == NATIVE_SIZE:
        return intensity.astype("float32")
    margin = (CANVAS_SIZE - NATIVE_SIZE) // 2
    padded = np.pad(intensity, ((0, 0), (margin, margin), (margin, margin))).astype("float32")
    if image_size == CANVAS_SIZE:
        return padded
    import tensorflow as tf

    # Antialiasing matters when shrinking only (and is slow when enlarging).
    shrink = image_size < CANVAS_SIZE
    resized = tf.image.resize(padded[..., None], (image_size, image_size), antialias=shrink)
    return np.clip(resized.numpy()[..., 0], 0, 255)


def colored_fashion_mnist(split="train", image_size=CANVAS_SIZE, download=True):
    """The Colored Fashion-MNIST arrays (see the module doc).

    Args:
        split: `"train"` (60,000 images) or `"test"` (10,000). Defaults to `"train"`.
        image_size: the side, at least 8 (an int, or a square
            `(height, width)`): 28 (native), 32 (padded) or any other
            (resized). Defaults to `32`.
        download: let the Fashion-MNIST loader go online if the files are
            not on this machine. Defaults to `True`.

    Returns:
        `(images, labels)`: uint8 `(n, image_size, image_size, 3)` and int32 `(n,)`.

    Example:

    ```python
    x, y = colored_fashion_mnist("test", image_size=32)  # (10000, 32, 32, 3), (10000,)
    ```
    """
    from keras_gans.data.builtin_datasets import load_builtin_arrays
    from keras_gans.data.image_files import image_size_pair

    height, width = image_size_pair(image_size) or (0, 0)
    if height != width or height < 8:
        raise ValueError(
            "colored_fashion_mnist's images are square, at least 8x8 (28 native, 32 padded, "
            f"others resized). Received: image_size={image_size!r}"
        )
    image_size = height
    intensity, labels = load_builtin_arrays("fashion_mnist", split, download=download)
    intensity = intensity[..., 0]
    garment, background = colors(len(intensity), split)
    images = np.empty((len(intensity), image_size, image_size, 3), "uint8")
    for start in range(0, len(intensity), _CHUNK):
        chunk = slice(start, start + _CHUNK)
        maps = _garment_maps(intensity[chunk], image_size)
        images[chunk] = colorize(maps, garment[chunk], background[chunk])
    return images, labels
