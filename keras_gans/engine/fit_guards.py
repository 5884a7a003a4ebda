"""What `fit` does before Keras trains: the checks that turn silent failures into clear errors."""

import types
import warnings

import tensorflow as tf

from keras_gans.callbacks.terminate_on_non_finite_loss import guard_callbacks
from keras_gans.engine.data_checks import check_every_batch, check_training_data
from keras_gans.engine.network_checks import check_discriminator_outputs


def prepare_fit(model, x, y, batch_size, one_sided_data, callbacks, kwargs):
    """Checks a `fit` call and returns `(x, callbacks, kwargs)` to pass to Keras.

    - An uncompiled model, `sample_weight` or `class_weight` raise a
      `ValueError` (a GAN has no per-example loss weights).
    - The data is checked before the first step (`check_training_data`), and
      every batch as it is read: a `tf.data.Dataset` in its pipeline, a
      Python generator or a `keras.utils.PyDataset` in numpy
      (`check_every_batch`). `validation_data` is checked the same way.
    - A discriminator ending in a sigmoid, softmax or tanh under a loss that
      reads its outputs as logits raises a `ValueError`
      (`network_checks.check_discriminator_outputs`).
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
    check_discriminator_outputs(model)
    check_training_data(model, x, y, batch_size, one_sided_data=one_sided_data)
    _check_validation_data(model, batch_size, one_sided_data, kwargs)
    if isinstance(x, (tf.data.Dataset, types.GeneratorType)):
        # They give their own order; Keras would only warn about `shuffle`.
        kwargs.setdefault("shuffle", False)
    if isinstance(x, tf.data.Dataset):
        infinite = x.cardinality() == tf.data.INFINITE_CARDINALITY
        if infinite and kwargs.get("steps_per_epoch") is None:
            warnings.warn(
                "The training dataset is infinite and `steps_per_epoch` is not set, so the "
                "first epoch never ends: no end-of-epoch callback (image grids, backups, the "
                "check of the model's state for NaN) would ever run. Received: "
                "steps_per_epoch=None. Pass fit(..., steps_per_epoch=N).",
                stacklevel=3,
            )
    x = check_every_batch(model, x, one_sided_data=one_sided_data)
    return x, guard_callbacks(callbacks), kwargs


def _check_validation_data(model, batch_size, one_sided_data, kwargs):
    """Checks `fit`'s `validation_data` as the training data, in `kwargs` (replaced checked)."""
    data = kwargs.get("validation_data")
    if data is None:
        return
    if isinstance(data, (tuple, list)):  # arrays: (x, y) or (x, y, sample_weight)
        x, y, weights = (*data, None, None)[:3]
        if len(data) > 3 or weights is not None:
            raise ValueError(
                "A GAN has no per-example loss weights. Received: validation_data with "
                f"{len(data)} parts (x, y, sample_weight); expected (x,) or (x, y)."
            )
    else:
        x, y = data, None
    check_training_data(
        model, x, y, kwargs.get("validation_batch_size") or batch_size, one_sided_data,
        which="validation",
    )  # fmt: skip
    if x is data:
        kwargs["validation_data"] = check_every_batch(
            model, data, which="validation", one_sided_data=one_sided_data
        )
