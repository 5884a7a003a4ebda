"""Clocks and summaries shared by the throughput benchmarks.

Rates are images/s: `steady_rate` times one `fit` after its first steps
(callback `StepClock`), `loop_rate` a hand-written step in a Python loop,
`short_fit_rate` whole short `fit` calls (`IteratorDeletionClock` times the
deletion of `fit`'s data iterator). Contenders run in alternating rounds; their
round-by-round ratios (`round_ratios`) are summarised as median [min, max]
(`ratio_spread`) and as the median with its 95% bootstrap interval
(`median_interval`, printed for every contender by `print_median_intervals`).
"""

import statistics
import sys
import time

import keras
import numpy as np


class StepClock(keras.callbacks.Callback):
    """Times the steps of one `fit` after the first `warmup` (any steps_per_execution)."""

    def __init__(self, warmup):
        super().__init__()
        self.warmup = warmup
        self.start = self.end = None
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        # `batch` is the last step done (steps_per_execution steps per call).
        now = time.perf_counter()
        if self.start is None and batch + 1 >= self.warmup:
            self.start, self.first = now, batch
        elif self.start is not None:
            self.end, self.steps = now, batch - self.first


def steady_rate(model, dataset, steps, warmup, batch_size):
    clock = StepClock(warmup)
    model.fit(dataset, steps_per_epoch=warmup + steps, epochs=1, verbose=0, callbacks=[clock])
    return clock.steps * batch_size / (clock.end - clock.start)


def loop_rate(step, dataset, steps, warmup, batch_size):
    iterator = iter(dataset)
    for _ in range(warmup):
        logs = step(next(iterator))
    float(logs["g_loss"])
    start = time.perf_counter()
    for _ in range(steps):
        logs = step(next(iterator))
    float(logs["g_loss"])  # wait for the last step
    return steps * batch_size / (time.perf_counter() - start)


class IteratorDeletionClock:
    """Seconds `fit` spends deleting its data iterator when it returns (via `sys.setprofile`)."""

    def __init__(self):
        self.seconds = []

    def fit(self, model, *args, **kwargs):
        held = []

        def keep_iterator(frame, event, arg):
            # Keras' `fit` (backend/tensorflow/trainer.py) returning: hold its iterator.
            if (
                event == "return"
                and frame.f_code.co_name == "fit"
                and "trainer" in (frame.f_code.co_filename)
            ):
                held.append(frame.f_locals.get("iterator"))

        sys.setprofile(keep_iterator)
        try:
            model.fit(*args, **kwargs)
        finally:
            sys.setprofile(None)
        start = time.perf_counter()
        held.clear()  # the iterator is deleted here, as `fit` would on return
        self.seconds.append(time.perf_counter() - start)


def short_fit_rate(model, dataset, steps, batch_size, deletion):
    start = time.perf_counter()
    deletion.fit(model, dataset, steps_per_epoch=steps, epochs=1, verbose=0)
    return steps * batch_size / (time.perf_counter() - start)


def round_ratios(values, base):
    """Each round's rate over the baseline's in the same round."""
    return [v / b for v, b in zip(values, base, strict=True)]


def spread(values):
    return f"{statistics.median(values):7.1f} [{min(values):.1f}, {max(values):.1f}]"


def ratio_spread(values):
    return f"{statistics.median(values):.2f}x [{min(values):.2f}, {max(values):.2f}]"


def median_interval(ratios, resamples=2000, seed=0):
    """The median of the round-by-round `ratios` and its 95% bootstrap interval."""
    ratios = np.asarray(ratios)
    draws = np.random.default_rng(seed).choice(ratios, (resamples, len(ratios)))
    low, high = np.percentile(np.median(draws, axis=1), [2.5, 97.5])
    return f"{np.median(ratios):.3f}x (95% CI {low:.3f}-{high:.3f})"


def print_median_intervals(rates, base, against, width):
    """Prints each contender's `median_interval` of its round ratios to `base`."""
    print(f"\nmedian ratio to {against}, 95% bootstrap CI over rounds:")
    for label, values in rates.items():
        print(f"{label:{width}s} {median_interval(round_ratios(values, base))}", flush=True)
