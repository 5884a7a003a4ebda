"""The data and scoring shared by the image-to-image benchmarks.

Fashion-MNIST in [-1, 1], its bold-stroke domain (a 3x3 grey dilation), the
`Scorer` of output images against the test split (its scores are described in
`image_to_image.py`'s docstring), the pilots' `Checkpoints`, and the `header`
that heads a results file with its command, machine, commit and date.
"""

import os
import sys
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gans as kg
from keras_gans.data.builtin_datasets import load_builtin_arrays

IMAGE_SHAPE = (28, 28, 1)


def fashion(split):
    x, y = load_builtin_arrays("fashion_mnist", split, download=False)
    return (x.reshape(-1, *IMAGE_SHAPE) / 127.5 - 1).astype("float32"), y.astype("int64")


def dilate(images):
    """Bold strokes: the grey dilation of images in [-1, 1] by a 3x3 square."""
    return tf.nn.max_pool2d(images, 3, 1, "SAME").numpy()


# === Scoring ===


class Scorer:
    """Scores output images against the test split (see `image_to_image.py`'s docstring)."""

    def __init__(self, test, labels, train):
        self.test, self.labels = test, labels
        self.extractor = kg.metrics.fashion_classifier()
        test_features, _ = self.extractor(test)
        self.test_stats = kg.metrics.FeatureStatistics.from_features(test_features)
        self.train_stats = kg.metrics.FeatureStatistics.from_features(self.extractor(train)[0])

    def classify(self, images):
        return self.extractor(images)[1].argmax(-1)

    def __call__(self, outputs):
        features, logits = self.extractor(outputs)
        return {
            "FID test": kg.metrics.fid(self.test_stats, features),
            "FID train": kg.metrics.fid(self.train_stats, features),
            "PSNR": float(tf.reduce_mean(tf.image.psnr(outputs, self.test, 2.0))),
            "SSIM": float(tf.reduce_mean(tf.image.ssim(outputs, self.test, 2.0))),
            "accuracy": float(np.mean(logits.argmax(-1) == self.labels)),
        }


class Checkpoints(keras.callbacks.Callback):
    """Prints `score(model)` every `every` steps (pilots), with the training time so far."""

    def __init__(self, every, score, label):
        super().__init__()
        self.every, self.score, self.label = every, score, label
        self.training_seconds, self.start = 0.0, None

    def on_train_batch_begin(self, batch, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.training_seconds += time.perf_counter() - self.start
        if self.every and (batch + 1) % self.every == 0:
            scores = self.score(self.model)
            print(f"#   {self.label} step {batch + 1} ({self.training_seconds:.0f} s): "
                  + format_scores(scores), flush=True)  # fmt: skip


def format_scores(scores):
    return ", ".join(f"{k} {v:.4g}" for k, v in scores.items())


def header():
    """The command, machine, commit and date, for the top of a results file."""
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "unknown CPU")  # fmt: skip
    commit = os.popen("git rev-parse HEAD 2>/dev/null").read().strip() or "unknown"
    return (
        f"# command: PYTHONPATH=. python {' '.join(sys.argv)}\n"
        f"# machine: {os.cpu_count()} CPU cores (nproc), {cpu}\n"
        f"# commit: {commit}\n# date: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}"
    )
