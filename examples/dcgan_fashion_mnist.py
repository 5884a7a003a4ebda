"""Train a DCGAN on Fashion-MNIST with `fit`, watch its image grids, save it.

    python examples/dcgan_fashion_mnist.py --epochs 5 --out runs/examples/dcgan
    python examples/dcgan_fashion_mnist.py --smoke      # a few steps, for CI

Writes OUT/grids/epoch_NNNN.png (the same 64 latent vectors every epoch), OUT/model.keras
and OUT/samples.png. `d_real` / `d_fake`, D's mean probabilities on real and generated
images, head for 1/2 as the game nears its equilibrium (Goodfellow et al. 2014).
"""

import argparse
import os

import keras

import keras_gans as kg

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--out", default="runs/examples/dcgan")
parser.add_argument("--smoke", action="store_true", help="2 steps of 1 epoch (CI)")
args = parser.parse_args()

keras.utils.set_random_seed(0)
data = kg.data.load("fashion_mnist", batch_size=128, seed=0)  # (128, 28, 28, 1) in [-1, 1]
if args.smoke:
    data, args.epochs = data.take(2), 1

gan = kg.GAN(
    generator=kg.networks.dcgan_generator(latent_dim=128, image_shape=(28, 28, 1)),
    discriminator=kg.networks.dcgan_discriminator(image_shape=(28, 28, 1)),
    latent_dim=128,
    seed=0,
)
gan.compile(  # the defaults, written out: DCGAN's Adam and the non-saturating loss
    d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    loss="non_saturating",
)
history = gan.fit(
    data,
    epochs=args.epochs,
    callbacks=[kg.callbacks.ImageGrid(os.path.join(args.out, "grids"))],
    verbose=2,
)

logs = history.history
print(f"last epoch: d_real {logs['d_real'][-1]:.3f}, d_fake {logs['d_fake'][-1]:.3f}")
gan.save(os.path.join(args.out, "model.keras"))
kg.images.save_grid(gan.generate(64, seed=0), os.path.join(args.out, "samples.png"), scale=2)
print(f"wrote {args.out}/model.keras and {args.out}/samples.png")
