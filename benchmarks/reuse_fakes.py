"""Does the generator step on reused fakes train as well? FID of both steps, and of EMA copies.

Protocol: the `dcgan` preset (`kg.train`'s default model) on the whole
Fashion-MNIST training split, batch 128, 5 epochs, `compile(reuse_fakes=...)`
True (the default: the G step backpropagates through the D step's fakes) or
False (fresh latent vectors for the G step, keras.io's step). In the same runs
two EMA copies of G (decay 0.99 and 0.999, `GeneratorEMA` updated after every
batch) are scored at the same checkpoint. Scores: `fid_fashion_classifier_10k`,
precision and recall on the same 10,000 images. One run per process:

    python benchmarks/reuse_fakes.py run SEED REUSE   # REUSE 1 or 0; prints one RESULT line
    python benchmarks/reuse_fakes.py table FILE        # the table of a file of RESULT lines

(`train_s` includes the eager EMA updates after every batch, so it is not a
speed measure: `benchmarks/throughput.py` measures speed.)
"""

import ast
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.engine.generator_ema import GeneratorEMA  # noqa: E402
from keras_gans.metrics.evaluator import Evaluator  # noqa: E402
from keras_gans.presets import build_model  # noqa: E402

EPOCHS = 5
DECAYS = (0.99, 0.999)
METRICS = [
    "fid_fashion_classifier_10k",
    "precision_fashion_classifier_10k",
    "recall_fashion_classifier_10k",
]


class UpdateAverages(keras.callbacks.Callback):
    def __init__(self, averages):
        super().__init__()
        self.averages = averages

    def on_train_batch_end(self, batch, logs=None):
        for average in self.averages.values():
            average.update(self.model.generator)


class Sampler:
    """A bare generator, as the evaluator samples it."""

    def __init__(self, generator, latent_dim):
        self.generator, self.latent_dim = generator, latent_dim

    def generate_from_latent(self, z, labels=None, batch_size=500):
        return np.concatenate(
            [
                np.array(self.generator(z[i : i + batch_size], training=False))
                for i in range(0, len(z), batch_size)
            ]
        )


def run(seed, reuse):
    keras.utils.set_random_seed(seed)
    data = kg.data.load("fashion_mnist", batch_size=128, seed=seed)
    model = build_model("dcgan", (28, 28, 1), seed=seed)
    model.compile(reuse_fakes=reuse)
    averages = {f"ema{d}": GeneratorEMA(model.generator, d) for d in DECAYS}
    start = time.time()
    model.fit(data, epochs=EPOCHS, verbose=0, callbacks=[UpdateAverages(averages)])
    row = {"seed": seed, "reuse_fakes": reuse, "epochs": EPOCHS}
    row["train_s"] = round(time.time() - start)
    evaluator = Evaluator(METRICS)
    row["trained"] = evaluator.evaluate(Sampler(model.generator, model.latent_dim))
    for name, average in averages.items():
        row[name] = evaluator.evaluate(Sampler(average.generator, model.latent_dim))
    print("RESULT", row, flush=True)


def table(path):
    rows = [
        ast.literal_eval(line[len("RESULT ") :]) for line in open(path) if line.startswith("RESULT")
    ]
    print(f"{'reuse_fakes':<12}{'generator':<11}{'seeds':<7}{'FID mean +- std':>17}  "
          f"{'per seed':<22}{'precision':>10}{'recall':>8}")  # fmt: skip
    for reuse in (True, False):
        chosen = sorted((r for r in rows if r["reuse_fakes"] == reuse), key=lambda r: r["seed"])
        for name in ("trained", *(f"ema{d}" for d in DECAYS)):
            fid = [r[name][METRICS[0]] for r in chosen]
            precision = statistics.mean(r[name][METRICS[1]] for r in chosen)
            recall = statistics.mean(r[name][METRICS[2]] for r in chosen)
            seeds = ",".join(str(r["seed"]) for r in chosen)
            print(
                f"{str(reuse):<12}{name:<11}{seeds:<7}"
                f"{statistics.mean(fid):>9.1f} +- {statistics.pstdev(fid):<4.1f}  "
                f"{' / '.join(f'{f:.1f}' for f in fid):<22}{precision:>10.3f}{recall:>8.3f}"
            )


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(int(sys.argv[2]), bool(int(sys.argv[3])))
    else:
        table(sys.argv[2])
