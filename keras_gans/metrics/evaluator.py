"""Computing named metrics of a generator: generate, extract, compare with the reference."""

import collections
import time

import keras
import numpy as np

from keras_gans.latent import latent_vectors
from keras_gans.metrics.feature_extractor import FeatureExtractor, extract_features
from keras_gans.metrics.protocols import get_extractor, get_protocol
from keras_gans.metrics.reference import reference_features
from keras_gans.metrics.registry import MetricInputs
from keras_gans.metrics.translations import translated_batches, translator

# The seed of the named protocols when none is given: the same model, the same score.
PROTOCOL_SEED = 0


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
        metrics: list of protocol names or `Protocol`s (see `protocols`);
            any metric in the registry (see `register_metric`).
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
        seed: seed of the latent vectors and of the real subset, or None for the
            protocols' seed, 0, so that a model always gets the same score.
            Defaults to `None`.
        batch_size: images generated and read per batch. Defaults to `500`.
        verbose: `0` silent, `1` progress bars, `2` one line per stage.
            Defaults to `0`.

    **Image-to-image models.** `evaluate(model, inputs=...)` translates the
    first `count` source images of `inputs` (the count in the metrics'
    names) instead of generating: FID, KID, ... then compare the
    translations with the real images of `dataset`, which is the *target
    domain* (the targets of a paired task, the B images of a CycleGAN
    evaluated `a_to_b`). The metrics of pairs, `psnr_<count>`,
    `ssim_<count>` and `l1_<count>`, compare each translation with its
    target, so `inputs` must then carry targets. The accuracy
    (`accuracy_<extractor>_<count>`) compares the classifier's class of each
    translation with its source's label, the third part of `inputs` (a
    translation keeps the class of what it translates).

    Example:

    ```python
    evaluator = Evaluator(["fid_fashion_classifier_10k", "recall_fashion_classifier_10k"])
    evaluator.evaluate(model)  # {"fid_fashion_classifier_10k": 12.3, "recall_...": 0.61}

    # 4x super-resolution on Fashion-MNIST's test split: translations vs the real test images.
    test = kg.data.load("fashion_mnist", split="test", shuffle=False, drop_remainder=False)
    evaluator = Evaluator(["fid_fashion_classifier_10k", "psnr_10k"], split="test")
    evaluator.evaluate(p2p, inputs=kg.data.paired_task(test, "super_resolution"))
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
        seed=None,
        batch_size=500,
        verbose=0,
    ):
        self.metrics = list(metrics)
        if not self.metrics:
            raise ValueError("`metrics` must name at least one metric. Received: metrics=[]")
        self.protocols = [get_protocol(name) for name in self.metrics]
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
        self.seed = PROTOCOL_SEED if seed is None else seed
        self.batch_size = int(batch_size)
        self.verbose = verbose
        self._references = {}
        self.last_seconds = None

    @property
    def dataset_name(self):
        return "array" if hasattr(self.dataset, "shape") else str(self.dataset)

    def describe(self, name, translated=False):
        """What the metric `name` compares, in one line (`translated`: of translations)."""
        line = get_protocol(name).describe(self.dataset_name, self.split)
        return line.replace(" generated images", " translated images") if translated else line

    def extractor(self, name):
        """The extractor called `name`, built on first use."""
        if name not in self.extractors:
            self.extractors[name] = get_extractor(name, inception_weights=self.inception_weights)
        return self.extractors[name]

    def _groups(self):
        groups = collections.defaultdict(list)
        for protocol in self.protocols:
            groups[(protocol.extractor, protocol.num_images)].append(protocol)
        return groups

    # === Checks and reference ===

    def check_model(self, model, direction=None, translating=None):
        """Raises a `ValueError` if the metrics cannot be computed for `model`.

        `translating`: whether `model` is evaluated on its translations of
        inputs; defaults to `None`, whether it is an image-to-image model.
        """
        if translating is None:
            translating = is_translation_model(model)
        num_classes = getattr(model, "num_classes", None)
        image_shape = getattr(model, "image_shape", None)
        if is_translation_model(model):
            image_shape = tuple(model.translator(direction).outputs[0].shape[1:])
        for protocol in self.protocols:
            if protocol.extractor is None:  # compares pixels: nothing to check here
                continue
            extractor = self.extractor(protocol.extractor)
            if image_shape is not None:
                extractor.check_image_shape(image_shape)
            spec = protocol.spec
            if "labels" not in spec.needs or translating:
                continue  # translations are scored on their sources' labels
            if num_classes is None:
                raise ValueError(
                    f"{protocol.name} ({spec.title}) is for conditional models. "
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
            if name is None:
                continue
            self.extractor(name)
            if any("reference" in p.spec.needs for p in protocols):
                self.reference(name, num_images)

    # === Evaluation ===

    def evaluate(self, model, inputs=None, direction=None):
        """Generates (or translates) images with `model` and returns `{metric name: float}`.

        Args:
            model: a `keras_gans` model: `latent_dim`,
                `generate_from_latent(z, labels=None)` and, for conditional
                models, `num_classes`. With `inputs`: an image-to-image model
                (`kg.Pix2Pix`, `kg.CycleGAN`), a `keras.Model` mapping images
                to images, or a function of a batch of images in [-1, 1]
                (a baseline such as bicubic upsampling).
            inputs: for an image-to-image model, the source images it
                translates: an array, a pair `(sources, targets)` of arrays,
                or a `tf.data.Dataset` of sources, `(source, target)` or
                `(source, target, labels)` (e.g. `kg.data.paired_task(...)`),
                read in order. The metrics of pairs need the targets.
                Defaults to `None` (a latent model).
            direction: the direction of a `CycleGAN` (`"a_to_b"`,
                `"b_to_a"`). Defaults to `None`, the model's default.
        """
        if inputs is None and is_translation_model(model):
            raise ValueError(
                f"A {type(model).__name__} translates images: evaluate(model, inputs=...) "
                "needs the source images (and, for PSNR, SSIM and L1, their targets). "
                "Received: inputs=None."
            )
        if inputs is None and any(p.extractor is None for p in self.protocols):
            raise ValueError(
                "PSNR, SSIM and L1 compare translations with their targets: they are for "
                "image-to-image models evaluated on inputs with targets. Received: "
                f"{[p.name for p in self.protocols if p.extractor is None]} for a "
                f"{type(model).__name__} without inputs."
            )
        self.check_model(model, direction, translating=inputs is not None)
        translate = None if inputs is None else translator(model, direction)
        start = time.perf_counter()
        results = {}
        for (name, num_images), group in self._groups().items():
            results.update(self._evaluate_group(model, name, num_images, group, translate, inputs))
        self.last_seconds = time.perf_counter() - start
        return {protocol.name: results[protocol.name] for protocol in self.protocols}

    def _evaluate_group(self, model, extractor_name, num_images, protocols, translate, inputs):
        specs = [protocol.spec for protocol in protocols]
        needs = frozenset().union(*(spec.needs for spec in specs))
        labels, pairs, generated, reference = None, None, None, None
        num_classes = getattr(model, "num_classes", None)
        if num_classes is not None and translate is None:
            # Balanced classes: 0, 1, ..., C-1, 0, 1, ...
            labels = (np.arange(num_images) % num_classes).astype("int32")
        if translate is None:
            batches = _generated_batches(model, num_images, self.batch_size, self.seed, labels)
        else:
            pairs = [] if "pairs" in needs else None
            labels = [] if "labels" in needs else None  # the sources' own labels
            batches = translated_batches(
                translate, inputs, num_images, self.batch_size, pairs, labels
            )
        verb = "Generating" if translate is None else "Translating"
        if extractor_name is None:  # metrics of pairs: the pixels only
            if self.verbose:
                print(f"{verb} {num_images} images for {', '.join(p.name for p in protocols)}")
            for _ in batches:
                pass
        else:
            reference = self.reference(extractor_name, num_images) if "reference" in needs else None
            progress = None
            if self.verbose:
                print(f"{verb} {num_images} images and extracting {extractor_name} features")
                progress = keras.utils.Progbar(num_images, verbose=self.verbose, unit_name="image")
            generated = extract_features(
                self.extractor(extractor_name),
                batches,
                keep="features" in needs,
                keep_logits="logits" in needs,
                progress=progress,
                name="the generated images" if translate is None else "the translated images",
            )
        if pairs is not None:
            pairs = tuple(np.concatenate(part) for part in zip(*pairs, strict=True))
        if translate is not None and labels is not None:
            labels = np.concatenate(labels)
        inputs = MetricInputs(generated, reference, labels, num_images, self.seed, pairs)
        results = {}  # by function: metrics computed together (precision, recall) run once
        for spec in specs:
            if spec.compute not in results:
                results[spec.compute] = spec.compute(inputs)
        return {
            p.name: spec.value(results[spec.compute])
            for p, spec in zip(protocols, specs, strict=True)
        }


def _generated_batches(model, num_images, batch_size, seed, labels):
    """Yields `num_images` images of a GAN in batches, without holding them all.

    The latent vectors are drawn at once from `seed` (`num_images x latent_dim`
    floats), so the same seed gives the same images whatever the batch size.
    `model` is anything with `latent_dim` and `generate_from_latent(z, labels=None)`;
    `labels` holds one int label per image for a conditional model, else None.
    """
    z = latent_vectors(num_images, model.latent_dim, seed)
    for start in range(0, num_images, batch_size):
        stop = start + batch_size
        batch_labels = None if labels is None else labels[start:stop]
        yield model.generate_from_latent(z[start:stop], labels=batch_labels, batch_size=batch_size)


def is_translation_model(model):
    """Whether `model` is an image-to-image model (it translates, in named directions)."""
    return hasattr(model, "translate") and hasattr(model, "directions")
