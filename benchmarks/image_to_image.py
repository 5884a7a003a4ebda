"""Image-to-image translation on Fashion-MNIST: 4x super-resolution, inpainting, unpaired strokes.

Three tasks, each scored on the 10,000 test images (never seen in training):

1. **4x super-resolution** (`kg.data.paired_task(..., "super_resolution")`: the
   7x7 area-averaged image, upsampled back to 28x28 by bicubic interpolation, is
   the source). `kg.Pix2Pix` (U-Net + PatchGAN) against the same U-Net trained
   on the L1 loss alone (same optimizer, batches and steps) and against the
   bicubic source itself.
2. **Inpainting** of the centre 14x14 box (filled with 0, mid-grey):
   `kg.Pix2Pix`, with the L1-only U-Net and the holed source for reference.
3. **Unpaired bold strokes**: `kg.CycleGAN` (U-Net translators; `--translator resnet`
   for the paper's ResNet ones) between A = garments and B = garments
   with bold strokes (a 3x3 grey dilation: max-pool 3x3, stride 1), A and B
   taken from disjoint halves of the training split (a seeded permutation), so
   that no pair exists.

Scores:

- `FID test`: the Fréchet distance between the shipped Fashion-MNIST classifier's
  features of the 10,000 outputs and of the 10,000 real test images (the
  targets' distribution: `fid_fashion_classifier` with the test split as
  reference); `FID train`: the same against the 60,000 training images, a
  reference the outputs were not made from (real test images score 0.31).
- PSNR and SSIM against the targets (`tf.image.psnr`, `tf.image.ssim`, images
  in [-1, 1], so `max_val=2`; SSIM with its 11x11 Gaussian window).
- `accuracy`: the shipped classifier's accuracy on the outputs against the
  test labels (real test images: 0.914).
- CycleGAN: the shipped classifier's accuracy on the a->b translations of the
  test images and its agreement with its own class for the source image
  ("keeps the class"); the share of a->b outputs that a domain classifier
  (`kg.metrics.dataset_classifier` with 2 classes, trained here on the
  training split's A half against its dilated B half) calls B; the cycle L1
  `mean |G_ba(G_ab(a)) - a|` in [-1, 1] units (and b->a->b); the L1 distance of
  G_ab(a) to the true dilation of a. The exact dilation is scored too: what a
  perfect translator gets.

Each run trains for a fixed number of steps (wall time printed); seeds set the
initial weights, the data order and the models' noise.

    python benchmarks/image_to_image.py [--tasks super_resolution,inpainting,cyclegan]
        [--seeds 0,1,2] [--steps N] [--eval-every N] [--l1-weight W] ...
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from image_to_image_scoring import (  # noqa: E402
    IMAGE_SHAPE,
    Checkpoints,
    Scorer,
    dilate,
    fashion,
    format_scores,
    header,
)

import keras_gans as kg  # noqa: E402

TASKS = ("super_resolution", "inpainting", "cyclegan")
# Settings per task, chosen by the pilots (seed 0) in benchmarks/results/image_to_image_pilots.txt:
# super-resolution 6000 steps (FID still falling at 3000: 24.9 -> 19.1); inpainting 2000 steps
# (accuracy 0.863 at 2000, 0.872 at 3000: the 0.85 target is met at 2000 and it saves 3 x 80 s);
# CycleGAN: U-Net translators (the reference code's `--netG unet_128` option: its skips carry the
# detail that the cycle must restore; ResNet translators ended at cycle L1 0.119 and keeps class
# 0.846 after 4800 steps of batch 8, 440 s), at a quarter of the step's cost, so 16000 steps of
# batch 8; identity weight 0.1 (at the paper's 0.5 the U-Net keeps dilation out of its outputs:
# called B 0.84 after 16000 steps, seed 0; at 0 its outputs move toward the exact dilation, which
# keeps the class of only 0.75: 0.827 after 8000 steps). num_blocks and translator_downsamples
# apply to `--translator resnet` only; stop 40's ResNet run was `--translator resnet --filters 16
# --identity-weight 0.5 --steps 4800`.
SETTINGS = {
    "super_resolution": dict(steps=6000, batch_size=32, filters=32, d_filters=32,
                             patch_downsamples=1, l1_weight=100.0, pad=0, depth=2),
    "inpainting": dict(steps=2000, batch_size=32, filters=32, d_filters=32,
                       patch_downsamples=1, l1_weight=100.0, pad=0, depth=3),
    "cyclegan": dict(translator="unet", steps=16000, batch_size=8, filters=32, d_filters=32,
                     num_blocks=3, translator_downsamples=2, patch_downsamples=1,
                     identity_weight=0.1, decay_steps=0, ema_decay=0.0),
}  # fmt: skip


# === Paired tasks ===


def paired_data(task, split, batch_size, seed, shuffle=True):
    images = kg.data.load("fashion_mnist", split=split, batch_size=batch_size, seed=seed,
                          shuffle=shuffle, drop_remainder=shuffle)  # fmt: skip
    return kg.data.paired_task(images, task)


def unet(settings):
    """`kg.networks.unet_generator`; with `pad` > 0, on the image framed by `pad` pixels of -1.

    28 halves exactly only twice (28 -> 14 -> 7), so the plain U-Net's output
    pixels see about 16x16 of the source: too little to fill a 14x14 hole from
    its surroundings. Framed to 32x32 (the background's value, -1), the U-Net
    can have `depth` stride-2 stages (32 -> 4 with 3); the frame is cut off its
    output.
    """
    if not settings.get("pad"):
        return kg.networks.unet_generator(IMAGE_SHAPE, filters=settings["filters"])
    pad, (height, width, channels) = settings["pad"], IMAGE_SHAPE
    inner = kg.networks.unet_generator(
        (height + 2 * pad, width + 2 * pad, channels),
        filters=settings["filters"],
        num_downsamples=settings["depth"],
        name="unet",
    )
    source = keras.Input(IMAGE_SHAPE, name="source")
    x = keras.layers.Rescaling(1.0, offset=1.0)(source)  # background -1 -> 0
    x = keras.layers.ZeroPadding2D(pad)(x)
    x = keras.layers.Rescaling(1.0, offset=-1.0)(x)  # so the frame is -1
    images = keras.layers.Cropping2D(pad, dtype="float32")(inner(x))
    return keras.Model(source, images, name="generator")


def train_paired(task, contender, settings, seed, sources, score, eval_every):
    keras.utils.set_random_seed(seed)
    generator = unet(settings)
    if contender == "pix2pix":
        discriminator = kg.networks.patch_discriminator(
            IMAGE_SHAPE, source_shape=IMAGE_SHAPE, filters=settings["d_filters"],
            num_downsamples=settings["patch_downsamples"],
        )  # fmt: skip
        model = kg.Pix2Pix(generator, discriminator, l1_weight=settings["l1_weight"], seed=seed)
        model.compile()

        def translate(images):
            return model.translate(images, batch_size=500)
    else:  # the same U-Net on L1 alone, with Pix2Pix's generator optimizer
        model = generator
        model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mean_absolute_error")

        def translate(images):
            return model.predict(images, batch_size=500, verbose=0)

    data = paired_data(task, "train", settings["batch_size"], seed).repeat()
    clock = Checkpoints(eval_every, lambda m: score(translate(sources)), f"{contender} seed {seed}")
    model.fit(data, steps_per_epoch=settings["steps"], epochs=1, verbose=0, callbacks=[clock])
    return score(translate(sources)), clock.training_seconds


def run_paired(task, args, scorer):
    settings = task_settings(task, args)
    print(f"\n## {task}: {settings}", flush=True)
    sources = np.concatenate([s for s, _ in paired_data(task, "test", 1000, None, False)])
    results = {"source": [scorer(sources)]}
    print(f"# source ({'bicubic' if task == 'super_resolution' else 'holed'}): "
          + format_scores(results["source"][0]), flush=True)  # fmt: skip
    for seed in args.seeds:
        for contender in args.contenders.split(","):
            scores, seconds = train_paired(
                task, contender, settings, seed, sources, scorer, args.eval_every
            )
            scores["train s"] = seconds
            results.setdefault(contender, []).append(scores)
            print(f"# {contender} seed {seed}: {format_scores(scores)}", flush=True)
    return results


# === Unpaired task ===


def unpaired_halves(seed):
    """A: half of the training images; B: the other half, dilated (a seeded split)."""
    train, labels = fashion("train")
    order = np.random.default_rng(seed).permutation(len(train))
    half = len(train) // 2
    return train[order[:half]], dilate(train[order[half:]]), labels[order[:half]]


def domain_classifier(seed=0, epochs=1):
    """A 2-class `dataset_classifier`: 0 for A (garments), 1 for B (dilated garments)."""
    keras.utils.set_random_seed(seed)
    a, b, _ = unpaired_halves(seed)
    images = np.concatenate([a, b])
    domains = np.concatenate([np.zeros(len(a)), np.ones(len(b))]).astype("int32")
    classifier = kg.metrics.dataset_classifier(IMAGE_SHAPE, 2, name="domain_classifier")
    classifier.compile(keras.optimizers.Adam(1e-3),
                       keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                       metrics=["accuracy"])  # fmt: skip
    classifier.fit(images, domains, batch_size=128, epochs=epochs, shuffle=True, verbose=0)
    return classifier


def called_b(domain, images):
    return float(np.mean(domain.predict(images, batch_size=1000, verbose=0).argmax(-1) == 1))


def score_translator(translate_ab, translate_ba, scorer, domain, test_b):
    a, labels = scorer.test, scorer.labels
    fake_b = translate_ab(a)
    source_classes = scorer.classify(a)
    classes = scorer.classify(fake_b)
    return {
        "accuracy": float(np.mean(classes == labels)),
        "keeps class": float(np.mean(classes == source_classes)),
        "called B": called_b(domain, fake_b),
        "cycle a": float(np.mean(np.abs(translate_ba(fake_b) - a))),
        "cycle b": float(np.mean(np.abs(translate_ab(translate_ba(test_b)) - test_b))),
        "L1 to dilation": float(np.mean(np.abs(fake_b - test_b))),
    }


def cyclegan(settings, seed):
    keras.utils.set_random_seed(seed)

    def translator(name):
        if settings["translator"] == "unet":
            return kg.networks.unet_generator(
                IMAGE_SHAPE,
                filters=settings["filters"],
                normalization="instance",
                dropout=0,
                name=name,
            )
        return kg.networks.resnet_translator(
            IMAGE_SHAPE, filters=settings["filters"], num_blocks=settings["num_blocks"],
            num_downsamples=settings["translator_downsamples"], name=name,
        )  # fmt: skip

    def discriminator(name):
        return kg.networks.patch_discriminator(
            IMAGE_SHAPE, filters=settings["d_filters"], normalization="instance",
            num_downsamples=settings["patch_downsamples"], name=name,
        )  # fmt: skip

    model = kg.CycleGAN(translator("generator_ab"), translator("generator_ba"),
                        discriminator("discriminator_a"), discriminator("discriminator_b"),
                        identity_weight=settings["identity_weight"], seed=seed,
                        ema_decay=settings["ema_decay"] or None)  # fmt: skip
    model.compile(**paper_optimizers(settings))
    return model


def paper_optimizers(settings):
    """Adam(2e-4, beta_1=0.5) per player; with `decay_steps`, the paper's schedule: constant,
    then linearly to 0 over the last `decay_steps` steps (`kg.schedules.LinearDecay`)."""
    decay = int(settings["decay_steps"])
    if not decay:
        return {}
    rate = kg.schedules.LinearDecay(2e-4, int(settings["steps"]) - decay, decay)
    return {f"{player}_optimizer": keras.optimizers.Adam(rate, beta_1=0.5) for player in ("d", "g")}


def unpaired_data(batch_size, seed):
    a, b, _ = unpaired_halves(seed)

    def side(images, s):
        return tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=s).repeat()

    data = tf.data.Dataset.zip(side(a, seed), side(b, seed + 1))
    return data.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def run_cyclegan(args, scorer):
    settings = task_settings("cyclegan", args)
    print(f"\n## cyclegan: {settings}", flush=True)
    test_b = dilate(scorer.test)
    start = time.perf_counter()
    domain = domain_classifier(epochs=args.domain_epochs)
    seconds = time.perf_counter() - start
    is_b = domain.predict(np.concatenate([scorer.test, test_b]), batch_size=1000, verbose=0)
    truth = np.repeat([0, 1], len(test_b))
    print(
        f"# domain classifier: {args.domain_epochs} epoch(s), training split's A and B halves "
        f"({seconds:.0f} s); test accuracy A vs B {np.mean(is_b.argmax(-1) == truth):.4f}"
    )
    identity = score_translator(dilate, lambda x: x, scorer, domain, test_b)
    results = {"exact dilation (B test)": [identity]}
    print("# exact dilation of the test images: " + format_scores(identity), flush=True)
    for seed in args.seeds:
        model = cyclegan(settings, seed)

        def score(m):
            return score_translator(lambda x: m.translate(x, "a_to_b", batch_size=500),
                                    lambda x: m.translate(x, "b_to_a", batch_size=500),
                                    scorer, domain, test_b)  # fmt: skip

        clock = Checkpoints(args.eval_every, score, f"CycleGAN seed {seed}")
        data = unpaired_data(settings["batch_size"], seed)
        model.fit(data, steps_per_epoch=settings["steps"], epochs=1, verbose=0, callbacks=[clock])
        scores = {**score(model), "train s": clock.training_seconds}
        results.setdefault("CycleGAN", []).append(scores)
        print(f"# CycleGAN seed {seed}: {format_scores(scores)}", flush=True)
    return results


# === Tables ===


def table(title, results):
    columns = list(next(iter(results.values()))[0])
    print(f"\n{title}: mean +- std over seeds, then per seed")
    print(f"{'contender':<26}" + "".join(f"{c:>22}" for c in columns))
    for name, runs in results.items():
        cells = []
        for column in columns:
            values = [run[column] for run in runs]
            spread = f" +- {statistics.stdev(values):.3g}" if len(values) > 1 else ""
            cells.append(f"{statistics.mean(values):.4g}{spread}")
        print(f"{name:<26}" + "".join(f"{c:>22}" for c in cells))
        if len(runs) > 1:
            for column in columns:
                per_seed = " / ".join(f"{run[column]:.4g}" for run in runs)
                print(f"{'':<28}{column}: {per_seed}")


def task_settings(task, args):
    settings = dict(SETTINGS[task])
    for key in settings:
        given = getattr(args, key, None)
        if given is not None:
            settings[key] = type(settings[key])(given)
    return settings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--eval-every", type=int, default=0, help="pilots: score every N steps")
    parser.add_argument("--contenders", default="pix2pix,L1 only", help="of the paired tasks")
    parser.add_argument("--domain-epochs", type=int, default=3)
    parser.add_argument("--translator", choices=("resnet", "unet"), help="CycleGAN's generators")
    for key in sorted({k for s in SETTINGS.values() for k in s} - {"translator"}):
        parser.add_argument("--" + key.replace("_", "-"), type=float, default=None)
    args = parser.parse_args()
    args.seeds = [int(s) for s in args.seeds.split(",")]
    started = time.perf_counter()
    print(header(), flush=True)
    print(f"TF {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPU cores; "
          f"load average at start {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    test, labels = fashion("test")
    scorer = Scorer(test, labels, fashion("train")[0])
    print("# real test images: " + format_scores(scorer(test)), flush=True)
    tables = {}
    for task in args.tasks.split(","):
        if task == "cyclegan":
            tables[task] = run_cyclegan(args, scorer)
        else:
            tables[task] = run_paired(task, args, scorer)
    for task, results in tables.items():
        table(f"{task}, {task_settings(task, args)}", results)
    print(f"\nwall time {time.perf_counter() - started:.0f} s; "
          f"load average at end {os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
