"""`keras-gans translate`: a folder of images through a saved image-to-image model."""

import os

from keras_gans.cli.arguments import add_model_argument, load_model, positive_int


def add_parser(subparsers):
    """Registers `translate` on an argparse `subparsers` object and returns its parser."""
    parser = subparsers.add_parser(
        "translate",
        help="translate a folder of images with a saved Pix2Pix or CycleGAN",
        description="Translate every image of a folder (recursively) with a saved "
        "image-to-image model and write each translation as a PNG of the same name (and "
        "sub-folder) into the output folder. Images of another size than the model's are "
        "resized and centre-cropped to it (aspect ratio kept), and converted to its number "
        "of channels; the command says how many. The translations have the model's size.",
    )
    add_model_argument(parser)
    parser.add_argument("--input", required=True, help="folder of images to translate")
    parser.add_argument("--out", required=True, help="folder for the translated PNGs")
    parser.add_argument(
        "--direction",
        default=None,
        help="a_to_b or b_to_a for a CycleGAN (default: the model's default, a_to_b)",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=32,
        help="images translated per call (default: 32)",
    )
    return parser


def run(args):
    """Runs `keras-gans translate` for parsed `args`; returns the exit code."""
    import numpy as np
    from PIL import Image

    from keras_gans.data import image_files
    from keras_gans.images import to_uint8

    if not os.path.isdir(args.input):
        raise ValueError(f"--input must be a folder of images. Received: {args.input!r}")
    paths, _ = image_files.list_image_files(args.input)
    if not paths:
        extensions = ", ".join(image_files.IMAGE_EXTENSIONS)
        raise ValueError(f"No image files in {args.input} (extensions {extensions}).")
    outputs = _output_paths(paths, args.input, args.out)
    model = load_model(args)
    if not hasattr(model, "directions"):
        raise ValueError(
            f"translate takes an image-to-image model (Pix2Pix, CycleGAN). Received: a "
            f"{type(model).__name__} in {args.model}; `keras-gans sample` draws its images."
        )
    network = model.translator(args.direction)  # a ValueError naming the directions
    height, width, channels = network.inputs[0].shape[1:]
    infos = image_files.inspect_images(paths, args.input)
    resized = [info for info in infos if info.size != (height, width)]
    converted = image_files.conversion_note(infos, channels)
    for start in range(0, len(paths), args.batch_size):
        batch = paths[start : start + args.batch_size]
        pixels = np.stack([image_files.read_image(p, channels, (height, width)) for p in batch])
        translated = to_uint8(model.translate(pixels / 127.5 - 1.0, direction=args.direction))
        for image, path in zip(translated, outputs[start : start + len(batch)], strict=True):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(path)
    direction = args.direction or model.default_direction
    print(f"Translated {len(paths)} images of {args.input} ({direction}) into {args.out}")
    if resized:
        sizes = image_files.describe_size_mix(resized)
        print(
            f"Resized and centre-cropped {len(resized)} of {len(paths)} images to {height}x"
            f"{width}, the model's input size: {sizes}"
        )
    if converted:
        print(converted[0].upper() + converted[1:])
    return 0


def _output_paths(paths, folder, out):
    """`out/<path relative to folder, as .png>` for each path; an error if two collide."""
    outputs, seen = [], {}
    for path in paths:
        relative = os.path.splitext(os.path.relpath(path, folder))[0] + ".png"
        if relative in seen:
            raise ValueError(
                f"Two images would be written to the same PNG, {os.path.join(out, relative)}. "
                f"Received: {seen[relative]} and {path}; rename one."
            )
        seen[relative] = path
        outputs.append(os.path.join(out, relative))
    return outputs
