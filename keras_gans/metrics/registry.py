"""The registry of named metrics: one decorated function per metric, in the metric's own file.

Adding a metric is one new file in `keras_gans/metrics/`: the metric's maths
as a public function, and a small function decorated with `register_metric`
that computes it from one evaluation pass (`MetricInputs`). Everything that
lists metrics reads this registry: protocol names (`get_protocol`),
`Evaluator`, `default_protocols`, `PROTOCOLS`, the metric callbacks
(`GenerativeMetricCallback`, `FIDCallback`, `KIDCallback`), and help texts
through `describe_metrics`. The metric files of the package are found when
the registry is first read, so none of those places needs an edit.

Example (the whole of a file `keras_gans/metrics/confidence.py`):

```python
from scipy.special import softmax

from keras_gans.metrics.registry import register_metric


@register_metric(
    "confidence",
    title="mean top-class probability",
    lower_is_better=False,
    needs=("logits",),
    compares="from the {extractor} class head: {num_images} generated images",
)
def _confidence(inputs):
    return softmax(inputs.generated.logits, axis=1).max(axis=1).mean()
```

after which `Evaluator(["confidence_fashion_classifier_2k"])` computes it.
"""

import collections
import dataclasses
import importlib
import pkgutil
import re

# What a metric can ask of the evaluation pass (see `MetricInputs`).
NEEDS = {
    "features": "the feature vector of every generated image",
    "logits": "the class logits of every generated image",
    "reference": "the real reference: statistics of the whole split, features of a subset",
    "labels": "a conditional model, and a classifier of the model's classes (or translations "
    "of labelled sources: the labels of the inputs)",
    "pairs": "each translation and its target, as 8-bit pictures (paired translation); no "
    "extractor: the metric compares pixels, and its protocol name has none (psnr_1k)",
}

MetricInputs = collections.namedtuple(
    "MetricInputs",
    ["generated", "reference", "labels", "num_images", "seed", "pairs"],
    defaults=(None,),
)
MetricInputs.__doc__ = """What one evaluation pass gives the registered metric functions.

    generated: an `Extraction` of the generated images: `statistics` always,
        `features` if the metric needs "features", `logits` if it needs "logits".
    reference: the real `Reference` (`statistics` of the whole split,
        `features` of `num_images` random real images) if the metric needs
        "reference", else None.
    labels: `(num_images,)` int labels the images were generated for
        (conditional models), or the labels of the sources translated
        (image-to-image models evaluated on labelled inputs), else None.
    num_images: how many images were generated (or translated).
    seed: the evaluation seed (latent vectors, real subset), for random draws.
    pairs: `(outputs, targets)`, two uint8 arrays `(num_images, h, w, c)`:
        the translations and their targets as pictures, if the metric needs
        "pairs", else None. `generated` is then None (no extractor).
"""


@dataclasses.dataclass(frozen=True)
class Metric:
    """A registered metric (see `register_metric` for the fields)."""

    name: str
    title: str
    lower_is_better: bool
    needs: frozenset
    compares: str
    compute: object
    output: object = None
    default: bool = True
    order: float = 100

    @property
    def direction(self):
        return "lower is better" if self.lower_is_better else "higher is better"

    @property
    def pixels(self):
        """Whether the metric compares pixels of pairs: no extractor, names like `psnr_1k`."""
        return self.needs == {"pairs"}

    def value(self, result):
        """This metric's value from what `compute` returned (an element of it if `output`)."""
        return float(result if self.output is None else result[self.output])


_METRICS = {}
_NAME = re.compile(r"[a-z][a-z0-9]*")
_discovered = False


def register_metric(
    name, *, title, lower_is_better, needs=(), compares, output=None, default=True, order=100
):
    """Registers a function computing a metric from one evaluation pass.

    The decorated function takes a `MetricInputs` and returns the value (a
    float), or a tuple of values shared by several metrics, each registered
    with its `output` index (precision and recall: one computation, two
    names). Within one pass each function is called once.

    Args:
        name: the metric's short name, the first part of its protocol names
            (`fid` in `fid_inception_10k`): lowercase letters and digits.
        title: the name people know it by, e.g. `"FID"`.
        lower_is_better: bool, the direction of improvement (callbacks use
            it as `mode`).
        needs: what the function reads, a subset of `"features"`,
            `"logits"`, `"reference"`, `"labels"`, or `("pairs",)` alone
            for a metric of paired translations, which compares pixels
            (see `NEEDS`). Defaults to `()`.
        compares: what is compared with what, after "<title> (<direction>)",
            with `{extractor}`, `{num_images}`, `{dataset}`, `{split}`
            placeholders.
        output: index of this metric's value in a tuple returned by the
            function, or `None` if it returns the value. Defaults to `None`.
        default: include the metric in `default_protocols` (metrics that
            need "labels" only for conditional models). Defaults to `True`.
        order: where the metric is listed (`default_protocols`, help texts):
            by `order`, then by registration. The built-in metrics use 10 to
            60. Defaults to `100`.

    Returns:
        The decorator, which returns the function unchanged.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(
            "A metric name is lowercase letters and digits, starting with a letter. "
            f"Received: name={name!r}"
        )
    unknown = set(needs) - set(NEEDS)
    if unknown:
        raise ValueError(
            f"Unknown needs. Received: needs={sorted(needs)}; expected a subset of {sorted(NEEDS)}"
        )
    if "pairs" in needs and set(needs) != {"pairs"}:
        raise ValueError(
            "A metric of pairs compares pixels: it needs no extractor, so `pairs` comes "
            f"alone. Received: needs={sorted(needs)}"
        )

    def decorator(compute):
        if name in _METRICS and _METRICS[name].compute is not compute:
            raise ValueError(
                f"A metric is already registered under this name. Received: name={name!r} "
                f"(registered by {_METRICS[name].compute.__module__})"
            )
        _METRICS[name] = Metric(
            name=name,
            title=title,
            lower_is_better=bool(lower_is_better),
            needs=frozenset(needs),
            compares=compares,
            compute=compute,
            output=output,
            default=default,
            order=order,
        )
        return compute

    return decorator


def _discover():
    """Imports every module of `keras_gans.metrics` once, so built-in metrics are registered."""
    global _discovered
    if not _discovered:
        _discovered = True
        package = importlib.import_module("keras_gans.metrics")
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")


def registered_metrics():
    """Every registered `Metric`, by name, listed by `order`."""
    _discover()
    return {m.name: m for m in sorted(_METRICS.values(), key=lambda m: m.order)}


def get_metric(name):
    """The registered `Metric` called `name` (e.g. `"fid"`), or a `ValueError`."""
    registered = registered_metrics()
    if name not in registered:
        raise ValueError(
            f"Unknown metric. Received: metric={name!r}; expected one of {sorted(registered)}"
        )
    return registered[name]


def describe_metrics():
    """The registered metrics in one line, e.g. for a `--help` text.

    Example:

    >>> describe_metrics()  # doctest: +ELLIPSIS
    'fid (FID, lower is better); kid (KID, lower is better); is (Inception Score, ...'
    """
    return "; ".join(
        f"{metric.name} ({metric.title}, {metric.direction})"
        for metric in registered_metrics().values()
    )
