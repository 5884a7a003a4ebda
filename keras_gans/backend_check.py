"""keras_gans needs Keras' TensorFlow backend: one clear error under any other."""

import json
import os
import sys


def configured_backend():
    """The backend Keras runs on, or will run on once imported.

    Read from Keras itself when it is already imported; otherwise from what
    Keras reads first: `KERAS_BACKEND`, then `backend` in `keras.json` under
    `KERAS_HOME` (default `~/.keras`), else `"tensorflow"`. Reading it before
    Keras is imported gives the error below even when the other backend's
    package is not installed (Keras would fail on importing it instead).
    """
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    try:
        with open(os.path.join(home, "keras.json")) as f:
            return json.load(f).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"


def require_tensorflow_backend():
    """Raises `ImportError` naming the backend and how to switch, unless it is TensorFlow.

    The engine trains with `tf.GradientTape`, `tf.distribute` and `tf.data`, so
    another backend would fail later, deep inside a network builder.
    """
    backend = configured_backend()
    if backend != "tensorflow":
        raise ImportError(
            "keras_gans needs Keras' TensorFlow backend: its models train with "
            "tf.GradientTape, tf.distribute and tf.data. Received: Keras set to the "
            f"'{backend}' backend. Set the environment variable KERAS_BACKEND=tensorflow "
            'before Python imports keras (or "backend": "tensorflow" in ~/.keras/keras.json).'
        )
