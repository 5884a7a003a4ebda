"""`toy_mixture` and `mode_coverage`: the VEEGAN/PacGAN mode-collapse benchmark."""

import math

import numpy as np
import pytest

import keras_gans as kg
from keras_gans.data.toy_mixture import TOY_MIXTURES

RING = TOY_MIXTURES["ring8"]
GRID = TOY_MIXTURES["grid25"]


def test_mixture_parameters_are_pacgans():
    np.testing.assert_allclose(np.linalg.norm(RING.centers, axis=1), 1.0)
    np.testing.assert_allclose(RING.centers[0], [1.0, 0.0])
    np.testing.assert_allclose(RING.centers[2], [0.0, 1.0], atol=1e-12)
    assert RING.std == 0.01 and RING.num_modes == 8
    assert sorted(set(GRID.centers.ravel())) == [-4, -2, 0, 2, 4]
    assert GRID.std == 0.05 and GRID.num_modes == 25
    assert len({tuple(c) for c in GRID.centers}) == 25


@pytest.mark.parametrize("name", ["ring8", "grid25"])
def test_toy_mixture_samples(name):
    points = kg.data.toy_mixture(name, 5000, seed=0)
    assert points.shape == (5000, 2) and points.dtype == np.float32
    np.testing.assert_array_equal(points, kg.data.toy_mixture(name, 5000, seed=0))
    assert not np.array_equal(points, kg.data.toy_mixture(name, 5000, seed=1))
    mixture = TOY_MIXTURES[name]
    offsets = points[:, None] - mixture.centers[None]
    nearest = np.argmin(np.linalg.norm(offsets, axis=-1), axis=1)
    residuals = offsets[np.arange(len(points)), nearest]
    np.testing.assert_allclose(residuals.std(axis=0), mixture.std, rtol=0.05)
    counts = np.bincount(nearest, minlength=mixture.num_modes)
    expected = len(points) / mixture.num_modes
    assert np.all(np.abs(counts - expected) < 5 * math.sqrt(expected))  # equal weights


def test_true_samples_cover_every_mode_at_the_2d_three_sigma_rate():
    for name, mixture in TOY_MIXTURES.items():
        result = kg.metrics.mode_coverage(kg.data.toy_mixture(name, 20_000, seed=0), name)
        assert result["modes"] == mixture.num_modes
        # P(|N(0, I_2)| < 3) = 1 - exp(-9/2) ~= 0.9889; binomial std ~= 0.0007 here.
        assert result["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.003)


def test_all_modes_hit_at_their_centres():
    result = kg.metrics.mode_coverage(GRID.centers, "grid25")
    assert result == {"modes": 25, "high_quality": 1.0}
    assert isinstance(result["modes"], int) and isinstance(result["high_quality"], float)


def test_missing_modes_and_far_samples():
    # Modes 0 and 3 hit; one sample halfway between modes 0 and 1; one far outside the ring.
    halfway = (RING.centers[0] + RING.centers[1]) / 2
    samples = [RING.centers[0], RING.centers[0], RING.centers[3], halfway, [5.0, 5.0]]
    assert kg.metrics.mode_coverage(samples, "ring8") == {"modes": 2, "high_quality": 0.6}


def test_collapsed_generator_covers_one_mode():
    samples = np.repeat(GRID.centers[7:8], 100, axis=0) + 0.01
    assert kg.metrics.mode_coverage(samples, "grid25") == {"modes": 1, "high_quality": 1.0}


def test_three_standard_deviations_is_the_boundary():
    direction = np.array([0.6, 0.8])  # unit vector: distances are along it
    radius = 3 * RING.std
    inside = RING.centers[5] + (radius * (1 - 1e-6)) * direction
    outside = RING.centers[5] + (radius * (1 + 1e-6)) * direction
    assert kg.metrics.mode_coverage([inside], "ring8") == {"modes": 1, "high_quality": 1.0}
    assert kg.metrics.mode_coverage([outside], "ring8") == {"modes": 0, "high_quality": 0.0}


def test_high_quality_sample_counts_for_its_nearest_mode_only():
    # Close to mode 12 (0, 0): within 3 std of it, so it covers mode 12 and no other.
    result = kg.metrics.mode_coverage([[0.1, 0.0], [0.0, -0.14]], "grid25")
    assert result == {"modes": 1, "high_quality": 1.0}


@pytest.mark.parametrize(
    ("samples", "message"),
    [
        (np.zeros((4, 3)), r"shape \(4, 3\)"),
        (np.zeros(2), r"shape \(2,\)"),
        (np.zeros((0, 2)), r"shape \(0, 2\)"),
    ],
)
def test_mode_coverage_rejects_bad_samples(samples, message):
    with pytest.raises(ValueError, match=message):
        kg.metrics.mode_coverage(samples, "ring8")


def test_unknown_names_and_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match=r"one of \['grid25', 'ring8'\]. Received: name='ring9'"):
        kg.metrics.mode_coverage(np.zeros((2, 2)), "ring9")
    with pytest.raises(ValueError, match="Received: name='swiss_roll'"):
        kg.data.toy_mixture("swiss_roll", 10)
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match=f"Received: num_images={bad!r}"):
            kg.data.toy_mixture("ring8", bad)
