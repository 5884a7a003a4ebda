"""Little data: the unaugmented discriminator overfits, and augmentation cures it.

Protocol (after Zhao et al. 2020 and Karras et al. 2020, at CPU scale): the
`dcgan` preset's generator against a DCGAN discriminator of `--d-filters`
channels (32: the preset's own) trains on a fixed random subset of
`--num-images` Fashion-MNIST training images (the same subset for every run),
`--batch-size` images per step, for `--steps` steps in every configuration:

- `none`: no augmentation;
- `translation,cutout` and `translation,cutout,color`: DiffAugment;
- `ada`: `kg.augment.ADA(target=0.6)`, p moving by at most 1 per
  `--ada-images` real images (`kg.train`'s choice for a small dataset).

Every run keeps an EMA generator (`ema_decay`), so every checkpoint is
scored twice from one run: the trained generator and its moving average.
Every `--score-every` steps: FID in the shipped classifier's features
(`--fid-images` generated images against the whole 10,000-image test split),
and D's mean output (inference mode, no augmentation) on the training subset
(`d_real train`) and on `--held-out` test images (`val_d_real`, from
`fit(validation_data=...)`): `d_real train` above `d_real test` is the
memorising that augmentation is meant to prevent. ADA's p and r_t are
recorded every 50 steps. Runs go seed by seed (seeds 0..`--seeds`-1); tables
give mean +- std over seeds, and each configuration's FID at the training
time `none` took (augmentation makes a step dearer).

The defaults are the regime found by measurement (docs/benchmarks.md,
"Little data"): with 300 or 1,000 images the unaugmented FID was still
falling at 3,000-4,000 steps, where augmentation only slowed the generator
down; with 100 images D memorises them within 1,500 steps and the
unaugmented FID stalls. 6,000 steps is what 3 seeds of 4 configurations
allow in about an hour on 2 cores; the preset's narrower D halves the step's
cost against 64 filters.

    python benchmarks/data_efficiency.py [--seeds 3] [--num-images 100] [--steps 6000]
        [--score-every 1500] [--batch-size 64] [--d-filters 32]
        [--configs "none;translation,cutout;ada"] [--json out.json] [--plot out.png]

`--configs` separates configurations with `;` (`none;translation,cutout;ada`).
`--json` writes every number (checkpoints, ADA trajectories) and `--plot`
draws them (`python benchmarks/data_efficiency.py --replot out.json --plot
out.png` redraws a saved run).
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from reuse_fakes import Sampler  # noqa: E402  (the trained G; the evaluator samples the EMA)

import keras_gans as kg  # noqa: E402
from keras_gans.data.builtin_datasets import load_builtin_arrays  # noqa: E402
from keras_gans.data.scaling import scale_images  # noqa: E402
from keras_gans.metrics.evaluator import Evaluator  # noqa: E402
from keras_gans.presets import build_model  # noqa: E402

CONFIGS = ("none", "translation,cutout", "translation,cutout,color", "ada")


def subset(num_images, seed=0):
    """A fixed random subset of `num_images` training images, in [-1, 1]."""
    images, _ = load_builtin_arrays("fashion_mnist", "train")
    chosen = np.random.default_rng(seed).choice(len(images), num_images, replace=False)
    return scale_images(images[np.sort(chosen)])


def benchmark_data(args):
    """`(training images, held-out test images)` of the benchmark, in [-1, 1]."""
    test_images = load_builtin_arrays("fashion_mnist", "test")[0][: args.held_out]
    return subset(args.num_images), scale_images(test_images)


def augmentation(config, ada_images):
    if config == "none":
        return None
    if config == "ada":
        return kg.augment.ADA(target=0.6, adjustment_images=ada_images)
    return config


class Trajectory(keras.callbacks.Callback):
    """Records ADA's `ada_p` and `ada_rt` every `every` steps, as `fit` logs them.

    Like every value `fit` logs, they are means since the start of the epoch:
    each `fit` of `--score-every` steps starts a new mean at the current p.
    """

    def __init__(self, every=50):
        super().__init__()
        self.every, self.step, self.rows = every, 0, []

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step % self.every == 0 and logs and "ada_p" in logs:
            self.rows.append((self.step, float(logs["ada_p"]), float(logs["ada_rt"])))


def run(config, images, held_out, seed, args):
    """Trains one configuration; yields a dict of numbers every `--score-every` steps."""
    keras.utils.set_random_seed(seed)
    model = build_model("dcgan", images.shape[1:], seed=seed, ema_decay=args.ema_decay)
    model = kg.GAN(
        model.generator,
        kg.networks.dcgan_discriminator(tuple(images.shape[1:]), filters=args.d_filters),
        latent_dim=model.latent_dim,
        seed=seed,
        ema_decay=args.ema_decay,
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        augment=augmentation(config, args.ada_images),
    )
    data = (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(len(images), seed=seed)
        .repeat()
        .batch(args.batch_size, drop_remainder=True)
        .prefetch(2)
    )
    validation = tf.data.Dataset.from_tensor_slices(held_out).batch(500)
    trajectory = Trajectory()
    seconds = 0.0
    for step in range(args.score_every, args.steps + 1, args.score_every):
        start = time.perf_counter()
        logs = model.fit(
            data,
            epochs=1,
            steps_per_epoch=args.score_every,
            validation_data=validation,
            callbacks=[trajectory],
            verbose=0,
        ).history
        seconds += time.perf_counter() - start
        train = model.evaluate(images, batch_size=500, verbose=0, return_dict=True)
        yield {
            "step": step,
            "seconds": seconds,
            "fid": args.evaluator.evaluate(Sampler(model.generator, model.latent_dim))[args.fid],
            "ema_fid": args.evaluator.evaluate(model)[args.fid],
            "d_real_train": train["d_real"],
            "d_real_test": logs["val_d_real"][-1],
            "ada_p": logs["ada_p"][-1] if "ada_p" in logs else None,
            "ada_rt": logs["ada_rt"][-1] if "ada_rt" in logs else None,
            "trajectory": list(trajectory.rows),
        }


def mean_std(values):
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.1f} +- {values.std():.1f}"


def print_tables(results, seeds):
    """FID curves (mean +- std over seeds), d_real curves and the gain over `none`."""
    steps = [row["step"] for row in next(iter(results.values()))[0]]
    header = " | ".join(f"{s:,}" for s in steps)
    print(f"\n| configuration | generator | FID at step {header} |")
    print("|---|---|" + "---|" * len(steps))
    curves = {}
    for config, runs in results.items():
        for key, label in (("fid", "trained"), ("ema_fid", "EMA")):
            per_step = np.array([[row[key] for row in rows] for rows in runs])
            curves[(config, label)] = per_step
            cells = " | ".join(mean_std(per_step[:, i]) for i in range(len(steps)))
            print(f"| {config} | {label} | {cells} |")
    print(f"\n| configuration | d_real train / test (gap) at step {header} |")
    print("|---|" + "---|" * len(steps))
    for config, runs in results.items():
        cells = []
        for i in range(len(steps)):
            train = np.mean([rows[i]["d_real_train"] for rows in runs])
            test = np.mean([rows[i]["d_real_test"] for rows in runs])
            cells.append(f"{train:.2f} / {test:.2f} ({train - test:+.2f})")
        print(f"| {config} | {' | '.join(cells)} |")
    if "none" not in results:
        return
    print(f"\nGain over `none` (trained generator), same step, {seeds} seed(s):")
    base = curves[("none", "trained")]
    for (config, label), per_step in curves.items():
        if config == "none" and label == "trained":
            continue
        gain = 1 - per_step.mean(axis=0) / base.mean(axis=0)
        cells = ", ".join(f"{s}: {g:+.0%}" for s, g in zip(steps, gain, strict=True))
        print(f"  {config} ({label}): {cells}")
    print_equal_time(results)


def print_equal_time(results):
    """Each configuration's FID at the training time `none` took, seed by seed.

    Augmentation makes a step dearer, so equal steps are not equal time. The FID
    at `none`'s final time is interpolated linearly in time between checkpoints
    (before the first checkpoint, or past the last, it is not measured: None).
    """
    budgets = [rows[-1]["seconds"] for rows in results["none"]]
    print("\nAt equal training time (none's, per seed), FID interpolated in time:")
    base = np.array([rows[-1]["fid"] for rows in results["none"]])
    for config, runs in results.items():
        fids = []
        for rows, budget in zip(runs, budgets, strict=True):
            seconds = [row["seconds"] for row in rows]
            inside = seconds[0] <= budget <= seconds[-1]
            fids.append(np.interp(budget, seconds, [r["fid"] for r in rows]) if inside else None)
        if None in fids:
            print(f"  {config}: not measured (none's time is outside its checkpoints' on a seed)")
            continue
        gain = 1 - np.mean(fids) / base.mean()
        cells = ", ".join(f"{f:.1f}" for f in fids)
        print(f"  {config}: {mean_std(fids)} ({cells}) at {np.mean(budgets):.0f} s, {gain:+.0%}")


def plot(results, path):
    """FID curves, the unaugmented D's train-test gap, and ADA's p and r_t, as a PNG."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(15, 4.2))
    fid_ax, gap_ax, ada_ax = fig.subplots(1, 3)
    for index, (config, runs) in enumerate(results.items()):
        color, steps = f"C{index}", [row["step"] for row in runs[0]]
        for key, style in (("fid", "-"), ("ema_fid", ":")):
            values = np.array([[row[key] for row in rows] for rows in runs])
            label = config + (" (EMA)" if key == "ema_fid" else "")
            fid_ax.plot(
                steps, values.mean(axis=0), style, color=color, marker="o", ms=3, label=label
            )
            if len(runs) > 1 and key == "fid":  # the spread over seeds
                fid_ax.fill_between(
                    steps, values.min(axis=0), values.max(axis=0), color=color, alpha=0.12
                )
        for split, style in (("train", "-"), ("test", "--")):
            values = np.array([[row[f"d_real_{split}"] for row in rows] for rows in runs])
            gap_ax.plot(steps, values.mean(axis=0), style, color=color, label=f"{config}: {split}")
    fid_ax.set(xlabel="step", ylabel="FID (test split, classifier)", title="FID")
    fid_ax.legend(fontsize=7)
    gap_ax.set(xlabel="step", ylabel="mean D(x)", title="D(real): training images vs held out")
    gap_ax.legend(fontsize=7)
    for seed, rows in enumerate(results.get("ada", [])):
        trajectory = np.array(rows[-1]["trajectory"]).reshape(-1, 3)
        ada_ax.plot(trajectory[:, 0], trajectory[:, 1], label=f"ada_p, seed {seed}")
        ada_ax.plot(trajectory[:, 0], trajectory[:, 2], ":", label=f"ada_rt, seed {seed}")
    ada_ax.axhline(0.6, color="grey", lw=0.8, ls="--", label="target r_t 0.6")
    # fit logs the mean of each value since the start of the epoch (one fit per checkpoint).
    title = "ADA: p rises as D overfits\n(as logged: means since the last checkpoint)"
    ada_ax.set(xlabel="step", title=title, ylim=(-0.05, 1.05))
    ada_ax.legend(fontsize=7)
    for ax in (fid_ax, gap_ax, ada_ax):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def parse_arguments(argv=None):
    """The benchmark's settings (`argv=[]`: the defaults, as the slow test uses them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--num-images", type=int, default=100)
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--score-every", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--d-filters", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=2e-4, help="Adam's, both players")
    parser.add_argument("--ema-decay", type=float, default=0.999)
    parser.add_argument("--ada-images", type=int, default=100_000)
    parser.add_argument("--held-out", type=int, default=2000, help="test images for val_d_real")
    parser.add_argument("--fid-images", type=int, default=5000, help="generated images per FID")
    parser.add_argument("--configs", default=";".join(CONFIGS))
    parser.add_argument("--json", default=None)
    parser.add_argument("--plot", default=None)
    parser.add_argument("--replot", default=None, help="a --json file to plot and tabulate")
    args = parser.parse_args(argv)
    args.fid = f"fid_fashion_classifier_{args.fid_images // 1000}k"
    args.evaluator = None if args.replot else Evaluator([args.fid], split="test")
    return args


def main():
    args = parse_arguments()
    if args.replot:
        with open(args.replot) as f:
            results = json.load(f)["results"]
        print_tables(results, len(next(iter(results.values()))))
        if args.plot:
            plot(results, args.plot)
        return
    images, held_out = benchmark_data(args)
    print(
        f"{len(images)} training images of Fashion-MNIST, {args.steps} steps of batch "
        f"{args.batch_size} ({args.steps * args.batch_size / len(images):.0f} passes), "
        f"D filters {args.d_filters}, Adam({args.learning_rate}, 0.5), ema_decay "
        f"{args.ema_decay}, ADA images {args.ada_images}, seeds 0..{args.seeds - 1}",
        flush=True,
    )
    configs = args.configs.split(";")
    results, start = {config: [] for config in configs}, time.perf_counter()
    for seed in range(args.seeds):  # seed by seed: every configuration's first seed comes first
        for config in configs:
            rows = []
            for row in run(config, images, held_out, seed, args):
                extra = f"  p {row['ada_p']:.3f} r_t {row['ada_rt']:.2f}" if row["ada_p"] else ""
                print(
                    f"{config:26s} seed {seed} step {row['step']:5d}: {row['seconds']:4.0f} s"
                    f"  FID {row['fid']:6.1f}  EMA {row['ema_fid']:6.1f}  d_real train "
                    f"{row['d_real_train']:.3f} test {row['d_real_test']:.3f}{extra}",
                    flush=True,
                )
                rows.append(row)
            results[config].append(rows)
    print(f"\nTotal: {time.perf_counter() - start:.0f} s")
    print_tables(results, args.seeds)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"arguments": {**vars(args), "evaluator": None}, "results": results}, f)
    if args.plot:
        plot(results, args.plot)


if __name__ == "__main__":
    main()
