"""What logging the gradient norm costs a step: two ways of computing it, in ms per step.

Every step of the library logs `d_grad_norm` and `g_grad_norm`
(`keras_gans.engine.diagnostics.gradient_norm`), reading every gradient once
more. On the networks of `image_to_image_throughput.py`'s `pix2pix_64`
config (a U-Net of 64 filters down to 1x1 and the 70x70 PatchGAN: 32M
parameters), this times, in one `tf.function` each, on random gradients of
the weights' shapes:

- `square then sum`: `sum(square(g))` per tensor (a temporary of squares), the
  library's form until commit b3b84bc;
- `library (tf.nn.l2_loss)`: the library's `gradient_norm` itself, one fused
  pass per tensor.

Rounds alternate the two; median ms of `--rounds` rounds of 10 calls.

    python benchmarks/gradient_norm_cost.py [--rounds 15]
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tensorflow as tf  # noqa: E402
from image_to_image_scoring import header  # noqa: E402
from image_to_image_throughput import CONFIGS, pix2pix_networks  # noqa: E402

from keras_gans.engine.diagnostics import gradient_norm  # noqa: E402


@tf.function
def square_then_sum(gradients):
    return tf.sqrt(tf.add_n([tf.reduce_sum(tf.square(g)) for g in gradients]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(header(), flush=True)
    _, shape, _, settings = CONFIGS["pix2pix_64"]
    networks = pix2pix_networks(shape, settings)
    weights = [w for n in networks.values() for w in n.trainable_variables]
    gradients = [tf.random.normal(w.shape, seed=i) for i, w in enumerate(weights)]
    print(f"pix2pix_64 networks: {sum(int(tf.size(w)) for w in weights):,} parameters")
    contenders = {
        "square then sum": square_then_sum,
        "library (tf.nn.l2_loss)": tf.function(gradient_norm),
    }
    values = {name: float(norm(gradients)) for name, norm in contenders.items()}  # traced
    print("norms:", {name: round(value, 3) for name, value in values.items()})
    times = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, norm in contenders.items():
            start = time.perf_counter()
            for _ in range(10):
                float(norm(gradients))
            times[name].append((time.perf_counter() - start) / 10 * 1000)
    for name, ms in times.items():
        print(f"{name:24s} {statistics.median(ms):6.2f} ms [{min(ms):.2f}, {max(ms):.2f}]")


if __name__ == "__main__":
    main()
