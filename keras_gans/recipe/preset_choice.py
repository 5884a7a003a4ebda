"""The preset of a `kg.train` run: the one given, or one chosen from the size of the images."""

import os

from keras_gans.data.image_files import image_size_pair, list_image_files
from keras_gans.presets import automatic_preset


def resolve_preset(config, verbose=0):
    """The name of the run's preset: `config.model["preset"]`, or chosen from the data.

    With `preset=None` or `"auto"` the images' size decides
    (`keras_gans.presets.automatic_preset`): `image_size` when given, else the
    size of the folder's first image, or of the dataset's first batch. The
    choice is printed when `verbose`.
    """
    name = config.model["preset"]
    if name not in (None, "auto"):
        return name
    size = _image_size(config.data)
    name = automatic_preset(size)
    if verbose:
        print(f"Preset: {name}, chosen for {size[0]}x{size[1]} images (--preset to choose one)")
    return name


def _image_size(options):
    """`(height, width)` of the run's images, read as cheaply as the source allows."""
    if options["image_size"] is not None:
        return image_size_pair(options["image_size"])
    dataset = os.fspath(options["dataset"])
    if os.path.isdir(dataset):
        from PIL import Image

        paths, _ = list_image_files(dataset)
        if paths:  # else the data recipe names the empty folder
            with Image.open(paths[0]) as image:
                return image.height, image.width
    from keras_gans.data import load

    spec = load(dataset, batch_size=1, shuffle=False).element_spec
    return tuple(spec.shape[1:3])
