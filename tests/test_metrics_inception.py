"""The InceptionV3 path end to end, with random weights (no ImageNet download here)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import tiny_images, tiny_model

import keras_gans as kg
from keras_gans.metrics import Evaluator, InceptionFeatures


@pytest.fixture(scope="module")
def inception():
    keras.utils.set_random_seed(0)
    return InceptionFeatures(weights=None, batch_size=4)


def test_preprocessing_tiles_resizes_and_needs_no_rescaling(inception):
    images = np.random.default_rng(0).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    prepared = inception.preprocess(images).numpy()
    assert prepared.shape == (3, 299, 299, 3)
    np.testing.assert_array_equal(prepared[..., 0], prepared[..., 1])
    np.testing.assert_array_equal(prepared[..., 0], prepared[..., 2])
    assert prepared.min() >= -1.0 and prepared.max() <= 1.0
    # The same as Keras' own recipe: [0, 255] pixels, resized, then preprocess_input.
    pixels = np.tile((images + 1) * 127.5, [1, 1, 1, 3])
    resized = tf.image.resize(pixels, (299, 299), method="bilinear").numpy()
    expected = keras.applications.inception_v3.preprocess_input(resized)
    np.testing.assert_allclose(prepared, expected, atol=1e-5)
    # Colour images keep their channels.
    colour = np.random.default_rng(1).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(
        inception.preprocess(colour).numpy(),
        tf.image.resize(colour, (299, 299), method="bilinear").numpy(),
    )


def test_features_are_pool3_and_logits_the_imagenet_head(inception):
    images = np.random.default_rng(2).uniform(-1, 1, (5, 28, 28, 1)).astype("float32")
    features, logits = inception(images)  # two chunks of batch_size 4
    assert features.shape == (5, 2048) and logits.shape == (5, 1000)
    assert np.isfinite(features).all() and np.isfinite(logits).all()
    assert (features >= 0).all()  # an average of ReLU outputs
    # The same numbers as the Keras model run on the preprocessed images directly.
    pool3, head = inception.model(inception.preprocess(images), training=False)
    np.testing.assert_allclose(features, pool3.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(logits, head.numpy(), rtol=1e-4, atol=1e-4)
    assert inception.feature_dim == 2048 and inception.num_classes == 1000


def test_inception_metrics_run_end_to_end(inception):
    """Generate, extract, compare with a reference: KID, IS, precision and recall on pool3.

    (FID on 2048-d features adds only `scipy.linalg.sqrtm` of a 2048x2048
    matrix, 35-45 s on this 2-core machine; the maths is tested in
    test_frechet.py.)
    """
    model = tiny_model(kg.GAN)  # 16x16 grayscale images
    names = ["kid_inception_6", "is_inception_6", "precision_inception_6", "recall_inception_6"]
    evaluator = Evaluator(
        names,
        dataset=tiny_images(8),
        extractors={"inception": inception},
        cache_dir=None,
        batch_size=4,
    )
    values = evaluator.evaluate(model)
    assert list(values) == names and np.isfinite(list(values.values())).all()
    assert 1 <= values["is_inception_6"] <= 1000
    reference = evaluator.reference("inception", 6)
    assert reference.statistics.count == 8 and reference.features.shape == (6, 2048)


@pytest.mark.slow
def test_a_local_weights_file_is_loaded(inception, tmp_path):
    path = tmp_path / "inception.weights.h5"
    network = keras.Model(inception.model.inputs, inception.model.outputs)
    network.save_weights(path)
    local = InceptionFeatures(weights=path)
    # Every weight (BatchNorm statistics included) is the saved one, so the features are
    # too: the same code runs on them (a forward pass here would add a second trace, ~4 s).
    assert len(local.model.weights) == len(inception.model.weights) > 300
    for loaded, saved in zip(local.model.weights, inception.model.weights, strict=True):
        np.testing.assert_array_equal(loaded.numpy(), saved.numpy(), err_msg=loaded.path)
    assert local.fingerprint() == inception.fingerprint()
    assert local.weights == str(path) and str(path) in local.describe()


def test_a_missing_weights_file_names_the_path_and_how_to_get_it(tmp_path):
    missing = tmp_path / "nowhere" / "inception_v3.h5"
    with pytest.raises(ValueError) as error:
        InceptionFeatures(weights=missing)
    message = str(error.value)
    assert str(missing) in message
    assert "inception_v3_weights_tf_dim_ordering_tf_kernels.h5" in message
    assert "weights=PATH" in message and "--inception-weights" in message


def test_imagenet_weights_that_cannot_be_downloaded_give_a_clear_error(monkeypatch, tmp_path):
    from keras.src.applications import inception_v3

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure: no internet")

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(inception_v3.file_utils, "get_file", offline)
    with pytest.raises(
        ValueError, match="Could not load the InceptionV3 ImageNet weights"
    ) as error:
        InceptionFeatures(weights="imagenet")
    assert str(tmp_path / "models" / "inception_v3_weights_tf_dim_ordering_tf_kernels.h5") in str(
        error.value
    )
