"""FID with little data: no augmentation, DiffAugment and ADA; with and without EMA.

Protocol (after Zhao et al. 2020 and Karras et al. 2020, at CPU scale): the
`dcgan` preset trains on a fixed random 10% of the Fashion-MNIST training split
(6,000 images, the same subset for every run) for the same number of steps in
every configuration, batch 64. Every run keeps an EMA generator
(`ema_decay`), so the same checkpoint is scored twice: from the trained
generator and from its moving average. Scores are `fid_fashion_classifier_10k`
(10,000 generated images against the statistics of the whole training split,
in the shipped classifier's features), with precision and recall on the same
10,000 (`precision_fashion_classifier_10k`, `recall_fashion_classifier_10k`).
Each configuration runs on `--seeds` seeds; tables give mean +- std over seeds.

    python benchmarks/data_efficiency.py [--seeds 3] [--steps 3000]
        [--configs none,diffaugment,ada] [--fraction 0.1] [--score-every 2000]
        [--d-filters 64]

`--score-every` also scores the runs along the way (one line per checkpoint);
the table gives the scores at the end. Each checkpoint also prints D's mean
output on the training subset and on the 10,000 held-out test images
(`GAN.evaluate`, inference mode, no augmentation): `d_real train` well above
`d_real test` is the overfitting that augmentation is meant to cure.
`--d-filters` widens D (the `dcgan` preset's is 32: 32 and 64 channels).
"""

import argparse
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

BATCH_SIZE = 64
METRICS = [
    "fid_fashion_classifier_10k",
    "precision_fashion_classifier_10k",
    "recall_fashion_classifier_10k",
]
CONFIGS = {
    "none": None,
    "diffaugment": "translation,cutout,color",
    # p may move by 1 in 100k images: the paper's 500k is for runs of millions.
    "ada": lambda: kg.augment.ADA(target=0.6, adjustment_images=100_000),
}


def subset(fraction, seed=0):
    """A fixed random `fraction` of the training images, in [-1, 1]."""
    images, _ = load_builtin_arrays("fashion_mnist", "train")
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(images), int(round(fraction * len(images))), replace=False)
    return scale_images(images[np.sort(chosen)])


def run(config, images, seed, steps, ema_decay, score_every, d_filters=None):
    """Trains one configuration; yields `(step, model, history, seconds)` every `score_every`."""
    keras.utils.set_random_seed(seed)
    augment = CONFIGS[config]
    model = build_model("dcgan", images.shape[1:], seed=seed, ema_decay=ema_decay)
    if d_filters is not None:  # the preset's generator, another discriminator width
        model = kg.GAN(
            model.generator,
            kg.networks.dcgan_discriminator(tuple(images.shape[1:]), filters=d_filters),
            latent_dim=model.latent_dim,
            seed=seed,
            ema_decay=ema_decay,
        )
    model.compile(augment=augment() if callable(augment) else augment)
    data = (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(len(images), seed=seed)
        .repeat()
        .batch(BATCH_SIZE, drop_remainder=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    seconds = 0.0
    for step in range(score_every, steps + 1, score_every):
        start = time.perf_counter()
        history = model.fit(data, epochs=1, steps_per_epoch=score_every, verbose=0).history
        seconds += time.perf_counter() - start
        yield step, model, history, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--fraction", type=float, default=0.1)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--ema-decay", type=float, default=0.999)
    parser.add_argument(
        "--score-every", type=int, default=None, help="steps between scores (default: --steps)"
    )
    parser.add_argument("--d-filters", type=int, default=None, help="default: the preset's")
    args = parser.parse_args()
    images = subset(args.fraction)
    held_out = scale_images(load_builtin_arrays("fashion_mnist", "test")[0])
    evaluator = Evaluator(METRICS)
    print(
        f"{len(images)} training images ({args.fraction:.0%} of Fashion-MNIST), "
        f"{args.steps} steps of batch {BATCH_SIZE}, ema_decay {args.ema_decay}, "
        f"D filters {args.d_filters or 'of the preset'}, "
        f"seeds 0..{args.seeds - 1}",
        flush=True,
    )
    score_every = args.score_every or args.steps
    rows = {}
    for config in args.configs.split(","):
        for seed in range(args.seeds):
            checkpoints = run(
                config, images, seed, args.steps, args.ema_decay, score_every, args.d_filters
            )
            for step, model, history, seconds in checkpoints:
                d_real = {
                    split: model.evaluate(x, batch_size=500, verbose=0, return_dict=True)["d_real"]
                    for split, x in (("train", images), ("test", held_out))
                }
                scores = {
                    "trained": evaluator.evaluate(Sampler(model.generator, model.latent_dim)),
                    "ema": evaluator.evaluate(model),
                }
                extra = f" p={history['ada_p'][-1]:.3f}" if "ada_p" in history else ""
                fid = {which: values[METRICS[0]] for which, values in scores.items()}
                print(
                    f"{config:12s} seed {seed} step {step}: {seconds:5.0f} s"
                    f"  FID {fid['trained']:.1f}  EMA FID {fid['ema']:.1f}"
                    f"  d_real train {d_real['train']:.3f} test {d_real['test']:.3f}{extra}",
                    flush=True,
                )
            rows.setdefault(config, []).append((scores, seconds))
    print()
    print("| augmentation | generator | FID | precision | recall | s per run |")
    print("|---|---|---|---|---|---|")
    for config, runs in rows.items():
        for which in ("trained", "ema"):
            cells = []
            for metric in METRICS:
                values = np.array([scores[which][metric] for scores, _ in runs])
                digits = 1 if metric.startswith("fid") else 3
                cells.append(f"{values.mean():.{digits}f} +- {values.std():.{digits}f}")
            seconds = np.mean([s for _, s in runs])
            label = "EMA" if which == "ema" else "trained"
            print(f"| {config} | {label} | {' | '.join(cells)} | {seconds:.0f} |")


if __name__ == "__main__":
    main()
