"""Presets at an equal time budget on Colored Fashion-MNIST: FID, D's lead, diversity, warnings.

Protocol: each preset trains as `kg.train` would train it (its networks,
batch size, loss, optimizers, critic steps, tricks and EMA) on the 60,000
training images of `colored_fashion_mnist` at `--size`, until `--seconds` of
training time have passed (checked after every step; the first step, which
traces the step function, is not counted). An "epoch" is
`--epoch-images` real images (so a `kg.callbacks.TrainingMonitor`, on as in
`kg.train`, checks every so many images whatever the batch size). At each
fraction of `--marks` of the budget the model is scored with
`fid_colored_fashion_classifier_<--num-images>` (the shipped classifier;
64x64 images are resized to its 32x32) on its sampling generator (the EMA for
`stylegan2`); scoring time is not counted. Runs go one after another in one
process, presets alternating seed by seed, so that the machine's drift hits
all alike.

Reported per run: G updates, real images seen, FID at each mark, over the
last epoch `d_real - d_fake` (losses that log probabilities) or
`real_score - fake_score` (hinge), the lowest and last `diversity`, and the
monitor's warnings.

    python benchmarks/architectures.py --size 32 --presets dcgan,resnet_sngan \\
        --seconds 300 --seeds 0,1,2 [--marks 1] [--num-images 10000]

A contender may add compile options to its preset after `+`
(`--presets dcgan,dcgan+label_smoothing=0.1`, `resnet_sngan+critic_steps=1+batch_size=64`;
see `variant`).
"""

import argparse
import json
import os
import statistics
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.metrics.evaluator import Evaluator  # noqa: E402
from keras_gans.presets import PRESETS, build_model  # noqa: E402
from keras_gans.tricks.trick import check_count  # noqa: E402

COLORED = "colored_fashion_mnist"


class Budget(keras.callbacks.Callback):
    """Stops after `seconds` of training; scores the model at the `marks` (fractions)."""

    def __init__(self, seconds, marks, score):
        super().__init__()
        self.seconds, self.marks, self.score = seconds, sorted(marks), score
        self.steps, self.scores, self.paused = 0, [], 0.0

    def elapsed(self):
        return time.perf_counter() - self.start - self.paused

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.steps == 1:  # the clock starts after the first step (tracing)
            self.start = time.perf_counter()
            return
        while self.marks and self.elapsed() >= self.marks[0] * self.seconds:
            paused = time.perf_counter()
            self.scores.append((self.marks.pop(0), self.steps, self.score(self.model)))
            self.paused += time.perf_counter() - paused
        if not self.marks:
            self.model.stop_training = True


def variant(name):
    """`(preset, compile kwargs, build_model kwargs, recipe)` of a contender: a preset, or
    one with options after `+`: `dcgan+label_smoothing=0.1+instance_noise=0.1`. `d_lr=X`
    gives D `Adam(X, beta_1=0.5)`; `batch_size=N` and `critic_steps=N` replace the
    preset's (`recipe`: the batch size and the model's `critic_steps`);
    `ema_decay=X` goes to `build_model`; `g_<argument>=X`
    and `d_<argument>=X` build the preset's generator or discriminator with
    `<argument>=X` (`g_filters=256`, `g_upsampling="nearest"`, `d_normalization="layer"`:
    `build_model`'s `generator_options` and `discriminator_options`); the rest go to
    `compile`. Values are JSON."""
    preset, *options = name.split("+")
    kwargs, model_kwargs = dict(PRESETS[preset].compile_kwargs), {}
    recipe = {"batch_size": PRESETS[preset].batch_size}
    recipe["critic_steps"] = PRESETS[preset].model_kwargs.get("critic_steps", 1)
    for option in options:
        key, value = option.split("=")
        if key in recipe:
            recipe[key] = check_count(json.loads(value), key)
        elif key == "d_lr":
            kwargs["d_optimizer"] = keras.optimizers.Adam(float(value), beta_1=0.5)
        elif key == "ema_decay":
            model_kwargs[key] = float(value)
        elif key[:2] in ("g_", "d_"):
            networks = "generator_options" if key[0] == "g" else "discriminator_options"
            model_kwargs.setdefault(networks, {})[key[2:]] = json.loads(value)
        else:
            kwargs[key] = json.loads(value)
    return preset, kwargs, model_kwargs, recipe


def run(name, size, seed, seconds, marks, metric, epoch_images):
    keras.utils.set_random_seed(seed)
    preset, compile_kwargs, model_kwargs, recipe = variant(name)
    batch_size = recipe["batch_size"]
    data = kg.data.load("colored_fashion_mnist", image_size=size, batch_size=batch_size, seed=seed)
    model = build_model(preset, (size, size, 3), seed=seed, **model_kwargs)
    model.critic_steps = recipe["critic_steps"]
    model.compile(**compile_kwargs)
    budget = Budget(
        seconds, marks, lambda m: Evaluator([metric], dataset=COLORED).evaluate(m)[metric]
    )
    monitor = kg.callbacks.TrainingMonitor()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(
            data,
            epochs=10**6,
            steps_per_epoch=max(1, epoch_images // batch_size),
            verbose=0,
            callbacks=[budget, monitor],
        ).history
    probabilities = "d_real" in history
    high, low = ("d_real", "d_fake") if probabilities else ("real_score", "fake_score")
    return {
        "preset": name,
        "size": size,
        "seed": seed,
        "steps": budget.steps,
        "images": budget.steps * batch_size,
        "fid": [[mark, steps, round(score, 2)] for mark, steps, score in budget.scores],
        "gap_name": f"{high} - {low}",
        "last_epoch_gap": round(history[high][-1] - history[low][-1], 3),
        "diversity_min": round(min(history["diversity"]), 3),
        "diversity_last": round(history["diversity"][-1], 3),
        "finite": all(all(map(_finite, values)) for values in history.values()),
        "warnings": [failure.message for failure in monitor.warnings],
    }


def _finite(value):
    return value == value and abs(value) != float("inf")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--presets", default="dcgan,resnet_sngan")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--marks", default="1", help="fractions of the budget to score at")
    parser.add_argument("--num-images", default="10k", help="FID images: 10k, 5k, ...")
    parser.add_argument("--epoch-images", type=int, default=3200)
    args = parser.parse_args()
    metric = f"fid_colored_fashion_classifier_{args.num_images}"
    marks = [float(m) for m in args.marks.split(",")]
    presets = args.presets.split(",")
    results = {preset: [] for preset in presets}
    for seed in (int(s) for s in args.seeds.split(",")):
        for preset in presets:
            result = run(preset, args.size, seed, args.seconds, marks, metric, args.epoch_images)
            results[preset].append(result)
            print(json.dumps(result), flush=True)
    print(f"\n{metric} after {args.seconds:.0f} s of training at {args.size}x{args.size}")
    print(f"{'preset':34s}{'FID mean +- std':>18s}  {'per seed':24s}{'G steps':>16s}  gap (max)")
    for preset, rows in results.items():
        fid = [row["fid"][-1][2] for row in rows]
        steps = [row["steps"] for row in rows]
        gaps = max(row["last_epoch_gap"] for row in rows)
        print(
            f"{preset:34s}{statistics.mean(fid):>10.1f} +- {statistics.pstdev(fid):<5.1f} "
            f"{' / '.join(f'{f:.1f}' for f in fid):24s}{min(steps):>8d}-{max(steps):<7d}"
            f"  {gaps:.3f} ({rows[0]['gap_name']})"
        )


if __name__ == "__main__":
    main()
