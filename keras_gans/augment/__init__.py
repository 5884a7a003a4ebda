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
        identifier: None or `""` (off), a comma-separated policy string,
            `"ada"` (`ADA()` with its defaults), a `DiffAugment` or `ADA`
            instance, or the config of one (as saved).
    """
    if identifier is None or identifier == "":
        return None
    if identifier == "ada":
        return ADA()
    if isinstance(identifier, (DiffAugment, ADA)):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    return DiffAugment(identifier)


__all__ = ["ADA", "DiffAugment", "OPERATIONS", "get"]
