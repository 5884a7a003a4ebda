"""Features from a classifier trained on the dataset itself (e.g. the shipped Fashion-MNIST one)."""

import os

import keras

from keras_gans.metrics.dataset_classifier import FEATURE_LAYER
from keras_gans.metrics.feature_extractor import FeatureExtractor

# Classifiers shipped with the package, by dataset, in `saved_models/` (the TF Serving
# layout NAME/VERSION/). In the repository `keras_gans/saved_models` is a link to the
# top-level `saved_models/`; wheels and sdists carry these files as package data.
SHIPPED_CLASSIFIERS = {
    "fashion_mnist": os.path.join("fashion_classifier", "1", "fashion_classifier.keras"),
    "colored_fashion_mnist": os.path.join(
        "colored_fashion_classifier", "1", "colored_fashion_classifier.keras"
    ),
}


def retrain_command(dataset="fashion_mnist"):
    """The command that trains the classifier shipped for `dataset` (see saved_models/README.md)."""
    return (
        f"python -m keras_gans.metrics.train_classifier --dataset {dataset} "
        f"--out saved_models/{SHIPPED_CLASSIFIERS[dataset]}"
    )


def saved_models_dir():
    """The `saved_models/` folder: `$KERAS_GANS_SAVED_MODELS`, else the package's own."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.environ.get("KERAS_GANS_SAVED_MODELS", os.path.join(package, "saved_models"))


def shipped_classifier_path(dataset="fashion_mnist"):
    """Path of the classifier shipped for `dataset` (raises if there is none or it is missing)."""
    if dataset not in SHIPPED_CLASSIFIERS:
        raise ValueError(
            f"No classifier is shipped for this dataset. Received: dataset={dataset!r}; "
            f"shipped: {sorted(SHIPPED_CLASSIFIERS)}. Train one with "
            f"`python -m keras_gans.metrics.train_classifier --dataset {dataset} --out PATH.keras` "
            "and use ClassifierFeatures(PATH), or use the 'inception' extractor."
        )
    path = os.path.join(saved_models_dir(), SHIPPED_CLASSIFIERS[dataset])
    if not os.path.isfile(path):
        raise ValueError(
            f"The shipped {dataset} classifier was not found. Received: path {path!r}. The "
            "package ships it in keras_gans/saved_models/ (a link to the repository's "
            "saved_models/ folder in a checkout): reinstall keras-gans, set "
            "KERAS_GANS_SAVED_MODELS to a folder holding "
            f"{SHIPPED_CLASSIFIERS[dataset]!r}, or retrain it with `{retrain_command(dataset)}`."
        )
    return path


class ClassifierFeatures(FeatureExtractor):
    """Features from the penultimate layer of a classifier of the dataset's labels.

    InceptionV3 was trained on ImageNet photographs; on 28x28 grayscale
    clothes its features are far from the domain. A small CNN trained on the
    dataset's own labels gives features that separate its classes, is fast
    on a CPU, and, when the same saved classifier is used, gives scores that
    are comparable between runs. Its logits serve the Inception Score and the
    accuracy with which generated images show their conditioning label.

    Images are used as they are: the same shape and [-1, 1] range the
    classifier was trained on (see `dataset_classifier`).

    Args:
        classifier: a `keras.Model` mapping images to logits, or the path of
            one saved as `.keras` (loaded in safe mode).
        feature_layer: name of the layer whose output is the feature vector.
            Defaults to `"features"`.
        name: the extractor's name in metric names. Defaults to the
            classifier's own name (`"fashion_classifier"` for the shipped one).
        batch_size: images per forward pass. Defaults to `500`.

    Example:

    ```python
    extractor = ClassifierFeatures("saved_models/fashion_classifier/1/fashion_classifier.keras")
    features, logits = extractor(images)  # (n, 128), (n, 10)
    ```

    Reference:
        The "domain-specific classifier" variant of FID, e.g. Lucic et al.,
        "Are GANs Created Equal? A Large-Scale Study", NeurIPS 2018.
    """

    def __init__(self, classifier, feature_layer=FEATURE_LAYER, name=None, batch_size=500):
        self.path = None
        if not isinstance(classifier, keras.Model):
            self.path = os.fspath(classifier)
            if not os.path.isfile(self.path):
                raise ValueError(
                    f"Classifier file not found. Received: classifier={self.path!r}. "
                    "Expected a .keras file saved by "
                    "`python -m keras_gans.metrics.train_classifier`."
                )
            # Safe mode even if the process enabled unsafe deserialization.
            classifier = keras.models.load_model(self.path, compile=False, safe_mode=True)
        self.classifier = classifier
        self.feature_layer = feature_layer
        try:
            features = classifier.get_layer(feature_layer).output
        except ValueError as error:
            raise ValueError(
                f"The classifier has no layer named {feature_layer!r}. Received: layers "
                f"{[layer.name for layer in classifier.layers]}"
            ) from error
        model = keras.Model(classifier.inputs, [features, classifier.outputs[0]])
        super().__init__(
            model,
            name=name or classifier.name,
            batch_size=batch_size,
            image_shape=tuple(classifier.inputs[0].shape[1:]),
        )

    def describe(self):
        source = f", from {self.path}" if self.path else ""
        return f"{super().describe()}{source}"


def fashion_classifier(batch_size=500):
    """The shipped Fashion-MNIST classifier as a `ClassifierFeatures` named `fashion_classifier`.

    Its test accuracy and how to retrain it are in `saved_models/README.md`.
    """
    return ClassifierFeatures(shipped_classifier_path("fashion_mnist"), batch_size=batch_size)
