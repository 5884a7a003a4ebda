"""Modes covered on the 8-Gaussian ring and the 25-Gaussian grid, per anti-collapse trick.

The standard benchmark of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et
al. 2018): train on a 2-D Gaussian mixture, draw 2,500 samples, assign each to
its nearest mode, call it high quality within 3 standard deviations of that
mode, and count the modes holding at least one high-quality sample
(`kg.metrics.mode_coverage`). Each configuration is trained on `--seeds`
seeds; the table gives the mean +- std over seeds and the wall time per seed.
Configurations marked `rejection` score a second row from the same trained
models: 2,500 samples kept by discriminator rejection sampling
(`kg.discriminator_rejection_sampling`, Azadi et al. 2019, with the config's
`rejection_gamma`, 0 by default), its time added.

    python benchmarks/mode_collapse.py [--seeds 10] [--steps 3000]
        [--configs vanilla,recipe] [--mixtures ring8,grid25]
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gans as kg  # noqa: E402
from keras_gans.data.toy_mixture import TOY_MIXTURES  # noqa: E402

LATENT_DIM = 2
BATCH_SIZE = 100
G_UNITS = (400, 400, 400, 400)
D_UNITS = (200, 200, 200)
# Points are divided by this to fit in [-1, 1] (tanh output), and generated
# samples multiplied back before they are scored.
SCALE = {"ring8": 1.1, "grid25": 4.5}

# Each configuration: the `mlp_discriminator` minibatch layer and maxout units,
# the model class and the `compile` arguments (tricks) on top of the vanilla GAN.
CONFIGS = {
    "vanilla": {},
    "label_smoothing": {"compile": {"label_smoothing": 0.1}},
    "feature_matching": {"compile": {"feature_matching": 1.0}},
    "historical_averaging": {"compile": {"historical_averaging": 1e-3}},
    "instance_noise": {"compile": {"instance_noise": 0.1}},
    "minibatch_discrimination": {"minibatch": "discrimination"},
    "minibatch_stddev": {"minibatch": "stddev"},
    # The original GAN's (and PacGAN's) discriminator units: maxout of 5 pieces.
    "maxout": {"maxout_pieces": 5},
    # WGAN-GP's own Adam(1e-4, beta_1=0, beta_2=0.9); each batch feeds its 5 critic steps.
    "wgan_gp": {"model": kg.WGANGP, "optimizer": "auto"},
    # Sampling from a moving average of G (issue 10's tool) on top of feature matching.
    "feature_matching_ema": {"compile": {"feature_matching": 1.0}, "ema_decay": 0.999},
    # Feature matching with the maxout discriminator: the sharpest grid found.
    "feature_matching_maxout": {"compile": {"feature_matching": 1.0}, "maxout_pieces": 5},
    # Feature matching alone (LeakyReLU D): the ring's recipe, short of the grid's modes.
    "recipe": {"compile": {"feature_matching": 1.0}},
    # The grid's candidates: feature matching, maxout D; G's latent a learned mixture of 100
    # Gaussians (DeLiGAN) or not; scored on plain samples and after rejection sampling.
    "feature_matching_maxout_rejection": {
        "compile": {"feature_matching": 1.0},
        "maxout_pieces": 5,
        "rejection": True,
    },
    "mixture_latent_rejection": {
        "compile": {"feature_matching": 1.0},
        "maxout_pieces": 5,
        "latent_components": 100,
        "rejection": True,
    },
    # The same with a minibatch standard deviation feature in D (Karras et al. 2018), and
    # rejection sampling with gamma 2 (keeps the samples D rates best): the recommended
    # anti-collapse recipe, for the ring and the grid alike.
    "mixture_latent_stddev_rejection": {
        "compile": {"feature_matching": 1.0},
        "maxout_pieces": 5,
        "minibatch": "stddev",
        "latent_components": 100,
        "rejection": True,
        "rejection_gamma": 2.0,
    },
    # The same with D fed 32 random Fourier features of each point (Tancik et al. 2020),
    # frequencies of std 0.25: D then resolves the grid's 0.011-wide modes.
    "mixture_latent_stddev_fourier_rejection": {
        "compile": {"feature_matching": 1.0},
        "maxout_pieces": 5,
        "minibatch": "stddev",
        "fourier_features": 32,
        "fourier_scale": 0.25,
        "latent_components": 100,
        "rejection": True,
        "rejection_gamma": 2.0,
    },
}


def optimizer(config, steps):
    """Adam(beta_1=0.5), its learning rate falling linearly from 1e-3 to 1e-5 over the run."""
    if config.get("optimizer") == "auto":
        return "auto"
    return keras.optimizers.Adam(
        keras.optimizers.schedules.PolynomialDecay(1e-3, steps, 1e-5), beta_1=0.5
    )


def run(config, mixture, seed, steps):
    """Trains one configuration on one mixture; returns `[(mode_coverage, seconds)]`.

    One entry for the generator's samples, and a second for discriminator
    rejection sampling from the same model when the config asks for it.
    """
    keras.utils.set_random_seed(seed)
    points = kg.data.toy_mixture(mixture, steps * BATCH_SIZE, seed=seed) / SCALE[mixture]
    components = config.get("latent_components")
    # With a mixture latent, one more coordinate of z chooses the component.
    latent_dim = LATENT_DIM + (components is not None)
    generator = kg.networks.mlp_generator(
        latent_dim, (2,), units=G_UNITS, latent_components=components
    )
    discriminator = kg.networks.mlp_discriminator(
        (2,),
        units=D_UNITS,
        dropout=0.0,
        minibatch=config.get("minibatch"),
        maxout_pieces=config.get("maxout_pieces"),
        fourier_features=config.get("fourier_features"),
        fourier_scale=config.get("fourier_scale", 0.25),
    )
    model = config.get("model", kg.GAN)
    gan = model(
        generator=generator,
        discriminator=discriminator,
        latent_dim=latent_dim,
        seed=seed,
        ema_decay=config.get("ema_decay"),
    )
    gan.compile(
        d_optimizer=optimizer(config, steps),
        g_optimizer=optimizer(config, steps),
        **config.get("compile", {}),
    )
    start = time.perf_counter()
    gan.fit(points, batch_size=BATCH_SIZE, epochs=1, shuffle=False, verbose=0)
    seconds = time.perf_counter() - start
    samples = gan.generate(2500, seed=seed) * SCALE[mixture]
    results = [(kg.metrics.mode_coverage(samples, mixture), seconds)]
    if config.get("rejection"):
        start = time.perf_counter()
        gamma = config.get("rejection_gamma", 0.0)
        samples = kg.discriminator_rejection_sampling(gan, 2500, seed=seed, gamma=gamma)
        samples = samples * SCALE[mixture]
        seconds += time.perf_counter() - start
        results.append((kg.metrics.mode_coverage(samples, mixture), seconds))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--mixtures", default="ring8,grid25")
    args = parser.parse_args()
    for mixture in args.mixtures.split(","):
        num_modes = TOY_MIXTURES[mixture].num_modes
        print(
            f"\n{mixture}: modes covered of {num_modes} and high-quality share, mean +- std "
            f"over {args.seeds} seeds. Protocol: 2,500 samples, nearest mode, high quality "
            "within 3 std, a mode covered by >= 1 high-quality sample. "
            f"G: MLP {'x'.join(map(str, G_UNITS))} ReLU, latent {LATENT_DIM} (+1 choosing the "
            "component in mixture_latent); "
            f"D: MLP {'x'.join(map(str, D_UNITS))} LeakyReLU (maxout units of 5 pieces in the "
            "configs named maxout or mixture_latent; 32 Fourier features of std 0.25 in front in "
            "the one named fourier), no dropout; "
            f"{args.steps} steps of batch {BATCH_SIZE}; both Adam(beta_1=0.5) with learning rate "
            "1e-3 falling linearly to 1e-5."
        )
        print(f"{'config':<44}{'modes':>14}{'high quality':>16}{'all modes':>11}{'s/seed':>8}")
        for name in args.configs.split(","):
            runs = []
            for seed in range(args.seeds):  # each seed printed as it ends
                runs.append(run(CONFIGS[name], mixture, seed, args.steps))
                seconds = ", ".join(f"{s:.1f}" for _, s in runs[-1])
                print(f"  {name} seed {seed}: {[r for r, _ in runs[-1]]} ({seconds} s)", flush=True)
            rows = row_names(name, CONFIGS[name])[: len(runs[0])]
            for row, results in zip(rows, zip(*runs, strict=True), strict=True):
                print_row(row, results, num_modes, args.seeds)


def row_names(config_name, config):
    """The config's row names: plain samples, then rejection sampling's (` + DRS`)."""
    plain = config_name.removesuffix("_rejection")
    gamma = config.get("rejection_gamma", 0.0)
    return [plain, plain + " + DRS" + (f" gamma {gamma:g}" if gamma else "")]


def print_row(name, results, num_modes, num_seeds):
    """One table row: modes and high-quality share (mean +- std), full coverage, time."""
    modes = np.array([r["modes"] for r, _ in results])
    quality = np.array([r["high_quality"] for r, _ in results])
    full = np.sum(modes == num_modes)
    seconds = np.mean([s for _, s in results])
    print(
        f"{name:<44}{modes.mean():>7.2f} +- {modes.std():<4.2f}"
        f"{quality.mean():>9.3f} +- {quality.std():.3f}"
        f"{f'{full}/{num_seeds}':>11}{seconds:>8.1f}",
        flush=True,
    )
    print(f"  per seed: modes {modes.tolist()}, high quality {np.round(quality, 3).tolist()}")


if __name__ == "__main__":
    main()
