"""Reflection padding of images: the border mirrored, without repeating the edge."""

import keras
from keras import ops

from keras_gans.layers.arguments import is_integer_at_least


def _standardize_padding(padding):
    """`((top, bottom), (left, right))` from an int, 2 ints or 2 pairs of ints, or `None`."""
    if is_integer_at_least(padding, 0):
        return ((int(padding),) * 2,) * 2
    if not isinstance(padding, (tuple, list)) or len(padding) != 2:
        return None
    if all(is_integer_at_least(p, 0) for p in padding):
        return tuple((int(p), int(p)) for p in padding)
    if all(isinstance(p, (tuple, list)) and len(p) == 2 for p in padding) and all(
        is_integer_at_least(q, 0) for p in padding for q in p
    ):
        return tuple((int(p[0]), int(p[1])) for p in padding)
    return None


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads the height and width of images by reflecting them at their border.

    Row `-k` of the padded image is row `k` of the image (the edge row itself
    is not repeated), as `numpy.pad(..., mode="reflect")` and PyTorch's
    `ReflectionPad2d`. The image-to-image generators of CycleGAN pad this way
    before their 7x7 and 3x3 convolutions, so that the border is made of image
    content rather than zeros, which reduces artefacts at the edges. Keras has
    no such layer (`ZeroPadding2D` pads with zeros), hence this one.

    Args:
        padding: int, tuple of 2 ints or tuple of 2 tuples of 2 ints, as for
            `keras.layers.ZeroPadding2D`. An int pads the four sides by the
            same amount; `(rows, cols)` pads top and bottom by `rows`, left
            and right by `cols`; `((top, bottom), (left, right))` sets each
            side. Each amount must be smaller than the side it pads.
            Defaults to `1`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Input shape: `(batch, height, width, channels)` (channels last). Output
    shape: `(batch, height + top + bottom, width + left + right, channels)`.

    Example:

    ```python
    x = kg.layers.ReflectionPadding2D(3)(images)  # (batch, H + 6, W + 6, C)
    x = keras.layers.Conv2D(64, 7)(x)  # (batch, H, W, 64)
    ```

    Reference:
        Johnson et al., "Perceptual Losses for Real-Time Style Transfer and
        Super-Resolution", ECCV 2016 (supplementary material); Zhu et al.,
        "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017.
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        standardized = _standardize_padding(padding)
        if standardized is None:
            raise ValueError(
                "`padding` must be a non-negative int, a tuple of 2 such ints or a tuple of "
                f"2 tuples of 2 such ints. Received: padding={padding!r}"
            )
        self.padding = standardized

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                "ReflectionPadding2D expects inputs of shape (batch, height, width, channels). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        sides = zip(("height", "width"), input_shape[1:3], self.padding, strict=True)
        for side, size, (before, after) in sides:
            if size is not None and max(before, after) >= size:
                raise ValueError(
                    f"ReflectionPadding2D can pad each side by less than the {side} only "
                    f"(here at most {size - 1}). Received: padding={self.padding} and "
                    f"input_shape={tuple(input_shape)}"
                )

    def call(self, inputs):
        return ops.pad(inputs, ((0, 0), *self.padding, (0, 0)), mode="reflect")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        (top, bottom), (left, right) = self.padding
        height = None if height is None else height + top + bottom
        width = None if width is None else width + left + right
        return (batch, height, width, channels)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding})
        return config
