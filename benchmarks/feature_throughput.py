"""Features/s of the two feature extractors on this machine (28x28x1 images in [-1, 1]).

- `fashion_classifier`: the shipped Fashion-MNIST classifier (128-d features);
- `inception`: InceptionV3 pool3 (2048-d), images tiled to RGB and resized to
  299x299. Run with `weights=None` (ImageNet weights cannot be downloaded
  here); the weights do not change the speed.

Each extractor is warmed up (tracing) on one batch, then timed over several
rounds; the report is the median of the rounds. Measured on the 2-core CPU
machine (TF 2.21): fashion_classifier 9,600 features/s (batch 500),
inception 8.9 features/s (batch 32), so InceptionV3 reference statistics of
the 60,000 Fashion-MNIST train images take about 2 hours here (once: they are
cached), and the classifier's 6 seconds.

    python benchmarks/feature_throughput.py [--classifier-images 10000] \\
        [--inception-images 64] [--rounds 3]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gans.metrics import InceptionFeatures, fashion_classifier  # noqa: E402


def features_per_second(extractor, images, rounds):
    extractor(images[: extractor.batch_size])  # warm-up: trace the tf.function
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        features, _ = extractor(images)
        rates.append(len(features) / (time.perf_counter() - start))
    return statistics.median(rates), rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classifier-images", type=int, default=10_000)
    parser.add_argument("--inception-images", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (max(args.classifier_images, args.inception_images), 28, 28, 1))
    images = images.astype("float32")
    keras.utils.set_random_seed(0)
    extractors = [
        (fashion_classifier(batch_size=500), args.classifier_images),
        (InceptionFeatures(weights=None, batch_size=32), args.inception_images),
    ]
    print(f"{'extractor':<20} {'dim':>5} {'batch':>5} {'images':>7} {'features/s':>11}  rounds")
    for extractor, count in extractors:
        median, rates = features_per_second(extractor, images[:count], args.rounds)
        print(
            f"{extractor.name:<20} {extractor.feature_dim:>5} {extractor.batch_size:>5} "
            f"{count:>7} {median:>11.1f}  {', '.join(f'{r:.1f}' for r in rates)}"
        )


if __name__ == "__main__":
    main()
