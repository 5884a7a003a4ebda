"""Shape checks shared by the network builders."""


def check_data_shape(data_shape, name="data_shape", rank=None):
    """Returns `data_shape` as a tuple of ints or raises a clear `ValueError`.

    Args:
        data_shape: the shape of one example, without the batch axis: a tuple
            or list of positive ints.
        name: the argument's name in the error message. Defaults to
            `"data_shape"`.
        rank: the number of axes required, or `None` for any number (at least
            one). Defaults to `None`.
    """
    shape = tuple(data_shape) if isinstance(data_shape, (tuple, list)) else None
    valid = (
        shape is not None
        and len(shape) == (rank or len(shape)) > 0
        and all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape)
    )
    if not valid:
        expected = "(height, width, channels)" if rank == 3 else "a non-empty tuple"
        raise ValueError(
            f"`{name}` must be {expected} of positive ints. Received: {name}={data_shape!r}"
        )
    return shape


def check_image_shape(image_shape):
    """Returns `(height, width, channels)` as ints or raises a clear `ValueError`."""
    return check_data_shape(image_shape, name="image_shape", rank=3)


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
            f"Received: image_shape with height={height}, width={width}. For other sizes, "
            "use the ResNet networks (kg.networks.resnet_generator and resnet_discriminator, "
            "any size from 8; the presets resnet_sngan and sagan, which kg.train and "
            "keras-gans train choose when no preset is given), or resize the images "
            "(image_size=..., --image-size)."
        )
    return h_steps
