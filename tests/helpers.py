"""Helpers shared by test modules (fixtures live in conftest.py)."""

import keras

from keras_gans.metrics import ClassifierFeatures, dataset_classifier


def tiny_extractor(image_shape, num_classes, seed=0):
    """An untrained tiny classifier (8-d features) as a feature extractor named tiny_classifier."""
    keras.utils.set_random_seed(seed)
    classifier = dataset_classifier(image_shape, num_classes, feature_dim=8, name="tiny_classifier")
    return ClassifierFeatures(classifier, batch_size=16)
