"""The quantities every step logs about itself (keras_gans.engine.diagnostics.py)."""

import numpy as np
import pytest

from keras_gans.engine.diagnostics import (
    feature_diversity,
    gradient_norm,
    mean_pairwise_distance,
)


def test_gradient_norm_is_the_l2_norm_of_all_gradients_together():
    gradients = [np.array([3.0, 0.0], "float32"), None, np.array([[4.0]], "float32")]
    assert float(gradient_norm(gradients)) == pytest.approx(5.0)


def test_mean_pairwise_distance_by_hand():
    points = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 4.0]], "float32")  # sides 5, 3, 4
    assert float(mean_pairwise_distance(points)) == pytest.approx((5 + 3 + 4) / 3, rel=1e-5)
    images = points.reshape(3, 1, 2, 1)  # any shape: flattened per example
    assert float(mean_pairwise_distance(images)) == pytest.approx(4.0, rel=1e-5)


def test_diversity_is_one_for_data_like_fakes_and_zero_for_a_collapsed_generator():
    real = np.random.default_rng(0).standard_normal((32, 8)).astype("float32")
    assert float(feature_diversity(real, real)) == pytest.approx(1.0)
    collapsed = np.repeat(real[:1], 32, axis=0)
    assert float(feature_diversity(real, collapsed)) < 1e-5
    assert float(feature_diversity(real, 2 * real)) == pytest.approx(2.0, rel=1e-5)
