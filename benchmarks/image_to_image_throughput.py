"""Training throughput of `Pix2Pix.fit` and `CycleGAN.fit` against hand-written steps, in images/s.

Every contender trains the same networks with the same optimizers (Adam(2e-4,
beta_1=0.5), one per player) and the same objective on the same in-memory
batches; contenders are measured in alternating rounds in one process (the
method of `benchmarks/throughput.py`; the clocks of `benchmarks/clocks.py`): each round
runs every contender for `--warmup` untimed then `--steps` timed steps; ratios
to the tutorial's step are taken round by round and reported as median [min, max],
and the median's 95% bootstrap interval over rounds (against the tf.function loop).

Contenders, for each model:

- `<Model>.fit defaults`: the library, `compile()` with no argument (its step
  logs gradient norms and `diversity` too; CycleGAN's D sees fakes drawn from
  its history pools of 50 images).
- `<Model>.fit simultaneous`: the library with the tutorials' algorithm,
  `compile(simultaneous_updates=True)` (both gradients from one pass of D),
  and for CycleGAN `pool_size=0` (no history pool, as in the tutorial).
- `<Model>.fit simultaneous, 10 steps per call, diagnostics every 100`: the
  same, with Keras' `steps_per_execution=10` (ten steps per call of the
  traced function, as `fit` allows and a Python loop does not) and
  `diagnostics_every_n_steps=100` (the gradient norms and `diversity`, which
  the tutorials do not compute, measured on one step in 100).
- `tutorial train_step, fit`: a `keras.Model` whose `train_step` is written as
  TensorFlow's pix2pix / CycleGAN tutorials write theirs: one forward pass of
  every network under one tape (CycleGAN: one persistent tape), D's and G's
  gradients both from it, then both updates. Run through `keras.Model.fit`.
- `tutorial tf.function loop`: the same step as a `tf.function` called in a
  Python loop, as the tutorials run it.
- `D then G, tf.function loop`: the library's order written by hand (as the
  pix2pix/CycleGAN reference code does): G's forward pass recorded, D updated,
  then D run again on the fakes (after its update) for G's loss, G updated. No
  diagnostics, no history pool: what the order alone costs.

The tutorials' CycleGAN uses the BCE loss and no history pool; here the
hand-written CycleGAN steps use the library's least-squares loss and weights,
so that only the step's structure differs.

    python benchmarks/image_to_image_throughput.py [--rounds 10] [--steps 10] [--warmup 3]
        [--configs pix2pix_28,cyclegan_28]
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from clocks import (  # noqa: E402
    loop_rate,
    print_median_intervals,
    ratio_spread,
    round_ratios,
    spread,
    steady_rate,
)
from image_to_image import SETTINGS  # noqa: E402
from image_to_image_scoring import header as results_header  # noqa: E402

import keras_gans as kg  # noqa: E402

L1_WEIGHT = SETTINGS["super_resolution"]["l1_weight"]
CYCLE_WEIGHT, IDENTITY_WEIGHT = 10.0, 0.5  # the paper's


def optimizer():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def bce(logits, label):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(logits), label),
                                                                   logits))  # fmt: skip


def l1(x, y):
    return tf.reduce_mean(tf.abs(x - y))


# === Networks (the benchmark's, image_to_image.SETTINGS) ===


def pix2pix_networks(shape, settings):
    return {
        "generator": kg.networks.unet_generator(shape, filters=settings["filters"]),
        "discriminator": kg.networks.patch_discriminator(
            shape,
            source_shape=shape,
            filters=settings["d_filters"],
            num_downsamples=settings["patch_downsamples"],
        ),  # fmt: skip
    }


def cyclegan_networks(shape, settings):
    def translator(name):
        return kg.networks.resnet_translator(
            shape, filters=settings["filters"], num_blocks=settings["num_blocks"], name=name
        )

    def discriminator(name):
        return kg.networks.patch_discriminator(
            shape, filters=settings["d_filters"], normalization="instance",
            num_downsamples=settings["patch_downsamples"], name=name,
        )  # fmt: skip

    return {
        "generator_ab": translator("gab"),
        "generator_ba": translator("gba"),
        "discriminator_a": discriminator("da"),
        "discriminator_b": discriminator("db"),
    }


# === The tutorials' steps: one forward pass, both players' gradients from it ===


def tutorial_pix2pix_step(nets, d_opt, g_opt, source, target):
    generator, discriminator = nets["generator"], nets["discriminator"]
    with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
        fake = generator(source, training=True)
        real_logits = discriminator([target, source], training=True)
        fake_logits = discriminator([fake, source], training=True)
        g_loss = bce(fake_logits, 1.0) + L1_WEIGHT * l1(target, fake)
        d_loss = bce(real_logits, 1.0) + bce(fake_logits, 0.0)
    g_vars, d_vars = generator.trainable_variables, discriminator.trainable_variables
    g_opt.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars, strict=True))
    d_opt.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars, strict=True))
    return d_loss, g_loss


def tutorial_cyclegan_step(nets, d_opt, g_opt, a, b):
    g_ab, g_ba = nets["generator_ab"], nets["generator_ba"]
    d_a, d_b = nets["discriminator_a"], nets["discriminator_b"]
    with tf.GradientTape(persistent=True) as tape:
        fake_b, fake_a = g_ab(a, training=True), g_ba(b, training=True)
        cycled_a, cycled_b = g_ba(fake_b, training=True), g_ab(fake_a, training=True)
        g_loss, d_loss = _cycle_losses(nets, a, b, fake_a, fake_b, cycled_a, cycled_b)
        for logits in (d_a(fake_a, training=True), d_b(fake_b, training=True)):
            g_loss += 0.5 * tf.reduce_mean(tf.square(logits - 1.0))
        for real, fake, d in ((a, fake_a, d_a), (b, fake_b, d_b)):
            d_loss += 0.5 * tf.reduce_mean(tf.square(d(real, training=True) - 1.0))
            d_loss += 0.5 * tf.reduce_mean(tf.square(d(fake, training=True)))
    g_vars = g_ab.trainable_variables + g_ba.trainable_variables
    d_vars = d_a.trainable_variables + d_b.trainable_variables
    g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars, strict=True))
    d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars, strict=True))
    del tape
    return d_loss, g_loss


def _cycle_losses(nets, a, b, fake_a, fake_b, cycled_a, cycled_b):
    """G's cycle and identity terms with the library's weights; D's loss starts at 0."""
    weight = CYCLE_WEIGHT / 2  # kg's least squares carries 1/2 (see kg.CycleGAN)
    g_loss = weight * (l1(cycled_a, a) + l1(cycled_b, b))
    if IDENTITY_WEIGHT:
        same_a = nets["generator_ba"](a, training=True)
        same_b = nets["generator_ab"](b, training=True)
        g_loss += IDENTITY_WEIGHT * weight * (l1(same_a, a) + l1(same_b, b))
    return g_loss, 0.0


# === The library's order by hand: D updated first, then D run again for G ===


def ordered_pix2pix_step(nets, d_opt, g_opt, source, target):
    generator, discriminator = nets["generator"], nets["discriminator"]
    with tf.GradientTape() as g_tape:
        fake = generator(source, training=True)
    with tf.GradientTape() as d_tape:
        real_logits = discriminator([target, source], training=True)
        fake_logits = discriminator([tf.stop_gradient(fake), source], training=True)
        d_loss = bce(real_logits, 1.0) + bce(fake_logits, 0.0)
    d_vars = discriminator.trainable_variables
    d_opt.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars, strict=True))
    with g_tape:
        fake_logits = discriminator([fake, source], training=True)
        g_loss = bce(fake_logits, 1.0) + L1_WEIGHT * l1(target, fake)
    g_vars = generator.trainable_variables
    g_opt.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars, strict=True))
    return d_loss, g_loss


def ordered_cyclegan_step(nets, d_opt, g_opt, a, b):
    g_ab, g_ba = nets["generator_ab"], nets["generator_ba"]
    d_a, d_b = nets["discriminator_a"], nets["discriminator_b"]
    with tf.GradientTape() as g_tape:
        fake_b, fake_a = g_ab(a, training=True), g_ba(b, training=True)
        cycled_a, cycled_b = g_ba(fake_b, training=True), g_ab(fake_a, training=True)
        g_loss, d_loss = _cycle_losses(nets, a, b, fake_a, fake_b, cycled_a, cycled_b)
    with tf.GradientTape() as d_tape:
        for real, fake, d in ((a, fake_a, d_a), (b, fake_b, d_b)):
            d_loss += 0.5 * tf.reduce_mean(tf.square(d(real, training=True) - 1.0))
            d_loss += 0.5 * tf.reduce_mean(tf.square(d(tf.stop_gradient(fake), training=True)))
    d_vars = d_a.trainable_variables + d_b.trainable_variables
    d_opt.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars, strict=True))
    with g_tape:
        for logits in (d_a(fake_a, training=True), d_b(fake_b, training=True)):
            g_loss += 0.5 * tf.reduce_mean(tf.square(logits - 1.0))
    g_vars = g_ab.trainable_variables + g_ba.trainable_variables
    g_opt.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars, strict=True))
    return d_loss, g_loss


# === Contenders ===


class TutorialModel(keras.Model):
    """A `keras.Model` whose `train_step` is a tutorial's step, with two `Mean` trackers."""

    def __init__(self, nets, step):
        super().__init__()
        self.nets, self.step = nets, step
        for name, network in nets.items():
            setattr(self, name, network)
        self.d_opt, self.g_opt = optimizer(), optimizer()
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.built = True
        self.compile()  # no loss or optimizer of its own: train_step does the work

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, data):
        d_loss, g_loss = self.step(self.nets, self.d_opt, self.g_opt, *data)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}


def loop(nets, step):
    d_opt, g_opt = optimizer(), optimizer()
    return tf.function(lambda x, y: step(nets, d_opt, g_opt, x, y))


def library(kind, nets, simultaneous=False, **compile_kwargs):
    """The library's model on `nets`: `compile(**compile_kwargs)`, with the tutorials'
    algorithm (no pool, `simultaneous_updates=True`) when `simultaneous`."""
    if kind == "pix2pix":
        model = kg.Pix2Pix(nets["generator"], nets["discriminator"], l1_weight=L1_WEIGHT, seed=0)
    else:
        pool = {"pool_size": 0} if simultaneous else {}
        model = kg.CycleGAN(**nets, identity_weight=IDENTITY_WEIGHT, seed=0, **pool)
    model.compile(simultaneous_updates=simultaneous, **compile_kwargs)
    return model


FAST = {"steps_per_execution": 10, "diagnostics_every_n_steps": 100}


CONFIGS = {
    # name: (model kind, image shape, batch size, network settings)
    "pix2pix_28": ("pix2pix", (28, 28, 1), 32, SETTINGS["super_resolution"]),
    # The paper's ResNet translators, at the size the CycleGAN benchmark used until it moved to
    # U-Net translators (image_to_image.py --translator resnet --filters 16).
    "cyclegan_28": ("cyclegan", (28, 28, 1), 32,
                    dict(filters=16, d_filters=32, num_blocks=3, patch_downsamples=1)),
    "pix2pix_64": ("pix2pix", (64, 64, 3), 1, dict(filters=64, d_filters=64, patch_downsamples=3)),
    "cyclegan_64": ("cyclegan", (64, 64, 3), 1,
                    dict(filters=32, d_filters=64, num_blocks=6, patch_downsamples=3)),
}  # fmt: skip


def contenders(kind, shape, settings):
    build = pix2pix_networks if kind == "pix2pix" else cyclegan_networks
    tutorial = tutorial_pix2pix_step if kind == "pix2pix" else tutorial_cyclegan_step
    ordered = ordered_pix2pix_step if kind == "pix2pix" else ordered_cyclegan_step
    title = "Pix2Pix" if kind == "pix2pix" else "CycleGAN"

    def fresh():
        keras.utils.set_random_seed(0)
        return build(shape, settings)

    no_pool = ", no pool" if kind == "cyclegan" else ""
    fits = {
        "tutorial train_step, fit": TutorialModel(fresh(), tutorial),
        f"{title}.fit defaults": library(kind, fresh()),
        f"{title}.fit simultaneous{no_pool}": library(kind, fresh(), simultaneous=True),
        f"{title}.fit simultaneous, 10/call, diag/100": library(
            kind, fresh(), simultaneous=True, **FAST
        ),
    }
    loops = {
        "tutorial tf.function loop": loop(fresh(), tutorial),
        "D then G, tf.function loop": loop(fresh(), ordered),
    }
    return fits, loops


def in_memory_pairs(shape, batch):
    """An endless dataset of 8 fixed batches of `(x, y)` pairs in [-1, 1], prefetched."""
    images = np.random.default_rng(0).uniform(-1, 1, (batch * 8, *shape)).astype("float32")
    data = tf.data.Dataset.from_tensor_slices((images, images[::-1].copy()))
    return data.batch(batch, drop_remainder=True).repeat().prefetch(tf.data.AUTOTUNE)


def measure(name, args):
    kind, shape, batch, settings = CONFIGS[name]
    data = in_memory_pairs(shape, batch)
    fits, loops = contenders(kind, shape, settings)
    for model in fits.values():  # trace once
        model.fit(data, steps_per_epoch=2 * model.steps_per_execution, epochs=1, verbose=0)
    for step in loops.values():
        loop_rate(step_on_pairs(step), data, 1, 2, batch)
    rates = {name: [] for name in [*fits, *loops]}
    for _ in range(args.rounds):
        for label, model in fits.items():
            rates[label].append(steady_rate(model, data, args.steps, args.warmup, batch))
        for label, step in loops.items():
            rates[label].append(
                loop_rate(step_on_pairs(step), data, args.steps, args.warmup, batch)
            )
    return kind, shape, batch, settings, rates


def step_on_pairs(step):
    """`step` as `throughput.loop_rate` calls it: on one `(x, y)` element, logs by name."""

    def logged(pair):
        d_loss, g_loss = step(*pair)
        return {"d_loss": d_loss, "g_loss": g_loss}

    return logged


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=10, help="timed steps per round")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--configs", default="pix2pix_28,cyclegan_28")
    args = parser.parse_args()
    started = time.perf_counter()
    print(results_header(), flush=True)
    print(f"TF {tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPU cores; "
          f"load average at start {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    for name in args.configs.split(","):
        kind, shape, batch, settings, rates = measure(name, args)
        print(f"\n{name}: {kind} on {shape} images, batch {batch}, networks {settings}; "
              f"{args.steps} steps after {args.warmup}, {args.rounds} rounds")  # fmt: skip
        baselines = {key: rates[key] for key in rates if key.startswith("tutorial")}
        header = "".join(f"{'vs ' + key.split(',')[0].replace('tutorial ', ''):>24s}"
                         for key in baselines)  # fmt: skip
        print(f"{'contender':46s} {'images/s median [min, max]':>28s}{header}")
        for label, values in rates.items():
            ratios = "".join(
                f"{ratio_spread(round_ratios(values, base)):>24s}" for base in baselines.values()
            )
            print(f"{label:46s} {spread(values):>28s}{ratios}", flush=True)
        loop = rates["tutorial tf.function loop"]
        print_median_intervals(rates, loop, "the tutorial tf.function loop", 46)
    print(f"\nwall time {time.perf_counter() - started:.0f} s; "
          f"load average at end {os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
