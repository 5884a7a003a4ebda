"""Train Pix2Pix on a Fashion-MNIST paired task (4x super-resolution or inpainting) and score it.

    python examples/image_to_image.py --steps 3000 --out runs/examples/pix2pix
    python examples/image_to_image.py --task inpainting
    python examples/image_to_image.py --smoke      # a few steps, for CI

`kg.data.paired_task` makes (source, target) pairs from any images: here the 7x7 image
upsampled back to 28x28 (bicubic), or the image with its centre 14x14 box greyed out.
A U-Net translates the source; a PatchGAN judges 16x16 patches of (source, output) pairs
(Isola et al. 2017). The picture shows rows of source | output | target.
"""

import argparse
import os

import keras
import numpy as np
import tensorflow as tf

import keras_gans as kg

TASKS = ["super_resolution", "inpainting"]

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--task", default="super_resolution", choices=TASKS)
parser.add_argument("--steps", type=int, default=3000)
parser.add_argument("--out", default="runs/examples/pix2pix")
parser.add_argument("--smoke", action="store_true", help="3 steps, 500 test images (CI)")
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)

keras.utils.set_random_seed(0)
shape = (28, 28, 1)
train = kg.data.paired_task(kg.data.load("fashion_mnist", batch_size=32, seed=0), args.task)
p2p = kg.Pix2Pix(
    generator=kg.networks.unet_generator(shape, filters=32),
    # A PatchGAN with one stride-2 stage judges 16x16 patches (12x12 logits on 28x28).
    discriminator=kg.networks.patch_discriminator(
        shape, source_shape=shape, filters=32, num_downsamples=1
    ),
    l1_weight=100.0,
    seed=0,
)
p2p.compile()  # Adam(2e-4, beta_1=0.5) for both, as in the paper
p2p.fit(train.repeat(), steps_per_epoch=3 if args.smoke else args.steps, epochs=1, verbose=2)
p2p.save(os.path.join(args.out, "model.keras"))

count = 500 if args.smoke else 10_000
test = kg.data.load("fashion_mnist", "test", batch_size=count, with_labels=True, shuffle=False)
source, target, labels = (t.numpy() for t in next(iter(kg.data.paired_task(test, args.task))))
output = p2p.translate(source, batch_size=500)
rows = np.stack([source[:8], output[:8], target[:8]]).reshape(-1, *shape)
kg.images.save_grid(rows, os.path.join(args.out, "translations.png"), rows=3, scale=2)

_, logits = kg.metrics.fashion_classifier()(output)
print(f"test images: {count}; PSNR {tf.reduce_mean(tf.image.psnr(output, target, 2.0)):.2f} dB, "
      f"SSIM {tf.reduce_mean(tf.image.ssim(output, target, 2.0)):.3f}, classifier accuracy "
      f"{np.mean(logits.argmax(-1) == labels):.3f} (real images: 0.914)")  # fmt: skip
print(f"wrote {args.out}/model.keras and {args.out}/translations.png")
