"""Modes covered and high-quality share of 2-D samples of a toy mixture (VEEGAN/PacGAN)."""

import numpy as np

from keras_gans.data.toy_mixture import get_toy_mixture
from keras_gans.metrics.feature_statistics import check_finite

# A sample is high quality within this many standard deviations of its nearest mode.
HIGH_QUALITY_STDS = 3.0


def mode_coverage(samples, name):
    """Counts the modes of a toy mixture that samples cover, and their quality.

    The protocol of VEEGAN (Srivastava et al. 2017), as implemented in
    PacGAN's released code (Lin et al. 2018):

    1. Each sample is assigned to its nearest mode centre (Euclidean distance;
       every mode has the same isotropic standard deviation `std`, so this is
       also the nearest in standard deviations, as in PacGAN's code).
    2. A sample is *high quality* if that distance is strictly less than
       `3 * std` (PacGAN's `distance < 3` in units of std).
    3. A mode is *covered* if at least one high-quality sample is assigned to
       it (VEEGAN: "the number of mixture components whose mean is nearest to
       at least one high quality sample"; PacGAN's code counts modes with a
       nonzero count). There is no minimum count.

    Both papers score 2,500 samples per trained generator. Note that even
    samples of the true mixture are high quality only with probability
    `P(chi2_2 < 9) = 1 - exp(-9/2) ~= 0.9889` (a 2-D Gaussian within a radius
    of 3 standard deviations), not the 1-D figure 0.9973.

    Args:
        samples: array-like of shape `(n, 2)`, `n >= 1`: generated points.
        name: the mixture they should follow, `"ring8"` or `"grid25"` (see
            `keras_gans.data.toy_mixture`).

    Returns:
        A dict with `"modes"`, the number of modes covered (a Python int),
        and `"high_quality"`, the share of high-quality samples (a Python
        float in [0, 1]).

    Example:

    ```python
    points = gan.generate(2500)
    kg.metrics.mode_coverage(points, "ring8")  # {"modes": 8, "high_quality": 0.97}
    ```

    Reference:
        Srivastava et al., "VEEGAN: Reducing Mode Collapse in GANs using
        Implicit Variational Learning", NeurIPS 2017, section 5.1; Lin et al.,
        "PacGAN: The power of two samples in generative adversarial networks",
        NeurIPS 2018.
    """
    mixture = get_toy_mixture(name)
    points = check_finite(np.asarray(samples, dtype="float64"), "`samples`")
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 1:
        raise ValueError(
            "`samples` must be an array of 2-D points, of shape (n, 2) with n >= 1. "
            f"Received: samples with shape {points.shape}"
        )
    distances = np.linalg.norm(points[:, None, :] - mixture.centers[None], axis=-1)
    nearest = np.argmin(distances, axis=1)
    high_quality = distances[np.arange(len(points)), nearest] < HIGH_QUALITY_STDS * mixture.std
    covered = np.unique(nearest[high_quality])
    return {"modes": int(len(covered)), "high_quality": float(np.mean(high_quality))}
