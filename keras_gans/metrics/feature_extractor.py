"""The feature-extractor interface, and running one over a stream of image batches."""

import collections
import hashlib

import keras
import numpy as np
import tensorflow as tf

from keras_gans.metrics.feature_statistics import FeatureStatistics, check_finite


class FeatureExtractor:
    """Maps images in [-1, 1] to feature vectors and class logits.

    Wraps a Keras model with two outputs, `[features, logits]`, that takes
    images after `preprocess`. Subclasses set the preprocessing (resizing,
    channels) and the image shapes they accept. Calls run under a
    `tf.function`, in chunks of `batch_size` images.

    Args:
        model: `keras.Model` with outputs `[features (n, d), logits (n, classes)]`.
        name: str, the extractor's name in metric names, e.g. `"inception"`
            in `fid_inception_10k`.
        batch_size: int, images per forward pass. Defaults to `256`.
        image_shape: `(height, width, channels)` the model needs, or `None`
            if `preprocess` adapts any shape. Defaults to `None`.

    Example:

    ```python
    extractor = kg.metrics.fashion_classifier()
    features, logits = extractor(images)  # images (n, 28, 28, 1) in [-1, 1]
    ```
    """

    # Channels of the images the traced function takes when `image_shape` is
    # None (`adapt_channels` converts to them); None accepts any.
    input_channels = None

    def __init__(self, model, name, batch_size=256, image_shape=None):
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(
                f"`batch_size` must be a positive int. Received: batch_size={batch_size!r}"
            )
        if len(model.outputs) != 2:
            raise ValueError(
                "A feature extractor's model must have two outputs, [features, logits]. "
                f"Received: a model with {len(model.outputs)} output(s)."
            )
        self.model = model
        self.name = str(name)
        self.batch_size = int(batch_size)
        self.image_shape = None if image_shape is None else tuple(image_shape)
        self._fingerprint = None
        # One trace for every batch: the batch (and, without a fixed image
        # shape, the image size) is left unknown in the signature.
        spec = (
            (None, *self.image_shape)
            if self.image_shape
            else (None, None, None, self.input_channels)
        )
        self._forward = tf.function(
            self._forward_fn, input_signature=[tf.TensorSpec(spec, tf.float32)]
        )

    @property
    def feature_dim(self):
        return int(self.model.outputs[0].shape[-1])

    @property
    def num_classes(self):
        return int(self.model.outputs[1].shape[-1])

    def __repr__(self):
        return f"<{type(self).__name__} {self.describe()}>"

    def describe(self):
        """One line: name, feature dimension, number of classes."""
        return f"{self.name} ({self.feature_dim}-d features, {self.num_classes} classes)"

    def fingerprint(self):
        """Hex SHA-256 of the model's weights: part of the reference cache key."""
        if self._fingerprint is None:
            digest = hashlib.sha256()
            for weight in self.model.weights:
                digest.update(np.ascontiguousarray(keras.ops.convert_to_numpy(weight)).tobytes())
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    # === Images ===

    def check_image_shape(self, image_shape):
        """Raises a `ValueError` if images of `image_shape` (h, w, c) cannot be used."""
        image_shape = tuple(image_shape)
        if len(image_shape) != 3 or image_shape[-1] not in (1, 3):
            raise ValueError(
                f"{self.name} takes images of shape (height, width, 1 or 3). "
                f"Received: image shape {image_shape}"
            )
        if self.image_shape is not None and image_shape != self.image_shape:
            raise ValueError(
                f"{self.name} was trained on images of shape {self.image_shape}. "
                f"Received: image shape {image_shape}. Use an extractor that fits these "
                "images (e.g. 'inception', or a classifier trained on this dataset)."
            )

    def adapt_channels(self, images):
        """Numpy images with the channels the model takes; identity unless overridden."""
        return images

    def preprocess(self, images):
        """Images in [-1, 1] as the model's input; identity unless overridden."""
        return tf.convert_to_tensor(images, tf.float32)

    def _forward_fn(self, images):
        return self.model(self.preprocess(images), training=False)

    def __call__(self, images):
        """`(features, logits)` of images in [-1, 1], as float32 numpy arrays."""
        images = np.asarray(images)
        if images.ndim != 4:
            raise ValueError(
                "Expected a batch of images (n, height, width, channels). "
                f"Received: shape {images.shape}"
            )
        self.check_image_shape(images.shape[1:])
        if not np.issubdtype(images.dtype, np.floating):
            raise ValueError(
                "Expected float images in [-1, 1]. Received: dtype "
                f"{images.dtype}; rescale [0, 255] pixels with kg.data.scale_images."
            )
        check_finite(images, "images")  # NaN passes the range check below
        if images.size and (images.min() < -1.5 or images.max() > 1.5):
            raise ValueError(
                "Expected images in [-1, 1]. Received: values in "
                f"[{images.min():.3g}, {images.max():.3g}]."
            )
        images = self.adapt_channels(images)
        features, logits = [], []
        for start in range(0, len(images), self.batch_size):
            f, lg = self._forward(images[start : start + self.batch_size].astype("float32"))
            features.append(f.numpy())
            logits.append(lg.numpy())
        if not features:
            return np.zeros((0, self.feature_dim), "float32"), np.zeros(
                (0, self.num_classes), "float32"
            )
        return np.concatenate(features), np.concatenate(logits)


Extraction = collections.namedtuple("Extraction", ["statistics", "features", "logits", "count"])
Extraction.__doc__ = """What `extract_features` returns.

    statistics: `FeatureStatistics` of every image seen.
    features: `(n, d)` float32 features kept (all, a random subset, or None).
    logits: `(n, classes)` float32 logits of every image, or None.
    count: number of images seen.
"""


def extract_features(
    extractor, batches, keep=True, keep_logits=False, seed=0, progress=None, name="images"
):
    """Runs `extractor` over image batches, accumulating statistics as it goes.

    Memory for the statistics does not grow with the number of images; the
    features themselves are kept only as asked. NaN or infinite values in
    the images or in their features raise a `ValueError` that names the
    images (`name`) and their positions in the stream.

    Args:
        extractor: a `FeatureExtractor`.
        batches: iterable of image batches `(n_i, h, w, c)` in [-1, 1].
        keep: `True` keeps every feature vector, `False` none, an int `k`
            keeps a uniform random subset of `k` (reservoir sampling with
            `seed`, in one pass, so the stream's order does not matter).
            Defaults to `True`.
        keep_logits: keep every image's logits. Defaults to `False`.
        seed: seed of the random subset. Defaults to `0`.
        progress: a `keras.utils.Progbar` to advance by images, or `None`.
        name: what the images are, in error messages, e.g. `"the generated
            images"`. Defaults to `"images"`.

    Returns:
        An `Extraction(statistics, features, logits, count)`.
    """
    statistics = FeatureStatistics(extractor.feature_dim)
    kept, logits = [], []
    reservoir = None
    if keep is not True and keep is not False:
        reservoir = _Reservoir(int(keep), extractor.feature_dim, seed)
    count = 0
    for batch in batches:
        batch = np.asarray(batch)
        where = f"{name} (images {count} to {count + len(batch) - 1})"
        batch_features, batch_logits = extractor(check_finite(batch, where))
        statistics.update(check_finite(batch_features, f"the features of {where}"))
        if keep is True:
            kept.append(batch_features)
        elif reservoir is not None:
            reservoir.add(batch_features)
        if keep_logits:
            logits.append(batch_logits)
        count += len(batch_features)
        if progress is not None:
            progress.add(len(batch_features))
    if progress is not None and progress.target is None:  # a stream of unknown length
        progress.target = count
        progress.update(count, finalize=True)
    if keep is True:
        features = np.concatenate(kept) if kept else np.zeros((0, extractor.feature_dim), "float32")
    else:
        features = None if reservoir is None else reservoir.values()
    all_logits = None
    if keep_logits:
        all_logits = (
            np.concatenate(logits) if logits else np.zeros((0, extractor.num_classes), "float32")
        )
    return Extraction(statistics, features, all_logits, count)


class _Reservoir:
    """A uniform random sample of `size` rows of a stream (Vitter's algorithm R)."""

    def __init__(self, size, dim, seed):
        if size < 1:
            raise ValueError(f"The subset size must be positive. Received: keep={size}")
        self.rows = np.zeros((size, dim), "float32")
        self.seen = 0
        self.rng = np.random.default_rng(seed)

    def add(self, rows):
        size = len(self.rows)
        for row in rows:
            if self.seen < size:
                self.rows[self.seen] = row
            else:
                j = self.rng.integers(0, self.seen + 1)
                if j < size:
                    self.rows[j] = row
            self.seen += 1

    def values(self):
        return self.rows[: min(self.seen, len(self.rows))].copy()
