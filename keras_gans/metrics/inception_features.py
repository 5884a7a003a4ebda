"""InceptionV3 pool3 features (2048-d) and ImageNet logits, from `keras.applications`."""

import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans.metrics.feature_extractor import FeatureExtractor

INCEPTION_SIZE = 299
IMAGENET_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"


def _how_to_get_weights():
    cache = os.path.join(
        os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras")), "models"
    )
    return (
        "To get the ImageNet weights without internet here: on a machine with internet "
        "run `keras.applications.InceptionV3(weights='imagenet')`, which saves "
        f"~/.keras/models/{IMAGENET_WEIGHTS_FILE} (92 MB), then copy that file to "
        f"{os.path.join(cache, IMAGENET_WEIGHTS_FILE)} (found there by weights='imagenet') "
        "or anywhere and pass its path as weights=PATH (CLI: --inception-weights PATH)."
    )


class InceptionFeatures(FeatureExtractor):
    """InceptionV3 "pool3" features, the 2048-d input of the ImageNet classifier.

    Images in [-1, 1], any size, 1 or 3 channels, are prepared like this:

    1. grayscale is tiled to 3 identical channels;
    2. images are resized to 299x299 with bilinear interpolation;
    3. no further scaling: `keras.applications.inception_v3.preprocess_input`
       maps [0, 255] pixels to `x / 127.5 - 1`, i.e. to [-1, 1], the range the
       images are already in. (Resizing is linear, so resizing before or after
       that affine map gives the same input; the tests check both.)

    The features are the output of the global average pool (`avg_pool`), the
    logits those of the 1000-way ImageNet layer (`predictions`, without its
    softmax), for the Inception Score.

    Scores are comparable between runs that use the same weights and this
    preprocessing. They are not numerically equal to scores computed with the
    original TF1 graph of the FID paper (different weights, resizing and
    classifier), so do not compare them with published numbers.

    Args:
        weights: `"imagenet"` (downloaded once into the Keras cache,
            `~/.keras/models/`, on a machine with internet), a path to a local
            weights file (the `.h5` that Keras downloads for InceptionV3 with
            its top, or a `.weights.h5` saved from `keras.applications.InceptionV3`),
            or `None` for random weights (only to test the pipeline).
            Defaults to `"imagenet"`.
        batch_size: images per forward pass. Defaults to `32`.
        name: the extractor's name in metric names. Defaults to `"inception"`.

    Example:

    ```python
    extractor = InceptionFeatures(weights="inception_v3_weights_tf_dim_ordering_tf_kernels.h5")
    features, logits = extractor(images)  # (n, 2048), (n, 1000)
    ```

    Reference:
        Szegedy et al., "Rethinking the Inception Architecture for Computer
        Vision", CVPR 2016; Heusel et al., NeurIPS 2017 (FID on pool3 features).
    """

    def __init__(self, weights="imagenet", batch_size=32, name="inception"):
        local = weights not in ("imagenet", None)
        if local:
            weights = os.fspath(weights)
            if not os.path.isfile(weights):
                raise ValueError(
                    f"InceptionV3 weights file not found. Received: weights={weights!r}. "
                    + _how_to_get_weights()
                )
        self.weights = weights
        network = self._build(weights, local)
        model = keras.Model(
            network.inputs,
            [network.get_layer("avg_pool").output, network.get_layer("predictions").output],
            name="inception_v3_features",
        )
        super().__init__(model, name=name, batch_size=batch_size)

    @staticmethod
    def _build(weights, local):
        if weights == "imagenet":
            try:
                return keras.applications.InceptionV3(
                    weights="imagenet", classifier_activation=None
                )
            except Exception as error:  # offline machines fail in the download
                raise ValueError(
                    "Could not load the InceptionV3 ImageNet weights (no internet?). "
                    f"Received: weights='imagenet' ({type(error).__name__}: {str(error)[:200]}). "
                    + _how_to_get_weights()
                ) from error
        network = keras.applications.InceptionV3(weights=None, classifier_activation=None)
        if local:
            try:
                network.load_weights(weights)
            except Exception as error:
                raise ValueError(
                    f"Could not load InceptionV3 weights from {weights}: "
                    f"{type(error).__name__}: {str(error)[:300]}. Expected the file Keras "
                    f"downloads for InceptionV3 with its top ({IMAGENET_WEIGHTS_FILE}) or a "
                    ".weights.h5 saved from keras.applications.InceptionV3(). "
                    + _how_to_get_weights()
                ) from error
        return network

    def describe(self):
        weights = (
            "random weights"
            if self.weights is None
            else ("ImageNet weights" if self.weights == "imagenet" else f"weights {self.weights}")
        )
        return f"{super().describe()}, {weights}"

    input_channels = 3

    def adapt_channels(self, images):
        """Tiles grayscale numpy images to 3 channels (before the traced function)."""
        return np.repeat(images, 3, axis=-1) if images.shape[-1] == 1 else images

    def preprocess(self, images):
        """Images in [-1, 1] to InceptionV3's input: 3 channels, 299x299, in [-1, 1]."""
        images = tf.convert_to_tensor(images, tf.float32)
        if images.shape[-1] == 1:
            images = tf.tile(images, [1, 1, 1, 3])
        return tf.image.resize(images, (INCEPTION_SIZE, INCEPTION_SIZE), method="bilinear")
