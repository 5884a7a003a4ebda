"""The `sngan` preset against `dcgan` at an equal time budget, on the full Fashion-MNIST.

Protocol: each preset trains with `kg.train`'s settings (its own batch size,
loss and optimizers: `dcgan` batch 128, non-saturating loss, Adam(2e-4, 0.5);
`sngan` batch 64, hinge loss, spectral-norm D without BatchNorm,
Adam(2e-4, 0.5, 0.999)) on the whole training split until `--seconds` of wall
time have passed (checked after every batch), then is scored with
`fid_fashion_classifier_10k`, precision and recall (10,000 images). Runs go
one after another in one process, alternating presets seed by seed, so that
the machine's drift hits both alike.

    python benchmarks/sngan_vs_dcgan.py [--seconds 200] [--seeds 0,1,2]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.metrics.evaluator import Evaluator  # noqa: E402
from keras_gans.presets import PRESETS, build_model  # noqa: E402

METRICS = [
    "fid_fashion_classifier_10k",
    "precision_fashion_classifier_10k",
    "recall_fashion_classifier_10k",
]


class StopAfter(keras.callbacks.Callback):
    """Stops training at the first batch end after `seconds` of wall time."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds, self.steps = seconds, 0

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if time.perf_counter() - self.start >= self.seconds:
            self.model.stop_training = True


def run(preset, seed, seconds):
    keras.utils.set_random_seed(seed)
    batch_size = PRESETS[preset].batch_size
    data = kg.data.load("fashion_mnist", batch_size=batch_size, seed=seed)
    model = build_model(preset, (28, 28, 1), seed=seed)
    model.compile(**PRESETS[preset].compile_kwargs)
    stop = StopAfter(seconds)
    model.fit(data, epochs=1000, verbose=0, callbacks=[stop])
    scores = Evaluator(METRICS).evaluate(model)
    return scores, stop.steps, stop.steps * batch_size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=200)
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    results = {"dcgan": [], "sngan": []}
    for seed in seeds:
        for preset in results:
            scores, steps, images = run(preset, seed, args.seconds)
            results[preset].append(scores)
            print(
                f"# {preset} seed {seed}: {steps} steps, {images} images "
                f"({images / 60000:.2f} epochs) in {args.seconds:.0f} s: "
                + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()),
                flush=True,
            )
    print(f"\nEqual time budget {args.seconds:.0f} s per run, seeds {args.seeds}")
    print(f"{'preset':<8}{'FID mean +- std':>18}  {'per seed':<22}{'precision':>10}{'recall':>8}")
    for preset, rows in results.items():
        fid = [r[METRICS[0]] for r in rows]
        print(
            f"{preset:<8}{statistics.mean(fid):>10.1f} +- {statistics.pstdev(fid):<4.1f}  "
            f"{' / '.join(f'{f:.1f}' for f in fid):<22}"
            f"{statistics.mean(r[METRICS[1]] for r in rows):>10.3f}"
            f"{statistics.mean(r[METRICS[2]] for r in rows):>8.3f}"
        )


if __name__ == "__main__":
    main()
