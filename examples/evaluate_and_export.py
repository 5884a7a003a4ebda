"""Score a trained GAN with named metrics, export its generator and call the export.

    python examples/evaluate_and_export.py --model runs/examples/dcgan/model.keras
    python examples/evaluate_and_export.py --smoke     # trains a DCGAN 2 steps first; 500 images

Metric names state their protocol, <metric>_<extractor>_<count>: fid_fashion_classifier_10k
is FID on 10,000 generated images against the whole training split, in the feature space
of the Fashion-MNIST classifier shipped with the package. The export is a SavedModel in
TF Serving's NAME/VERSION/ layout that needs neither Keras nor keras_gans.
"""

import argparse
import os

import keras
import numpy as np
import tensorflow as tf

import keras_gans as kg

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--model", help="a saved .keras model (default: train a DCGAN here first)")
parser.add_argument("--out", default="runs/examples/served")
parser.add_argument("--smoke", action="store_true", help="500 images, 2 training steps (CI)")
args = parser.parse_args()

if args.model:
    model = keras.models.load_model(args.model)  # importing keras_gans registers the classes
else:  # no model given: the default DCGAN, trained for 1 epoch (2 steps with --smoke)
    keras.utils.set_random_seed(0)
    generator = kg.networks.dcgan_generator(128, (28, 28, 1))
    discriminator = kg.networks.dcgan_discriminator((28, 28, 1))
    model = kg.GAN(generator, discriminator, latent_dim=128, seed=0)
    model.compile()
    data = kg.data.load("fashion_mnist", batch_size=32, seed=0)
    model.fit(data.take(2) if args.smoke else data, epochs=1, verbose=2)
num_images = 500 if args.smoke else 10_000
conditional = getattr(model, "num_classes", None) is not None
metrics = [p.name for p in kg.metrics.default_protocols("fashion_classifier", num_images,
                                                        conditional=conditional)]  # fmt: skip
evaluator = kg.metrics.Evaluator(metrics, dataset="fashion_mnist", split="train")
for name, value in evaluator.evaluate(model).items():
    print(f"{name:<36} {value:8.4f}  {evaluator.describe(name)}")

path = kg.export_generator(model, os.path.join(args.out, "fashion_gan", "1"))
served = tf.saved_model.load(path)  # TensorFlow alone from here on
z = np.random.default_rng(0).standard_normal((4, model.latent_dim)).astype("float32")
inputs = {"z": tf.constant(z)}
if conditional:
    inputs["labels"] = tf.constant([0, 1, 2, 3], tf.int32)
images = served.signatures["serving_default"](**inputs)["images"]
print(f"exported to {path}; serving_default gave {images.shape} in "
      f"[{float(tf.reduce_min(images)):.2f}, {float(tf.reduce_max(images)):.2f}]")  # fmt: skip
