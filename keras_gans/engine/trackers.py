"""The step's logs as `keras.metrics.Mean` trackers, made on first sight, with a direction.

Every value a step returns is logged under its own name: a tracker is made the
first time a name appears, so a hook or a term that returns a new name is
logged with no other change. Each tracker knows whether its quantity is better
low or high (`direction`), which is what `keras.callbacks.ModelCheckpoint`,
`EarlyStopping` and `ReduceLROnPlateau` read in their `mode="auto"`, so none of
them needs `mode=` for a GAN's logs.
"""

import keras
import tensorflow as tf

# Keras' monitoring callbacks look for a metric's `_direction` only inside these
# containers (keras/src/callbacks/monitor_callback.py, Keras 3.15): the trackers
# are listed in one, as compiled metrics are. tests/test_keras_callbacks.py
# checks that the callbacks still find them.
from keras.src.trainers.compile_utils import MetricsList

from keras_gans.engine.diagnostics import Sampled
from keras_gans.losses import unscale_for_logging

# Quantities that are better high. Everything else a step logs (losses,
# penalties, terms, gradient norms, distances) is better low. For D's outputs
# the direction is that of the generator's progress: D believing the fakes
# more (`d_fake`, `fake_score` up), and the real images less.
HIGHER_IS_BETTER = {"diversity", "d_fake", "fake_score", "psnr", "ssim", "ada_p"}


def direction(name):
    """`"up"` if the logged quantity `name` is better high, else `"down"`.

    `val_` prefixes are ignored, as Keras' callbacks do. Names that are not
    in `HIGHER_IS_BETTER` are better low; a name may also be declared with
    `Trackers.declare`.
    """
    base = name.removeprefix("val_")
    stem = base
    for suffix in ("_a", "_b"):
        stem = stem.removesuffix(suffix)
    return "up" if base in HIGHER_IS_BETTER or stem in HIGHER_IS_BETTER else "down"


def _made_eagerly(next_creator, **kwargs):
    """A variable creator for variables made in `tf.init_scope` while a function is traced."""
    kwargs["experimental_enable_variable_lifting"] = False
    return next_creator(**kwargs)


class _TrackerList(MetricsList):
    """The trackers as Keras lists compiled metrics (what `model.metrics` returns)."""

    def result(self):
        return {metric.name: metric.result() for metric in self.metrics}


class Trackers:
    """`keras.metrics.Mean` trackers by name, made on first use, outside Keras' tracking.

    Made while `train_step` is traced, a tracker's variables are made eagerly
    (`tf.init_scope`), as Keras' own metrics would be built before it, and
    marked as nothing for `tf.function` to lift: otherwise `tf.function` traces
    a step that created variables a second time, which doubled the cost of
    every model's first `fit`. Not being a Keras object, they are not saved: a
    per-epoch average is no part of the training state.
    """

    def __init__(self):
        self._means = {}
        self._directions = {}
        self._listed = None

    def declare(self, name, direction_name):
        """Declares that the logged quantity `name` is better `"up"` or `"down"`.

        For values logged by callbacks (`FIDCallback`'s score): a tracker with
        that direction is listed, so that the monitoring callbacks find it.
        """
        if direction_name not in ("up", "down"):
            raise ValueError(
                f"`direction` must be 'up' or 'down'. Received: direction={direction_name!r}"
            )
        self._directions[name] = direction_name
        tracker = self.get(name)
        tracker._direction = direction_name

    def get(self, name):
        if name not in self._means:
            with tf.init_scope(), tf.variable_creator_scope(_made_eagerly):
                tracker = keras.metrics.Mean(name=name)
            tracker._direction = self._directions.get(name, direction(name))
            self._means[name] = tracker
            self._listed = None
        return self._means[name]

    def update(self, results):
        """Adds one step's `{name: global-batch mean}` to the running means.

        A `Sampled` value (a diagnostic this step may not have measured) is
        added with its weight, 0 when it was not measured.
        """
        for name, value in results.items():
            weight = None
            if isinstance(value, Sampled):
                value, weight = value
            self.get(name).update_state(unscale_for_logging(value), sample_weight=weight)

    def results(self, names=None):
        """`{name: running mean}` of every tracker (or of `names`)."""
        names = self._means if names is None else names
        return {name: self._means[name].result() for name in names}

    def listed(self):
        """The trackers in the container Keras' callbacks search (`model.metrics`)."""
        if self._listed is None:
            self._listed = _TrackerList(list(self._means.values()), name="gan_logs")
        return [self._listed]
