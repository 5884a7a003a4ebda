"""The differentiable augmentations of DiffAugment (Zhao et al. 2020), on images in [-1, 1].

Each operation maps a batch `(batch, height, width, channels)` to a batch of
the same shape, with fresh random parameters per example, and lets gradients
flow to its input (so that the generator learns through it). Random values
come from `uniform(images, shape, minval, maxval)`, which a model supplies
(`GAN.draw_for_replica` over the model's seed generator): under
`tf.distribute` the replicas draw their own slice of the global batch's values,
exactly as one device would.

Why these ops and not Keras' augmentation layers:

- translation uses `keras.ops.image.affine_transform` (the op behind
  `keras.layers.RandomTranslation`) with our own shifts, because the layer
  draws from a seed stream of its own that cannot follow the model's seed or
  its per-replica slicing;
- `keras.layers.RandomErasing` erases a rectangle of random area and aspect on
  some images only; DiffAugment's cutout is a square of half the image side
  on every image;
- `keras.layers.RandomBrightness` / `RandomContrast` / `RandomSaturation`
  clip their output to the value range, which zeroes the gradient of every
  clipped pixel (most of a dark Fashion-MNIST background) and is not the
  operation of the paper, which never clips.

Reference:
    Zhao et al., "Differentiable Augmentation for Data-Efficient GAN
    Training", NeurIPS 2020 (`DiffAugment_tf.py`).
"""

import keras
from keras import ops


def brightness(images, uniform):
    """Adds one value in U(-0.5, 0.5) to every pixel of an image."""
    return images + uniform(images, (1, 1, 1), -0.5, 0.5)


def saturation(images, uniform):
    """Scales each pixel's distance to its channel mean by U(0, 2) (no-op for 1 channel)."""
    mean = ops.mean(images, axis=3, keepdims=True)
    return (images - mean) * uniform(images, (1, 1, 1), 0.0, 2.0) + mean


def contrast(images, uniform):
    """Scales each image's distance to its own mean by U(0.5, 1.5)."""
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - mean) * uniform(images, (1, 1, 1), 0.5, 1.5) + mean


def color(images, uniform):
    """DiffAugment's `color`: brightness, saturation, then contrast."""
    return contrast(saturation(brightness(images, uniform), uniform), uniform)


def translation(images, uniform, ratio=0.125):
    """Shifts each image by up to `ratio` of its size (whole pixels), filling with 0."""
    height, width = images.shape[1], images.shape[2]
    shift_y = ops.round(uniform(images, (), -ratio, ratio) * height)
    shift_x = ops.round(uniform(images, (), -ratio, ratio) * width)
    ones, zeros = ops.ones_like(shift_x), ops.zeros_like(shift_x)
    # Output pixel (x, y) reads input pixel (x - shift_x, y - shift_y).
    transform = ops.stack([ones, zeros, -shift_x, zeros, ones, -shift_y, zeros, zeros], axis=1)
    return ops.image.affine_transform(
        images, transform, interpolation="nearest", fill_mode="constant", fill_value=0.0
    )


def cutout(images, uniform, ratio=0.5):
    """Sets a square of `ratio` of the image's side, at a random centre, to 0 (mid-grey)."""
    height, width = images.shape[1], images.shape[2]
    size_y, size_x = int(height * ratio + 0.5), int(width * ratio + 0.5)
    # Top-left corner in [-size/2, side - size/2]: the square may leave the image.
    top = ops.floor(uniform(images, (1, 1), 0.0, 1.0) * (height + 1 - size_y % 2)) - size_y // 2
    left = ops.floor(uniform(images, (1, 1), 0.0, 1.0) * (width + 1 - size_x % 2)) - size_x // 2
    rows = ops.reshape(ops.arange(height, dtype="float32"), (1, height, 1))
    cols = ops.reshape(ops.arange(width, dtype="float32"), (1, 1, width))
    inside = (rows >= top) & (rows < top + size_y) & (cols >= left) & (cols < left + size_x)
    keep = ops.cast(ops.logical_not(inside), images.dtype)
    return images * keep[..., None]


OPERATIONS = {"translation": translation, "cutout": cutout, "color": color}


def uniform_sampler(model):
    """`uniform(images, shape, minval, maxval)`: per-example uniform values from the model's noise.

    Draws through `model.draw_for_replica`, so that under `tf.distribute` the
    global batch gets the values one device would draw.
    """

    def uniform(images, shape, minval, maxval):
        def draw(n):
            return keras.random.uniform(
                (n, *shape), minval=minval, maxval=maxval, seed=model.seed_generator
            )

        return model.draw_for_replica(draw, keras.ops.shape(images)[0])

    return uniform
