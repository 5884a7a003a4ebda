"""How image-to-image models sample: `translate` images, in inference mode."""

import numpy as np
from keras import ops

from keras_gans.engine.sampling import first_input


class Translation:
    """`translate`, `call` and `predict` for models that map images to images.

    Mixed into `Pix2Pix` and `CycleGAN`, which name their directions
    (`directions`: `{direction: generator network name}`). Everything that
    samples an image-to-image model (`ImageGrid`, the metrics,
    `export_generator`) uses `translate` and `sampling_network` only.
    """

    directions = {"a_to_b": "generator"}

    @property
    def default_direction(self):
        return next(iter(self.directions))

    def sampling_network(self, name):
        """The network `name`, or its moving average when the model keeps one."""
        average = self.ema.get(name)
        return self.networks[name] if average is None else average.generator

    def translator(self, direction=None):
        """The network that translates in `direction` (its moving average if there is one)."""
        direction = self.default_direction if direction is None else direction
        if direction not in self.directions:
            raise ValueError(
                f"`direction` must be one of {sorted(self.directions)}. "
                f"Received: direction={direction!r}"
            )
        return self.sampling_network(self.directions[direction])

    def call(self, inputs, training=False):
        """Translates `inputs` in the default direction."""
        return self.translator()(inputs, training=training)

    def predict(self, x, *args, **kwargs):
        """`keras.Model.predict` on images: their translations in the default direction.

        Anything that is not a batch of the translator's images raises a
        `ValueError` saying what `predict` takes, before any work.
        """
        images = first_input(x)
        expected = tuple(self.translator().inputs[0].shape[1:])
        if images is not None and (
            len(images.shape) != 4 or not _fits(tuple(images.shape[1:]), expected)
        ):
            raise ValueError(
                f"{type(self).__name__}.predict translates images of shape (batch, "
                f"{', '.join(map(str, expected))}). Received: inputs of shape "
                f"{tuple(images.shape)}."
            )
        return super().predict(x, *args, **kwargs)

    def translate(self, images, direction=None, batch_size=32):
        """Translates `images` in [-1, 1], in inference mode, as a float32 numpy array.

        Args:
            images: `(n, height, width, channels)` images in [-1, 1] (a numpy
                array or a tensor), the source domain of `direction`.
            direction: `"a_to_b"` or `"b_to_a"` (`CycleGAN`); `Pix2Pix` has
                one direction, its default. Defaults to `None`: the default.
            batch_size: images translated per call. Defaults to `32`.
        """
        network = self.translator(direction)
        images = np.asarray(images, dtype="float32")
        expected = tuple(network.inputs[0].shape[1:])
        if images.ndim != 4 or not _fits(images.shape[1:], expected):
            raise ValueError(
                f"`translate` takes images of shape (n, {', '.join(map(str, expected))}) "
                f"in [-1, 1]. Received: images of shape {images.shape}."
            )
        outputs = [
            ops.convert_to_numpy(network(images[start : start + batch_size], training=False))
            for start in range(0, len(images), batch_size)
        ]
        return np.concatenate(outputs).astype("float32")


def _fits(shape, expected):
    return len(shape) == len(expected) and all(
        want is None or got is None or got == want
        for got, want in zip(shape, expected, strict=True)
    )
