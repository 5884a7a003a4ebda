"""Running mean and covariance of features in float64, batch by batch; metric input checks."""

import numpy as np


class FeatureStatistics:
    """Mean and covariance of a stream of feature vectors, in constant memory.

    Batches are merged with the pairwise update of Chan et al.: the state is
    the count, the mean and the sum of centred outer products, so memory is
    `O(d^2)` however many samples pass, and no precision is lost to a large
    mean (as it would be with a running sum of `x x^T`). Everything is float64.

    Args:
        dim: int, feature dimension; taken from the first batch if `None`.
            Defaults to `None`.

    Example:

    ```python
    stats = FeatureStatistics()
    for batch in batches:          # (n_i, d) arrays
        stats.update(batch)
    frechet_distance(stats.mean, stats.covariance, other.mean, other.covariance)
    ```

    Reference:
        Chan, Golub & LeVeque, "Updating Formulae and a Pairwise Algorithm for
        Computing Sample Variances", 1979.
    """

    def __init__(self, dim=None):
        self.dim = dim
        self.count = 0
        self._mean = None if dim is None else np.zeros(dim)
        self._scatter = None if dim is None else np.zeros((dim, dim))

    @classmethod
    def from_features(cls, features):
        """Statistics of a whole `(n, d)` array."""
        stats = cls()
        stats.update(features)
        return stats

    def update(self, features):
        """Adds a batch of features, shape `(n, d)`."""
        features = check_finite(np.asarray(features, dtype=np.float64), "`features`")
        if features.ndim != 2:
            raise ValueError(f"Expected features of shape (n, d). Received: shape {features.shape}")
        if self.dim is None:
            self.dim = features.shape[1]
            self._mean = np.zeros(self.dim)
            self._scatter = np.zeros((self.dim, self.dim))
        if features.shape[1] != self.dim:
            raise ValueError(
                f"Expected features of dimension {self.dim}. Received: shape {features.shape}"
            )
        n = features.shape[0]
        if n == 0:
            return self
        batch_mean = features.mean(axis=0)
        centred = features - batch_mean
        total = self.count + n
        delta = batch_mean - self._mean
        self._scatter += centred.T @ centred + np.outer(delta, delta) * (self.count * n / total)
        self._mean += delta * (n / total)
        self.count = total
        return self

    @property
    def mean(self):
        """The mean feature vector, shape `(d,)`."""
        self._check_count(1)
        return self._mean.copy()

    @property
    def covariance(self):
        """The unbiased sample covariance (divided by n - 1), shape `(d, d)`."""
        self._check_count(2)
        return self._scatter / (self.count - 1)

    def _check_count(self, needed):
        if self.count < needed:
            raise ValueError(
                f"Statistics need at least {needed} feature vector(s). Received: {self.count}."
            )

    # === Saving ===

    def to_arrays(self):
        """`{"count", "mean", "scatter"}` as numpy arrays, e.g. for `np.savez`."""
        self._check_count(1)
        return {"count": np.int64(self.count), "mean": self._mean, "scatter": self._scatter}

    @classmethod
    def from_arrays(cls, arrays):
        """Rebuilds statistics saved with `to_arrays`."""
        mean = np.asarray(arrays["mean"], dtype=np.float64)
        stats = cls(dim=mean.shape[0])
        stats.count = int(arrays["count"])
        stats._mean = mean.copy()
        stats._scatter = np.asarray(arrays["scatter"], dtype=np.float64).copy()
        return stats


def check_finite(values, name):
    """Returns `values` (an array) or raises a `ValueError` counting its NaN and infinite entries.

    Every metric checks its inputs with it: a diverged generator outputs NaN,
    and NaN passes range checks (`min() < -1.5` is False) and some networks
    (ReLU, max-pooling) turn it into finite but meaningless features.

    Args:
        values: array-like of numbers.
        name: what `values` are, in the message, e.g. `"the generated images"`.
    """
    values = np.asarray(values)
    if values.dtype.kind in "fc":  # other dtypes hold no NaN or infinity
        finite = np.isfinite(values)
        if not finite.all():
            nan = int(np.count_nonzero(np.isnan(values)))
            bad = values.size - int(np.count_nonzero(finite))
            raise ValueError(
                f"Expected finite values in {name}. Received: {bad} non-finite values "
                f"({nan} NaN, {bad - nan} infinite) among {values.size}."
            )
    return values


def feature_pair(real_features, generated_features):
    """Both feature sets as float64 `(n, d)` arrays of the same `d >= 1`, or a `ValueError`.

    The check shared by the metrics that compare two sets of features (KID,
    precision/recall): shapes, real-number dtypes (int or float) and finite values.
    """
    real = np.asarray(real_features)
    generated = np.asarray(generated_features)
    for name, value in (("real_features", real), ("generated_features", generated)):
        if value.dtype.kind not in "iuf":
            raise ValueError(
                f"Expected features of real numbers (int or float). Received: "
                f"{name}.dtype={value.dtype}"
            )
    if real.ndim != 2 or generated.ndim != 2 or real.shape[1] != generated.shape[1]:
        raise ValueError(
            "Expected two feature arrays (n, d) of the same d. Received: "
            f"real_features.shape={real.shape}, generated_features.shape={generated.shape}"
        )
    if real.shape[1] == 0:
        raise ValueError(
            "Expected features with at least one feature dimension. Received: "
            f"real_features.shape={real.shape}, generated_features.shape={generated.shape}"
        )
    real = check_finite(real.astype(np.float64), "`real_features`")
    generated = check_finite(generated.astype(np.float64), "`generated_features`")
    return real, generated
