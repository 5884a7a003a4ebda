"""Work done on one training step in N: lazy regularisation and sampled diagnostics.

A training step is counted by the generator's optimizer
(`model.optimizers["generator"].iterations`, one per step whatever the
critic steps), so steps 0, N, 2N, ... are on an N-step schedule. StyleGAN2
computes its regularisers this way, "lazy regularization" (Karras et al.
2020, sec. 3.1): R1 every 16 steps, path length every 4, each multiplied by
its interval so that its average weight is unchanged.
"""

from keras import ops


def on_schedule(model, every_n_steps):
    """A bool tensor: whether this training step is one of steps 0, N, 2N, ..."""
    return ops.equal(model.optimizers["generator"].iterations % every_n_steps, 0)


def lazily(model, every_n_steps, compute):
    """`every_n_steps * compute()` on the steps `on_schedule`, 0 on the others.

    `compute` returns a float32 scalar. With `every_n_steps=1` it is simply
    `compute()`, with no condition in the graph.
    """
    if every_n_steps == 1:
        return compute()
    return ops.cond(
        on_schedule(model, every_n_steps),
        lambda: every_n_steps * compute(),
        lambda: ops.zeros((), "float32"),
    )
