import numpy as np
import pytest

from keras_gans import losses

REAL = np.array([[2.0], [-1.0], [0.5]], "float32")
FAKE = np.array([[-3.0], [0.0], [1.0]], "float32")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def bce(target, logits):
    p = sigmoid(logits)
    return -(target * np.log(p) + (1 - target) * np.log(1 - p))


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_minimax_and_non_saturating_match_hand_computed_values(smoothing):
    expected_d = bce(1 - smoothing, REAL).mean() + bce(0.0, FAKE).mean()
    for name in ("minimax", "non_saturating"):
        loss = losses.get(name, label_smoothing=smoothing)
        np.testing.assert_allclose(loss.discriminator_loss(REAL, FAKE), expected_d, rtol=1e-6)
    # Generator: minimax minimises log(1 - D(G(z))), non-saturating -log D(G(z)).
    np.testing.assert_allclose(
        losses.get("minimax").generator_loss(FAKE), np.log(1 - sigmoid(FAKE)).mean(), rtol=1e-6
    )
    np.testing.assert_allclose(
        losses.get("non_saturating").generator_loss(FAKE), -np.log(sigmoid(FAKE)).mean(), rtol=1e-6
    )


def test_least_squares_hinge_wasserstein_match_hand_computed_values():
    ls = losses.get("least_squares", label_smoothing=0.2)
    np.testing.assert_allclose(
        ls.discriminator_loss(REAL, FAKE),
        0.5 * ((REAL - 0.8) ** 2).mean() + 0.5 * (FAKE**2).mean(),
        rtol=1e-6,
    )
    np.testing.assert_allclose(ls.generator_loss(FAKE), 0.5 * ((FAKE - 1) ** 2).mean(), rtol=1e-6)
    hinge = losses.get("hinge")
    np.testing.assert_allclose(
        hinge.discriminator_loss(REAL, FAKE),
        np.maximum(0, 1 - REAL).mean() + np.maximum(0, 1 + FAKE).mean(),
        rtol=1e-6,
    )
    np.testing.assert_allclose(hinge.generator_loss(FAKE), -FAKE.mean(), rtol=1e-6)
    w = losses.get("wasserstein")
    np.testing.assert_allclose(
        w.discriminator_loss(REAL, FAKE), FAKE.mean() - REAL.mean(), rtol=1e-6
    )
    np.testing.assert_allclose(w.generator_loss(FAKE), -FAKE.mean(), rtol=1e-6)


def test_label_smoothing_moves_only_the_real_target():
    plain = losses.get("non_saturating")
    smooth = losses.get("non_saturating", label_smoothing=0.1)
    # The whole change is the real term's move from target 1 to 0.9: the fake
    # term (target 0) is untouched.
    np.testing.assert_allclose(
        smooth.discriminator_loss(REAL, FAKE) - plain.discriminator_loss(REAL, FAKE),
        bce(0.9, REAL).mean() - bce(1.0, REAL).mean(),
        rtol=1e-5,
    )
    assert float(smooth.generator_loss(FAKE)) == pytest.approx(float(plain.generator_loss(FAKE)))


def test_losses_are_finite_for_extreme_logits():
    big = np.array([[80.0], [-80.0]], "float32")
    for name in ("minimax", "non_saturating"):
        loss = losses.get(name)
        assert np.isfinite(loss.discriminator_loss(big, -big))
        assert np.isfinite(loss.generator_loss(big))


def test_bad_loss_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="Received: loss='wasabi'"):
        losses.get("wasabi")
    with pytest.raises(ValueError, match="label_smoothing=0.1"):
        losses.get("hinge", label_smoothing=0.1)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        losses.get("minimax", label_smoothing=1.0)
