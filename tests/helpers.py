"""Helpers shared by test modules (fixtures live in conftest.py)."""

import keras

from keras_gans.metrics import ClassifierFeatures, dataset_classifier


def tiny_extractor(image_shape, num_classes, seed=0):
    """An untrained tiny classifier (8-d features) as a feature extractor named tiny_classifier."""
    keras.utils.set_random_seed(seed)
    classifier = dataset_classifier(image_shape, num_classes, feature_dim=8, name="tiny_classifier")
    return ClassifierFeatures(classifier, batch_size=16)


def one_step_of_each_player(model, images, labels=None):
    """One discriminator update, then one generator update, of a latent model, eagerly.

    Returns `(d_logs, g_logs)`, the values each of the engine's steps logged.
    """
    from keras_gans.engine import Forward

    forward = Forward.record(lambda: {"fake": model.fake_images(len(images), labels)})
    fake = forward.outputs["fake"]
    d_logs = model.discriminator_step([model.judge(images, fake, labels)])
    g_logs = model.generator_step([model.judge(images, fake, labels)], forward)
    return d_logs, g_logs


def gradient_penalty(model, real, fake, alpha=None):
    """The unweighted WGAN-GP penalty of `model`'s critic between `real` and `fake`."""
    from keras_gans.tricks import GradientPenalty

    trick = next((t for t in model.tricks if isinstance(t, GradientPenalty)), None)
    trick = trick or GradientPenalty(1.0)
    return trick.penalty(model, model.judge(real, fake, None), alpha=alpha)
