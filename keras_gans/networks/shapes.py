"""Shape checks shared by the network builders."""


def check_image_shape(image_shape):
    """Returns `(height, width, channels)` as ints or raises a clear `ValueError`."""
    shape = tuple(image_shape) if isinstance(image_shape, (tuple, list)) else None
    if shape is None or len(shape) != 3 or not all(isinstance(d, int) and d > 0 for d in shape):
        raise ValueError(
            "`image_shape` must be (height, width, channels) with positive ints. "
            f"Received: image_shape={image_shape!r}"
        )
    return shape


def downsampling_steps(height, width):
    """Number of stride-2 stages that take `height x width` down to 4 or 7.

    Raises a `ValueError` for sizes that do not halve down to 4 or 7 (such as
    30 or 100), or whose height and width need different numbers of stages.
    """

    def steps(size):
        count = 0
        while size > 7 and size % 2 == 0:
            size //= 2
            count += 1
        return count if size in (4, 7) and count > 0 else None

    h_steps, w_steps = steps(height), steps(width)
    if h_steps is None or h_steps != w_steps:
        raise ValueError(
            "DCGAN networks need a height and width that halve the same number "
            "of times down to 4 or 7 (8, 14, 16, 28, 32, 56, 64, ...). "
            f"Received: image_shape with height={height}, width={width}"
        )
    return h_steps
