"""Image files read with PIL: found, checked when a folder is first scanned, converted, resized.

The rules every folder reader of `keras_gans.data` follows (`load`,
`load_pairs`, `load_unpaired`):

- Files are found recursively, sorted by path; hidden files and folders
  (names starting with ".") are ignored, and so are files whose extension is
  not an image's (they are counted in the one warning).
- Every image file is opened and PIL-`verify()`-ed when the folder is first
  scanned, so a corrupt or non-image file is named in a `ValueError` before
  any training. `verify()` reads the header and checks the chunks' checksums
  (PNG) without decoding; a file whose pixels are damaged past that (e.g. a
  truncated JPEG) fails when it is decoded, with an error naming it.
- Images become 1 channel when every image is grayscale (PIL modes 1, L, LA,
  I, I;16, F), else RGB (grayscale images are repeated to 3 channels);
  transparent images (RGBA, LA, PA, a palette or image with a transparent
  colour) are composited on white; 16-bit images are scaled to 8 bits
  (value / 257, rounded); palette, CMYK and other modes are converted to RGB
  by PIL. What was converted is counted, and said in one warning.
- An image of another size than asked is resized AND centre-cropped to it
  (aspect ratio kept: PIL's `ImageOps.fit`, bicubic, antialiased).
"""

import collections
import dataclasses
import os
import warnings

import numpy as np

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
GRAYSCALE_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})
_LISTED = 5  # files named in an error or warning


@dataclasses.dataclass(frozen=True)
class ImageInfo:
    """What scanning a file found: its path, `(height, width)`, PIL mode and transparency."""

    path: str
    size: tuple
    mode: str
    alpha: bool


def image_size_pair(image_size):
    """`image_size` as `(height, width)`: an int N is `(N, N)`; None stays None."""
    if image_size is None:
        return None
    sides = (image_size, image_size) if _is_int(image_size) else image_size
    try:
        valid = len(sides) == 2 and all(_is_int(side) and side > 0 for side in sides)
    except TypeError:
        valid = False
    if not valid:
        raise ValueError(
            "`image_size` must be a positive int or a (height, width) pair. "
            f"Received: image_size={image_size!r}"
        )
    return int(sides[0]), int(sides[1])


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def list_image_files(folder):
    """`(image paths, other paths)` under `folder`, recursively, sorted, hidden names skipped."""
    images, others = [], []
    for root, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            (images if name.lower().endswith(IMAGE_EXTENSIONS) else others).append(path)
    return sorted(images), sorted(others)


def inspect_images(paths, where):
    """Opens and `verify()`s every file: `ImageInfo`s, or a `ValueError` naming the bad files."""
    from PIL import Image

    infos, bad = [], []
    for path in paths:
        try:
            with Image.open(path) as image:
                alpha = image.mode in ALPHA_MODES or "transparency" in image.info
                info = ImageInfo(path, (image.height, image.width), image.mode, alpha)
                image.verify()
            infos.append(info)
        except Exception as error:  # PIL raises many types for broken files
            bad.append(f"{path} ({type(error).__name__}: {str(error)[:80]})")
    if bad:
        raise ValueError(
            f"{len(bad)} of {len(paths)} image files in {where} cannot be read as images: "
            + "; ".join(bad[:_LISTED])
            + ("; ..." if len(bad) > _LISTED else "")
            + ". Remove or replace them."
        )
    return infos


def choose_channels(infos, color_mode=None):
    """1 if `color_mode="grayscale"` or every image is grayscale, else 3."""
    if color_mode not in (None, "grayscale", "rgb"):
        raise ValueError(
            "`color_mode` must be None (grayscale only if every image is), 'grayscale' or "
            f"'rgb'. Received: color_mode={color_mode!r}"
        )
    if color_mode is not None:
        return 1 if color_mode == "grayscale" else 3
    return 1 if all(info.mode in GRAYSCALE_MODES for info in infos) else 3


def conversions(info, channels):
    """What reading `info` with `channels` changes, as short phrases (none for a plain image)."""
    done = []
    if info.mode in SIXTEEN_BIT_MODES:
        done.append("16-bit to 8-bit")
    if info.alpha:
        done.append("transparency composited on white")
    gray = info.mode in GRAYSCALE_MODES
    if channels == 3 and gray:
        done.append("grayscale to RGB")
    elif channels == 1 and not gray:
        done.append("colour to grayscale")
    elif channels == 3 and info.mode not in ("RGB", "RGBA", "RGBa"):
        done.append(f"{'palette' if info.mode in ('P', 'PA') else info.mode} to RGB")
    return done


def describe_size_mix(infos, what="images"):
    """`"3 of 28x28 (e.g. a.png), 1 of 32x16 (e.g. b.png)"`: the sizes, most common first."""
    counts = collections.Counter(info.size for info in infos)
    examples = {}
    for info in infos:
        examples.setdefault(info.size, info.path)
    parts = [
        f"{count} {what} of {h}x{w} (e.g. {examples[(h, w)]})"
        for (h, w), count in counts.most_common(_LISTED)
    ]
    return ", ".join(parts) + (", ..." if len(counts) > _LISTED else "")


def common_size(infos, image_size, where):
    """The size every image is read at: `image_size`, else the one size all images share.

    Raises a `ValueError` listing the sizes found when they differ and no
    `image_size` was given (no size is guessed: resizing changes the images).
    """
    image_size = image_size_pair(image_size)
    if image_size is not None:
        return image_size
    sizes = collections.Counter(info.size for info in infos)
    if len(sizes) > 1:
        (h, w), _ = sizes.most_common(1)[0]
        raise ValueError(
            f"The images in {where} have different sizes: {describe_size_mix(infos)}. "
            f"Pass image_size=(height, width) to resize and centre-crop them all to one size, "
            f"e.g. image_size=({h}, {w}), the most common. Received: image_size=None"
        )
    return infos[0].size


def conversion_note(infos, channels, label=None):
    """`"[label: ]3 of 10 images converted to 8-bit RGB (3 grayscale to RGB)"`, or `""`."""
    counts = collections.Counter(phrase for info in infos for phrase in conversions(info, channels))
    converted = sum(1 for info in infos if conversions(info, channels))
    if not converted:
        return ""
    how = ", ".join(f"{count} {phrase}" for phrase, count in sorted(counts.items()))
    target = "grayscale" if channels == 1 else "RGB"
    prefix = f"{label}: " if label else ""
    return f"{prefix}{converted} of {len(infos)} images converted to 8-bit {target} ({how})"


def warn_once(where, notes, skipped=(), left_out=()):
    """One warning for a whole load: the `conversion_note`s and the files not read."""
    parts = [note for note in notes if note]
    if skipped:
        parts.append(f"skipped {len(skipped)} file(s) not images by their extension: {skipped[0]}")
    if left_out:
        parts.append(f"left out {len(left_out)} image(s) not in a class sub-folder: {left_out[0]}")
    if parts:
        # Called by a reader's helper, called by the public function: point at its caller.
        warnings.warn(f"{where}: " + "; ".join(parts) + ".", stacklevel=4)


def _to_mode(image, channels):
    """A PIL image in mode "L" (channels 1) or "RGB" (channels 3), following the module's rules."""
    from PIL import Image

    if image.mode in SIXTEEN_BIT_MODES:
        values = np.asarray(image, dtype="float64")
        image = Image.fromarray(np.clip(np.round(values / 257.0), 0, 255).astype("uint8"))
    if image.mode in ALPHA_MODES or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    target = "L" if channels == 1 else "RGB"
    return image if image.mode == target else image.convert(target)


def fit(image, size):
    """A PIL image resized and centre-cropped to `size` `(height, width)`, aspect ratio kept."""
    from PIL import Image, ImageOps

    if size is None or (image.height, image.width) == tuple(size):
        return image
    return ImageOps.fit(image, (size[1], size[0]), method=Image.Resampling.BICUBIC)


def read_image(path, channels, size=None, halves=False):
    """Reads one image file as uint8 `(height, width, channels)` (see the module doc).

    Args:
        path: the file.
        channels: 1 (grayscale) or 3 (RGB).
        size: `(height, width)` to resize and centre-crop to, or None.
        halves: split the image into its left and right halves (an A|B
            pair, side by side) and return both, each fitted to `size`.
    """
    from PIL import Image

    try:
        with Image.open(path) as image:
            image = _to_mode(image, channels)
            if halves:
                half = image.width // 2
                parts = (
                    image.crop((0, 0, half, image.height)),
                    image.crop((half, 0, 2 * half, image.height)),
                )
            else:
                parts = (image,)
            arrays = [np.asarray(fit(part, size), dtype="uint8") for part in parts]
    except Exception as error:  # PIL raises many types for broken files
        raise ValueError(
            f"Cannot decode the image file {path}. Received: {type(error).__name__}: {error}"
        ) from error
    arrays = [array[..., None] if channels == 1 else array for array in arrays]
    return tuple(arrays) if halves else arrays[0]
