"""TensorFlow imported without its start-up log lines, for the `keras-gans` command."""

import contextlib
import os
import sys


@contextlib.contextmanager
def _stderr_to_devnull():
    """Sends what C++ code writes to file descriptor 2 to /dev/null for a while."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_tensorflow_quietly():
    """Imports TensorFlow and lists its devices with fd 2 silenced.

    TensorFlow 2.21 writes its start-up lines (oneDNN, "Could not find cuda drivers",
    "failed call to cuInit" on a machine without a GPU) from C++ before its logging is
    set up, so `TF_CPP_MIN_LOG_LEVEL` does not hide them. Python errors raised by the
    import are shown as usual (stderr is restored before they propagate). Later
    warnings and errors are kept (`TF_CPP_MIN_LOG_LEVEL=2` hides later info lines).
    Does nothing if TensorFlow is imported already.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules:
        return
    with _stderr_to_devnull():
        import tensorflow as tf

        tf.config.list_physical_devices()  # CUDA's initialisation logs its failure here
