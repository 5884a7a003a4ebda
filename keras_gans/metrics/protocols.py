"""Metric names that state their protocol (`fid_fashion_classifier_10k`), and their extractors.

A protocol name is `<metric>_<extractor>_<count>`:

- metric: `fid`, `kid`, `is` (Inception Score), `precision`, `recall`, or
  `accuracy` (conditional models: does the classifier recover the label?);
- extractor: `inception` (InceptionV3 pool3, ImageNet weights) or
  `fashion_classifier` (the shipped Fashion-MNIST classifier), or the name
  of any `FeatureExtractor` passed to the evaluator;
- count: how many images are generated, `10k` = 10000, `2k`, `500`, ...

Every protocol generates `count` images with latent seed 0 (conditional
models: labels 0, 1, ..., C-1, 0, 1, ... so classes are balanced). FID
compares them with the statistics of the *whole* real split (the reference,
streamed in batches); KID and precision/recall with `count` real images
drawn at random (seed 0) from the split (all of it if smaller). Reference
statistics and features are cached on disk, keyed by dataset, split,
extractor weights and count.
"""

import dataclasses
import re

METRICS = {
    "fid": ("FID", "lower is better"),
    "kid": ("KID", "lower is better"),
    "is": ("Inception Score", "higher is better"),
    "precision": ("precision", "higher is better"),
    "recall": ("recall", "higher is better"),
    "accuracy": ("conditional accuracy", "higher is better"),
}
# What each metric needs from the generated images, and whether it needs real ones.
NEEDS_FEATURES = {"kid", "precision", "recall"}
NEEDS_LOGITS = {"is", "accuracy"}
NEEDS_REFERENCE = {"fid", "kid", "precision", "recall"}
LOWER_IS_BETTER = {"fid", "kid"}

_NAME = re.compile(r"^(fid|kid|is|precision|recall|accuracy)_([a-z0-9_]+?)_(\d+)(k?)$")


@dataclasses.dataclass(frozen=True)
class Protocol:
    """One metric, computed with one extractor on a fixed number of generated images.

    Args:
        metric: one of `METRICS`: `"fid"`, `"kid"`, `"is"`, `"precision"`,
            `"recall"`, `"accuracy"`.
        extractor: name of the feature extractor, e.g. `"inception"`.
        num_images: int, how many images are generated.

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
        if self.metric not in METRICS:
            raise ValueError(
                f"Unknown metric. Received: metric={self.metric!r}; "
                f"expected one of {sorted(METRICS)}"
            )
        if not isinstance(self.num_images, int) or self.num_images < 2:
            raise ValueError(
                f"`num_images` must be an int >= 2. Received: num_images={self.num_images!r}"
            )
        if not re.fullmatch(r"[a-z0-9_]+", self.extractor):
            raise ValueError(
                "Extractor names use lowercase letters, digits and underscores. "
                f"Received: extractor={self.extractor!r}"
            )

    @property
    def name(self):
        count = self.num_images
        count = f"{count // 1000}k" if count % 1000 == 0 else str(count)
        return f"{self.metric}_{self.extractor}_{count}"

    @property
    def lower_is_better(self):
        return self.metric in LOWER_IS_BETTER

    def describe(self, dataset, split):
        """One line saying exactly what was compared with what."""
        title, direction = METRICS[self.metric]
        generated = f"{self.num_images} generated images"
        if self.metric == "fid":
            return (
                f"{title} ({direction}) on {self.extractor} features: {generated} "
                f"vs the statistics of all of {dataset}/{split}"
            )
        if self.metric in NEEDS_REFERENCE:
            return (
                f"{title} ({direction}) on {self.extractor} features: {generated} "
                f"vs {self.num_images} random real images of {dataset}/{split}"
            )
        if self.metric == "accuracy":
            return (
                f"{title} ({direction}) of the {self.extractor} class head: {generated}, "
                "balanced labels, predicted class == label"
            )
        return f"{title} ({direction}) from the {self.extractor} class head: {generated}"


def get_protocol(name):
    """Parses a protocol name such as `fid_fashion_classifier_10k` into a `Protocol`."""
    if isinstance(name, Protocol):
        return name
    match = _NAME.match(str(name))
    if match is None:
        raise ValueError(
            "A metric name is <metric>_<extractor>_<count>, e.g. fid_fashion_classifier_10k, "
            f"kid_inception_2k; metrics: {', '.join(METRICS)}. Received: {name!r}"
        )
    metric, extractor, number, thousands = match.groups()
    return Protocol(metric, extractor, int(number) * (1000 if thousands else 1))


def default_protocols(extractor="fashion_classifier", num_images=10_000, conditional=False):
    """FID, KID, IS, precision and recall (and accuracy if conditional) for one extractor."""
    metrics = ["fid", "kid", "is", "precision", "recall"] + (["accuracy"] if conditional else [])
    return [Protocol(metric, extractor, num_images) for metric in metrics]


# The standard protocols, by name: 10k and 50k images with either built-in
# extractor; the conditional accuracy only with the Fashion-MNIST classifier,
# whose classes are the dataset's (InceptionV3's are ImageNet's).
PROTOCOLS = {
    protocol.name: protocol
    for extractor, conditional in (("fashion_classifier", True), ("inception", False))
    for num_images in (10_000, 50_000)
    for protocol in default_protocols(extractor, num_images, conditional=conditional)
}


def get_extractor(name, inception_weights="imagenet"):
    """Builds a named feature extractor: `"fashion_classifier"` or `"inception"`.

    Args:
        name: `"fashion_classifier"` (the shipped Fashion-MNIST classifier)
            or `"inception"` (InceptionV3).
        inception_weights: weights for `"inception"`: `"imagenet"`, a local
            file path or `None`. Defaults to `"imagenet"`.
    """
    if name == "fashion_classifier":
        from keras_gans.metrics.classifier_features import fashion_classifier

        return fashion_classifier()
    if name == "inception":
        from keras_gans.metrics.inception_features import InceptionFeatures

        return InceptionFeatures(weights=inception_weights)
    raise ValueError(
        f"Unknown feature extractor. Received: {name!r}. Built in: 'fashion_classifier', "
        "'inception'; for another classifier pass ClassifierFeatures(path) (its name is "
        "the classifier's name)."
    )
