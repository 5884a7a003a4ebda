"""`compile(diagnostics_every_n_steps=N)`: the diagnostics measured on some steps only.

The gradient norms and `diversity` are then measured on the first step of each
epoch and on every N-th step (counted in generator updates), and logged as the
mean over those steps. Training itself must not change.
"""

import keras
import numpy as np
import pytest
from conftest import tiny_dataset, tiny_gan, weights_of
from helpers import tiny_cycle_gan, tiny_pix2pix, translation_data

import keras_gans as kg

DIAGNOSTICS = ("d_grad_norm", "g_grad_norm", "diversity")


class RunningMeans(keras.callbacks.Callback):
    """Each batch's running means of `names`, epoch by epoch."""

    def __init__(self, names=DIAGNOSTICS):
        super().__init__()
        self.names, self.epochs = names, []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append([])

    def on_train_batch_end(self, batch, logs=None):
        self.epochs[-1].append({name: float(logs[name]) for name in self.names})


def own_values(running):
    """Each step's own value, from an epoch's running means m_k: (k + 1) m_k - k m_(k-1)."""
    return [(k + 1) * m - k * (running[k - 1] if k else 0.0) for k, m in enumerate(running)]


def train(every):
    gan = tiny_gan(diagnostics_every_n_steps=every)
    means = RunningMeans()
    history = gan.fit(tiny_dataset(64, 16), epochs=2, verbose=0, callbacks=[means])
    return gan, means, history


def test_the_diagnostics_are_the_means_over_the_steps_that_measure_them():
    every_step, all_means, _ = train(1)
    sampled, sampled_means, history = train(3)
    # Two epochs of 4 steps: steps 0..7. With N=3 epoch 1 measures steps 0 and 3,
    # epoch 2 measures step 4 (its first) and 6.
    measured = {0: [0, 3], 1: [0, 2]}  # steps within each epoch
    for epoch, steps in measured.items():
        for name in DIAGNOSTICS:
            values = own_values([m[name] for m in all_means.epochs[epoch]])
            running = [m[name] for m in sampled_means.epochs[epoch]]
            expected = [np.mean([values[s] for s in steps if s <= k]) for k in range(4)]
            np.testing.assert_allclose(running, expected, rtol=1e-4, err_msg=name)
            assert history.history[name][epoch] == pytest.approx(expected[-1], rel=1e-4)
    # Only what is logged changes: training is the same, weight for weight.
    for a, b in zip(weights_of(every_step), weights_of(sampled), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "build, names",
    [
        (lambda: tiny_pix2pix(), ("d_grad_norm", "g_grad_norm", "diversity")),
        (tiny_cycle_gan, ("d_grad_norm", "g_grad_norm", "diversity_a", "diversity_b")),
    ],
    ids=["pix2pix", "cyclegan"],
)
def test_image_to_image_models_log_every_diagnostic_each_epoch(build, names):
    model = build()
    # As benchmarks/image_to_image_throughput.py runs them against the tutorials' loop.
    model.compile(diagnostics_every_n_steps=100, simultaneous_updates=True, steps_per_execution=2)
    means = RunningMeans(names)
    history = model.fit(translation_data(model), epochs=2, verbose=0, callbacks=[means])
    for epoch in means.epochs:  # 4 steps in 2 calls: measured on each epoch's first only
        assert len(epoch) == 2
        for name in names:
            assert [m[name] for m in epoch] == pytest.approx([epoch[0][name]] * 2), name
    for name in names:
        assert all(value > 0 for value in history.history[name]), name


def test_diagnostics_every_n_steps_is_saved_with_the_model(tmp_path):
    gan = tiny_gan(diagnostics_every_n_steps=5)
    gan.fit(tiny_dataset(32, 16), epochs=1, verbose=0)
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    assert keras.saving.load_model(path).diagnostics_every_n_steps == 5


@pytest.mark.parametrize("value", [0, -2, 2.5, True, "10"])
def test_diagnostics_every_n_steps_must_be_a_count(value):
    gan = kg.GAN(kg.networks.mlp_generator(2, (2,)), kg.networks.mlp_discriminator((2,)), 2)
    with pytest.raises(ValueError, match=r"diagnostics_every_n_steps.*int >= 1.*Received"):
        gan.compile(diagnostics_every_n_steps=value)
    assert not gan.compiled  # refused before anything changed


def test_several_replicas_measure_every_step(mirrored_strategy):
    # A collective op (the norms' all-reduce) cannot run in one branch of a condition.
    with mirrored_strategy.scope():
        gan = tiny_gan(diagnostics_every_n_steps=3)
    means = RunningMeans()
    gan.fit(tiny_dataset(64, 16), epochs=1, verbose=0, callbacks=[means])
    for name in DIAGNOSTICS:  # each step moves the running mean: each step was measured
        running = [m[name] for m in means.epochs[0]]
        assert len(set(running)) == len(running), (name, running)
