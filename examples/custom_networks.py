"""Bring your own networks: any `keras.Model`s with the right inputs and outputs train as a GAN.

    python examples/custom_networks.py --epochs 3 --out runs/examples/custom
    python examples/custom_networks.py --smoke      # a few steps, for CI

The contract: the generator maps latent vectors `(batch, latent_dim)` to images in [-1, 1]
(end with tanh); the discriminator maps images to one logit per image (no sigmoid: the
loss applies it). Name D's last hidden layer "features" and the feature-matching trick
and the `diversity` diagnostic read it (Salimans et al. 2016).
"""

import argparse
import os

import keras
from keras import layers

import keras_gans as kg

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--out", default="runs/examples/custom")
parser.add_argument("--smoke", action="store_true", help="2 steps of 1 epoch (CI)")
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)
LATENT_DIM = 64

generator = keras.Sequential([
    keras.Input((LATENT_DIM,)),
    layers.Dense(7 * 7 * 64), layers.LeakyReLU(0.2), layers.Reshape((7, 7, 64)),
    layers.UpSampling2D(), layers.Conv2D(32, 3, padding="same"), layers.LeakyReLU(0.2),
    layers.UpSampling2D(), layers.Conv2D(1, 3, padding="same", activation="tanh"),
], name="my_generator")  # fmt: skip

images = keras.Input((28, 28, 1))
x = layers.LeakyReLU(0.2)(layers.Conv2D(32, 3, strides=2, padding="same")(images))
x = layers.LeakyReLU(0.2)(layers.Conv2D(64, 3, strides=2, padding="same")(x))
features = layers.Flatten(name="features")(x)
discriminator = keras.Model(images, layers.Dense(1)(features), name="my_discriminator")

keras.utils.set_random_seed(0)
data = kg.data.load("fashion_mnist", batch_size=128, seed=0)
if args.smoke:
    data, args.epochs = data.take(2), 1
gan = kg.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=0)
gan.compile(feature_matching=1.0)  # reads D's "features" layer
gan.fit(data, epochs=args.epochs, verbose=2)

kg.images.save_grid(gan.generate(64, seed=0), os.path.join(args.out, "samples.png"), scale=2)
gan.save(os.path.join(args.out, "model.keras"))  # custom networks save and load too
restored = keras.models.load_model(os.path.join(args.out, "model.keras"))
assert (restored.generate(4, seed=0) == gan.generate(4, seed=0)).all()
print(f"wrote {args.out}/samples.png and model.keras (reloaded: same images)")
