"""Inception Score: confident and diverse class predictions on generated images."""

import numpy as np
from scipy.special import log_softmax

from keras_gans.metrics.feature_statistics import check_finite
from keras_gans.metrics.registry import register_metric


def inception_score(logits, num_splits=10, seed=None):
    """Inception Score `exp(E_x KL(p(y|x) || p(y)))` of classifier logits (higher is better).

    Computed in float64 on each of `num_splits` equal splits and averaged, as
    in the original paper. The images are shuffled (with `seed`) before
    splitting, so the score does not depend on their order: logits sorted by
    class would otherwise give splits of one class each, and a score of 1.
    It ranges from 1 (every prediction the same, or
    every prediction uniform) to the number of classes (confident predictions
    spread evenly over all classes). It never looks at real images, so it
    cannot tell a generator that copies the training set from a good one.

    Args:
        logits: `(n, classes)` class logits (pre-softmax) of generated images,
            from InceptionV3's ImageNet head or a dataset classifier.
        num_splits: number of splits, each of at least 2 images. Defaults to `10`.
        seed: seed of the shuffle before splitting, or None for the protocols'
            seed, 0. Defaults to `None`.

    Returns:
        The mean Inception Score over splits, a Python float.

    Example:

    ```python
    _, logits = kg.metrics.fashion_classifier()(model.generate(10_000))
    inception_score(logits)  # at most 10 for Fashion-MNIST's 10 classes
    ```

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """
    logits = check_finite(np.asarray(logits, dtype=np.float64), "`logits`")
    if logits.ndim != 2 or logits.shape[1] < 2:
        raise ValueError(
            f"Expected logits of shape (n, classes >= 2). Received: shape {logits.shape}"
        )
    num_splits = int(num_splits)
    if num_splits < 1 or len(logits) < 2 * num_splits:
        raise ValueError(
            "Need at least 2 images per split (one image per split scores 1 whatever "
            f"it is). Received: {len(logits)} images, num_splits={num_splits}"
        )
    order = np.random.default_rng(0 if seed is None else seed).permutation(len(logits))
    shuffled = logits[order]
    scores = []
    for part in np.array_split(shuffled, num_splits):
        log_p = log_softmax(part, axis=1)
        log_marginal = np.log(np.exp(log_p).mean(axis=0))
        kl = (np.exp(log_p) * (log_p - log_marginal)).sum(axis=1).mean()
        scores.append(np.exp(kl))
    return float(np.mean(scores))


@register_metric(
    "is",
    title="Inception Score",
    lower_is_better=False,
    needs=("logits",),
    compares="from the {extractor} class head: {num_images} generated images",
    order=30,
)
def _inception_score_of_pass(inputs):
    splits = max(1, min(10, inputs.num_images // 2))  # at least 2 images per split
    return inception_score(inputs.generated.logits, num_splits=splits, seed=inputs.seed)
