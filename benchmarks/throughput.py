"""Images/s of `GAN.fit` against a minimal hand-written `tf.function` training loop.

Both train the same DCGAN networks (28x28x1, as `dcgan_generator` /
`dcgan_discriminator` build them), on the same in-memory batches, with the same
optimizers and the same non-saturating loss. The two are measured in
alternating rounds in one process, so machine noise hits both alike. This
shared 2-core machine switches between speed states (rounds of the same code
differ by 1.5x), so the primary figure is the best round of each, as `timeit`
reports, with medians alongside. Target: `GAN.fit` costs at most 5% over the
hand-written loop.

    python benchmarks/throughput.py [--batch-size 128] [--steps 30] [--rounds 7]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_gans as kg  # noqa: E402

LATENT_DIM = 128
IMAGE_SHAPE = (28, 28, 1)


def networks():
    return (
        kg.networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE),
        kg.networks.dcgan_discriminator(IMAGE_SHAPE),
    )


def optimizer():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def hand_written_loop(dataset):
    """The smallest correct GAN loop: what `GAN.train_step` does, minus the library."""
    generator, discriminator = networks()
    d_opt, g_opt = optimizer(), optimizer()

    @tf.function
    def step(real):
        batch = tf.shape(real)[0]
        fake = generator(tf.random.normal((batch, LATENT_DIM)), training=True)
        with tf.GradientTape() as tape:
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
                tf.nn.softplus(fake_logits)
            )
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_opt.apply_gradients(zip(grads, discriminator.trainable_variables, strict=True))
        with tf.GradientTape() as tape:
            fake = generator(tf.random.normal((batch, LATENT_DIM)), training=True)
            g_loss = tf.reduce_mean(tf.nn.softplus(-discriminator(fake, training=True)))
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_opt.apply_gradients(zip(grads, generator.trainable_variables, strict=True))
        return d_loss, g_loss

    def run(steps):
        for real in dataset.take(steps):
            losses = step(real)
        float(losses[0])  # wait for the last step

    return run


def library_fit(dataset):
    generator, discriminator = networks()
    gan = kg.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=0)
    gan.compile(d_optimizer=optimizer(), g_optimizer=optimizer())

    def run(steps):
        gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    images = np.random.default_rng(0).uniform(-1, 1, (args.batch_size * 20, *IMAGE_SHAPE))
    dataset = (
        tf.data.Dataset.from_tensor_slices(images.astype("float32"))
        .batch(args.batch_size, drop_remainder=True)
        .repeat()
        .prefetch(tf.data.AUTOTUNE)
    )
    contenders = {"hand-written loop": hand_written_loop(dataset), "GAN.fit": library_fit(dataset)}
    for run in contenders.values():
        run(5)  # trace and warm up
    rates = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, run in contenders.items():
            start = time.perf_counter()
            run(args.steps)
            rates[name].append(args.steps * args.batch_size / (time.perf_counter() - start))

    print(
        f"DCGAN 28x28x1, batch {args.batch_size}, {args.steps} steps x {args.rounds} rounds "
        f"on {os.cpu_count()} CPU cores"
    )
    for name, values in rates.items():
        print(
            f"  {name:18s} best {max(values):7.1f}  median {statistics.median(values):7.1f} "
            f"images/s (rounds: {', '.join(f'{v:.0f}' for v in values)})"
        )
    hand, fit = (max(rates[n]) for n in contenders)
    hand_median, fit_median = (statistics.median(rates[n]) for n in contenders)
    print(
        f"  GAN.fit overhead: {100 * (hand / fit - 1):+.1f}% time per image on the best rounds "
        f"(ratio fit/hand {fit / hand:.3f}), {100 * (hand_median / fit_median - 1):+.1f}% on "
        "the medians; target <= 5%"
    )


if __name__ == "__main__":
    main()
