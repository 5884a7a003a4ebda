"""`kg.train` with no options against a keras.io-style DCGAN, 5 epochs of Fashion-MNIST.

Protocol (issue 10, "defaults that win"): every contender trains 5 epochs on
the whole Fashion-MNIST training split, then 10,000 images are scored with
`fid_fashion_classifier_10k`, precision and recall (the shipped classifier's
features, against the statistics of the whole split). Contenders:

- `keras_io`: the keras.io DCGAN recipe. G: Dense 7x7x128, BN, ReLU,
  ConvT 64, BN, ReLU, ConvT 1 with tanh; D: Conv 64, LeakyReLU, Conv 128, BN,
  LeakyReLU, Dense 1 (kernels 4, strides 2); both Adam(2e-4, beta_1=0.5),
  batch 128, the non-saturating loss, keras.io's `train_step`
  (`throughput.KerasIOGAN`).
- `defaults`: `kg.train(epochs=5)`, nothing else set, plus `ema_decay`
  (`--ema-decay`, 0.999 unless 0): an EMA copy of G that does not change
  training (the trained G's weights are identical with and without it,
  `tests/test_generator_ema.py`), so one run scores both the trained G
  (`defaults`) and its average (`defaults_ema`) at the same checkpoint.
- `batch_128`: `kg.train(epochs=5, batch_size=128)`, the defaults before the
  `dcgan` preset's batch became 32.

Seeds run in turn (each contender for seed 0, then each for seed 1, ...), in
one process. Time per epoch is the median over epochs 2-5 (steady state); its
ratio to `batch_128` in the same run is what docs/benchmarks.md quotes.

    python benchmarks/defaults_vs_keras_io.py [--seeds 3] [--contenders keras_io,defaults,batch_128]
        [--ema-decay 0.999]

The epochs above run one after the other, so a shared machine's drift enters
their time ratio. `--time-rounds R` measures it instead in R alternating
rounds at steady state (no FID): each round fits the `dcgan` preset for
9,600 images at batch 32 (the default) and then at batch 128, on
`kg.data.load`'s pipeline, and times the steps after the first 10% of each
fit; the ratio of time per epoch is reported per round (median [min, max]).
This times the training step only, not `kg.train`'s end-of-epoch callbacks.
"""

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from clocks import round_ratios  # noqa: E402
from keras import layers  # noqa: E402
from reuse_fakes import METRICS, Sampler  # noqa: E402
from throughput import LATENT_DIM, KerasIOGAN  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.metrics.evaluator import Evaluator  # noqa: E402
from keras_gans.presets import build_model  # noqa: E402

EPOCHS = 5


class EpochClock(keras.callbacks.Callback):
    """Wall seconds of each epoch."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def keras_io_networks():
    """The keras.io DCGAN's generator and discriminator for 28x28x1 images."""
    generator = keras.Sequential(
        [
            keras.Input((LATENT_DIM,)),
            layers.Dense(7 * 7 * 128),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.Reshape((7, 7, 128)),
            layers.Conv2DTranspose(64, 4, strides=2, padding="same"),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        ]
    )
    discriminator = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(64, 4, strides=2, padding="same"),
            layers.LeakyReLU(0.2),
            layers.Conv2D(128, 4, strides=2, padding="same"),
            layers.BatchNormalization(),
            layers.LeakyReLU(0.2),
            layers.Flatten(),
            layers.Dense(1),
        ]
    )
    return generator, discriminator


def train_keras_io(seed, clock):
    keras.utils.set_random_seed(seed)
    model = KerasIOGAN(*keras_io_networks())
    model.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    data = kg.data.load("fashion_mnist", batch_size=128, seed=seed)
    model.fit(data, epochs=EPOCHS, verbose=0, callbacks=[clock])
    return {"keras_io": Sampler(model.generator, LATENT_DIM)}


def train_library(name, seed, clock, **options):
    """`{name: trained G}`, and `{name + "_ema": its average}` when `ema_decay` is set."""
    with tempfile.TemporaryDirectory() as out:
        run = kg.train(
            epochs=EPOCHS, seed=seed, directory=out, verbose=0, callbacks=[clock], **options
        )
    samplers = {name: Sampler(run.model.generator, run.model.latent_dim)}
    if run.model.ema is not None:
        samplers[f"{name}_ema"] = run.model  # the model samples from its average
    return samplers


CONTENDERS = {
    "keras_io": lambda seed, clock, ema_decay: train_keras_io(seed, clock),
    "defaults": lambda seed, clock, ema_decay: train_library(
        "defaults", seed, clock, ema_decay=ema_decay
    ),
    "batch_128": lambda seed, clock, ema_decay: train_library(
        "batch_128", seed, clock, batch_size=128
    ),
}


class StepClock(keras.callbacks.Callback):
    """Seconds from the end of batch `warmup` to the end of the fit."""

    def __init__(self, warmup):
        super().__init__()
        self.warmup = warmup

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.warmup - 1:
            self.start = time.perf_counter()

    def on_train_end(self, logs=None):
        self.seconds = time.perf_counter() - self.start


def time_rounds(rounds, images_per_fit=9_600):
    """Seconds per epoch of batch 32 and 128 in alternating rounds; prints per-round ratios."""
    fits = {}
    for batch_size in (32, 128):
        model = build_model("dcgan", (28, 28, 1), seed=0)
        model.compile()
        data = kg.data.load("fashion_mnist", batch_size=batch_size, seed=0).repeat()
        fits[batch_size] = (model, data, images_per_fit // batch_size)
    epoch_s = {batch_size: [] for batch_size in fits}
    for round_ in range(rounds + 1):  # round 0 traces the steps: not counted
        for batch_size, (model, batches, steps) in fits.items():
            clock = StepClock(warmup=steps // 10)
            model.fit(batches, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[clock])
            timed_steps = steps - steps // 10
            if round_:
                epoch_s[batch_size].append(clock.seconds / timed_steps * 60_000 / batch_size)
    ratios = round_ratios(epoch_s[32], epoch_s[128])
    for batch_size, seconds in epoch_s.items():
        median = statistics.median(seconds)
        print(f"batch {batch_size:3d}: {median:5.1f} s per epoch of steps (median of {rounds})")
    median = statistics.median(ratios)
    print(
        f"time per epoch, batch 32 / batch 128, per round: median {median:.2f}x "
        f"[{min(ratios):.2f}, {max(ratios):.2f}]"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument("--ema-decay", type=float, default=0.999, help="0: no EMA copy")
    parser.add_argument("--time-rounds", type=int, default=0, help="only time the steps")
    args = parser.parse_args()
    if args.time_rounds < 0:
        parser.error(f"--time-rounds must be >= 0 (0: no timing). Received: {args.time_rounds}")
    if args.time_rounds:
        return time_rounds(args.time_rounds)
    evaluator = Evaluator(METRICS)
    rows = {}
    for seed in range(args.seeds):
        for contender in args.contenders.split(","):
            clock = EpochClock()
            samplers = CONTENDERS[contender](seed, clock, args.ema_decay or None)
            epoch_s = statistics.median(clock.seconds[1:])
            for name, sampler in samplers.items():
                scores = evaluator.evaluate(sampler)
                rows.setdefault(name, []).append((scores, epoch_s))
                print(
                    f"{name:12s} seed {seed}: {epoch_s:5.1f} s/epoch  "
                    + "  ".join(f"{m.split('_')[0]} {scores[m]:.3f}" for m in METRICS),
                    flush=True,
                )
    print(f"\n{EPOCHS} epochs of Fashion-MNIST, seeds 0..{args.seeds - 1}")
    print("| contender | FID mean +- std | FID per seed | precision | recall | s/epoch |")
    print("|---|---|---|---|---|---|")
    for name, runs in rows.items():
        fids = [scores[METRICS[0]] for scores, _ in runs]
        precision = statistics.mean(scores[METRICS[1]] for scores, _ in runs)
        recall = statistics.mean(scores[METRICS[2]] for scores, _ in runs)
        epoch_s = statistics.mean(s for _, s in runs)
        print(
            f"| {name} | {statistics.mean(fids):.1f} +- {statistics.pstdev(fids):.1f} | "
            f"{' / '.join(f'{f:.1f}' for f in fids)} | {precision:.3f} | {recall:.3f} | "
            f"{epoch_s:.1f} |"
        )
    if "batch_128" in rows:
        base = [s for _, s in rows["batch_128"]]
        for name, runs in rows.items():
            ratios = [s / b for (_, s), b in zip(runs, base, strict=True)]
            print(f"{name}: time per epoch / batch_128's, per seed: "
                  + ", ".join(f"{r:.2f}x" for r in ratios))  # fmt: skip


if __name__ == "__main__":
    main()
