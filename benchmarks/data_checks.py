"""What the reliability checks of `GAN.fit` cost per training step.

The default 28x28 DCGAN (batch 128, in-memory batches in [-1, 1]) is trained
with `keras.Model.fit` under five configurations, each its own model, measured
in alternating rounds in one process (machine noise hits all alike):

- `none`: no per-batch check of the data, no guard callback;
- `pipeline`: every batch checked in the input pipeline
  (`training_data_checks.check_every_batch`: finite, in [-1, 1]), as `GAN.fit` does;
- `in_step`: the same checks as assertions at the start of `train_step`;
- `no_wait`: `none`, with a `train_step` whose ops may start before the batch is
  read (without `after_the_batch_is_read`);
- `state_guard`: `none` plus `TerminateOnNonFiniteLoss(check_state_every_batch=True)`,
  the check of every variable after every batch that `GAN.fit` turns on when a
  callback saves every N batches.

A round times steps 5 to the last of one `fit` call (steady state: tracing and
iterator start excluded), in wall time and in CPU time of this process (all its
threads). On a machine shared with other jobs the wall times of rounds of the
same code differ by 2x or more; the CPU time, the work done, is far steadier.
Reported: the median of each configuration and its ratio to `none`. Last, the
check alone: CPU time to read one batch from the dataset with and without the
pipeline check, and to check the model's state once, against one training step.

    python benchmarks/data_checks.py [--steps 25] [--rounds 5]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras_gans.models.training_data_checks import check_every_batch  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.data.scaling import RANGE_TOLERANCE  # noqa: E402

LATENT_DIM = 128
IMAGE_SHAPE = (28, 28, 1)
BATCH = 128
SKIPPED = 5  # steps left out of each round's timing


class InStepChecks(kg.GAN):
    """The per-batch checks as assertions in the step instead of the input pipeline."""

    def train_step(self, data):
        checks = [
            tf.debugging.assert_all_finite(data, "non-finite training images"),
            tf.debugging.assert_greater_equal(tf.reduce_min(data), -1.0 - RANGE_TOLERANCE),
            tf.debugging.assert_less_equal(tf.reduce_max(data), 1.0 + RANGE_TOLERANCE),
        ]
        with tf.control_dependencies(checks):
            return super().train_step(tf.identity(data))


class NoWait(kg.GAN):
    """`GAN.train_step` without `after_the_batch_is_read`."""

    train_step = kg.GAN.train_step.__wrapped__


class StepTimes(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.times.append((time.perf_counter(), time.process_time()))

    def on_train_begin(self, logs=None):
        self.times = []

    def per_step(self):
        """(wall, cpu) seconds per step from step SKIPPED to the last."""
        (wall0, cpu0), (wall1, cpu1) = self.times[SKIPPED - 1], self.times[-1]
        steps = len(self.times) - SKIPPED
        return (wall1 - wall0) / steps, (cpu1 - cpu0) / steps


def cpu_per_batch(dataset, repeats):
    """CPU seconds to read one batch of `dataset` (read `repeats` times over)."""
    for _ in dataset:  # warm up (and fill the cache)
        pass
    start, count = time.process_time(), 0
    for _ in range(repeats):
        for _ in dataset:
            count += 1
    return (time.process_time() - start) / count


def model(model_class):
    keras.utils.set_random_seed(0)
    gan = model_class(
        kg.networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE),
        kg.networks.dcgan_discriminator(IMAGE_SHAPE),
        latent_dim=LATENT_DIM,
        seed=0,
    )
    gan.compile()
    return gan


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=25, help="steps per round (default: 25)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default: 5)")
    args = parser.parse_args()

    images = np.random.default_rng(0).uniform(-1, 1, (BATCH * args.steps, *IMAGE_SHAPE))
    dataset = tf.data.Dataset.from_tensor_slices(images.astype("float32")).batch(BATCH).cache()
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    plain = model(kg.GAN)
    guard = kg.callbacks.TerminateOnNonFiniteLoss(check_state_every_batch=True)
    configurations = {
        "none": (plain, dataset, []),
        "pipeline": (model(kg.GAN), check_every_batch(plain, dataset), []),
        "in_step": (model(InStepChecks), dataset, []),
        "no_wait": (model(NoWait), dataset, []),
        "state_guard": (model(kg.GAN), dataset, [guard]),
    }
    seconds = {name: [] for name in configurations}
    for round_ in range(args.rounds + 1):  # round 0 traces and warms up
        for name, (gan, data, callbacks) in configurations.items():
            timer = StepTimes()
            keras.Model.fit(gan, data, epochs=1, callbacks=[*callbacks, timer], verbose=0)
            if round_:
                seconds[name].append(timer.per_step())
    print(f"DCGAN 28x28x1, batch {BATCH}, {args.steps} steps per round, {args.rounds} rounds")
    base_wall = statistics.median(wall for wall, _ in seconds["none"])
    base_cpu = statistics.median(cpu for _, cpu in seconds["none"])
    for name, values in seconds.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        rounds = ", ".join(f"{1000 * w:.0f}/{1000 * c:.0f}" for w, c in values)
        print(
            f"  {name:<12} median wall {1000 * wall:6.1f} ms/step ({wall / base_wall:.3f} x none)"
            f"  median CPU {1000 * cpu:6.1f} ms/step ({cpu / base_cpu:.3f} x none)"
            f"  rounds wall/CPU ms: {rounds}"
        )
    guard.set_model(plain)
    guard.on_train_begin()
    guard._state_is_finite()  # traced once
    start = time.process_time()
    for _ in range(50):
        guard._state_is_finite()
    state_check = (time.process_time() - start) / 50
    print(
        f"  checking the state ({len(guard._floats)} float variables) once: "
        f"{1e3 * state_check:.3f} ms CPU, {state_check / base_cpu:.2%} of a training step's"
    )
    unchecked = cpu_per_batch(dataset, repeats=20)
    checked = cpu_per_batch(check_every_batch(plain, dataset), repeats=20)
    print(
        f"  reading a batch: {1e3 * unchecked:.3f} ms CPU unchecked, {1e3 * checked:.3f} ms "
        f"checked: the check costs {1e3 * (checked - unchecked):.3f} ms CPU, "
        f"{(checked - unchecked) / base_cpu:.2%} of a training step's CPU time"
    )


if __name__ == "__main__":
    main()
