import numpy as np
from conftest import tiny_dataset, tiny_gan, weights_of


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
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    for name, values in history.history.items():
        assert np.isfinite(values).all(), name
    assert 0.0 < history.history["d_real"][0] < 1.0
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 4


def test_logged_losses_equal_the_loss_on_the_step_inputs():
    """d_real / d_fake are D's mean probabilities, consistent with d_loss."""
    gan = tiny_gan(d_optimizer="sgd", g_optimizer="sgd")
    gan.d_optimizer.learning_rate.assign(0.0)
    gan.g_optimizer.learning_rate.assign(0.0)  # nothing moves: logs are recomputable
    logs = gan.fit(tiny_dataset(n=16), epochs=1, verbose=0).history
    p_real, p_fake = logs["d_real"][0], logs["d_fake"][0]
    # With lr=0 the discriminator's probabilities define a lower bound of d_loss via
    # Jensen: -log E[D(x)] - log(1 - E[D(G(z))]) <= d_loss.
    assert logs["d_loss"][0] >= -np.log(p_real) - np.log(1 - p_fake) - 1e-4


def test_steps_per_execution_and_jit_compile_train():
    # Op determinism (conftest.py) makes Keras fall back from XLA here; the option
    # is accepted and trains. XLA itself is checked in test_xla.py.
    gan = tiny_gan(steps_per_execution=2, jit_compile=True)
    before = weights_of(gan.generator)
    history = gan.fit(tiny_dataset(), epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 4
    assert np.isfinite(history.history["g_loss"]).all()
    assert not np.array_equal(before[0], weights_of(gan.generator)[0])


def test_every_loss_trains_a_step():
    for loss in ("minimax", "non_saturating", "least_squares", "hinge", "wasserstein"):
        gan = tiny_gan(loss=loss)
        history = gan.fit(tiny_dataset(n=16), epochs=1, verbose=0).history
        assert np.isfinite(history["d_loss"][0]) and np.isfinite(history["g_loss"][0]), loss


def test_generate_returns_images_in_range_and_call_runs_the_generator(gan):
    images = gan.generate(5, seed=3)
    assert images.shape == (5, 16, 16, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    z = np.random.default_rng(0).standard_normal((2, 8)).astype("float32")
    np.testing.assert_allclose(np.array(gan(z)), np.array(gan.generator(z, training=False)))
