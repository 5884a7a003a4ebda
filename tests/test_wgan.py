import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    LATENT_DIM,
    tiny_data_for,
    tiny_discriminator,
    tiny_generator,
    tiny_images,
    tiny_model,
)
from helpers import gradient_penalty

import keras_gans as kg
from keras_gans.engine.critic_steps import deal
from keras_gans.tricks import GradientPenalty

SHAPE = (4, 4, 1)


def linear_critic_gan(weights, gp_weight=10.0):
    """A WGANGP whose critic is f(x) = <w, x> (+ b), so grad f = w everywhere."""
    critic = keras.Sequential([keras.Input(SHAPE), keras.layers.Flatten(), keras.layers.Dense(1)])
    critic.layers[-1].kernel.assign(np.reshape(weights, (-1, 1)).astype("float32"))
    generator = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(16), keras.layers.Reshape(SHAPE)]
    )
    return kg.WGANGP(generator, critic, latent_dim=2, gp_weight=gp_weight, seed=0)


def images(seed, n=8):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *SHAPE)).astype("float32")


def test_gradient_penalty_is_zero_for_a_unit_norm_linear_critic():
    w = np.random.default_rng(0).standard_normal(16)
    gan = linear_critic_gan(w / np.linalg.norm(w))
    assert float(gradient_penalty(gan, images(1), images(2))) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("scale", [0.0, 0.3, 2.5])
def test_gradient_penalty_matches_the_closed_form_for_a_linear_critic(scale):
    w = np.random.default_rng(1).standard_normal(16)
    w = scale * w / np.linalg.norm(w)
    gan = linear_critic_gan(w, gp_weight=10.0)
    gan.compile()
    penalty = float(gradient_penalty(gan, images(1), images(2)))
    # sqrt(||w||^2 + 1e-12) differs from ||w|| by at most 1e-6.
    assert penalty == pytest.approx((np.linalg.norm(w) - 1) ** 2, abs=1e-5)
    # In the critic loss it is weighted by gp_weight.
    real, fake = images(1), images(2)
    real_logits, fake_logits = gan.discriminator(real), gan.discriminator(fake)
    wasserstein_part = float(np.mean(fake_logits) - np.mean(real_logits))
    logs = gan.discriminator_step([gan.judge(tf.constant(real), tf.constant(fake), None)])
    assert float(logs["d_loss"]) == pytest.approx(
        wasserstein_part + 10.0 * (np.linalg.norm(w) - 1) ** 2, abs=1e-4
    )
    assert float(logs["gradient_penalty"]) == pytest.approx(penalty)


def test_interpolation_weights_are_uniform_per_sample():
    gan = linear_critic_gan(np.ones(16))
    trick = GradientPenalty(10.0)
    alpha = np.array(trick.interpolation_weights(gan, 256))
    assert alpha.shape == (256, 1, 1, 1)
    assert alpha.min() >= 0.0 and alpha.max() <= 1.0
    assert len(np.unique(alpha)) == 256  # one draw per sample
    assert 0.4 < alpha.mean() < 0.6  # U(0, 1) has mean 1/2
    assert not np.array_equal(alpha, np.array(trick.interpolation_weights(gan, 256)))


def test_no_nan_when_real_equals_fake():
    gan = linear_critic_gan(np.zeros(16))  # zero gradient: the worst case for sqrt
    x = images(3)
    assert np.isfinite(float(gradient_penalty(gan, x, x)))
    critic = gan.discriminator
    import tensorflow as tf

    with tf.GradientTape() as tape:
        penalty = gradient_penalty(gan, x, x)
    grads = tape.gradient(penalty, critic.trainable_variables)
    assert all(np.isfinite(np.array(g)).all() for g in grads if g is not None)


def test_wgan_clipping_keeps_critic_weights_in_range():
    wgan = tiny_model(
        kg.WGAN, clip_value=0.01, compile_kwargs={"d_optimizer": keras.optimizers.SGD(1.0)}
    )
    wgan.fit(tiny_data_for(wgan, n=32, batch_size=32), epochs=1, verbose=0)
    for variable in wgan.discriminator.trainable_variables:
        assert np.abs(np.array(variable)).max() <= 0.01 + 1e-7, variable.path
    # SGD(1.0) pushed at least some weights to the bound.
    assert max(
        np.abs(np.array(v)).max() for v in wgan.discriminator.trainable_variables
    ) == pytest.approx(0.01)


# WGANGP runs WGAN's critic loop: its copy runs in CI (slow), WGAN's in the default run.
@pytest.mark.parametrize("model_class", [kg.WGAN, pytest.param(kg.WGANGP, marks=pytest.mark.slow)])
@pytest.mark.parametrize("critic_steps", [1, 3])
def test_critic_optimizer_advances_critic_steps_times_per_generator_step(model_class, critic_steps):
    model = tiny_model(model_class, critic_steps=critic_steps, compile_kwargs={"run_eagerly": True})
    history = model.fit(tiny_data_for(model, n=48, batch_size=12), epochs=1, verbose=0).history
    assert int(model.optimizers["generator"].iterations) == 4
    assert int(model.optimizers["discriminator"].iterations) == 4 * critic_steps
    assert set(history) >= {"d_loss", "g_loss", "wasserstein"}
    assert np.isfinite(history["wasserstein"]).all()


def test_each_critic_step_sees_different_real_images():
    seen = []

    class Recording(kg.WGAN):
        def discriminator_step(self, states):
            seen.append(states[0].real)
            return super().discriminator_step(states)

    model = tiny_model(Recording, critic_steps=4, compile_kwargs={"run_eagerly": True})
    model.fit(tiny_data_for(model, n=16, batch_size=16), epochs=1, verbose=0)
    assert len(seen) == 4 and all(part.shape[0] == 4 for part in seen)
    batch = next(iter(tiny_data_for(model, n=16, batch_size=16))).numpy()
    for i, part in enumerate(seen):  # dealt: step i gets images i, i + 4, i + 8, i + 12
        np.testing.assert_array_equal(np.array(part), batch[i::4])
    assert len({np.array(part).tobytes() for part in seen}) == 4


def test_a_last_batch_smaller_than_critic_steps_is_dealt_round():
    """Issue 13, case 3: a last batch smaller than critic_steps (66 images in batches of
    32, critic_steps=5) crashed the epoch ("input depth must be evenly divisible")."""
    model = tiny_model(kg.WGAN, critic_steps=3, compile_kwargs={"run_eagerly": True})
    data = tf.data.Dataset.from_tensor_slices(tiny_images(8)).batch(3)  # batches 3, 3, 2
    model.fit(data, epochs=1, verbose=0)
    assert (
        int(model.optimizers["generator"].iterations) == 3
        and int(model.optimizers["discriminator"].iterations) == 9
    )
    assert all(np.isfinite(np.array(v)).all() for v in model.weights)
    # The batch of 2 is dealt round: critic step i trains on image i mod 2 ...
    images = np.arange(7, dtype="float32").reshape(7, 1, 1, 1)
    labels = np.arange(7, dtype="int32")
    parts = [deal(tf.constant(images[:2]), tf.constant(labels[:2]), 3, i) for i in range(3)]
    assert [np.array(part).tolist() for _, part in parts] == [[0], [1], [0]]
    assert [np.array(x)[:, 0, 0, 0].tolist() for x, _ in parts] == [[0], [1], [0]]
    # ... and a full batch as before: step i gets images i, i + 3, ... (7 = 6 + 1 left out).
    parts = [deal(tf.constant(images), None, 3, i) for i in range(3)]
    assert [np.array(x)[:, 0, 0, 0].tolist() for x, _ in parts] == [[0, 3], [1, 4], [2, 5]]


def test_defaults_follow_the_papers():
    wgan, wgan_gp = tiny_model(kg.WGAN), tiny_model(kg.WGANGP)
    assert isinstance(wgan.optimizers["discriminator"], keras.optimizers.RMSprop)
    assert float(wgan.optimizers["discriminator"].learning_rate) == pytest.approx(5e-5)
    assert (wgan.critic_steps, wgan.clip_value) == (5, 0.01)
    opt = wgan_gp.optimizers["generator"]
    assert isinstance(opt, keras.optimizers.Adam)
    assert (float(opt.learning_rate), opt.beta_1, opt.beta_2) == pytest.approx((1e-4, 0.0, 0.9))
    assert (wgan_gp.critic_steps, wgan_gp.gp_weight) == (5, 10.0)


def test_bad_wgan_arguments():
    with pytest.raises(ValueError, match="BatchNormalization"):
        kg.WGANGP(tiny_generator(), tiny_discriminator(), LATENT_DIM)
    with pytest.raises(ValueError, match="loss='hinge'"):
        tiny_model(kg.WGAN, compile_kwargs={"loss": "hinge"})
    with pytest.raises(ValueError, match="critic_steps=0"):
        kg.WGAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, critic_steps=0)
    model = tiny_model(kg.WGAN, critic_steps=5)
    with pytest.raises(ValueError, match="Received: batches of 4 images"):
        model.fit(tiny_data_for(model, n=8, batch_size=4), verbose=0)


def test_wgan_gp_trains_on_2d_points():
    # Interpolation weights broadcast over examples of any rank, here (batch, 2).
    keras.utils.set_random_seed(0)
    wgan = kg.WGANGP(
        kg.networks.mlp_generator(2, (2,), units=(16,)),
        kg.networks.mlp_discriminator((2,), units=(16,), dropout=0.0),
        latent_dim=2,
        critic_steps=2,
        seed=0,
    )
    wgan.compile(run_eagerly=True)
    assert GradientPenalty(1.0).interpolation_weights(wgan, 5, rank=2).shape == (5, 1)
    points = kg.data.toy_mixture("ring8", 32, seed=0) / 1.1
    history = wgan.fit(points, batch_size=16, epochs=1, verbose=0).history
    assert np.isfinite(history["gradient_penalty"]).all() and history["gradient_penalty"][0] > 0
