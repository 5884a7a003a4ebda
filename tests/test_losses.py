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


def test_relativistic_average_matches_hand_computed_values():
    loss = losses.get("relativistic_average")
    real_rel = REAL - FAKE.mean()  # C(x_r) - E C(x_f)
    fake_rel = FAKE - REAL.mean()  # C(x_f) - E C(x_r)
    np.testing.assert_allclose(
        loss.discriminator_loss(REAL, FAKE),
        bce(1.0, real_rel).mean() + bce(0.0, fake_rel).mean(),
        rtol=1e-6,
    )
    # G's loss is the mirror image, and reads the real logits.
    assert loss.uses_real_logits
    np.testing.assert_allclose(
        loss.generator_loss(FAKE, REAL),
        bce(1.0, fake_rel).mean() + bce(0.0, real_rel).mean(),
        rtol=1e-6,
    )
    logs = {name: float(value) for name, value in loss.discriminator_logs(REAL, FAKE).items()}
    assert logs["d_real"] == pytest.approx(sigmoid(real_rel).mean(), rel=1e-6)
    assert logs["d_fake"] == pytest.approx(sigmoid(fake_rel).mean(), rel=1e-6)
    with pytest.raises(ValueError, match="Received: real_logits=None"):
        loss.generator_loss(FAKE)
    smooth = losses.get("relativistic_average", label_smoothing=0.1)
    np.testing.assert_allclose(
        smooth.discriminator_loss(REAL, FAKE),
        bce(0.9, real_rel).mean() + bce(0.0, fake_rel).mean(),
        rtol=1e-6,
    )


def test_relativistic_average_trains_a_gan_and_is_saved_by_name(tmp_path):
    import keras
    from conftest import tiny_dataset, tiny_model

    import keras_gans as kg

    gan = tiny_model(kg.GAN, compile_kwargs={"loss": "relativistic_average"})
    history = gan.fit(tiny_dataset(n=32), epochs=1, verbose=0).history
    assert {"d_real", "d_fake", "g_loss"} <= set(history)
    assert np.isfinite(history["g_loss"]).all()
    gan.save(tmp_path / "ra.keras")
    loaded = keras.models.load_model(tmp_path / "ra.keras")
    assert type(loaded.adversarial_loss) is losses.RelativisticAverage
