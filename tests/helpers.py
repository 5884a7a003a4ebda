"""Helpers shared by test modules (fixtures live in conftest.py)."""

import keras
import numpy as np

from keras_gans.metrics import ClassifierFeatures, dataset_classifier

_RNG = np.random.default_rng(0)


def normal(*shape):
    """Standard normal float32 numbers of `shape`, from one generator shared by the tests."""
    return _RNG.normal(size=shape).astype("float32")


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


def tiny_translation_model(model_class, shape=(16, 16, 1), seed=0, compile_kwargs=None):
    """A compiled tiny `Pix2Pix` or `CycleGAN` on `shape` images."""
    import keras_gans as kg

    keras.utils.set_random_seed(seed)
    if model_class is kg.Pix2Pix:
        model = kg.Pix2Pix(
            kg.networks.unet_generator(shape, filters=8),
            kg.networks.patch_discriminator(
                shape, source_shape=shape, filters=8, num_downsamples=1
            ),
            seed=seed,
        )
    else:

        def translator():
            return kg.networks.resnet_translator(shape, filters=8, num_blocks=1)

        def critic():
            return kg.networks.patch_discriminator(
                shape, filters=8, num_downsamples=1, normalization="instance"
            )

        model = kg.CycleGAN(translator(), translator(), critic(), critic(), pool_size=4, seed=seed)
    model.compile(**(compile_kwargs or {}))
    return model


def tiny_pairs(n=16, shape=(16, 16, 1), seed=0):
    """`(source, target)` float32 images in [-1, 1]; the target is a function of the source."""
    import numpy as np

    source = np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype("float32")
    return source, np.tanh(2 * source).astype("float32")


# === Tiny image-to-image models (8x8 images: a step in milliseconds) ===

TRANSLATION_SHAPE = (8, 8, 1)


def translation_images(n=16, seed=0, shape=TRANSLATION_SHAPE):
    """`n` float32 images in [-1, 1] (both ends reached), for either domain or side of a pair."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return np.tanh(2 * rng.normal(size=(n, *shape))).astype("float32")


def translation_pairs(n=16, seed=0):
    """`(source, target)` with `target = -source`: a task with a known answer."""
    source = translation_images(n, seed)
    return source, -source


def tiny_pix2pix(seed=0, dropout=0.5, normalization="batch", **kwargs):
    import keras_gans as kg

    keras.utils.set_random_seed(seed)
    shape = TRANSLATION_SHAPE
    return kg.Pix2Pix(
        kg.networks.unet_generator(shape, filters=4, dropout=dropout),
        kg.networks.patch_discriminator(
            shape, source_shape=shape, filters=4, num_downsamples=1, normalization=normalization
        ),
        seed=seed,
        **kwargs,
    )


def tiny_cycle_gan(seed=0, pool_size=4, **kwargs):
    import keras_gans as kg

    keras.utils.set_random_seed(seed)
    shape = TRANSLATION_SHAPE

    def translator():
        return kg.networks.resnet_translator(shape, filters=4, num_blocks=1, num_downsamples=1)

    def critic():
        return kg.networks.patch_discriminator(
            shape, filters=4, num_downsamples=1, normalization="instance"
        )

    return kg.CycleGAN(
        translator(), translator(), critic(), critic(), seed=seed, pool_size=pool_size, **kwargs
    )


def translation_data(model, n=16, batch_size=4):
    """A `tf.data.Dataset` of the batches `model` trains on: (source, target) or (a, b)."""
    import tensorflow as tf

    import keras_gans as kg

    if isinstance(model, kg.CycleGAN):
        parts = (translation_images(n, 1), -translation_images(n, 2))
    else:
        parts = translation_pairs(n)
    return tf.data.Dataset.from_tensor_slices(parts).batch(batch_size, drop_remainder=True)
