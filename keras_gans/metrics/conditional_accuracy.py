"""Conditional accuracy: does the classifier see the class a conditional GAN was asked for?"""

import numpy as np

from keras_gans.metrics.feature_statistics import check_finite
from keras_gans.metrics.registry import register_metric


def conditional_accuracy(logits, labels):
    """Fraction of images whose predicted class is the label they were generated for.

    For a conditional generator, the images are made for `labels` and
    classified by a classifier of the same dataset; a generator that ignores
    its label scores about `1 / num_classes`, a perfect one the classifier's
    own test accuracy (its errors on real images bound the score).

    Args:
        logits: `(n, classes)` classifier logits (or probabilities).
        labels: `(n,)` int labels the images were generated for.

    Returns:
        The accuracy in [0, 1], a Python float.

    Example:

    ```python
    labels = np.arange(10_000) % 10
    _, logits = kg.metrics.fashion_classifier()(cgan.generate(labels=labels, seed=0))
    conditional_accuracy(logits, labels)
    ```

    Reference:
        Odena et al., "Conditional Image Synthesis with Auxiliary Classifier
        GANs", ICML 2017 (accuracy of a pre-trained classifier on samples).
    """
    logits = check_finite(logits, "`logits`")
    labels = np.asarray(labels).reshape(-1)
    if logits.ndim != 2 or len(logits) != len(labels) or len(labels) == 0:
        raise ValueError(
            "Expected logits (n, classes) and n labels, n > 0. Received: "
            f"logits.shape={logits.shape}, labels.shape={labels.shape}"
        )
    if labels.min() < 0 or labels.max() >= logits.shape[1]:
        raise ValueError(
            f"Labels must be in [0, {logits.shape[1]}) (the classifier's classes). "
            f"Received: labels in [{labels.min()}, {labels.max()}]"
        )
    return float(np.mean(np.argmax(logits, axis=1) == labels))


@register_metric(
    "accuracy",
    title="conditional accuracy",
    lower_is_better=False,
    needs=("logits", "labels"),
    compares="of the {extractor} class head: {num_images} generated images, "
    "balanced labels, predicted class == label",
    order=60,
)
def _conditional_accuracy_of_pass(inputs):
    return conditional_accuracy(inputs.generated.logits, inputs.labels)
