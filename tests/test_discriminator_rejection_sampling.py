"""Discriminator rejection sampling (Azadi et al. 2019) on a case with a known optimal D."""

import keras
import numpy as np
import pytest

import keras_gans as kg
from keras_gans.discriminator_rejection_sampling import acceptance_probability

SHIFT = np.array([0.5, 0.0], "float32")


def linear(inputs_dim, outputs_dim, kernel, bias, name):
    x = keras.Input((inputs_dim,))
    dense = keras.layers.Dense(outputs_dim, name="dense")
    model = keras.Model(x, dense(x), name=name)
    dense.set_weights([np.asarray(kernel, "float32"), np.asarray(bias, "float32")])
    return model


@pytest.fixture(scope="module")
def shifted_gan():
    """G(z) = z ~ N(0, I); data N(SHIFT, I); D the optimal logit log(p_data / p_g).

    log N(x; m, I) - log N(x; 0, I) = m.x - |m|^2 / 2: a linear D.
    """
    generator = linear(2, 2, np.eye(2), np.zeros(2), "generator")
    discriminator = linear(2, 1, SHIFT[:, None], [-SHIFT @ SHIFT / 2], "discriminator")
    gan = kg.GAN(generator=generator, discriminator=discriminator, latent_dim=2)
    gan.compile()
    return gan


def test_acceptance_probability_is_the_papers_formula():
    # gamma = 0: sigmoid(F) = exp(D - D_max) (up to eps = 1e-6).
    np.testing.assert_allclose(
        acceptance_probability([2.0, 1.0, -1.0], 2.0), [1.0, np.exp(-1), np.exp(-3)], rtol=1e-5
    )
    # gamma = 1, D - D_max = -1: F = -1 - log(1 - e^-1) - 1 = -1.54132.
    np.testing.assert_allclose(acceptance_probability([0.0], 1.0, gamma=1.0), [0.176343], 1e-5)


def test_rejection_turns_the_generators_distribution_into_the_datas(shifted_gan):
    plain = shifted_gan.generate(4000, seed=0)
    kept = kg.discriminator_rejection_sampling(
        shifted_gan, 4000, seed=0, burn_in=5000, max_logit_percentile=100
    )
    assert kept.shape == (4000, 2) and kept.dtype == np.float32
    np.testing.assert_allclose(plain.mean(0), [0.0, 0.0], atol=0.05)
    np.testing.assert_allclose(kept.mean(0), SHIFT, atol=0.06)  # the data's mean
    np.testing.assert_allclose(kept.std(0), [1.0, 1.0], atol=0.05)
    same = kg.discriminator_rejection_sampling(
        shifted_gan, 4000, seed=0, burn_in=5000, max_logit_percentile=100
    )
    np.testing.assert_array_equal(kept, same)
    # D_max at the default 99th percentile: the top 1% always kept, nearly the same law.
    robust = kg.discriminator_rejection_sampling(shifted_gan, 4000, seed=0, burn_in=5000)
    np.testing.assert_allclose(robust.mean(0), SHIFT, atol=0.06)
    np.testing.assert_allclose(robust.std(0), [1.0, 1.0], atol=0.05)


def test_a_larger_gamma_keeps_fewer_samples():
    logits = np.linspace(-8.0, 0.0, 9)
    p0, p2 = acceptance_probability(logits, 0.0), acceptance_probability(logits, 0.0, gamma=2.0)
    assert np.all(p2 < p0)
    # Far below D_max, sigmoid(F - gamma) ~ exp(D - D_max - gamma): the same shape, e^-gamma lower.
    np.testing.assert_allclose(p2[0] / p0[0], np.exp(-2.0), rtol=1e-3)


def test_bad_arguments_and_models(shifted_gan):
    with pytest.raises(ValueError, match="positive integer. Received: num_images=0"):
        kg.discriminator_rejection_sampling(shifted_gan, 0)
    with pytest.raises(ValueError, match="finite number. Received: gamma=nan"):
        kg.discriminator_rejection_sampling(shifted_gan, 10, gamma=float("nan"))
    with pytest.raises(ValueError, match=r"in \(0, 100\]. Received: max_logit_percentile=0"):
        kg.discriminator_rejection_sampling(shifted_gan, 10, max_logit_percentile=0)
    with pytest.raises(RuntimeError, match="kept 0 of 100 candidates.*max_candidates=100"):
        kg.discriminator_rejection_sampling(
            shifted_gan, 10, seed=0, gamma=50.0, burn_in=100, max_candidates=100
        )
    hinge = kg.GAN(
        generator=shifted_gan.generator, discriminator=shifted_gan.discriminator, latent_dim=2
    )
    hinge.compile(loss="hinge")
    with pytest.raises(
        ValueError, match="binary cross-entropy.*Received: a model with loss='hinge'"
    ):
        kg.discriminator_rejection_sampling(hinge, 10)
