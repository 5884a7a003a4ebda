"""Fault injection (issue 34, part 5): `keras-gans train` killed with SIGTERM or SIGKILL at
random moments, across training, per-step backups and the final save; after each kill
the run folder still holds a good model.keras (the previous one, or the new one whole),
and the run, resumed, ends with the model of an uninterrupted run, bit for bit.

The run continues a finished 1-epoch run to 3 epochs (3 steps each, a backup after every
step), so model.keras of the first run is the "previous good model" every kill must
leave intact. A chain of kills resumes the same folder until a launch ends by itself;
its model is then compared with an uninterrupted 3-epoch run's, and a new chain starts
from the 1-epoch run. Kill times are drawn with a seeded generator: four launches in five
are killed at a time uniform over their steps and per-step backups (after the launch's
first backup: the start-up and the trace before it are alike for every kill), the fifth
while it writes its final model (after its last epoch's summary). A kill in the final
save ends a chain: the next launch has only that save to redo.
"""

import io
import json
import random
import shutil
import signal
import subprocess
import threading
import time
import zipfile

import keras
import numpy as np
import pytest
from test_cli import KERAS_GANS, save_npz

pytestmark = pytest.mark.slow  # about 3 minutes: 20 kills, each a process start

KILLS = 20
ARGS = (
    "train", "--dataset", "tiny.npz", "--latent-dim", "8", "--batch-size", "16", "--seed", "5",
    "--grid-every-n-epochs", "100", "--backup-every-n-steps", "1", "--verbose", "2",
)  # fmt: skip


class Launch:
    """`keras-gans train` in a process whose output lines are read as they come."""

    def __init__(self, cwd, out, epochs):
        self.began = time.time()
        self.backup = cwd / out / "backup" / "training_metadata.json"
        self.last_epoch = f"Epoch {epochs}/{epochs}"
        self.process = subprocess.Popen(
            [KERAS_GANS, *ARGS, "--epochs", str(epochs), "--out", out],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def backed_up(self):
        """Whether this launch has written a backup (it trains its steps from then on)."""
        try:
            return self.backup.stat().st_mtime >= self.began
        except FileNotFoundError:
            return False

    def saving(self):
        """Whether this launch has ended its last epoch (it writes its final model then)."""
        return self.last_epoch in self.lines[:-1]

    def wait_for(self, event, timeout=180):
        """Waits until `event()` or the process' end; returns whether the event came."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if event():
                return True
            assert time.monotonic() < deadline, self.lines
            time.sleep(0.005)
        return False

    def finish(self):
        code = self.process.wait(timeout=300)
        self.reader.join(timeout=10)  # its last lines
        return code


def run_to_the_end(cwd, out, epochs):
    """Runs a launch to its end; returns the seconds from its first backup, and from the
    end of its last epoch, to its end."""
    launch = Launch(cwd, out, epochs)
    launch.wait_for(launch.backed_up)
    backed_up = time.monotonic()
    launch.wait_for(launch.saving)
    saving = time.monotonic()
    assert launch.finish() == 0, launch.lines
    end = time.monotonic()
    return end - backed_up, end - saving


def phase(launch, folder):
    """Where a kill landed: writing model.keras or a backup, the final save, the steps."""
    if any(".partial" in p.name for p in folder.glob(".model*")):
        return "model.keras write"
    if any(".partial" in p.name for p in (folder / "backup").glob("*")):
        return "backup write"
    return "final save" if launch.saving() else "steps"


def model_file_state(folder, previous):
    """ "previous" (the first run's model.keras, intact), "new" (a whole new file) or "bad"."""
    data = (folder / "model.keras").read_bytes()
    if data == previous:
        return "previous"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            whole = archive.testzip() is None and "config.json" in archive.namelist()
    except zipfile.BadZipFile:
        whole = False
    return "new" if whole else "bad"


def weights(path):
    model = keras.models.load_model(path)
    state = [v.numpy() for v in model.weights]
    for optimizer in model.optimizers.values():
        state += [v.numpy() for v in optimizer.variables]
    return state + [model.seed_generator.state.numpy()]


def test_killed_runs_resume_to_the_uninterrupted_model(tmp_path, capsys):
    began, rng = time.monotonic(), random.Random(0)
    save_npz(tmp_path / "tiny.npz", n=48)  # 3 steps per epoch
    run_to_the_end(tmp_path, "first", epochs=1)
    # Kill times: within what a launch continuing the first run has left to do.
    after_backup, saving = run_to_the_end(tmp_path, "uninterrupted", epochs=3)
    windows = {False: 0.7 * (after_backup - saving), True: 0.9 * saving}
    expected = weights(tmp_path / "uninterrupted" / "model.keras")
    previous = (tmp_path / "first" / "model.keras").read_bytes()

    kills, chains, resumed, lost, phases, files = 0, 0, 0, [], {}, {}
    while kills < KILLS:
        chains += 1
        folder = tmp_path / f"chain{chains}"
        shutil.copytree(tmp_path / "first", folder)
        killed_here = 0
        while True:
            launch = Launch(tmp_path, folder.name, epochs=3)
            final = rng.random() < 1 / 5
            event = launch.saving if final else launch.backed_up
            if kills < KILLS and launch.wait_for(event):
                time.sleep(rng.uniform(0, windows[final]))
            if kills >= KILLS or launch.process.poll() is not None:
                code = launch.finish()  # it ended by itself: the chain is done
                # Killed after the run had finished (its model written, resume.json saying
                # so) but before it exited: the same command is refused as finished.
                finished = "has finished its 3 epochs" in " ".join(launch.lines[-2:])
                if code != 0 and not (code == 1 and finished):
                    lost.append(f"chain {chains} ended with {code}: {launch.lines[-1:]}")
                break
            launch.process.send_signal(rng.choice([signal.SIGTERM, signal.SIGKILL]))
            launch.finish()
            kills, killed_here = kills + 1, killed_here + 1
            where = phase(launch, folder)
            phases[where] = phases.get(where, 0) + 1
            state = model_file_state(folder, previous)
            files[state] = files.get(state, 0) + 1
            if state == "bad":
                lost.append(f"chain {chains}, kill {killed_here} ({where}): model.keras damaged")
            if (folder / "resume.json").exists():
                json.loads((folder / "resume.json").read_text())  # replaced whole, always
        got = weights(folder / "model.keras")
        if all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True)):
            resumed += killed_here
        else:
            lost.append(f"chain {chains}: the resumed model differs from the uninterrupted one")
    with capsys.disabled():
        print(
            f"\nfault injection: {kills} kills in {chains} chains in "
            f"{time.monotonic() - began:.0f} s; {resumed} resumed to the uninterrupted model, "
            f"{len(lost)} lost; kills by phase {phases}; model.keras after each kill {files}"
            + "".join(f"\n  lost: {reason}" for reason in lost)
        )
    assert lost == [] and resumed == kills
