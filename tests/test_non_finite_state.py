"""A non-finite model state never reaches a backup or a checkpoint, and `fit` never
leaves NaN weights in memory (issue 13, cases 8 and 9).

The NaN is injected in the update of one step, so the losses logged for that
step are still finite: only a check of the weights can see it.
"""

import re
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import tiny_data_for, tiny_model

import keras_gans as kg

STEPS_PER_EPOCH = 4  # tiny_data_for: 64 images in batches of 16


class NaNInUpdate(kg.GAN):
    """The update of generator step `nan_step` (counted from 1) makes D's logit kernel NaN."""

    nan_step = 0

    def train_step(self, data):
        logs = super().train_step(data)  # logged before the NaN: finite
        kernel = self.discriminator.get_layer("logit").kernel
        poisoned = self.optimizers["generator"].iterations == self.nan_step
        kernel.assign(tf.where(poisoned, tf.fill(kernel.shape, np.nan), kernel))
        return logs


def poisoned_model(nan_step):
    # Eager: no tracing, so each test takes a few seconds; the callbacks run the same.
    model = tiny_model(NaNInUpdate, compile_kwargs={"run_eagerly": True})
    model.nan_step = nan_step
    return model


def state(model):
    variables = [
        *model.weights,
        *model.optimizers["discriminator"].variables,
        *model.optimizers["generator"].variables,
    ]
    return [np.array(v) for v in variables]


def is_finite(values):
    return all(np.isfinite(v).all() for v in values if np.issubdtype(v.dtype, np.floating))


class States(keras.callbacks.Callback):
    """The state after every batch, by generator step (first, before any callback saves)."""

    def __init__(self):
        super().__init__()
        self.by_step = {}

    def on_train_begin(self, logs=None):
        self.by_step[0] = state(self.model)

    def on_train_batch_end(self, batch, logs=None):
        self.by_step[int(self.model.optimizers["generator"].iterations)] = state(self.model)


def assert_same(actual, expected):
    assert len(actual) == len(expected)
    for a, b in zip(actual, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def saved_state(path):
    model = tiny_model(kg.GAN, seed=7)  # other weights, replaced by the file's
    model.load_weights(path)
    return state(model)


# (step whose update makes the weights NaN, save_freq, step the backup must hold)
POSITIONS = [
    (8, "epoch", 4),  # last batch of epoch 1: its logged losses are finite
    pytest.param(8, 1, 7, marks=pytest.mark.slow),  # the same batch, saved every batch
    (6, 1, 5),  # a batch inside the epoch
]


@pytest.mark.parametrize("nan_step, save_freq, kept_step", POSITIONS)
def test_a_nan_never_reaches_the_backup(nan_step, save_freq, kept_step, tmp_path):
    """Case 8: the backup stored NaN weights when they appeared at an epoch's last batch
    (or, with save_freq=1, after the loss check), and a resumed run failed at batch 0."""
    model = poisoned_model(nan_step)
    states = States()
    backup = keras.callbacks.BackupAndRestore(tmp_path / "backup", save_freq=save_freq)
    with pytest.raises(RuntimeError, match="non-finite") as error:
        model.fit(tiny_data_for(model), epochs=3, callbacks=[states, backup], verbose=0)
    held = saved_state(tmp_path / "backup" / "latest.weights.h5")
    assert is_finite(held)
    assert_same(held, states.by_step[kept_step])
    assert re.match(r"Epoch 1(, batch \d)? \(counted from 0\): non-finite", str(error.value))
    # The model in memory is not left NaN either: the last finite state it kept.
    assert is_finite(state(model))
    if save_freq == "epoch":  # resuming restores the good state and trains on
        resumed = tiny_model(kg.GAN, seed=7, compile_kwargs={"run_eagerly": True})
        backup = keras.callbacks.BackupAndRestore(tmp_path / "backup")
        resumed.fit(tiny_data_for(resumed), epochs=2, callbacks=[backup], verbose=0)
        assert is_finite(state(resumed)) and int(resumed.optimizers["generator"].iterations) == 8


def fit_recording_warnings(model, callbacks):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(tiny_data_for(model), epochs=3, callbacks=callbacks, verbose=0)
    return history, [str(w.message) for w in caught if w.category is RuntimeWarning]


@pytest.mark.parametrize("save_freq", ["epoch", pytest.param(1, marks=pytest.mark.slow)])
def test_a_nan_never_reaches_a_model_checkpoint(save_freq, tmp_path):
    model = poisoned_model(nan_step=8)
    path = tmp_path / "checkpoint.weights.h5"
    checkpoint = keras.callbacks.ModelCheckpoint(
        path, save_weights_only=True, save_freq=save_freq, verbose=0
    )
    _, messages = fit_recording_warnings(model, [checkpoint])
    assert is_finite(saved_state(path))
    assert len(messages) == 1 and "non-finite model state" in messages[0]


@pytest.mark.parametrize("nan_step", [pytest.param(6, marks=pytest.mark.slow), 8])
def test_without_a_backup_fit_ends_with_the_last_finite_state(nan_step):
    """Case 9: fit returned normally with NaN weights in memory."""
    model = poisoned_model(nan_step)
    states = States()
    history, messages = fit_recording_warnings(model, [states])
    assert_same(state(model), states.by_step[STEPS_PER_EPOCH])  # the end of epoch 0
    assert len(history.epoch) == 2  # stopped in epoch 1
    assert len(messages) == 1 and re.match(
        r"Epoch 1.*terminating training. The model's last finite state, from the end of "
        r"epoch 0, is restored",
        messages[0],
    )


def test_the_guard_goes_first_and_checks_every_batch_when_a_callback_saves_per_batch():
    from keras_gans.callbacks.terminate_on_non_finite_loss import guard_callbacks

    backup = keras.callbacks.BackupAndRestore("unused", save_freq=3)
    guard, *others = guard_callbacks([backup])
    assert guard.raise_error and guard.check_state_every_batch and others == [backup]
    mine = kg.callbacks.TerminateOnNonFiniteLoss()
    assert guard_callbacks([backup, mine])[0] is mine
    (guard,) = guard_callbacks([])
    assert not guard.raise_error and not guard.check_state_every_batch


@pytest.mark.slow  # 6-8 s: CI runs it; the default suite keeps 4 minutes
def test_each_fit_reuses_the_state_check_of_the_model(trained):
    """Every `fit` makes a new guard callback; its check of the state is traced once
    per model (tracing it anew cost ~0.2 s per `fit`), and again for other variables."""
    model = trained(kg.GAN)
    checks = []
    for _ in range(2):
        guard = kg.callbacks.TerminateOnNonFiniteLoss()
        guard.set_model(model)
        guard.on_train_begin()
        checks.append(guard._finite)
    assert checks[0] is checks[1]
    assert bool(checks[0]())
    other = kg.callbacks.TerminateOnNonFiniteLoss()
    other.set_model(trained(kg.WGAN))
    other.on_train_begin()
    assert other._finite is not checks[0]
