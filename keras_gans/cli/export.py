"""`keras-gans export`: a saved model's generator as a SavedModel for TF Serving."""

import os

from keras_gans.cli.arguments import add_model_argument, load_model, positive_int


def add_parser(subparsers):
    """Registers `export` on an argparse `subparsers` object and returns its parser."""
    parser = subparsers.add_parser(
        "export",
        help="export a model's generator as a SavedModel for TF Serving",
        description="Write the generator of a saved .keras model as a SavedModel in "
        "TensorFlow Serving's layout, BASE_DIR/NAME/VERSION/, and print how to serve it.",
    )
    add_model_argument(parser)
    parser.add_argument("--name", required=True, help="served model name, e.g. fashion_dcgan")
    parser.add_argument(
        "--base-dir",
        default="saved_models",
        help="folder holding served models (default: saved_models)",
    )
    parser.add_argument(
        "--version",
        type=positive_int,
        default=None,
        help="version number (default: one more than the highest present); an "
        "existing version is refused unless --overwrite is given",
    )
    parser.add_argument(
        "--max-batch-size",
        type=positive_int,
        default=None,
        help="most images one request may ask for; larger requests are refused (default: 1024)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the version given by --version if it exists (default: refuse)",
    )
    return parser


def run(args):
    """Runs `keras-gans export` for parsed `args`; returns the exit code."""
    from keras_gans.export import DEFAULT_MAX_BATCH_SIZE, export_generator, next_version_path

    if args.version is None:
        path = next_version_path(args.base_dir, args.name)
    else:
        path = os.path.join(args.base_dir, args.name, str(args.version))
    if os.path.lexists(path) and not args.overwrite:  # refused before the model is loaded
        raise FileExistsError(
            f"Refusing to overwrite the existing export at {path}. Pass --overwrite to "
            "replace it, or another --version."
        )
    model = load_model(args)
    max_batch_size = args.max_batch_size or DEFAULT_MAX_BATCH_SIZE
    export_generator(model, path, overwrite=args.overwrite, max_batch_size=max_batch_size)
    base = os.path.abspath(os.path.join(args.base_dir, args.name))
    if hasattr(model, "directions"):
        _print_translation_serving(args, model, path, base, max_batch_size)
        return 0
    inputs = '"z": [[...latent_dim floats...]]'
    uint8_inputs = '"batch_size": 4, "seed": 0'
    if getattr(model, "num_classes", None) is not None:
        inputs += ', "labels": [0]'
        uint8_inputs = '"labels": [0, 1, 2, 3], "seed": 0'
    print(f"""Exported the generator of {args.model} to {path}

Serve it with TensorFlow Serving (REST on port 8501):
  docker run -p 8501:8501 -v {base}:/models/{args.name} -e MODEL_NAME={args.name} tensorflow/serving
or: tensorflow_model_server --rest_api_port=8501 --model_name={args.name} --model_base_path={base}

Request images in [-1, 1] (signature serving_default, latent_dim={model.latent_dim}):
  curl -d '{{"inputs": {{{inputs}}}}}' localhost:8501/v1/models/{args.name}:predict
Request uint8 images in [0, 255] (signature generate_uint8):
  curl -d '{{"signature_name": "generate_uint8", "inputs": {{{uint8_inputs}}}}}' \\
    localhost:8501/v1/models/{args.name}:predict
Requests of more than {max_batch_size} images are refused (--max-batch-size).
Inspect both signatures: saved_model_cli show --all --dir {path}""")
    return 0


def _print_translation_serving(args, model, path, base, max_batch_size):
    """How to serve an image-to-image model's SavedModel (`export_generator`'s signatures)."""
    from keras_gans.translation_export import signature_names

    height, width, channels = model.translator().inputs[0].shape[1:]
    names = [name for name in signature_names(model) if name not in SHARED]
    named = f" Each direction: {', '.join(names)}." if names else ""
    print(f"""Exported the translator of {args.model} to {path}

Serve it with TensorFlow Serving (REST on port 8501):
  docker run -p 8501:8501 -v {base}:/models/{args.name} -e MODEL_NAME={args.name} tensorflow/serving
or: tensorflow_model_server --rest_api_port=8501 --model_name={args.name} --model_base_path={base}

Translate images in [-1, 1] (signature serving_default, {model.default_direction}):
  curl -d '{{"inputs": {{"images": [...{height}x{width}x{channels} floats...]}}}}' \\
    localhost:8501/v1/models/{args.name}:predict
Translate uint8 pictures in [0, 255] (signature translate_uint8).{named}
Requests of more than {max_batch_size} images are refused (--max-batch-size).
Inspect the signatures: saved_model_cli show --all --dir {path}""")


SHARED = ("serving_default", "translate_uint8")
