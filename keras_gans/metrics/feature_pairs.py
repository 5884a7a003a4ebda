"""Validation shared by the metrics that compare two sets of features."""

import numpy as np


def feature_pair(real_features, generated_features):
    """Both feature sets as float64 `(n, d)` arrays of the same `d`, or a `ValueError`."""
    real = np.asarray(real_features, dtype=np.float64)
    generated = np.asarray(generated_features, dtype=np.float64)
    if real.ndim != 2 or generated.ndim != 2 or real.shape[1] != generated.shape[1]:
        raise ValueError(
            "Expected two feature arrays (n, d) of the same d. Received: "
            f"real_features.shape={real.shape}, generated_features.shape={generated.shape}"
        )
    return real, generated
