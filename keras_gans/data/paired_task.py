"""`kg.data.paired_task`: real image-to-image tasks made offline from any image dataset."""

import tensorflow as tf

from keras_gans.data.scaling import scale_images

AUTOTUNE = tf.data.AUTOTUNE
# Each task's options and their defaults (None: worked out from the image size).
TASK_OPTIONS = {
    "super_resolution": {"factor": 4, "upsample": True},
    "inpainting": {"mask": "center", "box_size": None, "fill": 0.0},
    "colorization": {},
    "edges": {"threshold": 0.25},
}


def paired_task(dataset, task, seed=None, keep_labels=True, **options):
    """Turns a dataset of images into `(source, target)` pairs of an image-to-image task.

    The target is the image itself, the source a degraded version of it, so
    any image dataset (e.g. `kg.data.load("colored_fashion_mnist")`) gives a
    paired task with a known answer, offline:

    - `"super_resolution"`: the image downsampled by `factor` (area
      averaging), then, with `upsample=True` (the default), upsampled back to
      the target's size with bicubic interpolation (`tf.image.resize`, Keys
      cubic, half-pixel centres) and clipped to [-1, 1], so that source and
      target have the same shape, as a pix2pix U-Net needs. With
      `upsample=False` the source is the small image. Options: `factor`
      (the height and width must be multiples of it; default 4),
      `upsample`.
    - `"inpainting"`: a square of the image is filled with the constant
      `fill` (default 0.0, mid-gray). `mask="center"` (the default) puts it
      in the middle, `mask="random"` anywhere inside the image, one box per
      image; `box_size` is its side (default half the shorter side: 14 on
      28x28, 16 on 32x32), top-left corner at `((h - box) // 2, (w - box) // 2)`
      when centred.
    - `"colorization"`: the source is the grayscale image (1 channel,
      ITU-R 601 luma: `tf.image.rgb_to_grayscale`) of the colour (3-channel)
      target. 1-channel data is refused.
    - `"edges"`: the source is the edge map of the target (1 channel): the
      Sobel gradient magnitude of its grayscale in [0, 1] units (a step from
      black to white gives 1), thresholded at `threshold` (default 0.25):
      +1 (white) on edges, -1 elsewhere.

    Elements of `dataset` are images (a batch `(n, h, w, c)` or one image
    `(h, w, c)`; float in [-1, 1] as `kg.data.load` gives, or uint8 pixels,
    rescaled), or `(images, labels)`. The result keeps the batching:

    - images -> `(source, target)`;
    - `(images, labels)` -> `(source, target, labels)` with `keep_labels=True`
      (the default: benchmarks score translated images with a class
      classifier), `(source, target)` with `keep_labels=False`.

    Only `mask="random"` draws random numbers; the boxes come from
    `tf.data.Dataset.random(seed)`: the same dataset order and seed give the
    same boxes (the first epoch of two datasets made with one seed match;
    each later epoch gets new boxes, also repeatable).

    Args:
        dataset: a `tf.data.Dataset` of images or `(images, labels)`.
        task: `"super_resolution"`, `"inpainting"`, `"colorization"` or `"edges"`.
        seed: seed of the random boxes, or None for fresh ones. Defaults to `None`.
        keep_labels: keep the labels as a third element. Defaults to `True`.
        **options: the task's options listed above.

    Returns:
        A `tf.data.Dataset` of `(source, target)` or `(source, target, labels)`.

    Example:

    ```python
    ds = kg.data.load("colored_fashion_mnist", batch_size=64, with_labels=True)
    pairs = kg.data.paired_task(ds, "colorization")  # (gray, colour, labels)
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017 (colorization, edges -> photos);
        Pathak et al., "Context Encoders: Feature Learning by Inpainting",
        CVPR 2016 (centre inpainting); Dong et al., "Image Super-Resolution
        Using Deep Convolutional Networks", TPAMI 2016 (bicubic-upsampled
        inputs of the target's size).
    """
    if task not in TASK_OPTIONS:
        raise ValueError(f"Unknown task. Expected one of {list(TASK_OPTIONS)}. Received: {task!r}")
    unknown = sorted(set(options) - set(TASK_OPTIONS[task]))
    if unknown:
        raise ValueError(
            f"The {task!r} task takes the options {list(TASK_OPTIONS[task]) or 'none'}. "
            f"Received: {', '.join(f'{name}={options[name]!r}' for name in unknown)}"
        )
    options = {**TASK_OPTIONS[task], **options}
    spec = dataset.element_spec
    with_labels = isinstance(spec, tuple)
    image_spec = spec[0] if with_labels else spec
    if with_labels and len(spec) != 2 or not isinstance(image_spec, tf.TensorSpec):
        raise ValueError(
            f"Expected a dataset of images or of (images, labels). Received: elements {spec}"
        )
    shape = image_spec.shape
    if shape.rank not in (3, 4) or None in shape[-3:]:
        raise ValueError(
            "Expected images of a known size, (height, width, channels) or batches of them. "
            f"Received: image shape {shape}"
        )
    degrade = _degrader(task, tuple(shape[-3:]), options)
    integer = image_spec.dtype.is_integer

    def make(images, labels=None, random=None):
        batched = images.shape.rank == 4
        images = scale_images(images) if integer else tf.cast(images, tf.float32)
        batch = images if batched else images[None]
        source = degrade(batch, random)
        source = source if batched else source[0]
        if labels is not None and keep_labels:
            return source, images, labels
        return source, images

    random = task == "inpainting" and options["mask"] == "random"
    if random:
        numbers = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        dataset = tf.data.Dataset.zip(dataset, numbers)
        if with_labels:
            return dataset.map(lambda e, r: make(e[0], e[1], r), num_parallel_calls=AUTOTUNE)
        return dataset.map(lambda images, r: make(images, None, r), num_parallel_calls=AUTOTUNE)
    return dataset.map(make, num_parallel_calls=AUTOTUNE)


def _degrader(task, image_shape, options):
    """`degrade(batch (n, h, w, c) in [-1, 1], random int64 or None)` -> the source batch."""
    height, width, channels = image_shape
    if task == "super_resolution":
        return _super_resolution(height, width, **options)
    if task == "inpainting":
        return _inpainting(height, width, **options)
    if task == "colorization":
        if channels != 3:
            raise ValueError(
                "The 'colorization' task needs colour images (3 channels): the source is their "
                f"grayscale. Received: images with {channels} channel(s), shape {image_shape}. "
                "Use a colour dataset, e.g. 'colored_fashion_mnist' or 'cifar10'."
            )
        return lambda batch, random: tf.image.rgb_to_grayscale(batch)
    return _edges(channels, **options)


def _super_resolution(height, width, factor, upsample):
    if not isinstance(factor, int) or factor < 2 or height % factor or width % factor:
        raise ValueError(
            "super_resolution's `factor` must be an int >= 2 that divides the height and "
            f"width. Received: factor={factor!r} for {height}x{width} images."
        )
    small = (height // factor, width // factor)

    def degrade(batch, random):
        source = tf.image.resize(batch, small, method="area")
        if upsample:
            source = tf.image.resize(source, (height, width), method="bicubic")
            source = tf.clip_by_value(source, -1.0, 1.0)
        return source

    return degrade


def _inpainting(height, width, mask, box_size, fill):
    box = min(height, width) // 2 if box_size is None else box_size
    if mask not in ("center", "random"):
        raise ValueError(f"`mask` must be 'center' or 'random'. Received: mask={mask!r}")
    if not isinstance(box, int) or not 1 <= box <= min(height, width):
        raise ValueError(
            f"`box_size` must be an int in [1, {min(height, width)}] for {height}x{width} "
            f"images. Received: box_size={box_size!r}"
        )
    rows, cols = tf.range(height)[None, :, None], tf.range(width)[None, None, :]

    def degrade(batch, random):
        count = tf.shape(batch)[0]
        if random is None:
            top = tf.fill([count], (height - box) // 2)
            left = tf.fill([count], (width - box) // 2)
        else:
            seed = tf.stack([random, tf.constant(0, tf.int64)])
            corners = tf.random.stateless_uniform([count, 2], seed, maxval=1 << 30, dtype=tf.int32)
            top = corners[:, 0] % (height - box + 1)
            left = corners[:, 1] % (width - box + 1)
        inside = (
            (rows >= top[:, None, None])
            & (rows < top[:, None, None] + box)
            & (cols >= left[:, None, None])
            & (cols < left[:, None, None] + box)
        )
        return tf.where(inside[..., None], tf.cast(fill, batch.dtype), batch)

    return degrade


def _edges(channels, threshold):
    def degrade(batch, random):
        gray = tf.image.rgb_to_grayscale(batch) if channels == 3 else batch[..., :1]
        gradients = tf.image.sobel_edges((gray + 1.0) / 2.0)  # (n, h, w, 1, [dy, dx])
        magnitude = tf.norm(gradients, axis=-1) / 4.0  # a black-to-white step gives 1
        return tf.where(magnitude > threshold, 1.0, -1.0)

    return degrade
