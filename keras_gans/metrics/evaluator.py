"""Computing named metrics of a generator: generate, extract, compare with the reference."""

import collections
import time

import keras

from keras_gans.metrics import protocols as protocols_module
from keras_gans.metrics.conditional_accuracy import conditional_accuracy
from keras_gans.metrics.feature_extractor import FeatureExtractor, extract_features
from keras_gans.metrics.fid import fid
from keras_gans.metrics.image_sources import balanced_labels, generated_batches
from keras_gans.metrics.inception_score import inception_score
from keras_gans.metrics.kid import kid
from keras_gans.metrics.precision_recall import precision_recall
from keras_gans.metrics.reference import reference_features


class Evaluator:
    """Computes metrics named by their protocol (`fid_fashion_classifier_10k`, ...) for a model.

    Metrics that share an extractor and an image count share one pass: the
    images are generated and their features extracted batch by batch, keeping
    only what the metrics need (FID only keeps running statistics, so its
    memory does not grow with the count). The real reference (statistics of
    the whole split, and a random subset of features for KID and
    precision/recall) is computed once, cached on disk (see
    `reference_features`) and kept in memory for later calls, so an
    `Evaluator` can score a model every epoch cheaply.

    Args:
        metrics: list of protocol names or `Protocol`s (see `protocols`).
        dataset: the real data: a name or path `keras_gans.data.load`
            understands, or an array of real images in [-1, 1] (not cached on
            disk). Defaults to `"fashion_mnist"`.
        split: split of the real data. Defaults to `"train"`.
        extractors: dict `{name: FeatureExtractor}` for extractors that are
            not built in, or to use given instances; the built-in names
            (`"fashion_classifier"`, `"inception"`) are built on first use.
            Defaults to `None`.
        inception_weights: weights of a built-in `"inception"` extractor:
            `"imagenet"`, a local file path or `None`. Defaults to `"imagenet"`.
        cache_dir: reference cache folder, `"default"` for
            `~/.keras/keras_gans/reference`, `None` for no disk cache.
            Defaults to `"default"`.
        seed: seed of the latent vectors and of the real subset. Defaults to `0`.
        batch_size: images generated and read per batch. Defaults to `500`.
        verbose: `0` silent, `1` progress bars, `2` one line per stage.
            Defaults to `0`.

    Example:

    ```python
    evaluator = Evaluator(["fid_fashion_classifier_10k", "recall_fashion_classifier_10k"])
    evaluator.evaluate(model)  # {"fid_fashion_classifier_10k": 12.3, "recall_...": 0.61}
    ```
    """

    def __init__(
        self,
        metrics,
        dataset="fashion_mnist",
        split="train",
        extractors=None,
        inception_weights="imagenet",
        cache_dir="default",
        seed=0,
        batch_size=500,
        verbose=0,
    ):
        self.metrics = list(metrics)
        if not self.metrics:
            raise ValueError("`metrics` must name at least one metric. Received: metrics=[]")
        self.protocols = [protocols_module.get_protocol(name) for name in self.metrics]
        self.dataset = dataset
        self.split = split
        self.extractors = dict(extractors or {})
        for name, extractor in self.extractors.items():
            if not isinstance(extractor, FeatureExtractor):
                raise ValueError(
                    f"`extractors` must map names to FeatureExtractor instances. "
                    f"Received: {name!r}: {extractor!r}"
                )
        self.inception_weights = inception_weights
        self.cache_dir = cache_dir
        self.seed = seed
        self.batch_size = int(batch_size)
        self.verbose = verbose
        self._references = {}
        self.last_seconds = None

    @property
    def dataset_name(self):
        return "array" if hasattr(self.dataset, "shape") else str(self.dataset)

    def describe(self, name):
        """What the metric `name` compares, in one line."""
        return protocols_module.get_protocol(name).describe(self.dataset_name, self.split)

    def extractor(self, name):
        """The extractor called `name`, built on first use."""
        if name not in self.extractors:
            self.extractors[name] = protocols_module.get_extractor(
                name, inception_weights=self.inception_weights
            )
        return self.extractors[name]

    def _groups(self):
        groups = collections.defaultdict(list)
        for protocol in self.protocols:
            groups[(protocol.extractor, protocol.num_images)].append(protocol)
        return groups

    # === Checks and reference ===

    def check_model(self, model):
        """Raises a `ValueError` if the metrics cannot be computed for `model`."""
        num_classes = getattr(model, "num_classes", None)
        image_shape = getattr(model, "image_shape", None)
        for protocol in self.protocols:
            extractor = self.extractor(protocol.extractor)
            if image_shape is not None:
                extractor.check_image_shape(image_shape)
            if protocol.metric != "accuracy":
                continue
            if num_classes is None:
                raise ValueError(
                    f"{protocol.name} is the conditional accuracy, for conditional models. "
                    f"Received: a {type(model).__name__} without num_classes."
                )
            if extractor.num_classes != num_classes:
                raise ValueError(
                    f"{protocol.name} needs a classifier of the model's {num_classes} classes. "
                    f"Received: extractor {extractor.name} with {extractor.num_classes} classes."
                )

    def reference(self, extractor_name, num_features):
        """The real `Reference` for an extractor and subset size (computed once)."""
        key = (extractor_name, num_features)
        if key not in self._references:
            extractor = self.extractor(extractor_name)
            self._references[key] = reference_features(
                extractor,
                self.dataset,
                self.split,
                num_features=num_features,
                cache_dir=self.cache_dir,
                seed=self.seed,
                batch_size=self.batch_size,
                verbose=self.verbose,
            )
            if self.verbose and self._references[key].from_cache:
                print(f"Reference for {extractor_name}: loaded {self._references[key].path}")
        return self._references[key]

    def prepare(self):
        """Builds the extractors and computes (or loads) every reference needed."""
        for (name, num_images), protocols in self._groups().items():
            self.extractor(name)
            if any(p.metric in protocols_module.NEEDS_REFERENCE for p in protocols):
                self.reference(name, num_images)

    # === Evaluation ===

    def evaluate(self, model):
        """Generates images with `model` and returns `{metric name: float}`.

        Args:
            model: a `keras_gans` model: `latent_dim`,
                `generate_from_latent(z, labels=None)` and, for conditional
                models, `num_classes`.
        """
        self.check_model(model)
        start = time.perf_counter()
        results = {}
        for (name, num_images), group in self._groups().items():
            results.update(self._evaluate_group(model, name, num_images, group))
        self.last_seconds = time.perf_counter() - start
        return {protocol.name: results[protocol.name] for protocol in self.protocols}

    def _evaluate_group(self, model, extractor_name, num_images, protocols):
        extractor = self.extractor(extractor_name)
        metrics = {p.metric for p in protocols}
        num_classes = getattr(model, "num_classes", None)
        labels = None if num_classes is None else balanced_labels(num_images, num_classes)
        reference = None
        if metrics & protocols_module.NEEDS_REFERENCE:
            reference = self.reference(extractor_name, num_images)
        progress = None
        if self.verbose:
            print(f"Generating {num_images} images and extracting {extractor_name} features")
            progress = keras.utils.Progbar(num_images, verbose=self.verbose, unit_name="image")
        generated = extract_features(
            extractor,
            generated_batches(model, num_images, self.batch_size, self.seed, labels),
            keep=bool(metrics & protocols_module.NEEDS_FEATURES),
            keep_logits=bool(metrics & protocols_module.NEEDS_LOGITS),
            progress=progress,
        )
        values = {}
        if "fid" in metrics:
            values["fid"] = fid(reference.statistics, generated.statistics)
        if "kid" in metrics:
            values["kid"] = kid(reference.features, generated.features, seed=self.seed)
        if metrics & {"precision", "recall"}:
            values["precision"], values["recall"] = precision_recall(
                reference.features, generated.features
            )
        if "is" in metrics:
            values["is"] = inception_score(generated.logits, num_splits=min(10, num_images))
        if "accuracy" in metrics:
            values["accuracy"] = conditional_accuracy(generated.logits, labels)
        return {p.name: values[p.metric] for p in protocols}
