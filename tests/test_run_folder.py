"""A run folder is a transaction (issue 34, part 1): crash-safe backups that resume exactly,
mid-epoch included; one process per folder; a run resumed only as itself; a finished run
never silently restarted; one history header; model.keras replaced whole, the backup
removed only after it."""

import json
import os
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest
from conftest import tiny_data_for, tiny_model
from test_cli import save_npz
from test_resume import Crash, Snapshots, assert_same_state, training_state

import keras_gans as kg
from keras_gans import cli
from keras_gans.runs.run_lock import RunLock
from keras_gans.train import train

# === The backup callback ===


def backup_callback(directory, **kwargs):
    return kg.callbacks.MultiWorkerBackupAndRestore(directory, double_checkpoint=True, **kwargs)


def data(model):
    return tiny_data_for(model, n=32)  # 2 steps per epoch


def full_state(model):
    """`training_state`, with the random layers' states (Dropout's) as `"seeds"`."""
    seeds = [v.numpy() for v in model.variables if v.path.endswith("seed_generator_state")]
    return {**training_state(model), "seeds": seeds}


def rewind(model, state):
    """Puts back a `full_state`: one model (one trace) plays several runs."""
    variables = {
        "seeds": [v for v in model.variables if v.path.endswith("seed_generator_state")],
        "weights": model.weights,
        "d_optimizer": model.optimizers["discriminator"].variables,
        "g_optimizer": model.optimizers["generator"].variables,
    }
    for key, values in variables.items():
        for variable, value in zip(values, state[key], strict=True):
            variable.assign(value)
    model.seed_generator.state.assign(state["noise"])


def crash(model, tmp_path, at, epochs=3, **kwargs):
    """Trains `model` `epochs` epochs, crashed at `at` = (epoch, step); the epoch-end states."""
    snapshots = Snapshots()
    with pytest.raises(RuntimeError, match="simulated crash"):
        model.fit(
            data(model),
            epochs=epochs,
            callbacks=[backup_callback(tmp_path / "backup", **kwargs), snapshots, Crash(*at)],
            verbose=0,
        )
    return snapshots.states


class StartState(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self, "state"):
            self.state, self.epoch = training_state(self.model), epoch


def resume(model, tmp_path, epochs=3, **kwargs):
    """`model` resumed from `tmp_path / "backup"`: `(start, history)`."""
    start = StartState()
    history = model.fit(
        data(model),
        epochs=epochs,
        callbacks=[backup_callback(tmp_path / "backup", **kwargs), start],
        verbose=0,
    )
    return start, history


def test_an_empty_metadata_file_falls_back_to_the_previous_backup(tmp_path):
    """A kill while Keras rewrote training_metadata.json left it empty: every resume then
    failed with `JSONDecodeError: Expecting value`, the intact .bkp files unused."""
    model = tiny_model(kg.GAN)
    states = crash(model, tmp_path, at=(2, 1))  # backups after epochs 0 and 1
    (tmp_path / "backup" / "training_metadata.json").write_text("")
    start, _ = resume(model, tmp_path)
    assert start.epoch == 1
    assert_same_state(start.state, states[0])


def test_a_backup_killed_between_its_renames_resumes_from_a_complete_pair(tmp_path):
    """The latest weights already renamed to .bkp, the latest metadata not yet: Keras
    found no latest weights, kept the model's and resumed at the metadata's epoch."""
    model = tiny_model(kg.GAN)
    states = crash(model, tmp_path, at=(2, 1))
    backup = tmp_path / "backup"
    os.replace(backup / "latest.weights.h5", backup / "latest.weights.h5.bkp")
    start, _ = resume(model, tmp_path)
    assert start.epoch == 2
    assert_same_state(start.state, states[1])


def test_a_backup_with_no_complete_state_is_a_clear_error(tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "latest.weights.h5").write_bytes(b"\x89HDF\r\n cut short")
    (backup / "training_metadata.json").write_text('{"epoch": 2, "weights_sha256": "0')
    model = tiny_model(kg.GAN)
    with pytest.raises(OSError, match="holds no complete training state.*--fresh"):
        model.fit(data(model), epochs=3, callbacks=[backup_callback(backup)], verbose=0)
    assert int(model.optimizers["generator"].iterations) == 0


def mlp_gan():
    """A tiny GAN whose discriminator has Dropout (kg.networks.mlp_discriminator)."""
    keras.utils.set_random_seed(0)
    shape = (16, 16, 1)
    networks = (
        kg.networks.mlp_generator(8, shape, units=(16,)),
        kg.networks.mlp_discriminator(shape, units=(16,)),
    )
    model = kg.GAN(*networks, latent_dim=8, seed=0)
    model.compile()
    return model


@pytest.mark.parametrize("make", [tiny_model, mlp_gan], ids=["dcgan", "mlp_with_dropout"])
def test_a_mid_epoch_backup_resumes_exactly(tmp_path, make):
    """Backed up every step and crashed at epoch 1, step 1: Keras restarted epoch 1 from
    its first batch, on weights that had already trained on it (and Dropout's random
    state was not saved at all)."""
    model = make(kg.GAN) if make is tiny_model else make()
    initial = full_state(model)
    expected = model.fit(data(model), epochs=2, verbose=0).history
    uninterrupted = full_state(model)
    rewind(model, initial)
    crash(model, tmp_path, at=(1, 1), epochs=2, save_freq=1)
    metadata = json.loads((tmp_path / "backup" / "training_metadata.json").read_text())
    assert (metadata["epoch"], metadata["steps_in_epoch"]) == (1, 1)
    rewind(model, initial)  # nothing of the crashed run is left but its backup
    start, history = resume(model, tmp_path, epochs=2, save_freq=1)
    assert start.epoch == 1 and int(start.state["g_optimizer"][0]) == 2 + 1
    assert_same_state(full_state(model), uninterrupted)
    # The resumed epoch logs the mean of all its steps, those before the crash too.
    for name, values in expected.items():
        np.testing.assert_allclose(history.history[name], values[1:], rtol=1e-6, err_msg=name)


# === kg.train's run folder ===

TINY = dict(latent_dim=8, batch_size=16, grid_every_n_epochs=100, verbose=0)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A finished 2-epoch run and a run crashed at epoch 1, step 1 (backed up every step),
    both with a seed kg.train chose; copy them (`copy_run`), never change them."""
    folder = tmp_path_factory.mktemp("runs")
    npz = save_npz(folder / "tiny.npz", n=32)  # 2 steps per epoch
    train(dataset=npz, directory=folder / "finished", epochs=2, **TINY)
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(
            dataset=npz,
            directory=folder / "interrupted",
            epochs=3,
            backup_every_n_steps=1,
            callbacks=[Crash(epoch=1, step=1)],
            **TINY,
        )
    return folder


def copy_run(runs, name, tmp_path):
    shutil.copytree(runs / name, tmp_path / name)
    return tmp_path / name


def dataset(runs):
    return str(runs / "tiny.npz")


@pytest.mark.parametrize(
    "changed, expected",
    [
        ({"loss": "hinge"}, "loss: 'non_saturating' -> 'hinge'"),
        ({"preset": "wgan_gp"}, "model: 'GAN' -> 'WGANGP'"),
        ({"batch_size": 8}, "batch_size: 16 -> 8"),
        ({"latent_dim": 4}, "latent_dim: 8 -> 4"),
        ({"label_smoothing": 0.1}, "label_smoothing: 0.0 -> 0.1"),
        ({"seed": 7}, "seed: "),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_resuming_with_other_options_is_refused_saying_what_differs(
    runs, tmp_path, changed, expected
):
    """A DCGAN run resumed as wgan_gp finished with d_iters 44; another loss wrote its
    logs under the old history header; another batch size or seed went unnoticed."""
    run = copy_run(runs, "interrupted", tmp_path)
    options = {**TINY, **changed}
    with pytest.raises(ValueError) as error:
        train(options.pop("preset", "dcgan"), dataset(runs), directory=run, epochs=3, **options)
    message = str(error.value)
    assert "was trained with other options" in message and expected in message
    assert "--fresh" in message and "\n" not in message
    assert (run / "backup").is_dir()  # nothing was lost


def test_a_finished_run_is_refused_unless_more_epochs_continue_it(runs, tmp_path):
    """Running a finished folder again silently started over and overwrote model.keras."""
    run = copy_run(runs, "finished", tmp_path)
    before = (run / "model.keras").read_bytes()
    argv = ["train", "--dataset", dataset(runs), "--epochs", "2", "--out", str(run)]
    argv += ["--latent-dim", "8", "--batch-size", "16"]
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert "has finished its 2 epochs" in str(exit_.value) and "--fresh" in str(exit_.value)
    assert (run / "model.keras").read_bytes() == before


@pytest.mark.slow  # two runs of kg.train: about 10 s
def test_more_epochs_continue_a_finished_run_to_the_uninterrupted_model(runs, tmp_path):
    run = copy_run(runs, "finished", tmp_path)
    seed = json.loads((run / "resume.json").read_text())["run"]["seed"]
    continued, history = train(dataset=dataset(runs), directory=run, epochs=3, **TINY)
    assert len(history["g_loss"]) == 3
    uninterrupted, _ = train(
        dataset=dataset(runs), directory=tmp_path / "uninterrupted", epochs=3, seed=seed, **TINY
    )
    assert_same_state(training_state(continued), training_state(uninterrupted))


def test_the_random_seed_of_a_run_is_recorded_and_reused(runs, tmp_path):
    run = copy_run(runs, "interrupted", tmp_path)
    recorded = json.loads((run / "resume.json").read_text())["run"]["seed"]
    assert isinstance(recorded, int)
    seen = SeenModel(run)
    with pytest.raises(RuntimeError, match="simulated crash"):  # stop before training
        train(dataset=dataset(runs), directory=run, epochs=3, callbacks=[seen, Crash(1, 0)], **TINY)
    assert seen.seed == recorded


class SeenModel(keras.callbacks.Callback):
    """Records the model's seed and the run folder's lock file as training begins."""

    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def on_train_begin(self, logs=None):
        self.seed = self.model.seed
        self.lock = (self.folder / "run.lock").read_text()


def test_a_second_process_on_the_folder_is_refused_naming_it(runs, tmp_path):
    """Two processes on one --out both resumed and interleaved history.csv rows."""
    run = copy_run(runs, "interrupted", tmp_path)
    holder = subprocess.Popen(  # holds run.lock as kg.train does: flock, then its PID
        [sys.executable, "-c", HOLDER, str(run / "run.lock")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RuntimeError, match=rf"in use by process {holder.pid} on "):
            train(dataset=dataset(runs), directory=run, epochs=3, **TINY)
    finally:
        holder.kill()
        holder.wait()


HOLDER = """
import fcntl, os, socket, sys, time
f = open(sys.argv[1], "a+")
fcntl.flock(f, fcntl.LOCK_EX)
f.write(f"{os.getpid()} {socket.gethostname()}\\n"); f.flush()
print("locked", flush=True)
time.sleep(60)
"""


def test_the_lock_of_a_dead_process_is_taken_over(runs, tmp_path):
    run = copy_run(runs, "interrupted", tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    (run / "run.lock").write_text(f"{dead.stdout.strip()} {os.uname().nodename}\n")
    seen = SeenModel(run)
    with pytest.raises(RuntimeError, match="simulated crash"):  # stop before training
        train(dataset=dataset(runs), directory=run, epochs=3, callbacks=[seen, Crash(1, 0)], **TINY)
    assert seen.lock.split()[0] == str(os.getpid())
    assert not (run / "run.lock").exists()  # released


def test_a_cut_final_save_keeps_the_previous_model_and_the_backup(runs, tmp_path):
    """A SIGTERM during the final save left a 0-byte model.keras, no backup, and the
    previous good model destroyed."""
    from keras_gans.runs import RunFolder

    run = copy_run(runs, "finished", tmp_path)
    shutil.copytree(runs / "interrupted" / "backup", run / "backup")
    before = (run / "model.keras").read_bytes()
    model = tiny_model(kg.GAN)
    model.save = cut_short
    with pytest.raises(KeyboardInterrupt):
        RunFolder(run).finish(model, title="cut")
    assert (run / "model.keras").read_bytes() == before
    assert keras.models.load_model(run / "model.keras").optimizers["generator"].iterations == 4
    assert (run / "backup" / "latest.weights.h5").exists()
    assert [p.name for p in run.iterdir() if "partial" in p.name] == []


def cut_short(path, *args, **kwargs):
    """A `model.save` killed halfway: half a file written, then the process stops."""
    with open(path, "wb") as f:
        f.write(b"PK\x03\x04 half a zip")
    raise KeyboardInterrupt


def test_history_keeps_one_header_that_matches_its_rows(tmp_path):
    """Resumed with other logs, new values went under the old header (d_fake held d_grad_norm)."""
    path = tmp_path / "history.csv"
    path.write_text("epoch,d_fake,g_loss\n0,0.5,1.0\n1,0.6,0.9\n2,0.7,0.")  # row 2: cut short
    from keras_gans.runs import HistoryCSV, read_history

    history = HistoryCSV(path, resuming=True)
    history.set_model(keras.Sequential())
    history.on_train_begin()
    history.on_epoch_begin(2)
    history.on_epoch_end(2, {"d_grad_norm": 3.0, "g_loss": 0.8})
    history.on_epoch_end(3, {"d_grad_norm": 2.0, "g_loss": 0.7})
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,d_fake,d_grad_norm,g_loss"
    assert lines[1:] == ["0,0.5,NA,1.0", "1,0.6,NA,0.9", "2,NA,3.0,0.8", "3,NA,2.0,0.7"]
    assert read_history(path)["g_loss"] == [1.0, 0.9, 0.8, 0.7]


def test_the_lock_removes_only_the_empty_folder_it_made(tmp_path):
    """A run refused before any work (a bad option found while building) leaves no folder."""
    with RunLock(tmp_path / "new"):
        assert (tmp_path / "new" / "run.lock").exists()
    assert not (tmp_path / "new").exists()
    with RunLock(tmp_path / "used"):
        (tmp_path / "used" / "history.csv").write_text("epoch\n")
    assert (tmp_path / "used" / "history.csv").exists()
    (tmp_path / "existing").mkdir()
    with RunLock(tmp_path / "existing"):
        pass
    assert (tmp_path / "existing").is_dir()  # the user's folder, even empty, is kept
