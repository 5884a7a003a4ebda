"""Train a conditional GAN on Fashion-MNIST: one row of samples per class, and its accuracy.

    python examples/conditional_gan.py --epochs 5 --out runs/examples/cgan
    python examples/conditional_gan.py --smoke      # a few steps, for CI

Both networks see the label (Mirza & Osindero 2014). The shipped Fashion-MNIST classifier
then says how often a generated image shows the class it was made for.
"""

import argparse
import os

import keras
import numpy as np

import keras_gans as kg

CLASSES = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]  # fmt: skip

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--out", default="runs/examples/cgan")
parser.add_argument("--smoke", action="store_true", help="2 steps of 1 epoch (CI)")
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)

keras.utils.set_random_seed(0)
data = kg.data.load("fashion_mnist", batch_size=128, with_labels=True, seed=0)  # (images, labels)
if args.smoke:
    data, args.epochs = data.take(2), 1

cgan = kg.ConditionalGAN(
    generator=kg.networks.dcgan_generator(128, (28, 28, 1), num_classes=10),
    discriminator=kg.networks.dcgan_discriminator((28, 28, 1), num_classes=10),
    latent_dim=128,
    num_classes=10,
    seed=0,
)
cgan.compile()
cgan.fit(data, epochs=args.epochs, verbose=2)
cgan.save(os.path.join(args.out, "model.keras"))

# One row per class: labels 0,0,...,0, 1,1,...,1, ...
rows = np.repeat(np.arange(10), 10)
kg.images.save_grid(cgan.generate(labels=rows, seed=0), os.path.join(args.out, "classes.png"),
                    rows=10, scale=2)  # fmt: skip

# Does the classifier see the class each image was made for? (real test images: 0.914)
labels = np.arange(1000) % 10
_, logits = kg.metrics.fashion_classifier()(cgan.generate(labels=labels, seed=1))
accuracy = kg.metrics.conditional_accuracy(logits, labels)
print(f"conditional accuracy on 1,000 images: {accuracy:.3f}")
for c, name in enumerate(CLASSES):
    print(f"  {name:<10} {np.mean(logits[labels == c].argmax(1) == c):.2f}")
print(f"wrote {args.out}/model.keras and {args.out}/classes.png")
