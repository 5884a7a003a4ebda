"""The residual and style-based presets' steps against hand-written `tf.function` loops.

For each preset (`resnet_sngan`, `sagan`, `stylegan2`), the library's step
(`build_model(preset)` compiled with the preset's arguments, trained with
`fit`, logging its diagnostics) and a hand-written `tf.function` step train
copies of the same networks with the same objective on the same in-memory
batches:

- `resnet_sngan`: hinge loss, 5 D updates on slices of 64 of a 320-image
  batch, then one G update on the first slice's fakes (as the library reuses
  them), Adam(2e-4, 0, 0.9);
- `sagan`: hinge loss, one D update then one G update on the same fakes,
  Adam 4e-4 / 1e-4 (0, 0.9);
- `stylegan2`: the non-saturating loss, R1 (gamma 0.01) every 16 steps and the
  path length penalty (weight 2, decay 0.01, half batch) every 4 steps, each
  times its interval, and the EMA of G after every G update.

The hand-written loops are the floor of what Python and Keras' `fit` add:
no logs but the losses, no checks. Contenders alternate within each round
(one `fit` / loop run each, timed after `--warmup` steps), so machine noise
hits both alike; the ratio library / loop is computed round by round and
reported as median [min, max].

    python benchmarks/architectures_speed.py [--size 32] [--rounds 6] [--steps 6] [--warmup 2]
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clocks import loop_rate, round_ratios, steady_rate  # noqa: E402

from keras_gans.presets import PRESETS, build_model  # noqa: E402

LATENT_DIM = 128


def networks(preset, size, seed=0):
    keras.utils.set_random_seed(seed)
    model = build_model(preset, (size, size, 3), latent_dim=LATENT_DIM, seed=seed)
    return model


def adam(config):
    return keras.optimizers.get(config)


def d_update(discriminator, optimizer, real, fake, loss, penalty=None):
    """One discriminator update on `loss(real_logits, fake_logits)` (+ `penalty()`)."""
    with tf.GradientTape() as tape:
        d_loss = loss(discriminator(real, training=True), discriminator(fake, training=True))
        if penalty is not None:
            d_loss += penalty()
    grads = tape.gradient(d_loss, discriminator.trainable_variables)
    optimizer.apply_gradients(zip(grads, discriminator.trainable_variables, strict=True))
    return d_loss


def hinge(real_logits, fake_logits):
    return tf.reduce_mean(tf.nn.relu(1 - real_logits)) + tf.reduce_mean(tf.nn.relu(1 + fake_logits))


def non_saturating(real_logits, fake_logits):
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
        tf.nn.softplus(fake_logits)
    )


def hinge_step(model, d_opt, g_opt, critic_steps):
    """The hand-written hinge-loss step of `resnet_sngan` (5 critic steps) and `sagan` (1)."""
    generator, discriminator = model.generator, model.discriminator

    def fakes(batch):
        return generator(tf.random.normal((batch, LATENT_DIM)), training=True)

    @tf.function
    def step(real):
        parts = [real[i::critic_steps] for i in range(critic_steps)]
        with tf.GradientTape() as g_tape:  # G's pass recorded: its step reuses these fakes
            fake = fakes(tf.shape(parts[0])[0])
        d_loss = d_update(discriminator, d_opt, parts[0], tf.stop_gradient(fake), hinge)
        for part in parts[1:]:
            d_update(discriminator, d_opt, part, fakes(tf.shape(part)[0]), hinge)
        with g_tape:
            g_loss = -tf.reduce_mean(discriminator(fake, training=True))
        grads = g_tape.gradient(g_loss, generator.trainable_variables)
        g_opt.apply_gradients(zip(grads, generator.trainable_variables, strict=True))
        return {"d_loss": d_loss, "g_loss": g_loss}

    return step


def stylegan2_step(model, d_opt, g_opt, r1_gamma=0.01, pl_weight=2.0, ema_decay=0.997784):
    """The hand-written StyleGAN2 step: non-saturating loss, lazy R1 and path length, EMA."""
    generator, discriminator = model.generator, model.discriminator
    ws_model = keras.Model(generator.inputs, generator.get_layer("style_mixing").output)
    synthesis = generator.get_layer("synthesis")
    pl_mean = tf.Variable(0.0, trainable=False)
    ema = keras.models.clone_model(generator)
    ema.set_weights(generator.get_weights())

    def r1(real):
        with tf.GradientTape() as tape:
            tape.watch(real)
            total = tf.reduce_sum(discriminator(real, training=True))
        grads = tape.gradient(total, real)
        return 16 * r1_gamma / 2 * tf.reduce_mean(tf.reduce_sum(tf.square(grads), [1, 2, 3]))

    def path_length(batch):
        ws = ws_model(tf.random.normal((batch // 2, LATENT_DIM)), training=True)
        with tf.GradientTape() as tape:
            tape.watch(ws)
            images = synthesis(ws, training=True)
            noise = tf.random.normal(tf.shape(images)) / np.sqrt(images.shape[1] * images.shape[2])
            projected = tf.reduce_sum(images * noise)
        grads = tape.gradient(projected, ws)
        lengths = tf.sqrt(tf.reduce_mean(tf.reduce_sum(tf.square(grads), 2), 1))
        mean = pl_mean + 0.01 * (tf.reduce_mean(lengths) - pl_mean)
        pl_mean.assign(tf.stop_gradient(mean))
        return 4 * pl_weight * tf.reduce_mean(tf.square(lengths - mean))

    @tf.function
    def step(real):
        batch = tf.shape(real)[0]
        iteration = g_opt.iterations
        with tf.GradientTape() as g_tape:
            fake = generator(tf.random.normal((batch, LATENT_DIM)), training=True)

        def lazy_r1():
            return tf.cond(iteration % 16 == 0, lambda: r1(real), lambda: 0.0)

        d_loss = d_update(
            discriminator, d_opt, real, tf.stop_gradient(fake), non_saturating, lazy_r1
        )
        with g_tape:
            g_loss = tf.reduce_mean(tf.nn.softplus(-discriminator(fake, training=True)))
            g_loss += tf.cond(iteration % 4 == 0, lambda: path_length(batch), lambda: 0.0)
        grads = g_tape.gradient(g_loss, generator.trainable_variables)
        g_opt.apply_gradients(zip(grads, generator.trainable_variables, strict=True))
        for average, weight in zip(ema.weights, generator.weights, strict=True):
            average.assign(weight + ema_decay * (average - weight) if weight.trainable else weight)
        return {"d_loss": d_loss, "g_loss": g_loss}

    return step


def contenders(preset, size):
    recipe = PRESETS[preset]
    library = networks(preset, size)
    library.compile(**recipe.compile_kwargs)
    model = networks(preset, size)
    d_opt = adam(recipe.compile_kwargs["d_optimizer"])
    g_opt = adam(recipe.compile_kwargs["g_optimizer"])
    if preset == "stylegan2":
        step = stylegan2_step(model, d_opt, g_opt)
    else:
        step = hinge_step(model, d_opt, g_opt, model.critic_steps)
    return library, step, recipe.batch_size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--presets", default="resnet_sngan,sagan,stylegan2")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--steps", type=int, default=6, help="timed steps per fit / loop run")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    args = parser.parse_args()
    print(f"# load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    print(f"{'preset':14s}{'library img/s':>24s}{'tf.function loop':>24s}{'ratio':>24s}")
    for preset in args.presets.split(","):
        library, step, batch = contenders(preset, args.size)
        images = np.random.default_rng(0).uniform(-1, 1, (batch * 4, args.size, args.size, 3))
        dataset = (
            tf.data.Dataset.from_tensor_slices(images.astype("float32"))
            .batch(batch, drop_remainder=True)
            .repeat()
            .prefetch(tf.data.AUTOTUNE)
        )
        rates = {"library": [], "loop": []}
        for _ in range(args.rounds):
            rates["library"].append(steady_rate(library, dataset, args.steps, args.warmup, batch))
            rates["loop"].append(loop_rate(step, dataset, args.steps, args.warmup, batch))
        ratios = round_ratios(rates["library"], rates["loop"])
        line = "".join(
            f"{statistics.median(v):10.1f} [{min(v):.1f}, {max(v):.1f}]" for v in rates.values()
        )
        ratio = f"{statistics.median(ratios):.2f}x [{min(ratios):.2f}, {max(ratios):.2f}]"
        print(f"{preset:14s}{line}{ratio:>24s}", flush=True)
        started = time.perf_counter()
        del library, step
        keras.backend.clear_session()
        print(f"#   (cleared in {time.perf_counter() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
