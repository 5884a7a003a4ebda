"""Training and evaluation throughput of the default DCGAN (28x28x1, batch 128), in images/s.

Every contender trains the same networks (`dcgan_generator`, `dcgan_discriminator`)
with the same optimizers (Adam(2e-4, beta_1=0.5)) and loss (non-saturating) on the
same in-memory batches. Contenders are measured in alternating rounds in one
process, so that machine noise hits all alike; ratios to the plain Keras
baseline are computed round by round and reported as median [min, max].

1. **Steady state**: one `fit` per contender per round; images/s over its last
   `--steps` steps, timed by a callback after `--warmup` steps (so no tracing,
   compilation or iterator start-up is counted). Rounds are short (about a
   second per contender) and many, so that the load of other processes on a
   shared machine changes little within a round.
2. **Repeated short fits**: what notebooks and callbacks do. Each round times
   whole `fit(steps_per_epoch=--short-steps)` calls, each on a new iterator of the
   same dataset. `tf.data` iterators with autotuning on (the default) block the
   thread that deletes them for up to about a second (no CPU used: a wait on
   tf.data's autotuning thread), and `fit` deletes its iterator when it returns;
   the `autotune off` rows use `Options().autotune.enabled = False` (as
   `kg.data.load` does), and `iterator deletion` is the mean time `fit` spends
   deleting its iterator.
3. **Fraction of the matmul peak**: float32 matmul GFLOP/s measured here
   (2048x2048, best of rounds), against the FLOPs of one training step (counted
   by TensorFlow's profiler on the step's graph) times the steps per second of
   the library's defaults.
4. **Evaluation**: images/s of `GAN.generate` and of the FID feature extractors
   (the Fashion-MNIST classifier; InceptionV3 with `weights=None`, same speed as
   with ImageNet weights).

Contenders (training):

- `keras.io`: a plain Keras model with a custom `train_step` (the keras.io DCGAN
  example's structure: two optimizers, two tapes, two `Mean` trackers), `compile()`
  with Keras' defaults (on a CPU-only machine: no XLA, one step per execution).
- `GAN.fit defaults`: `kg.GAN(...).compile()` with the library's defaults, which
  also computes and logs the diagnostics (gradient norms, diversity) every step,
  and whose generator step reuses the discriminator step's fakes
  (`reuse_fakes=True`); `reuse_fakes=False` is the keras.io step's structure.
- `GAN.fit` with `jit_compile` / `steps_per_execution` set by hand.
- `tf.function loop`: a hand-written loop, the floor of what Python costs.

    python benchmarks/throughput.py [--rounds 20] [--steps 10] [--warmup 3] \\
        [--short-rounds 6] [--short-steps 30] [--skip-evaluation]
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from clocks import (  # noqa: E402
    IteratorDeletionClock,
    loop_rate,
    ratio_spread,
    round_ratios,
    short_fit_rate,
    spread,
    steady_rate,
)

import keras_gans as kg  # noqa: E402
from keras_gans.engine.diagnostics import feature_diversity, gradient_norm  # noqa: E402

LATENT_DIM = 128
IMAGE_SHAPE = (28, 28, 1)


def networks():
    return (
        kg.networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE),
        kg.networks.dcgan_discriminator(IMAGE_SHAPE),
    )


def optimizer():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


# === The plain Keras baseline (keras.io's DCGAN example, same networks) ===


class KerasIOGAN(keras.Model):
    """A GAN as keras.io writes one: `train_step` with two tapes and two trackers."""

    def __init__(self, generator, discriminator):
        super().__init__()
        self.generator, self.discriminator = generator, discriminator
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.seed_generator = keras.random.SeedGenerator(0)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.built = True

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, real):
        batch = tf.shape(real)[0]
        z = keras.random.normal((batch, LATENT_DIM), seed=self.seed_generator)
        fake = self.generator(z, training=True)
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(fake, training=True)
            d_loss = self.loss_fn(tf.ones_like(real_logits), real_logits) + self.loss_fn(
                tf.zeros_like(fake_logits), fake_logits
            )
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights, strict=True)
        )
        z = keras.random.normal((batch, LATENT_DIM), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = self.loss_fn(tf.ones_like(fake_logits), fake_logits)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights, strict=True))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}


def keras_io_model():
    model = KerasIOGAN(*networks())
    model.compile(d_optimizer=optimizer(), g_optimizer=optimizer())
    return model


def library_model(**compile_kwargs):
    gan = kg.GAN(*networks(), latent_dim=LATENT_DIM, seed=0)
    gan.compile(**compile_kwargs)  # d/g optimizers and loss: the defaults used here
    return gan


def hand_written_step(reuse_fakes=False, same_logs=False):
    """The smallest correct GAN step as a `tf.function`.

    With `reuse_fakes`, the generator step scores the discriminator step's fakes
    again (as PyTorch's DCGAN example does, and `GAN.compile(reuse_fakes=True)`,
    the default) instead of drawing new latent vectors: one generator forward
    pass fewer per step. Without it, the keras.io example's step. With
    `same_logs`, it also computes everything `GAN.fit` logs every step: D's mean
    probabilities on real and fake, both gradient norms and the feature
    diversity (D run once for its logits and its "features" layer, as the
    engine does): the same work as the library's step.
    """
    generator, discriminator = networks()
    d_opt, g_opt = optimizer(), optimizer()
    judge = keras.Model(
        discriminator.inputs,
        [discriminator.outputs[0], discriminator.get_layer("features").output],
    )

    @tf.function
    def step(real):
        batch = tf.shape(real)[0]
        g_tape = tf.GradientTape()
        if reuse_fakes:  # G's forward pass recorded now, for the G step
            with g_tape:
                fake = generator(tf.random.normal((batch, LATENT_DIM)), training=True)
        else:
            fake = generator(tf.random.normal((batch, LATENT_DIM)), training=True)
        with tf.GradientTape() as tape:
            real_logits, real_features = judge(real, training=True)
            fake_logits, fake_features = judge(tf.stop_gradient(fake), training=True)
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
                tf.nn.softplus(fake_logits)
            )
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_opt.apply_gradients(zip(grads, discriminator.trainable_variables, strict=True))
        logs = {"d_loss": d_loss}
        if same_logs:
            logs.update(
                d_real=tf.reduce_mean(tf.sigmoid(real_logits)),
                d_fake=tf.reduce_mean(tf.sigmoid(fake_logits)),
                d_grad_norm=gradient_norm(grads),
                diversity=feature_diversity(real_features, fake_features),
            )
        with g_tape:
            if not reuse_fakes:
                fake = generator(tf.random.normal((batch, LATENT_DIM)), training=True)
            g_loss = tf.reduce_mean(tf.nn.softplus(-discriminator(fake, training=True)))
        grads = g_tape.gradient(g_loss, generator.trainable_variables)
        g_opt.apply_gradients(zip(grads, generator.trainable_variables, strict=True))
        logs["g_loss"] = g_loss
        if same_logs:
            logs["g_grad_norm"] = gradient_norm(grads)
        return logs

    return step


def under_policy(policy, build):
    """`build()` with the global dtype policy set to `policy` (restored after)."""
    keras.mixed_precision.set_global_policy(policy)
    try:
        return build()
    finally:
        keras.mixed_precision.set_global_policy("float32")


# === Measurements ===


def matmul_peak(size=2048, repeats=5):
    """A function measuring float32 matmul GFLOP/s (`size` squared, `repeats` in a chain)."""
    a = tf.random.normal((size, size))
    b = tf.random.normal((size, size))

    @tf.function
    def chain(a, b):
        for _ in range(repeats):
            a = tf.matmul(a, b) * 1e-3
        return tf.reduce_sum(a)

    float(chain(a, b))

    def measure():
        start = time.perf_counter()
        float(chain(a, b))
        return repeats * 2 * size**3 / (time.perf_counter() - start) / 1e9

    return measure


def step_flops(step, batch):
    """FLOPs of one training step, counted by TensorFlow's profiler on its graph."""
    graph = step.get_concrete_function(tf.TensorSpec(batch.shape, batch.dtype)).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return tf.compat.v1.profiler.profile(graph, options=options).total_float_ops


def generation_rate(gan, count, batch_size, rounds):
    gan.generate(batch_size, seed=0, batch_size=batch_size)  # trace
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        gan.generate(count, seed=0, batch_size=batch_size)
        rates.append(count / (time.perf_counter() - start))
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=20, help="steady-state rounds")
    parser.add_argument("--steps", type=int, default=10, help="timed steps per steady fit")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--short-rounds", type=int, default=6, help="repeated-fit rounds")
    parser.add_argument("--short-steps", type=int, default=30, help="steps per short fit")
    parser.add_argument("--spe", type=int, default=10, help="steps_per_execution tried")
    parser.add_argument("--skip-evaluation", action="store_true")
    args = parser.parse_args()
    batch = args.batch_size

    images = np.random.default_rng(0).uniform(-1, 1, (batch * 20, *IMAGE_SHAPE)).astype("float32")
    dataset = (
        tf.data.Dataset.from_tensor_slices(images)
        .batch(batch, drop_remainder=True)
        .repeat()
        .prefetch(tf.data.AUTOTUNE)
    )
    no_autotune = tf.data.Options()
    no_autotune.autotune.enabled = False
    quiet_dataset = dataset.with_options(no_autotune)

    load = os.getloadavg()[0]
    started = time.perf_counter()
    print(
        f"DCGAN 28x28x1, batch {batch}, {os.cpu_count()} CPU cores, TF {tf.__version__}, "
        f"Keras {keras.__version__}; load average at start {load:.2f}"
    )
    defaults = library_model()
    print(
        f"GAN.compile() defaults here: jit_compile={defaults.jit_compile}, "
        f"steps_per_execution={defaults.steps_per_execution}"
    )

    # === 1. Steady state ===
    contenders = {
        "keras.io train_step": keras_io_model(),
        "GAN.fit defaults": defaults,
        "GAN.fit defaults (2nd model)": library_model(),  # the noise between equals
        "GAN.fit reuse_fakes=False": library_model(reuse_fakes=False),
        "GAN.fit jit_compile=True": library_model(jit_compile=True),
        f"GAN.fit steps_per_execution={args.spe}": library_model(steps_per_execution=args.spe),
        "GAN.fit mixed_bfloat16": under_policy("mixed_bfloat16", library_model),
        "keras.io mixed_bfloat16": under_policy("mixed_bfloat16", keras_io_model),
    }
    loops = {
        "tf.function loop": hand_written_step(),
        "tf.function loop, fakes reused": hand_written_step(reuse_fakes=True),
        "tf.function loop, same logs": hand_written_step(reuse_fakes=True, same_logs=True),
    }
    first_fit = {}
    for name, model in contenders.items():  # trace / compile once, timed
        start = time.perf_counter()
        model.fit(dataset, steps_per_epoch=args.spe, epochs=1, verbose=0)
        first_fit[name] = time.perf_counter() - start
    for loop in loops.values():
        loop_rate(loop, dataset, 1, 2, batch)
    peak = matmul_peak()
    rates = {name: [] for name in [*contenders, *loops]}
    peaks = []
    for _ in range(args.rounds):
        peaks.append(peak())
        for name, model in contenders.items():
            warmup = max(args.warmup, model.steps_per_execution)
            rates[name].append(steady_rate(model, quiet_dataset, args.steps, warmup, batch))
        for name, loop in loops.items():
            rates[name].append(loop_rate(loop, dataset, args.steps, args.warmup, batch))
    baseline = rates["keras.io train_step"]
    print(f"\n1. Steady state: {args.steps} steps after {args.warmup}, {args.rounds} rounds")
    print(f"{'contender':34s} {'images/s median [min, max]':>28s} {'vs keras.io':>22s}  first fit")
    for name, values in rates.items():
        ratio = ratio_spread(round_ratios(values, baseline))
        first = f"{first_fit[name]:6.1f} s" if name in first_fit else ""
        print(f"{name:34s} {spread(values):>28s} {ratio:>22s}  {first}")
    library = rates["GAN.fit defaults"]
    for loop in ("tf.function loop, fakes reused", "tf.function loop, same logs"):
        print(f"GAN.fit defaults vs {loop}: {ratio_spread(round_ratios(library, rates[loop]))}")

    # === 2. Repeated short fits ===
    short = {
        "keras.io train_step": (contenders["keras.io train_step"], dataset),
        "GAN.fit defaults": (defaults, dataset),
        "keras.io, autotune off": (contenders["keras.io train_step"], quiet_dataset),
        "GAN.fit defaults, autotune off": (defaults, quiet_dataset),
    }
    short_rates = {name: [] for name in short}
    deletions = {name: IteratorDeletionClock() for name in short}
    for _ in range(args.short_rounds):
        for name, (model, data) in short.items():
            short_rates[name].append(
                short_fit_rate(model, data, args.short_steps, batch, deletions[name])
            )
    baseline = short_rates["keras.io train_step"]
    print(
        f"\n2. Repeated short fits: fit(steps_per_epoch={args.short_steps}) on a new iterator, "
        f"{args.short_rounds} rounds"
    )
    print(f"{'contender':32s} {'images/s median [min, max]':>30s} {'vs keras.io':>22s}  "
          "iterator deletion mean")  # fmt: skip
    for name, values in short_rates.items():
        ratio = ratio_spread(round_ratios(values, baseline))
        deleting = statistics.mean(deletions[name].seconds)
        print(f"{name:32s} {spread(values):>30s} {ratio:>22s}  {deleting:6.3f} s")

    # === 3. Fraction of the matmul peak ===
    flops = step_flops(loops["tf.function loop, fakes reused"], images[:batch])  # as GAN's
    achieved = [rate / batch * flops / 1e9 for rate in rates["GAN.fit defaults"]]
    fractions = [100 * a / p for a, p in zip(achieved, peaks, strict=True)]
    print("\n3. Fraction of the matmul peak (measured in each round, between the contenders)")
    print(f"float32 matmul 2048x2048 chain, GFLOP/s:                  {spread(peaks)}")
    print(f"one training step (D and G steps, forward and backward):  {flops / 1e9:.2f} GFLOP")
    print(f"GAN.fit defaults, GFLOP/s:                                {spread(achieved)}")
    print(f"fraction of the matmul peak, %:                           {spread(fractions)}")

    # === 4. Evaluation ===
    if not args.skip_evaluation:
        print("\n4. Evaluation throughput (images/s, median [min, max] of rounds)")
        generated = generation_rate(defaults, 10_000, 500, args.rounds)
        print(f"{'GAN.generate, 10,000 images, batch 500':52s} {spread(generated)}")
        sys.path.insert(0, os.path.dirname(__file__))
        from feature_throughput import features_per_second  # noqa: PLC0415

        from keras_gans.metrics import InceptionFeatures, fashion_classifier  # noqa: PLC0415

        extractors = [
            (fashion_classifier(batch_size=500), 10_000),
            (InceptionFeatures(weights=None, batch_size=32), 64),
        ]
        fakes = defaults.generate(10_000, seed=0)
        for extractor, count in extractors:
            _, values = features_per_second(extractor, fakes[:count], min(args.rounds, 3))
            label = f"features {extractor.name} ({extractor.feature_dim}-d), {count} images"
            print(f"{label:52s} {spread(values)}")
    print(
        f"\nwall time {time.perf_counter() - started:.0f} s; load average at end "
        f"{os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
