"""Augmentation of every discriminator input: DiffAugment and ADA.

`GAN.compile(augment=...)` takes a comma-separated DiffAugment policy
(`"translation,cutout,color"`), a `DiffAugment`, or an `ADA`.
"""

import keras

from keras_gans.augment.ada import ADA
from keras_gans.augment.diff_augment import DiffAugment
from keras_gans.augment.operations import OPERATIONS


def get(identifier):
    """The augmentation trick for `compile(augment=identifier)`; None when off.

    Args:
        identifier: None, `""` or `"none"` (off), a comma-separated policy
            string, `"ada"` (`ADA()` with its defaults), a `DiffAugment` or
            `ADA` instance, or the config of one (as saved).
    """
    if identifier is None or identifier in ("", "none"):
        return None
    if identifier == "auto":
        raise ValueError(
            "`augment='auto'` is decided by `kg.train` from the size of the dataset; "
            "`compile` takes None or 'none' (off), a DiffAugment policy such as "
            "'translation,cutout,color', 'ada' or a kg.augment object. Received: augment='auto'"
        )
    if identifier == "ada":
        return ADA()
    if isinstance(identifier, (DiffAugment, ADA)):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    return DiffAugment(identifier)


__all__ = ["ADA", "DiffAugment", "OPERATIONS", "get"]
