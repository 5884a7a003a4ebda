"""MultiWorkerMirroredStrategy: worker processes on 127.0.0.1 train as one process would.

Each test starts real worker processes (TF_CONFIG on the loopback interface,
free ports) and bounds them: a worker that fails, or a job that runs past its
time limit, gets every process of the job killed and the test fails with their
output. They take 15-40 s each (several TensorFlow processes on 2 cores), so
they are marked slow (they run in CI).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
from conftest import tiny_images

KERAS_GANS = os.path.join(os.path.dirname(sys.executable), "keras-gans")
JOB_SECONDS = 300

pytestmark = pytest.mark.slow


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def tf_config(ports, index):
    workers = [f"127.0.0.1:{port}" for port in ports]
    return json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}})


def start(command, cwd, tf_config=None):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("TF_CONFIG", None)
    if tf_config is not None:
        env["TF_CONFIG"] = tf_config
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, killed as a whole
    )


def kill(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    return process.communicate()[0]


def run_job(commands, cwd, single=None, expect_killed=()):
    """Runs one command per worker (and `single`, a 1-process command, alongside).

    Returns `(exit codes, outputs)` once every process has ended. A worker in
    `expect_killed` that dies ends the job: the others, blocked on it in a
    collective, are killed, as a cluster manager would before a restart.
    """
    ports = free_ports(len(commands))
    processes = [start(command, cwd, tf_config(ports, i)) for i, command in enumerate(commands)]
    if single is not None:
        processes.append(start(single, cwd))
    deadline = time.monotonic() + JOB_SECONDS
    try:
        while any(p.poll() is None for p in processes):
            failed = [i for i, p in enumerate(processes) if p.poll() not in (None, 0)]
            if set(failed) & set(expect_killed):
                break  # the job lost a worker: stop the rest (who may have seen it and failed)
            if failed or time.monotonic() > deadline:
                outputs = [kill(p) for p in processes]
                pytest.fail(
                    f"job failed or ran over {JOB_SECONDS} s; exit codes "
                    f"{[p.returncode for p in processes]}:\n" + "\n----\n".join(outputs)[-6000:]
                )
            time.sleep(0.2)
    finally:
        outputs = [kill(p) for p in processes]
    return [p.returncode for p in processes], outputs


# === The same weights as one process ===

TRAIN_SCRIPT = """
import json, os, sys
import numpy as np, tensorflow as tf, keras
import keras_gans as kg

strategy = kg.distribute.get_strategy("multi_worker")  # one worker without TF_CONFIG
out = sys.argv[1]
images = np.random.default_rng(0).uniform(-1, 1, (64, 16, 16, 1)).astype("float32")
labels = (np.arange(64) % 3).astype("int32")
report = {"replicas": strategy.num_replicas_in_sync}
for name in ("GAN", "ConditionalGAN", "WGANGP"):
    with strategy.scope():
        keras.utils.set_random_seed(3)
        conditional = {"num_classes": 3} if name == "ConditionalGAN" else {}
        extra = {"critic_steps": 2} if name == "WGANGP" else {}
        generator = kg.networks.dcgan_generator(8, (16, 16, 1), filters=16, **conditional)
        discriminator = kg.networks.dcgan_discriminator(
            (16, 16, 1), filters=8, normalization="layer" if extra else "batch", **conditional
        )
        model = getattr(kg, name)(
            generator, discriminator, latent_dim=8, seed=3, **conditional, **extra
        )
        model.compile()
    data = (images, labels) if conditional else images
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(16, drop_remainder=True)
    history = model.fit(kg.distribute.shard_by_data(dataset), epochs=2, verbose=0).history
    task = kg.distribute.worker(strategy)[1]
    np.savez(os.path.join(out, f"{name}_{report['replicas']}_{task}.npz"),
             *[w.numpy() for w in model.weights])
    report[name] = history
print("REPORT " + json.dumps(report))
"""


def reports(outputs):
    return [
        json.loads(line[len("REPORT ") :])
        for output in outputs
        for line in output.splitlines()
        if line.startswith("REPORT ")
    ]


def weights(path):
    with np.load(path) as arrays:
        return [arrays[f"arr_{i}"] for i in range(len(arrays.files))]


def test_two_workers_train_as_one_process_with_the_same_global_batch(tmp_path):
    script = [sys.executable, "-c", TRAIN_SCRIPT, str(tmp_path)]
    codes, outputs = run_job([script, script], cwd=tmp_path, single=script)
    assert codes == [0, 0, 0], outputs
    first, second, single = reports(outputs)
    assert first["replicas"] == second["replicas"] == 2 and single["replicas"] == 1
    for name in ("GAN", "ConditionalGAN", "WGANGP"):
        reference = weights(tmp_path / f"{name}_1_0.npz")
        for task in (0, 1):
            for a, b in zip(reference, weights(tmp_path / f"{name}_2_{task}.npz"), strict=True):
                # Stated tolerance: float32 sums in another order (all-reduce).
                np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5, err_msg=name)
        for log in single[name]:  # the logs, reduced across workers, too
            for worker in (first, second):
                np.testing.assert_allclose(
                    worker[name][log], single[name][log], rtol=1e-4, atol=1e-5, err_msg=log
                )


# === A worker killed mid-run; the job restarted resumes from the backup ===

KILLED_SCRIPT = """
import os, signal, sys
import keras
import keras_gans as kg

class KillWorker1(keras.callbacks.Callback):
    # Worker 1 dies in the second epoch, after the first epoch's backup.
    def on_train_batch_end(self, batch, logs=None):
        task = kg.distribute.worker(self.model.distribute_strategy)[1]
        if self.epoch == 1 and batch == 1 and task == 1:
            os.kill(os.getpid(), signal.SIGKILL)
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

kg.train(preset="dcgan", dataset="tiny.npz", epochs=3, directory="run", batch_size=16,
         latent_dim=8, seed=0, strategy="multi_worker", callbacks=[KillWorker1()], verbose=0)
"""
TRAIN_ARGS = ("--dataset", "tiny.npz", "--epochs", "3", "--batch-size", "16", "--latent-dim", "8",
              "--seed", "0")  # fmt: skip


def test_a_killed_worker_job_restarted_resumes_with_nothing_lost(tmp_path):
    # 64 copies of one image: a process that starts again reshuffles the data
    # from its seed (tf.data), so only identical images make the order of a
    # resumed epoch irrelevant, and the comparison below exact.
    pixels = ((tiny_images(1) + 1) * 127.5).astype("uint8")
    np.savez(tmp_path / "tiny.npz", x=np.repeat(pixels, 64, axis=0))
    script = [sys.executable, "-c", KILLED_SCRIPT]
    codes, outputs = run_job([script, script], cwd=tmp_path, expect_killed=(1,))
    assert codes[1] == -signal.SIGKILL, outputs
    assert json.loads((tmp_path / "run" / "resume.json").read_text())["epochs_done"] == 1
    # The job restarted with the command line: both workers resume at epoch 2.
    command = [KERAS_GANS, "train", *TRAIN_ARGS, "--out", "run", "--strategy", "multi_worker"]
    codes, outputs = run_job([command, command], cwd=tmp_path)
    assert codes == [0, 0], outputs
    assert "Resuming the interrupted run from run/backup at epoch 2" in outputs[0]
    lines = (tmp_path / "run" / "history.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1", "2"]  # each epoch once
    assert not (tmp_path / "run" / "backup").exists()
    resumed = keras.models.load_model(tmp_path / "run" / "model.keras")
    # The same job, never interrupted.
    command[command.index("run")] = "uninterrupted"
    codes, outputs = run_job([command, command], cwd=tmp_path)
    assert codes == [0, 0], outputs
    reference = keras.models.load_model(tmp_path / "uninterrupted" / "model.keras")
    assert (
        int(resumed.optimizers["generator"].iterations)
        == int(reference.optimizers["generator"].iterations)
        == 12
    )
    for a, b in zip(reference.weights, resumed.weights, strict=True):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-6, atol=1e-7, err_msg=a.path)
