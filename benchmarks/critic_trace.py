"""How long a WGAN step takes to trace, against `critic_steps` (issue 34).

The default DCGAN networks at 28x28x1 (latent 128) in a `kg.WGAN` with
`critic_steps` = 1, 5 and 40. For each, in alternating rounds, a fresh model:

- `trace`: `get_concrete_function` of `strategy.run(model.train_step)` in a
  `tf.function`, the Python trace alone;
- `first fit`: a first `fit` of one step (trace, graph optimisation, kernel
  creation and the step), minus the median of 5 later one-step calls of the same
  train function: what the user waits for before training starts;
- `nodes`: the traced graph's nodes, its functions' (the loop body) included.

With `--mirrored`, the same under a `MirroredStrategy` over two logical CPUs,
where the critic steps after the first are unrolled (`engine/critic_steps.py`).

    python benchmarks/critic_trace.py [--rounds 3] [--mirrored]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

LATENT_DIM = 128
IMAGE_SHAPE = (28, 28, 1)
PER_STEP = 64


def build(kg, critic_steps, strategy):
    with strategy.scope():
        model = kg.WGAN(
            kg.networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE),
            kg.networks.dcgan_discriminator(IMAGE_SHAPE),
            LATENT_DIM,
            critic_steps=critic_steps,
            seed=0,
        )
        model.compile()
    return model


def trace(kg, critic_steps, strategy):
    model = build(kg, critic_steps, strategy)
    spec = tf.TensorSpec((None, *IMAGE_SHAPE), tf.float32)
    step = tf.function(lambda images: strategy.run(model.train_step, args=(images,)))
    start = time.perf_counter()
    graph = step.get_concrete_function(spec).graph
    seconds = time.perf_counter() - start
    definition = graph.as_graph_def()
    nodes = len(definition.node) + sum(len(f.node_def) for f in definition.library.function)
    return seconds, nodes


def first_fit(kg, critic_steps, strategy):
    model = build(kg, critic_steps, strategy)
    images = np.random.default_rng(0).uniform(-1, 1, (critic_steps * PER_STEP, *IMAGE_SHAPE))
    data = tf.data.Dataset.from_tensors(images.astype("float32")).repeat()
    start = time.perf_counter()
    model.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
    first = time.perf_counter() - start
    later = []
    for _ in range(5):
        start = time.perf_counter()
        model.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
        later.append(time.perf_counter() - start)
    return first - statistics.median(later)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mirrored", action="store_true")
    args = parser.parse_args()
    if args.mirrored:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )
    import keras_gans as kg

    strategy = (
        tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        if args.mirrored
        else tf.distribute.get_strategy()
    )
    steps = (1, 5, 40)
    results = {k: {"trace": [], "first": [], "nodes": None} for k in steps}
    for _ in range(args.rounds):
        for k in steps:
            seconds, nodes = trace(kg, k, strategy)
            results[k]["trace"].append(seconds)
            results[k]["nodes"] = nodes
            results[k]["first"].append(first_fit(kg, k, strategy))
    where = "MirroredStrategy, 2 logical CPUs" if args.mirrored else "one device"
    print(f"WGAN, DCGAN networks 28x28x1, latent {LATENT_DIM}, {where}; medians of {args.rounds}")
    print("critic_steps  trace s  first fit s  graph nodes")
    for k in steps:
        r = results[k]
        print(
            f"{k:>12}  {statistics.median(r['trace']):7.2f}  "
            f"{statistics.median(r['first']):11.2f}  {r['nodes']:>11}"
        )


if __name__ == "__main__":
    main()
