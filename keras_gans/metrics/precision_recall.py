"""Improved precision and recall: is each sample inside the other set's k-NN manifold?"""

import numpy as np

from keras_gans.metrics.feature_statistics import feature_pair
from keras_gans.metrics.registry import register_metric


def precision_recall(real_features, generated_features, k=3, block_size=1000):
    """Improved precision and recall of generated features against real ones (higher is better).

    Each set's manifold is the union of balls centred on its feature vectors,
    each ball's radius the distance to that vector's `k`-th nearest neighbour
    in the same set. *Precision* is the fraction of generated samples inside
    the real manifold (are the samples realistic?); *recall* the fraction of
    real samples inside the generated manifold (is the data's variety
    covered?). Mode collapse shows as a recall drop while precision stays
    high. Distances are computed in blocks of `block_size` rows, so memory is
    `O(block_size * n)`, on features centred on the real mean (float32
    matrix products, float64 norms).

    Args:
        real_features: `(n, d)` features of real images.
        generated_features: `(n', d)` features of generated images.
        k: the neighbour that sets each radius. Defaults to `3`, the paper's value.
        block_size: rows per block of distances. Defaults to `1000`.

    Returns:
        `(precision, recall)`, Python floats in [0, 1].

    Example:

    ```python
    precision, recall = precision_recall(real_features, generated_features)
    ```

    Reference:
        Kynkäänniemi et al., "Improved Precision and Recall Metric for
        Assessing Generative Models", NeurIPS 2019.
    """
    real, generated = feature_pair(real_features, generated_features)
    k = int(k)
    if k < 1 or min(len(real), len(generated)) <= k:
        raise ValueError(
            f"Each set needs more than k={k} features. Received: {len(real)} real, "
            f"{len(generated)} generated."
        )
    centre = real.mean(axis=0)
    real, generated = real - centre, generated - centre
    real_radii = _knn_radii(real, k, block_size)
    generated_radii = _knn_radii(generated, k, block_size)
    precision = _fraction_inside(generated, real, real_radii, block_size)
    recall = _fraction_inside(real, generated, generated_radii, block_size)
    return precision, recall


# One computation gives both metrics: registered twice, it runs once per pass.
_COMPARES = (
    "on {extractor} features: {num_images} generated images "
    "vs {num_images} random real images of {dataset}/{split}"
)


@register_metric(
    "recall",
    title="recall",
    lower_is_better=False,
    needs=("features", "reference"),
    compares=_COMPARES,
    output=1,
    order=50,
)
@register_metric(
    "precision",
    title="precision",
    lower_is_better=False,
    needs=("features", "reference"),
    compares=_COMPARES,
    output=0,
    order=40,
)
def _precision_recall_of_pass(inputs):
    return precision_recall(inputs.reference.features, inputs.generated.features)


def _squared_distances(a, b, b_norms):
    """`(len(a), len(b))` squared Euclidean distances, clipped at 0."""
    a_norms = np.einsum("ij,ij->i", a, a)
    products = (a.astype(np.float32) @ b.astype(np.float32).T).astype(np.float64)
    return np.maximum(a_norms[:, None] + b_norms[None, :] - 2.0 * products, 0.0)


def _knn_radii(points, k, block_size):
    """Squared distance from each point to its k-th nearest other point."""
    norms = np.einsum("ij,ij->i", points, points)
    radii = np.empty(len(points))
    for start in range(0, len(points), block_size):
        block = _squared_distances(points[start : start + block_size], points, norms)
        # Index k counts the point itself (distance 0) as the 0th neighbour.
        radii[start : start + block_size] = np.partition(block, k, axis=1)[:, k]
    return radii


def _fraction_inside(queries, centres, radii, block_size):
    """Fraction of `queries` within `radii` of at least one of `centres`."""
    norms = np.einsum("ij,ij->i", centres, centres)
    inside = 0
    for start in range(0, len(queries), block_size):
        block = _squared_distances(queries[start : start + block_size], centres, norms)
        inside += int(np.count_nonzero((block <= radii[None, :]).any(axis=1)))
    return float(inside / len(queries))
