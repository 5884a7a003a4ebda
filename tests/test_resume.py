"""Resume: BackupAndRestore restores both networks, both optimizers (iterations
and slots), the noise state and the epoch, for every model class; `train` and
`keras-gans train` resume their run folder, in process and after being killed."""

import json
import re
import signal
import subprocess
import time

import keras
import numpy as np
import pytest
from conftest import slow_but_the_first, tiny_data_for, tiny_model
from test_cli import KERAS_GANS, TINY, save_npz

import keras_gans as kg
from keras_gans import cli
from keras_gans.runs import RESUME_FILE
from keras_gans.train import train

STEPS_PER_EPOCH = 4  # tiny_data_for: 64 images in batches of 16
MODEL_KWARGS = {
    kg.GAN: {},
    kg.ConditionalGAN: {},
    kg.WGAN: {"critic_steps": 2},
    kg.WGANGP: {"critic_steps": 2},
}


def training_state(model):
    return {
        "weights": [v.numpy() for v in model.weights],
        "d_optimizer": [v.numpy() for v in model.optimizers["discriminator"].variables],
        "g_optimizer": [v.numpy() for v in model.optimizers["generator"].variables],
        "noise": model.seed_generator.state.numpy(),
    }


def assert_same_state(actual, expected):
    for key in expected:
        assert len(actual[key]) == len(expected[key]), key
        for a, b in zip(
            actual[key] if key != "noise" else [actual[key]],
            expected[key] if key != "noise" else [expected[key]],
            strict=True,
        ):
            np.testing.assert_array_equal(a, b, err_msg=key)


class Crash(keras.callbacks.Callback):
    """Raises at step `step` of epoch `epoch` (0-based), like a machine going down."""

    def __init__(self, epoch, step):
        super().__init__()
        self.epoch, self.step, self.current = epoch, step, None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.current, batch) == (self.epoch, self.step):
            raise RuntimeError("simulated crash")


class Snapshots(keras.callbacks.Callback):
    """Records the training state at every epoch end (after the backup is written)."""

    def __init__(self):
        super().__init__()
        self.states = []

    def on_epoch_end(self, epoch, logs=None):
        self.states.append(training_state(self.model))


class Canary(keras.callbacks.Callback):
    """Counts the steps actually run and records the state training starts from."""

    def __init__(self):
        super().__init__()
        self.steps, self.epochs, self.start = 0, [], None

    def on_train_begin(self, logs=None):
        self.start = training_state(self.model)

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)

    def on_train_batch_begin(self, batch, logs=None):
        self.steps += 1


def resumed_and_uninterrupted(make_model, backup_dir, n=32):
    """`(resumed, uninterrupted)`: 2 epochs of `make_model(seed)`'s model on `n` tiny
    images, crashed at epoch 1 step 1 and resumed by a model of another seed, and
    the same run without a crash. Their `training_state`s should be equal."""
    data = tiny_data_for(make_model(0), n=n)
    with pytest.raises(RuntimeError, match="simulated crash"):
        make_model(0).fit(
            data,
            epochs=2,
            callbacks=[keras.callbacks.BackupAndRestore(backup_dir), Crash(epoch=1, step=1)],
            verbose=0,
        )
    resumed = make_model(99)
    resumed.fit(data, epochs=2, callbacks=[keras.callbacks.BackupAndRestore(backup_dir)], verbose=0)
    uninterrupted = make_model(0)
    uninterrupted.fit(data, epochs=2, verbose=0)
    return resumed, uninterrupted


@pytest.mark.parametrize("model_class", slow_but_the_first(MODEL_KWARGS))
def test_interrupted_training_resumes_where_the_backup_left_it(model_class, tmp_path):
    kwargs = MODEL_KWARGS[model_class]
    model = tiny_model(model_class, **kwargs)
    data = tiny_data_for(model)
    backup, snapshots = keras.callbacks.BackupAndRestore(tmp_path / "backup"), Snapshots()
    with pytest.raises(RuntimeError, match="simulated crash"):
        model.fit(data, epochs=3, callbacks=[backup, snapshots, Crash(epoch=1, step=2)], verbose=0)
    saved = snapshots.states[0]  # the backup holds the state after epoch 0

    # A new model (other initial weights and noise) resumes from the backup.
    resumed, canary = tiny_model(model_class, seed=99, **kwargs), Canary()
    resumed.fit(
        data,
        epochs=3,
        callbacks=[keras.callbacks.BackupAndRestore(tmp_path / "backup"), canary],
        verbose=0,
    )
    assert_same_state(canary.start, saved)
    critic_steps = kwargs.get("critic_steps", 1)
    assert int(canary.start["g_optimizer"][0]) == STEPS_PER_EPOCH  # iterations, not zero
    assert int(canary.start["d_optimizer"][0]) == STEPS_PER_EPOCH * critic_steps
    assert canary.epochs == [1, 2] and canary.steps == 2 * STEPS_PER_EPOCH

    # ... and ends exactly where an uninterrupted run ends.
    uninterrupted = tiny_model(model_class, **kwargs)
    uninterrupted.fit(data, epochs=3, verbose=0)
    assert_same_state(training_state(resumed), training_state(uninterrupted))


def test_a_corrupted_backup_falls_back_to_the_previous_one(tmp_path):
    model = tiny_model(kg.GAN)
    data = tiny_data_for(model)
    backup_dir = tmp_path / "backup"
    backup = keras.callbacks.BackupAndRestore(backup_dir, double_checkpoint=True)
    snapshots = Snapshots()
    with pytest.raises(RuntimeError, match="simulated crash"):
        model.fit(data, epochs=4, callbacks=[backup, snapshots, Crash(epoch=2, step=1)], verbose=0)
    (backup_dir / "latest.weights.h5").write_bytes(b"\x00 this is not an HDF5 file")

    resumed, canary = tiny_model(kg.GAN, seed=5), Canary()
    resumed.fit(
        data,
        epochs=4,
        callbacks=[keras.callbacks.BackupAndRestore(backup_dir, double_checkpoint=True), canary],
        verbose=0,
    )
    assert_same_state(canary.start, snapshots.states[0])  # the previous backup
    assert canary.epochs == [1, 2, 3]


def test_a_corrupted_backup_without_a_previous_one_is_an_error_not_a_restart(tmp_path):
    model = tiny_model(kg.GAN)
    data = tiny_data_for(model)
    backup_dir = tmp_path / "backup"
    with pytest.raises(RuntimeError, match="simulated crash"):
        model.fit(
            data,
            epochs=3,
            callbacks=[keras.callbacks.BackupAndRestore(backup_dir), Crash(epoch=1, step=0)],
            verbose=0,
        )
    (backup_dir / "latest.weights.h5").write_bytes(b"garbage")
    fresh = tiny_model(kg.GAN, seed=5)
    with pytest.raises(OSError):
        fresh.fit(
            data, epochs=3, callbacks=[keras.callbacks.BackupAndRestore(backup_dir)], verbose=0
        )
    assert int(fresh.optimizers["generator"].iterations) == 0


class PoisonDiscriminator(keras.callbacks.Callback):
    """Makes the losses non-finite from the start of epoch `epoch`."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            kernel = self.model.discriminator.get_layer("logit").kernel
            kernel.assign(np.full(kernel.shape, np.nan, "float32"))


def test_non_finite_losses_stop_training_and_keep_the_last_good_backup(tmp_path):
    model = tiny_model(kg.GAN)
    data = tiny_data_for(model)
    backup_dir = tmp_path / "backup"
    snapshots = Snapshots()
    with pytest.raises(RuntimeError, match="non-finite loss"):
        model.fit(
            data,
            epochs=3,
            callbacks=[
                keras.callbacks.BackupAndRestore(backup_dir),
                snapshots,
                PoisonDiscriminator(epoch=1),
            ],
            verbose=0,
        )
    assert len(snapshots.states) == 1  # epoch 1 never ended
    assert (backup_dir / "latest.weights.h5").exists()  # not deleted on the way out
    restored, canary = tiny_model(kg.GAN, seed=5), Canary()
    restored.fit(
        data, epochs=2, callbacks=[keras.callbacks.BackupAndRestore(backup_dir), canary], verbose=0
    )
    assert_same_state(canary.start, snapshots.states[0])
    assert all(np.isfinite(w).all() for w in canary.start["weights"])


# === The run folder of `train` / `keras-gans train` ===


def history_epochs(run):
    return [int(line.split(",")[0]) for line in (run / "history.csv").read_text().splitlines()[1:]]


@pytest.mark.slow  # > 10 s
def test_train_resumes_its_run_folder_and_logs_every_epoch_once(tmp_path, capsys):
    run = tmp_path / "run"
    data = save_npz(tmp_path / "tiny.npz", n=32)  # 2 steps per epoch
    kwargs = dict(
        dataset=data, epochs=4, directory=run, batch_size=16, latent_dim=8, grid_every_n_epochs=4
    )
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(**kwargs, callbacks=[Crash(epoch=2, step=1)], verbose=0)
    assert json.loads((run / RESUME_FILE).read_text())["epochs_done"] == 2
    assert (run / "backup").is_dir() and history_epochs(run) == [0, 1]
    # As if killed after logging epoch 2 but before backing it up: its row must go.
    with open(run / "history.csv", "a") as f:
        f.write((run / "history.csv").read_text().splitlines()[-1].replace("1,", "2,", 1) + "\n")

    canary = Canary()
    model, history = train(**kwargs, callbacks=[canary], verbose=2)
    assert "Resuming the interrupted run from" in capsys.readouterr().out
    assert canary.epochs == [2, 3] and int(canary.start["g_optimizer"][0]) == 2 * 2
    assert int(model.optimizers["generator"].iterations) == 4 * 2
    assert history_epochs(run) == [0, 1, 2, 3] and len(history["g_loss"]) == 4
    assert not (run / "backup").exists()
    assert json.loads((run / RESUME_FILE).read_text())["saved_epochs"] == 4


@pytest.mark.slow  # 6-8 s: CI runs it; the default suite keeps 4 minutes
def test_fresh_discards_an_interrupted_run(tmp_path, capsys):
    run = tmp_path / "run"
    data = save_npz(tmp_path / "tiny.npz", n=32)
    kwargs = dict(dataset=data, epochs=2, directory=run, batch_size=16, latent_dim=8, verbose=2)
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(**kwargs, callbacks=[Crash(epoch=1, step=0)])
    assert (run / "backup").is_dir()
    canary = Canary()
    train(**kwargs, fresh=True, callbacks=[canary])
    assert "Resuming" not in capsys.readouterr().out
    assert canary.epochs == [0, 1] and int(canary.start["g_optimizer"][0]) == 0
    assert history_epochs(run) == [0, 1]


@pytest.mark.slow  # > 10 s
def test_keras_gans_train_resumes_after_being_killed(tmp_path, monkeypatch, capsys):
    """A real process killed mid-run; the run resumes from what it left on disk only."""
    save_npz(tmp_path / "tiny.npz", n=32)  # 2 steps per epoch
    argv = ["train", "--dataset", "tiny.npz", "--epochs", "12", *TINY, "--grid-every", "12"]
    metadata = tmp_path / "run" / RESUME_FILE
    process = subprocess.Popen(
        [KERAS_GANS, *argv, "--out", "run"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        if metadata.exists() and json.loads(metadata.read_text()).get("epochs_done", 0) >= 2:
            break
        time.sleep(0.02)
    assert process.poll() is None, "training ended before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = json.loads(metadata.read_text())["epochs_done"]
    assert 2 <= done < 12

    monkeypatch.chdir(tmp_path)
    assert cli.main([*argv, "--out", "run"]) == 0
    restart = re.search(
        r"Resuming the interrupted run from \S+ at epoch (\d+)", capsys.readouterr().out
    )
    assert restart and int(restart[1]) in (done + 1, done + 2)  # killed between the two writes
    assert history_epochs(tmp_path / "run") == list(range(12))  # every epoch once
    assert not (tmp_path / "run" / "backup").exists()
    assert json.loads(metadata.read_text())["saved_epochs"] == 12
    model = keras.models.load_model(tmp_path / "run" / "model.keras")
    # The optimizers went on counting from the backup: 12 epochs of 2 steps in all.
    assert (
        int(model.optimizers["generator"].iterations)
        == int(model.optimizers["discriminator"].iterations)
        == 12 * 2
    )
