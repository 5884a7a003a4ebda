"""What `fit` does before Keras trains: the checks that turn silent failures into clear errors."""

import warnings

import tensorflow as tf

from keras_gans.callbacks.terminate_on_non_finite_loss import guard_callbacks
from keras_gans.engine.data_checks import check_every_batch, check_training_data


def prepare_fit(model, x, y, batch_size, one_sided_data, callbacks, kwargs):
    """Checks a `fit` call and returns `(x, callbacks, kwargs)` to pass to Keras.

    - An uncompiled model, `sample_weight` or `class_weight` raise a
      `ValueError` (a GAN has no per-example loss weights).
    - The data is checked before the first step (`check_training_data`), and a
      `tf.data.Dataset` gets a check of every batch in its pipeline
      (`check_every_batch`).
    - An infinite dataset without `steps_per_epoch` is warned about: its one
      endless epoch would never reach a callback's end-of-epoch work (grids,
      backups, the NaN check of the state).
    - A `kg.callbacks.TerminateOnNonFiniteLoss` is put first in the callbacks.
    """
    if not model.compiled:
        raise ValueError(
            f"Call `{type(model).__name__}.compile()` before `fit()`. "
            "Received: an uncompiled model."
        )
    for name in ("sample_weight", "class_weight"):
        if kwargs.get(name) is not None:
            raise ValueError(
                f"A GAN has no per-example loss weights. Received: {name}=... in fit(); "
                "remove it (weight the data by resampling it instead)."
            )
    check_training_data(model, x, y, batch_size, one_sided_data=one_sided_data)
    if isinstance(x, tf.data.Dataset):
        # A dataset shuffles itself; Keras would only warn about `shuffle`.
        kwargs.setdefault("shuffle", False)
        infinite = x.cardinality() == tf.data.INFINITE_CARDINALITY
        if infinite and kwargs.get("steps_per_epoch") is None:
            warnings.warn(
                "The training dataset is infinite and `steps_per_epoch` is not set, so the "
                "first epoch never ends: no end-of-epoch callback (image grids, backups, the "
                "check of the model's state for NaN) would ever run. Received: "
                "steps_per_epoch=None. Pass fit(..., steps_per_epoch=N).",
                stacklevel=3,
            )
    return check_every_batch(model, x), guard_callbacks(callbacks), kwargs
