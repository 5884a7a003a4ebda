"""What each extra of the library's step costs `Pix2Pix.fit` / `CycleGAN.fit`, in images/s.

`benchmarks/image_to_image_throughput.py` times the library's step against a
hand-written one. The library's step does more than that one: it logs
`diversity` and both gradient norms, `fit` checks every batch in the dataset's
pipeline (`check_every_batch`) and runs the NaN guard
(`kg.callbacks.TerminateOnNonFiniteLoss`, which reads the losses after every
step). Here each extra is switched off in turn, by replacing the function that
adds it (for the step, while it is traced; for `fit`, during each call), and
all of them together. Every library contender uses the tutorials' algorithm
(`simultaneous_updates=True`, CycleGAN with `pool_size=0`), so that only the
extras differ from `tutorial train_step, fit`.

Rounds alternate contenders in one process; ratios to the tutorial are taken
round by round and reported as median [min, max] (`throughput.py`'s method), and as
the median with its 95% bootstrap interval over rounds.

    python benchmarks/image_to_image_step_costs.py [--config pix2pix_28] [--rounds 20]
        [--steps 40] [--warmup 3]
"""

import argparse
import contextlib
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import image_to_image_throughput as hand_written  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from clocks import (  # noqa: E402
    print_median_intervals,
    ratio_spread,
    round_ratios,
    spread,
    steady_rate,
)
from image_to_image_scoring import header  # noqa: E402
from image_to_image_throughput import CONFIGS, TutorialModel, library  # noqa: E402

from keras_gans.engine import adversarial_steps, fit_guards  # noqa: E402

# extra: (module, function, what replaces it)
EXTRAS = {
    "diversity": (adversarial_steps, "feature_diversity", lambda real, fake: tf.zeros(())),
    "gradient norms": (adversarial_steps, "gradient_norm", lambda gradients: tf.zeros(())),
    "NaN guard": (fit_guards, "guard_callbacks", lambda callbacks: list(callbacks or [])),
    "batch checks": (fit_guards, "check_every_batch", lambda model, x, **kwargs: x),
}


@contextlib.contextmanager
def without(extras):
    """The library with `extras` switched off (their functions replaced) inside the block."""
    kept = [(module, name, getattr(module, name)) for module, name, _ in map(EXTRAS.get, extras)]
    for module, name, replacement in map(EXTRAS.get, extras):
        setattr(module, name, replacement)
    try:
        yield
    finally:
        for module, name, original in kept:
            setattr(module, name, original)


def contenders(kind, shape, settings, data):
    build = getattr(hand_written, f"{kind}_networks")
    tutorial = getattr(hand_written, f"tutorial_{kind}_step")

    def fresh():
        keras.utils.set_random_seed(0)
        return build(shape, settings)

    variants = {"all extras": [], **{f"no {extra}": [extra] for extra in EXTRAS}}
    variants["no extras"] = list(EXTRAS)
    models = {"tutorial train_step, fit": (TutorialModel(fresh(), tutorial), [])}
    for label, extras in variants.items():
        with without(extras):
            model = library(kind, fresh(), simultaneous=True)
            model.fit(data, steps_per_epoch=2, epochs=1, verbose=0)  # traced without them
        models[label] = (model, extras)
    models["tutorial train_step, fit"][0].fit(data, steps_per_epoch=2, epochs=1, verbose=0)
    return models


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="pix2pix_28", choices=sorted(CONFIGS))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--steps", type=int, default=40, help="timed steps per round")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    args = parser.parse_args()
    started = time.perf_counter()
    print(header(), flush=True)
    print(f"load average at start {os.getloadavg()[0]:.2f}", flush=True)
    kind, shape, batch, settings = CONFIGS[args.config]
    data = hand_written.in_memory_pairs(shape, batch)
    models = contenders(kind, shape, settings, data)
    rates = {label: [] for label in models}
    for _ in range(args.rounds):
        for label, (model, extras) in models.items():
            with without(extras):
                rates[label].append(steady_rate(model, data, args.steps, args.warmup, batch))
    base = rates["tutorial train_step, fit"]
    print(f"\n{args.config}: {kind} on {shape} images, batch {batch}, networks {settings}; "
          f"{args.steps} steps after {args.warmup}, {args.rounds} rounds")  # fmt: skip
    print(f"{'contender':28s} {'images/s median [min, max]':>28s} {'vs tutorial':>22s}")
    for label, values in rates.items():
        ratio = ratio_spread(round_ratios(values, base))
        print(f"{label:28s} {spread(values):>28s} {ratio:>22s}", flush=True)
    print_median_intervals(rates, base, "the tutorial", 28)
    print(f"\nwall time {time.perf_counter() - started:.0f} s; "
          f"load average at end {os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
