"""Metric maths on synthetic features (KID, Inception Score, precision and recall, conditional
accuracy, FID), protocol names and the built-in metrics' registry. Registering new metrics,
extraction, the reference cache, `Evaluator` and the classifiers: test_metric_evaluation.py.
"""

import numpy as np
import pytest

from keras_gans.metrics import (
    PROTOCOLS,
    FeatureStatistics,
    Protocol,
    conditional_accuracy,
    default_protocols,
    describe_metrics,
    fid,
    get_metric,
    get_protocol,
    inception_score,
    kid,
    precision_recall,
    registered_metrics,
)


def clusters(n, classes, seed, d=16, spread=0.3):
    """`n` points around the first `classes` of 10 fixed cluster centres, with their cluster ids."""
    centres = np.random.default_rng(123).standard_normal((10, d)) * 3
    rng = np.random.default_rng(seed)
    ids = rng.choice(classes, n)
    return centres[ids] + spread * rng.standard_normal((n, d)), ids


# === KID ===


def test_kid_is_the_unbiased_mmd_estimate():
    """One subset holding every sample gives exactly the textbook unbiased MMD^2."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((12, 5)), rng.standard_normal((12, 5)) + 0.3
    k = lambda a, b: (a @ b / 5 + 1) ** 3  # noqa: E731
    m = len(x)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    assert kid(y, x, num_subsets=1, max_subset_size=m) == pytest.approx(xx + yy - 2 * xy, rel=1e-10)


def test_kid_is_near_zero_for_one_distribution_and_large_for_another():
    a, _ = clusters(1000, 10, seed=1)
    b, _ = clusters(1000, 10, seed=2)
    c, _ = clusters(1000, 2, seed=3)
    same = kid(a, b, num_subsets=10, max_subset_size=500)
    different = kid(a, c, num_subsets=10, max_subset_size=500)
    assert abs(same) < 0.01 * different
    assert different > 1.0


def test_kid_and_precision_recall_reject_unusable_feature_sets():
    a, _ = clusters(10, 10, seed=12)
    with pytest.raises(ValueError, match=r"same d. Received: real_features.shape=\(10, 16\), "):
        kid(a, a[:, :8])
    with pytest.raises(ValueError, match="KID needs at least 2 features in each set. Received: 1"):
        kid(a[:1], a)
    with pytest.raises(ValueError, match="more than k=3 features. Received: 10 real, 3 generated"):
        precision_recall(a, a[:3])


# === Inception Score ===


def test_inception_score_bounds():
    confident = np.full((1000, 10), -20.0)
    confident[np.arange(1000), np.arange(1000) % 10] = 20.0
    # One split holds every class equally often: the maximum, 10. Ten splits of the
    # shuffled images are not exactly balanced: a little less.
    assert inception_score(confident, num_splits=1) == pytest.approx(10.0, rel=1e-6)
    assert 9.0 < inception_score(confident) < 10.0
    assert inception_score(np.zeros((1000, 10))) == pytest.approx(1.0)
    one_class = np.zeros((1000, 10))
    one_class[:, 3] = 20.0
    assert inception_score(one_class) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="at least 2 images per split"):
        inception_score(np.zeros((5, 10)))


# === Precision and recall ===


def test_precision_recall_of_identical_sets_is_one():
    a, _ = clusters(1000, 10, seed=4)
    assert precision_recall(a, a) == (1.0, 1.0)


def test_precision_recall_see_a_missing_mode_as_lost_recall():
    """Measured (d=8, k=3): same distribution P=0.869 R=0.860; 2 of 10 modes P=0.891 R=0.188."""
    real, _ = clusters(2000, 10, seed=5, d=8)
    full, _ = clusters(2000, 10, seed=6, d=8)
    two_modes, _ = clusters(2000, 2, seed=7, d=8)
    full_p, full_r = precision_recall(real, full)
    two_p, two_r = precision_recall(real, two_modes)
    assert full_p > 0.8 and full_r > 0.8
    assert two_p > full_p - 0.05  # every sample is as realistic...
    assert two_r < 0.3  # ...but 8 of the 10 modes are missing


def test_precision_recall_blocks_do_not_change_the_result():
    real, _ = clusters(300, 10, seed=8)
    fake, _ = clusters(250, 4, seed=9)
    assert precision_recall(real, fake, block_size=1000) == precision_recall(
        real, fake, block_size=7
    )


# === Conditional accuracy, FID helper ===


def test_conditional_accuracy():
    logits = np.eye(4)[[0, 1, 2, 3, 0, 0]]
    assert conditional_accuracy(logits, [0, 1, 2, 3, 1, 2]) == pytest.approx(4 / 6)
    with pytest.raises(ValueError, match=r"Labels must be in \[0, 4\)"):
        conditional_accuracy(logits, [0, 1, 2, 3, 4, 0])


def test_fid_accepts_features_or_statistics():
    a, _ = clusters(500, 10, seed=10)
    b, _ = clusters(500, 3, seed=11)
    assert fid(a, b) == pytest.approx(fid(FeatureStatistics.from_features(a), b))
    assert fid(a, a) == pytest.approx(0.0, abs=1e-6)


# === Protocol names ===


def test_protocol_names_state_metric_extractor_and_count():
    assert Protocol("fid", "fashion_classifier", 10_000).name == "fid_fashion_classifier_10k"
    assert Protocol("kid", "inception", 2500).name == "kid_inception_2500"
    for name in ("fid_inception_10k", "is_fashion_classifier_50k", "recall_my_net_v2_500"):
        assert get_protocol(name).name == name
    assert get_protocol("precision_my_net_v2_500") == Protocol("precision", "my_net_v2", 500)
    assert "fid_inception_50k" in PROTOCOLS and "accuracy_fashion_classifier_10k" in PROTOCOLS
    assert "accuracy_inception_10k" not in PROTOCOLS  # ImageNet classes are not the labels
    assert all(get_protocol(name) == protocol for name, protocol in PROTOCOLS.items())
    with pytest.raises(ValueError, match=r"<metric>_<extractor>_<count>.*Received: name='fid10k'"):
        get_protocol("fid10k")
    with pytest.raises(
        ValueError, match=r"Unknown metric. Received: metric='lpips'; expected one of"
    ):
        Protocol("lpips", "inception", 100)
    with pytest.raises(ValueError, match="Unknown metric. Received: metric='lpips'"):
        get_protocol("lpips_inception_10k")
    with pytest.raises(ValueError, match=r"an int >= 2. Received: num_images=1"):
        Protocol("fid", "inception", 1)


# === The registry ===


def test_the_builtin_metrics_are_registered_in_order_with_their_direction():
    assert list(registered_metrics()) == [
        "fid", "kid", "is", "precision", "recall", "accuracy", "psnr", "ssim", "l1",
    ]  # fmt: skip
    assert [name for name, m in registered_metrics().items() if m.lower_is_better] == [
        "fid", "kid", "l1",
    ]  # fmt: skip
    assert get_metric("is").title == "Inception Score" and get_metric("accuracy").needs == {
        "logits",
        "labels",
    }
    assert describe_metrics().startswith("fid (FID, lower is better); kid (KID, lower is better)")
    assert [p.metric for p in default_protocols("inception", 2000)] == list(registered_metrics())[
        :5
    ]
    assert default_protocols(conditional=True)[-1].name == "accuracy_fashion_classifier_10k"
    # Precision and recall come from one computation, registered twice.
    assert get_metric("precision").compute is get_metric("recall").compute
    assert Protocol("kid", "inception", 2000).describe("fashion_mnist", "test") == (
        "KID (lower is better) on inception features: 2000 generated images "
        "vs 2000 random real images of fashion_mnist/test"
    )
