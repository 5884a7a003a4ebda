"""Size checks of the image-to-image builders, whose stride-2 stages halve the image."""


def halvings(size):
    """How many times `size` can be halved exactly (the power of 2 that divides it)."""
    count = 0
    while size % 2 == 0:
        size //= 2
        count += 1
    return count


def _sizes_that_work(size, factor, minimum):
    """The multiples of `factor` that are `>= minimum` nearest to `size`: one or two of them."""
    lowest = -(-minimum // factor) * factor
    below = size // factor * factor
    above = -(-size // factor) * factor
    nearest = sorted({max(below, lowest), max(above, lowest)})
    return " or ".join(str(s) for s in nearest)


def check_image_size(builder, image_shape, factor, minimum=1, reason=""):
    """Raises a `ValueError` unless height and width are multiples of `factor` and `>= minimum`.

    The message names the builder (such as `"unet_generator(num_downsamples=3)"`),
    the received `image_shape`, the rule, `reason` (why the builder needs it) and
    the sizes that work nearest to the received height and width.
    """
    height, width = image_shape[:2]
    if all(size % factor == 0 and size >= minimum for size in (height, width)):
        return
    rule = [f"multiples of {factor}"] if factor > 1 else []
    if minimum > factor:
        rule.append(f"at least {minimum}")
    sizes = _sizes_that_work(height, factor, minimum)
    if width != height:
        sizes = f"height {sizes}, width {_sizes_that_work(width, factor, minimum)}"
    raise ValueError(
        f"{builder} needs a height and width that are {' and '.join(rule)}{reason}. "
        f"Received: image_shape={tuple(image_shape)}. Sizes that work: {sizes}."
    )
