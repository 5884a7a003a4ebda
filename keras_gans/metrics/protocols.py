"""Metric names that state their protocol (`fid_fashion_classifier_10k`), and their extractors.

A protocol name is `<metric>_<extractor>_<count>`:

- metric: the name of a registered metric (see `registry`; built in: `fid`,
  `kid`, `is` (Inception Score), `precision`, `recall`, `accuracy`
  (conditional models: does the classifier recover the label?));
- extractor: `inception` (InceptionV3 pool3, ImageNet weights),
  `fashion_classifier` (the shipped Fashion-MNIST classifier),
  `colored_fashion_classifier` (the shipped Colored Fashion-MNIST one, RGB),
  or the name of any `FeatureExtractor` passed to the evaluator;
- count: how many images are generated, `10k` = 10000, `2k`, `500`, ...

The metrics of paired translations (`psnr`, `ssim`, `l1`) compare pixels and
have no extractor: `<metric>_<count>`, e.g. `psnr_1k`.

Every protocol generates `count` images with latent seed 0 (conditional
models: labels 0, 1, ..., C-1, 0, 1, ... so classes are balanced). FID
compares them with the statistics of the *whole* real split (the reference,
streamed in batches); KID and precision/recall with `count` real images
drawn at random (seed 0) from the split (all of it if smaller). Reference
statistics and features are cached on disk, keyed by dataset, split,
extractor weights and count.
"""

import collections.abc
import dataclasses
import re

from keras_gans.metrics import registry

_COUNT = re.compile(r"^([a-z0-9_]+?)_(\d+)(k?)$")
_COUNT_ALONE = re.compile(r"^(\d+)(k?)$")


def _fashion_classifier(inception_weights):
    from keras_gans.metrics.classifier_features import fashion_classifier

    return fashion_classifier()


def _colored_fashion_classifier(inception_weights):
    from keras_gans.metrics.colored_fashion_features import colored_fashion_classifier

    return colored_fashion_classifier()


def _inception(inception_weights):
    from keras_gans.metrics.inception_features import InceptionFeatures

    return InceptionFeatures(weights=inception_weights)


# The built-in extractors: name -> (builder taking `inception_weights`, whether
# its classes are the dataset's labels, so that the conditional metrics apply).
_EXTRACTORS = {
    "fashion_classifier": (_fashion_classifier, True),
    "colored_fashion_classifier": (_colored_fashion_classifier, True),
    "inception": (_inception, False),
}


@dataclasses.dataclass(frozen=True)
class Protocol:
    """One metric, computed with one extractor on a fixed number of generated images.

    Args:
        metric: the name of a registered metric (`registered_metrics()`);
            built in: `"fid"`, `"kid"`, `"is"`, `"precision"`, `"recall"`,
            `"accuracy"`.
        extractor: name of the feature extractor, e.g. `"inception"`; `None`
            for a metric that compares pixels (`"psnr"`, `"ssim"`, `"l1"`).
        num_images: int, how many images are generated (or translated).

    Example:

    >>> Protocol("fid", "fashion_classifier", 10_000).name
    'fid_fashion_classifier_10k'
    >>> get_protocol("kid_inception_2k").num_images
    2000
    """

    metric: str
    extractor: str
    num_images: int

    def __post_init__(self):
        spec = registry.get_metric(self.metric)  # raises for an unknown metric
        if not isinstance(self.num_images, int) or self.num_images < 2:
            raise ValueError(
                f"`num_images` must be an int >= 2. Received: num_images={self.num_images!r}"
            )
        if spec.pixels or self.extractor is None:
            if spec.pixels and self.extractor is not None:
                raise ValueError(
                    f"{self.metric} compares the pixels of translations and their targets: its "
                    f"name has no extractor, e.g. {self.metric}_1k. Received: "
                    f"extractor={self.extractor!r}"
                )
            if not spec.pixels:
                raise ValueError(
                    f"{self.metric} compares features: its name is {self.metric}_<extractor>_"
                    f"<count>, e.g. {self.metric}_inception_2k. Received: no extractor"
                )
            return
        if not re.fullmatch(r"[a-z0-9_]+", self.extractor):
            raise ValueError(
                "Extractor names use lowercase letters, digits and underscores. "
                f"Received: extractor={self.extractor!r}"
            )

    @property
    def name(self):
        count = self.num_images
        count = f"{count // 1000}k" if count % 1000 == 0 else str(count)
        if self.extractor is None:
            return f"{self.metric}_{count}"
        return f"{self.metric}_{self.extractor}_{count}"

    @property
    def spec(self):
        """The registered `Metric`: how it is computed, its title and direction."""
        return registry.get_metric(self.metric)

    @property
    def lower_is_better(self):
        return self.spec.lower_is_better

    def describe(self, dataset, split):
        """One line saying exactly what was compared with what."""
        spec = self.spec
        compares = spec.compares.format(
            extractor=self.extractor, num_images=self.num_images, dataset=dataset, split=split
        )
        return f"{spec.title} ({spec.direction}) {compares}"


def get_protocol(name):
    """Parses a protocol name such as `fid_fashion_classifier_10k` into a `Protocol`.

    The metric is the part before the first underscore (registered metric
    names have none), the count the part after the last one; a metric that
    compares pixels has no extractor between them (`psnr_1k`).
    """
    if isinstance(name, Protocol):
        return name
    metric, _, rest = str(name).partition("_")
    alone = _COUNT_ALONE.match(rest)
    if alone is not None:
        number, thousands = alone.groups()
        return Protocol(metric, None, int(number) * (1000 if thousands else 1))
    match = _COUNT.match(rest)
    if match is None:
        raise ValueError(
            "A metric name is <metric>_<extractor>_<count>, e.g. fid_fashion_classifier_10k, "
            f"kid_inception_2k; metrics: {', '.join(registry.registered_metrics())}. "
            f"Received: name={name!r}"
        )
    extractor, number, thousands = match.groups()
    return Protocol(metric, extractor, int(number) * (1000 if thousands else 1))


def default_protocols(
    extractor="fashion_classifier", num_images=10_000, conditional=False, paired=False
):
    """Every registered default metric for one extractor and image count.

    Built in: FID, KID, IS, precision and recall, and, if `conditional`, the
    conditional accuracy (metrics that need `"labels"` need a conditional
    model and a classifier of its classes); if `paired`, the metrics of
    paired translations, PSNR, SSIM and L1, which have no extractor.

    Args:
        extractor: the extractor's name. Defaults to `"fashion_classifier"`.
        num_images: images generated (or translated). Defaults to `10_000`.
        conditional: include the metrics of conditional models. Defaults to `False`.
        paired: include the metrics that compare translations with their
            targets (a paired task). Defaults to `False`.

    Returns:
        A list of `Protocol`s, in the registry's order.
    """
    protocols = []
    for metric in registry.registered_metrics().values():
        if metric.pixels:
            if metric.default and paired:
                protocols.append(Protocol(metric.name, None, num_images))
        elif metric.default and (conditional or "labels" not in metric.needs):
            protocols.append(Protocol(metric.name, extractor, num_images))
    return protocols


class _StandardProtocols(collections.abc.Mapping):
    """`PROTOCOLS`, read from the registry at each use (so it lists metrics registered later)."""

    def _protocols(self):
        return {
            protocol.name: protocol
            for extractor, (_, conditional) in _EXTRACTORS.items()
            for num_images in (10_000, 50_000)
            for protocol in default_protocols(extractor, num_images, conditional=conditional)
        }

    def __getitem__(self, name):
        return self._protocols()[name]

    def __iter__(self):
        return iter(self._protocols())

    def __len__(self):
        return len(self._protocols())

    def __repr__(self):
        return f"PROTOCOLS({list(self)})"


# The standard protocols, by name: 10k and 50k images with each built-in
# extractor; the conditional metrics only with the dataset classifiers,
# whose classes are the dataset's (InceptionV3's are ImageNet's).
PROTOCOLS = _StandardProtocols()


def get_extractor(name, inception_weights="imagenet"):
    """Builds a built-in feature extractor by name, e.g. `"fashion_classifier"` or `"inception"`.

    Args:
        name: `"fashion_classifier"` (the shipped Fashion-MNIST classifier),
            `"colored_fashion_classifier"` (the shipped Colored
            Fashion-MNIST classifier: 32x32 RGB, other sizes padded or
            resized) or `"inception"` (InceptionV3).
        inception_weights: weights for `"inception"`: `"imagenet"`, a local
            file path or `None`. Defaults to `"imagenet"`.

    Returns:
        A `FeatureExtractor`.
    """
    if name not in _EXTRACTORS:
        raise ValueError(
            f"Unknown feature extractor. Received: name={name!r}. Built in: "
            f"{', '.join(map(repr, _EXTRACTORS))}; for another classifier pass "
            "ClassifierFeatures(path) (its name is the classifier's name)."
        )
    build, _ = _EXTRACTORS[name]
    return build(inception_weights)
