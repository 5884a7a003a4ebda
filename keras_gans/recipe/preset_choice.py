"""The preset of a `kg.train` run: the one given, or one chosen from the size of the images."""

import os

from keras_gans.data.image_files import image_size_pair, list_image_files
from keras_gans.networks.shapes import downsampling_steps

# === The automatic choice (`kg.train(preset=None)`, `keras-gans train` without --preset) ===
# Measured (benchmarks/results/architectures.txt, docs/benchmarks.md "Architectures at equal
# time"): on colored_fashion_mnist at 32x32 and 64x64, 5 minutes of training on 2 CPU cores,
# DCGAN's small networks reach a far lower FID than the residual and style-based presets
# (at 32x32, 3 seeds: dcgan 42.3, sagan 140.3, stylegan2 183.5, resnet_sngan 272.9).
# So DCGAN for every size its halvings make, up to AUTO_MAX_DCGAN_SIDE (the largest size
# measured; DCGAN was designed for 64x64), and the residual preset above that (not measured
# here) and for the sizes DCGAN cannot make (12, 48, 100, ...). SAGAN scored better than
# resnet_sngan at 32x32, but its discriminator attends over a map of half the image's side,
# whose attention matrix grows as the fourth power of the side (for a batch of 64, with
# keys pooled 2x2: 0.4 GB at 100x100, 17 GB at 256x256): resnet_sngan works at any size.
AUTO_SMALL_PRESET = "dcgan"
AUTO_LARGE_PRESET = "resnet_sngan"
AUTO_MAX_DCGAN_SIDE = 64
# The built-in datasets' sizes, known without loading them (a second or more each).
BUILTIN_SIZES = {"fashion_mnist": (28, 28), "mnist": (28, 28), "cifar10": (32, 32)}


def automatic_preset(image_shape):
    """The preset chosen for images of `image_shape` (`(height, width, ...)`) when none is given."""
    height, width = image_shape[:2]
    if max(height, width) <= AUTO_MAX_DCGAN_SIDE:
        try:
            downsampling_steps(height, width)  # DCGAN's own size check, no network built
            return AUTO_SMALL_PRESET
        except ValueError:  # a size DCGAN's halvings cannot make
            pass
    return AUTO_LARGE_PRESET


def describe_automatic_choice():
    """The automatic choice in words, for help texts."""
    return (
        f"{AUTO_SMALL_PRESET} for images of at most {AUTO_MAX_DCGAN_SIDE} pixels a side, "
        f"{AUTO_LARGE_PRESET} for larger ones and for sizes {AUTO_SMALL_PRESET} cannot make"
    )


def resolve_preset(config, verbose=0):
    """The name of the run's preset: `config.model["preset"]`, or chosen from the data.

    With `preset=None` or `"auto"`: `pix2pix` when a `task` makes pairs of the
    images, else the images' size decides (`automatic_preset`): `image_size`
    when given, else the size of the folder's first image, or of the
    dataset's first batch. The choice is printed when `verbose`.
    """
    name = config.model["preset"]
    if name not in (None, "auto"):
        return name
    if config.data["task"] is not None:
        name, chosen_for = "pix2pix", f"task={config.data['task']!r}"
    else:
        size = _image_size(config.data)
        name, chosen_for = automatic_preset(size), f"{size[0]}x{size[1]} images"
    if verbose:
        print(f"Preset: {name}, chosen for {chosen_for} (--preset to choose one)")
    return name


def _image_size(options):
    """`(height, width)` of the run's images, read as cheaply as the source allows."""
    if options["image_size"] is not None:
        return image_size_pair(options["image_size"])
    dataset = os.fspath(options["dataset"])
    if dataset in BUILTIN_SIZES:
        return BUILTIN_SIZES[dataset]
    if os.path.isdir(dataset):
        from PIL import Image

        paths, _ = list_image_files(dataset)
        if paths:  # else the data recipe names the empty folder
            with Image.open(paths[0]) as image:
                return image.height, image.width
    from keras_gans.data import load

    spec = load(dataset, batch_size=1, shuffle=False).element_spec
    return tuple(spec.shape[1:3])
