import numpy as np
import pytest

from keras_gans.metrics import FeatureStatistics, frechet_distance
from keras_gans.metrics import frechet as frechet_module


def random_gaussian(rng, d, n=None):
    """A random mean and a random well-conditioned covariance (or features, if n)."""
    a = rng.standard_normal((d, d))
    sigma = a @ a.T / d + 0.1 * np.eye(d)
    mu = rng.standard_normal(d)
    if n is None:
        return mu, sigma
    return rng.multivariate_normal(mu, sigma, size=n)


def eigen_frechet(mu1, sigma1, mu2, sigma2):
    """Independent computation: Tr((S1 S2)^1/2) = sum sqrt(eig(S1^1/2 S2 S1^1/2)), via eigh only."""
    w, v = np.linalg.eigh(sigma1)
    root1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    middle = root1 @ sigma2 @ root1
    trace_root = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    return np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_root


def test_distance_of_a_distribution_to_itself_is_zero():
    mu, sigma = random_gaussian(np.random.default_rng(0), 32)
    assert frechet_distance(mu, sigma, mu, sigma) == pytest.approx(0.0, abs=1e-8)


def test_diagonal_covariances_match_the_closed_form():
    rng = np.random.default_rng(1)
    mu1, mu2 = rng.standard_normal(16), rng.standard_normal(16)
    s1, s2 = rng.uniform(0.1, 3, 16), rng.uniform(0.1, 3, 16)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum(s1 + s2 - 2 * np.sqrt(s1 * s2))
    assert frechet_distance(mu1, np.diag(s1), mu2, np.diag(s2)) == pytest.approx(
        expected, rel=1e-10
    )


def test_one_dimensional_gaussians():
    # d^2 = (m1 - m2)^2 + (s1 - s2)^2 for standard deviations s1, s2.
    assert frechet_distance([1.0], [[4.0]], [-2.0], [[9.0]]) == pytest.approx(9 + 1)


def test_symmetric():
    rng = np.random.default_rng(2)
    a, b = random_gaussian(rng, 24), random_gaussian(rng, 24)
    assert frechet_distance(*a, *b) == pytest.approx(frechet_distance(*b, *a), rel=1e-9)


def test_matches_an_eigendecomposition_on_random_features():
    rng = np.random.default_rng(3)
    f1 = random_gaussian(rng, 64, n=500)
    f2 = random_gaussian(rng, 64, n=700)
    s1, s2 = FeatureStatistics.from_features(f1), FeatureStatistics.from_features(f2)
    got = frechet_distance(s1.mean, s1.covariance, s2.mean, s2.covariance)
    expected = eigen_frechet(s1.mean, s1.covariance, s2.mean, s2.covariance)
    assert got == pytest.approx(expected, rel=1e-6)
    assert got > 1.0


def test_fewer_samples_than_dimensions_stay_finite_and_exact():
    """Both covariances singular (rank 9 in 40-d): the root of their product still exists."""
    rng = np.random.default_rng(4)
    f1, f2 = rng.standard_normal((10, 40)), rng.standard_normal((10, 40)) + 0.5
    s1, s2 = FeatureStatistics.from_features(f1), FeatureStatistics.from_features(f2)
    got = frechet_distance(s1.mean, s1.covariance, s2.mean, s2.covariance)
    expected = eigen_frechet(s1.mean, s1.covariance, s2.mean, s2.covariance)
    assert got == pytest.approx(expected, rel=1e-6)


def test_a_failed_square_root_is_retried_with_an_offset(monkeypatch):
    """When sqrtm fails (as it can for a numerically singular product), eps is added."""
    real_sqrtm, inputs = frechet_module.linalg.sqrtm, []

    def failing_once(matrix):
        inputs.append(matrix)
        return np.full_like(matrix, np.inf) if len(inputs) == 1 else real_sqrtm(matrix)

    monkeypatch.setattr(frechet_module.linalg, "sqrtm", failing_once)
    mu1, sigma1 = random_gaussian(np.random.default_rng(7), 16)
    mu2, sigma2 = random_gaussian(np.random.default_rng(8), 16)
    with pytest.warns(UserWarning, match="adding 0.001 to their diagonals"):
        got = frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-3)
    offset = 1e-3 * np.eye(16)
    np.testing.assert_allclose(inputs[1], (sigma1 + offset) @ (sigma2 + offset))
    expected = eigen_frechet(mu1, sigma1 + offset, mu2, sigma2 + offset) - 2 * 16 * 1e-3
    assert got == pytest.approx(expected, rel=1e-9)


def test_a_square_root_that_fails_even_with_the_offset_raises(monkeypatch):
    monkeypatch.setattr(frechet_module.linalg, "sqrtm", lambda m: np.full_like(m, np.nan))
    with pytest.warns(UserWarning, match="singular"):
        with pytest.raises(ValueError, match="even with eps=0.01 added to the diagonals"):
            frechet_distance([0.0, 0.0], np.eye(2), [1.0, 0.0], np.eye(2), eps=0.01)


def test_tiny_imaginary_parts_are_dropped_and_large_ones_rejected(monkeypatch):
    real_sqrtm = frechet_module.linalg.sqrtm
    mu1, sigma1 = random_gaussian(np.random.default_rng(9), 8)
    mu2, sigma2 = random_gaussian(np.random.default_rng(10), 8)
    exact = frechet_distance(mu1, sigma1, mu2, sigma2)
    monkeypatch.setattr(frechet_module.linalg, "sqrtm", lambda m: real_sqrtm(m) + 1e-9j)
    assert frechet_distance(mu1, sigma1, mu2, sigma2) == pytest.approx(exact, rel=1e-12)
    monkeypatch.undo()
    # A covariance with a negative eigenvalue: sqrt(diag(1, -1)) = diag(1, 1j).
    with pytest.raises(ValueError, match="large imaginary component"):
        frechet_distance([0, 0], np.diag([1.0, -1.0]), [0, 0], np.eye(2))


def test_float32_inputs_are_computed_in_float64():
    rng = np.random.default_rng(5)
    mu, sigma = random_gaussian(rng, 8)
    mu2 = mu + 1e-3
    # ||mu1 - mu2||^2 = 8e-6: float32 covariances would lose it in rounding.
    got = frechet_distance(mu, sigma, mu2, sigma)
    assert got == pytest.approx(8e-6, rel=1e-4)


@pytest.mark.parametrize(
    "args, message",
    [
        (([0.0, 0.0], np.eye(2), [0.0], np.eye(1)), r"same length. Received: mu1.shape=\(2,\)"),
        (
            ([0.0, 0.0], np.eye(3), [0.0, 0.0], np.eye(2)),
            r"\(2, 2\) matrices.*sigma1.shape=\(3, 3\)",
        ),
        (([np.nan, 0.0], np.eye(2), [0.0, 0.0], np.eye(2)), "`mu1` contains NaN.*Received: mu1="),
    ],
)
def test_bad_inputs_raise_clear_errors(args, message):
    with pytest.raises(ValueError, match=message):
        frechet_distance(*args)


def test_running_statistics_match_numpy_for_any_batching():
    rng = np.random.default_rng(6)
    # A large mean checks the numerical stability of the batch merge.
    features = (rng.standard_normal((1000, 12)) * 0.01 + 1e4).astype("float32")
    stats = FeatureStatistics()
    for start in range(0, 1000, 37):  # uneven batches, the last one short
        stats.update(features[start : start + 37])
    reference = features.astype("float64")
    assert stats.count == 1000
    np.testing.assert_allclose(stats.mean, reference.mean(0), rtol=1e-12)
    np.testing.assert_allclose(
        stats.covariance, np.cov(reference, rowvar=False), rtol=1e-8, atol=1e-12
    )
    restored = FeatureStatistics.from_arrays(stats.to_arrays())
    np.testing.assert_array_equal(restored.covariance, stats.covariance)


def test_statistics_need_enough_features():
    stats = FeatureStatistics().update(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"at least 2 feature vector\(s\). Received: 1."):
        _ = stats.covariance
    with pytest.raises(ValueError, match=r"dimension 3. Received: shape \(2, 4\)"):
        stats.update(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"at least 1 feature vector\(s\). Received: 0."):
        _ = FeatureStatistics(dim=3).mean
    with pytest.raises(ValueError, match=r"shape \(n, d\). Received: shape \(3,\)"):
        FeatureStatistics().update(np.ones(3))
