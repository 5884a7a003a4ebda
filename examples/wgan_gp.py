"""Train a WGAN-GP on Fashion-MNIST and plot the critic's Wasserstein estimate.

    python examples/wgan_gp.py --epochs 5 --out runs/examples/wgan_gp
    python examples/wgan_gp.py --smoke      # a few steps, for CI

The critic estimates the Wasserstein-1 distance between real and generated images
(logged as `wasserstein`); the gradient penalty keeps it 1-Lipschitz (Gulrajani et al.
2017). Unlike D's probabilities, the estimate falls as the samples improve.
"""

import argparse
import os

import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import keras_gans as kg  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--out", default="runs/examples/wgan_gp")
parser.add_argument("--smoke", action="store_true", help="2 steps of 1 epoch (CI)")
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)

keras.utils.set_random_seed(0)
# A batch of 320 is dealt into 5 slices of 64, one per critic step, then one G step.
data = kg.data.load("fashion_mnist", batch_size=320, seed=0)
if args.smoke:
    data, args.epochs = data.take(2), 1

wgan = kg.WGANGP(
    generator=kg.networks.dcgan_generator(128, (28, 28, 1)),
    # No BatchNorm in the critic: the penalty treats every example on its own.
    discriminator=kg.networks.dcgan_discriminator((28, 28, 1), normalization="layer"),
    latent_dim=128,
    critic_steps=5,
    gp_weight=10.0,
    seed=0,
)
wgan.compile()  # Adam(1e-4, beta_1=0, beta_2=0.9) for both, as in the paper
history = wgan.fit(data, epochs=args.epochs, verbose=2)

estimates = history.history["wasserstein"]
for epoch, estimate in enumerate(estimates, 1):
    print(f"epoch {epoch}: critic's Wasserstein estimate {estimate:.3f}")
plt.plot(range(1, len(estimates) + 1), estimates, marker="o")
plt.xlabel("epoch"), plt.ylabel("critic's Wasserstein estimate"), plt.title("WGAN-GP")
plt.savefig(os.path.join(args.out, "wasserstein.png"), dpi=100)
kg.images.save_grid(wgan.generate(64, seed=0), os.path.join(args.out, "samples.png"), scale=2)
wgan.save(os.path.join(args.out, "model.keras"))
print(f"wrote {args.out}/wasserstein.png, samples.png and model.keras")
