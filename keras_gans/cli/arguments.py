"""What several `keras-gans` commands share: argument types and loading a saved model."""

import os
import zipfile

from keras_gans.training_options import positive_int  # noqa: F401  (the commands' type)


def add_model_argument(parser):
    """The `--model PATH` of the commands that read a saved model."""
    parser.add_argument("--model", required=True, help="path to a saved .keras model")


def load_model(args):
    """The `.keras` model at `args.model`, loaded in Keras' safe mode.

    Exits with a message when there is no such file; raises a `ValueError`
    naming the file when it is not a readable `.keras` archive or safe mode
    refuses it (a `Lambda` layer's Python code is never run).
    """
    if not os.path.isfile(args.model):
        raise SystemExit(f"keras-gans {args.command}: no such model file: {args.model}")
    if not args.model.endswith(".keras") or not zipfile.is_zipfile(args.model):
        raise ValueError(
            f"{args.model} is not a .keras model archive (truncated, or another format). "
            "Expected a file written by model.save('....keras') or keras-gans train."
        )
    import keras

    import keras_gans  # noqa: F401  (registers the model classes)

    try:
        # safe_mode=True even if the process enabled unsafe deserialization.
        return keras.models.load_model(args.model, safe_mode=True)
    except Exception as error:
        refused = " keras-gans loads models in safe mode only." if "safe_mode" in str(error) else ""
        raise ValueError(f"Cannot load {args.model}: {error}{refused}") from error
