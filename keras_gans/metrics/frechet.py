"""The Fréchet distance between two Gaussians (pure numpy/scipy, no features here)."""

import warnings

import numpy as np
from scipy import linalg


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """Fréchet (2-Wasserstein) distance between `N(mu1, sigma1)` and `N(mu2, sigma2)`.

    d^2 = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2))

    Everything is computed in float64. The matrix square root comes from
    `scipy.linalg.sqrtm`. When it fails (non-finite entries, or a root whose
    square is far from the product: a singular or near-singular product, as
    with fewer samples than feature dimensions), `eps` is added to the
    diagonal of both covariances and the root is taken again, with a warning.
    Numerical error can leave tiny imaginary parts in the root; they are
    dropped, and a `ValueError` is raised if they are not tiny.

    Args:
        mu1: mean of the first Gaussian, shape `(d,)`.
        sigma1: covariance of the first Gaussian, shape `(d, d)`.
        mu2: mean of the second Gaussian, shape `(d,)`.
        sigma2: covariance of the second Gaussian, shape `(d, d)`.
        eps: offset added to the covariances' diagonals when their product is
            singular. Defaults to `1e-6`.

    Returns:
        The squared Fréchet distance, a Python float >= 0 (FID is this
        distance between Gaussians fitted to two sets of features).

    Example:

    ```python
    mu, sigma = features.mean(0), np.cov(features, rowvar=False)
    frechet_distance(mu, sigma, mu, sigma)  # 0.0
    ```

    Reference:
        Dowson & Landau, "The Fréchet distance between multivariate normal
        distributions", J. Multivariate Analysis 1982; Heusel et al., "GANs
        Trained by a Two Time-Scale Update Rule Converge to a Local Nash
        Equilibrium", NeurIPS 2017.
    """
    mu1 = np.atleast_1d(np.asarray(mu1, dtype=np.float64))
    mu2 = np.atleast_1d(np.asarray(mu2, dtype=np.float64))
    sigma1 = np.atleast_2d(np.asarray(sigma1, dtype=np.float64))
    sigma2 = np.atleast_2d(np.asarray(sigma2, dtype=np.float64))
    d = mu1.shape[0]
    if mu1.ndim != 1 or mu2.shape != mu1.shape:
        raise ValueError(
            "The means must be vectors of the same length. Received: "
            f"mu1.shape={mu1.shape}, mu2.shape={mu2.shape}"
        )
    if sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise ValueError(
            f"The covariances must be ({d}, {d}) matrices, matching the means. "
            f"Received: sigma1.shape={sigma1.shape}, sigma2.shape={sigma2.shape}"
        )
    for name, value in (("mu1", mu1), ("sigma1", sigma1), ("mu2", mu2), ("sigma2", sigma2)):
        if not np.isfinite(value).all():
            raise ValueError(f"`{name}` contains NaN or infinite values. Received: {name}={value}")

    covmean = _sqrtm_of_product(sigma1, sigma2)
    if covmean is None:
        warnings.warn(
            f"frechet_distance: the product of the covariances is singular; adding "
            f"{eps} to their diagonals (more samples than feature dimensions avoids this).",
            stacklevel=2,
        )
        offset = eps * np.eye(d)
        covmean = _sqrtm_of_product(sigma1 + offset, sigma2 + offset)
        if covmean is None:
            raise ValueError(
                "Could not compute the matrix square root of sigma1 @ sigma2, even with "
                f"eps={eps} added to the diagonals. Received covariances with traces "
                f"{np.trace(sigma1):.6g} and {np.trace(sigma2):.6g}."
            )
    if np.iscomplexobj(covmean):
        imaginary = np.max(np.abs(np.diagonal(covmean).imag))
        if imaginary > 1e-3:
            raise ValueError(
                "The matrix square root of sigma1 @ sigma2 has a large imaginary "
                f"component ({imaginary:.3g}); are the covariances symmetric positive "
                "semi-definite?"
            )
        covmean = covmean.real

    diff = mu1 - mu2
    distance = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean)
    return float(max(distance, 0.0))


def _sqrtm_of_product(sigma1, sigma2, tolerance=1e-4):
    """`sqrtm(sigma1 @ sigma2)`, or None when the root is unusable."""
    product = sigma1 @ sigma2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        root = linalg.sqrtm(product)
    if not np.isfinite(root).all():
        return None
    scale = np.linalg.norm(product)
    if scale > 0 and np.linalg.norm(root @ root - product) > tolerance * scale:
        return None
    return root
