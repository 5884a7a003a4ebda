import keras
import numpy as np
import pytest
from conftest import (
    LATENT_DIM,
    tiny_dataset,
    tiny_discriminator,
    tiny_gan,
    tiny_generator,
    tiny_images,
    weights_of,
)

import keras_gans as kg


def _batchnorm_moving_stats(model):
    return [v.numpy() for v in model.non_trainable_variables if "moving" in v.path]


def test_one_epoch_updates_both_networks_and_batchnorm_statistics(gan):
    g_before, d_before = weights_of(gan.generator), weights_of(gan.discriminator)
    g_stats, d_stats = (
        _batchnorm_moving_stats(gan.generator),
        _batchnorm_moving_stats(gan.discriminator),
    )
    assert g_stats and d_stats, "the tiny DCGAN networks should contain BatchNorm"

    history = gan.fit(tiny_dataset(), epochs=1, verbose=0)

    def changed(before, after):
        return all(not np.array_equal(b, a) for b, a in zip(before, after, strict=True))

    assert changed([w for w in g_before], weights_of(gan.generator)), (
        "every generator variable should change after an epoch"
    )
    assert changed(d_before, weights_of(gan.discriminator))
    # Moving statistics only change when the networks run with training=True.
    assert changed(g_stats, _batchnorm_moving_stats(gan.generator))
    assert changed(d_stats, _batchnorm_moving_stats(gan.discriminator))
    assert set(history.history) == {
        "d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm", "g_grad_norm", "diversity"
    }  # fmt: skip
    for name, values in history.history.items():
        assert np.isfinite(values).all(), name
    assert 0.0 < history.history["d_real"][0] < 1.0
    assert (
        int(gan.optimizers["discriminator"].iterations)
        == int(gan.optimizers["generator"].iterations)
        == 4
    )


@pytest.mark.parametrize("reuse_fakes", [True, False])
def test_logged_losses_equal_the_loss_on_the_step_inputs(reuse_fakes):
    """d_loss, g_loss, d_real and d_fake are the losses of the batch and noise the step used."""
    latents = []

    class Recording(kg.GAN):
        def sample_latent(self, batch_size):
            z = super().sample_latent(batch_size)
            latents.append(np.array(z))
            return z

    keras.utils.set_random_seed(0)
    gan = Recording(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0)
    gan.compile(d_optimizer="sgd", g_optimizer="sgd", run_eagerly=True, reuse_fakes=reuse_fakes)
    gan.optimizers["discriminator"].learning_rate.assign(0.0)
    gan.optimizers["generator"].learning_rate.assign(0.0)  # nothing moves: the step is recomputable
    real = tiny_images(16)
    logs = gan.fit(tiny_dataset(n=16), epochs=1, verbose=0).history  # one step
    # Reused fakes: one draw of z serves both steps; otherwise the G step draws its own.
    z_d, z_g = latents * 2 if reuse_fakes else latents

    def logits(images):  # each batch through D on its own, in training mode, as in the step
        return np.array(gan.discriminator(images, training=True)).ravel()

    def softplus(x):
        return np.logaddexp(0.0, x)

    real_logits = logits(real)
    fake_logits = logits(gan.generator(z_d, training=True))
    g_fake_logits = logits(gan.generator(z_g, training=True))
    expected = {
        "d_loss": np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits)),
        "g_loss": np.mean(softplus(-g_fake_logits)),
        "d_real": np.mean(1 / (1 + np.exp(-real_logits))),
        "d_fake": np.mean(1 / (1 + np.exp(-fake_logits))),
    }
    for name, value in expected.items():
        assert logs[name][0] == pytest.approx(value, rel=1e-5), name


@pytest.mark.parametrize("historical_averaging", [pytest.param(0.0, marks=pytest.mark.slow), 1.0])
def test_reused_fakes_give_the_update_of_fresh_fakes_on_the_same_noise(historical_averaging):
    """reuse_fakes backpropagates through the D step's recorded forward pass of G; with
    the same z that is the gradient of a fresh forward pass (keras.io's step), so
    both steps move every weight alike. Historical averaging adds a term on G's own
    weights, which reaches them directly rather than through the images."""
    z = keras.random.normal((16, LATENT_DIM), seed=1)

    class SameNoise(kg.GAN):
        def sample_latent(self, batch_size):
            return z

    models = []
    for reuse_fakes in (True, False):
        keras.utils.set_random_seed(0)
        model = SameNoise(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0)
        model.compile(
            reuse_fakes=reuse_fakes, historical_averaging=historical_averaging, run_eagerly=True
        )
        initial = weights_of(model.generator)  # the same for both (seed 0)
        model.fit(tiny_dataset(n=32), epochs=1, verbose=0)  # two steps
        models.append(model)
    reused, fresh = models
    assert not np.allclose(initial[0], weights_of(reused.generator)[0])  # it trained
    for network in ("generator", "discriminator"):
        for a, b in zip(
            getattr(reused, network).trainable_weights,
            getattr(fresh, network).trainable_weights,
            strict=True,
        ):
            np.testing.assert_allclose(np.array(a), np.array(b), rtol=1e-4, atol=1e-6)
    assert int(reused.optimizers["generator"].iterations) == 2


def test_reuse_fakes_must_be_a_bool():
    with pytest.raises(ValueError, match=r"reuse_fakes=.yes."):
        tiny_gan(reuse_fakes="yes")


def test_steps_per_execution_trains_every_step():
    # jit_compile is tested in test_xla.py: op determinism (conftest.py) turns XLA off here.
    gan = tiny_gan(steps_per_execution=2)
    before = weights_of(gan.generator)
    history = gan.fit(tiny_dataset(), epochs=1, verbose=0)
    assert gan.steps_per_execution == 2
    assert int(gan.optimizers["generator"].iterations) == 4
    assert np.isfinite(history.history["g_loss"]).all()
    assert not np.array_equal(before[0], weights_of(gan.generator)[0])


def test_every_loss_trains_a_step():
    for loss in ("minimax", "non_saturating", "least_squares", "hinge", "wasserstein"):
        gan = tiny_gan(loss=loss, run_eagerly=True)  # one step: tracing would dominate
        history = gan.fit(tiny_dataset(n=16), epochs=1, verbose=0).history
        assert np.isfinite(history["d_loss"][0]) and np.isfinite(history["g_loss"][0]), loss


def test_generate_returns_images_in_range_and_call_runs_the_generator(gan):
    images = gan.generate(5, seed=3)
    assert images.shape == (5, 16, 16, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    z = np.random.default_rng(0).standard_normal((2, 8)).astype("float32")
    np.testing.assert_allclose(np.array(gan(z)), np.array(gan.generator(z, training=False)))
