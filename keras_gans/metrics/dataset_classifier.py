"""A small CNN classifier of a dataset's labels, whose penultimate layer gives features."""

import time

import keras
import tensorflow as tf
from keras import layers

FEATURE_LAYER = "features"
# The shipped classifiers' names (the extractors' names in metric names), by dataset.
CLASSIFIER_NAMES = {
    "fashion_mnist": "fashion_classifier",
    "colored_fashion_mnist": "colored_fashion_classifier",
}


def dataset_classifier(image_shape=(28, 28, 1), num_classes=10, feature_dim=128, name="classifier"):
    """Builds a small CNN: [Conv, BN, ReLU] x 3 (two poolings) -> Dense(feature_dim) -> logits.

    The `feature_dim`-wide Dense layer named `"features"` is the penultimate
    layer: its output, before the ReLU that follows it, is the feature vector
    used for FID, KID and precision/recall (linear, so no dead dimensions in
    the covariance). The last layer, `"logits"`, gives the class logits used
    for the Inception Score and the conditional accuracy. Only standard layers
    (no `Lambda`), so a saved classifier loads in Keras' safe mode. About
    155k weights (0.6 MB saved) for 28x28x1, 2.6 MFLOPs per image.

    Args:
        image_shape: `(height, width, channels)` of the images, in [-1, 1].
            Defaults to `(28, 28, 1)`.
        num_classes: int, number of labels. Defaults to `10`.
        feature_dim: int, size of the feature vector. Defaults to `128`.
        name: model name; it becomes the extractor's name in metric names
            (`fid_<name>_10k`). Defaults to `"classifier"`.

    Returns:
        An uncompiled `keras.Model` mapping images to `(batch, num_classes)` logits.

    Example:

    ```python
    classifier = dataset_classifier((28, 28, 1), 10, name="fashion_classifier")
    ```
    """
    inputs = keras.Input(image_shape, name="images")
    x = inputs
    for i, (filters, strides) in enumerate(((16, 1), (32, 1), (64, 2))):
        x = layers.Conv2D(
            filters, 3, strides=strides, padding="same", use_bias=False, name=f"conv{i + 1}"
        )(x)
        x = layers.BatchNormalization(name=f"conv{i + 1}_bn")(x)
        x = layers.ReLU(name=f"conv{i + 1}_relu")(x)
        if i < 2:
            x = layers.MaxPooling2D(name=f"pool{i + 1}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(feature_dim, name=FEATURE_LAYER)(x)
    x = layers.ReLU(name="features_relu")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    logits = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


def train_dataset_classifier(
    dataset="fashion_mnist",
    name=None,
    epochs=4,
    batch_size=128,
    learning_rate=1e-3,
    seed=0,
    verbose=2,
):
    """Trains `dataset_classifier` on a dataset's train split and tests it.

    Args:
        dataset: a labelled dataset `keras_gans.data.load` understands.
            Defaults to `"fashion_mnist"`.
        name: the classifier's name. Defaults to `"fashion_classifier"` for
            Fashion-MNIST, `"colored_fashion_classifier"` for Colored
            Fashion-MNIST and `"<dataset>_classifier"` otherwise.
        epochs: training epochs. Defaults to `4`.
        batch_size: images per batch. Defaults to `128`.
        learning_rate: Adam's learning rate, halved every epoch after the
            first. Defaults to `1e-3`.
        seed: seed of the weights, dropout and shuffling. Defaults to `0`.
        verbose: `fit`'s verbosity. Defaults to `2`.

    Returns:
        `(classifier, info)`: the trained `keras.Model`, uncompiled (so that
        saving it stores no optimizer state), and a dict with the test
        accuracy, the numbers of images, the epochs and the training time.
    """
    from keras_gans.data import load

    keras.utils.set_random_seed(seed)
    if name is None:
        name = CLASSIFIER_NAMES.get(dataset, f"{dataset}_classifier")
    train = load(dataset, split="train", batch_size=batch_size, with_labels=True, seed=seed)
    test = load(
        dataset, split="test", batch_size=500, with_labels=True, shuffle=False, drop_remainder=False
    )
    image_shape = tuple(train.element_spec[0].shape[1:])
    largest = train.map(lambda x, y: tf.reduce_max(y)).reduce(tf.constant(-1, tf.int32), tf.maximum)
    num_classes = int(largest) + 1
    classifier = dataset_classifier(image_shape, num_classes, name=name)
    classifier.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    schedule = keras.callbacks.LearningRateScheduler(
        lambda epoch: learning_rate * 0.5 ** max(epoch - 1, 0)
    )
    start = time.perf_counter()
    classifier.fit(train, epochs=epochs, callbacks=[schedule], verbose=verbose, shuffle=False)
    seconds = time.perf_counter() - start
    _, accuracy = classifier.evaluate(test, verbose=0)
    train_images = int(train.cardinality()) * batch_size
    test_images = sum(int(y.shape[0]) for _, y in test)
    info = {
        "dataset": dataset,
        "name": name,
        "test_accuracy": round(float(accuracy), 4),
        "test_images": test_images,
        "train_images_per_epoch": train_images,
        "epochs": epochs,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "seed": seed,
        "image_shape": list(image_shape),
        "num_classes": num_classes,
        "feature_dim": int(classifier.get_layer(FEATURE_LAYER).units),
        "parameters": int(classifier.count_params()),
        "training_seconds": round(seconds, 1),
    }
    trained = dataset_classifier(image_shape, num_classes, name=name)
    trained.set_weights(classifier.get_weights())
    return trained, info
