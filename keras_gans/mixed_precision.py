"""Mixed precision for the two-player step: loss scaling of every tape, float32 losses.

Under `keras.mixed_precision.set_global_policy("mixed_float16")` the networks
compute in float16 while their weights stay float32. Small gradients underflow
in float16, so each loss is multiplied by a loss scale before its gradient is
taken and the gradient is divided by it afterwards; `keras.optimizers.
LossScaleOptimizer` keeps that scale dynamic (halved, and the update skipped,
whenever a scaled gradient is not finite; doubled after a run of finite
steps). Keras wraps only `Model.optimizer`, which a GAN does not use, so
`GAN.compile` wraps both players' optimizers with `loss_scale_optimizer`, and
every tape of the step is scaled: the two players' tapes (`optimizer.
scale_loss`), and the inner tapes that differentiate D with respect to its
inputs for a penalty (WGAN-GP, R1), through `scale` and `unscale` with D's
scale.

`mixed_bfloat16` has float32's exponent range: nothing underflows, so nothing
is scaled (Keras does the same) and the optimizers stay as they are.

Outputs and losses are float32 whatever the policy: the builders of
`keras_gans.networks` give G's image layer and D's logit layer
`dtype="float32"`, and the step casts what the networks return to float32
before any loss is computed (for networks built elsewhere).

Reference:
    Micikevicius et al., "Mixed Precision Training", ICLR 2018.
"""

import contextlib

import keras
import tensorflow as tf
from keras import ops

from keras_gans.losses import num_replicas

LOW_PRECISION = ("float16", "bfloat16")
POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


def check_policy(name):
    """`name` if it is one of `POLICIES`, else a `ValueError` naming it."""
    if name not in POLICIES:
        raise ValueError(
            f"`precision` must be one of {list(POLICIES)}. Received: precision={name!r}"
        )
    return name


@contextlib.contextmanager
def global_policy(name):
    """Builds what is made inside under the dtype policy `name`; restores the global one after."""
    check_policy(name)
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)


def computes_in_float16(*networks):
    """Whether any layer of `networks` computes in float16 (and so needs loss scaling)."""
    for network in networks:
        for layer in network._flatten_layers(include_self=True, recursive=True):
            if getattr(layer, "compute_dtype", None) == "float16":
                return True
    return False


def loss_scale_optimizer(optimizer):
    """`optimizer` wrapped in a `keras.optimizers.LossScaleOptimizer` (unless it is one)."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)


def inner_optimizer(optimizer):
    """The optimizer that updates the weights: the one a `LossScaleOptimizer` wraps."""
    return getattr(optimizer, "inner_optimizer", optimizer)


def loss_scale(optimizer):
    """The scale `optimizer.scale_loss` multiplies by, read now; `None` for no scaling.

    Read before the update: a `LossScaleOptimizer` halves or doubles its scale
    while it applies gradients.
    """
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        # A copy: `ops.convert_to_tensor` would return the variable itself.
        return tf.identity(optimizer.dynamic_scale.value)
    return optimizer.loss_scale_factor  # a float or None


def input_gradients(function, inputs, optimizer):
    """Per-example gradients of `function(inputs)` with respect to `inputs`, scaled.

    The inner tape of a gradient penalty (WGAN-GP, R1): `function` maps a
    batch to one output per example (D's logits), and row i of the result is
    the gradient of output i with respect to example i (examples must not
    interact, as in a critic without BatchNorm). The tape differentiates the
    *mean* of the outputs times `optimizer`'s loss scale (the players' losses
    are means too, so the float16 backward pass sees magnitudes the dynamic
    scale is tuned for), and the result is unscaled and multiplied back by
    the number of examples, in float32. Call it inside the outer tape: the
    penalty is differentiated again. `optimizer` None (an uncompiled model)
    scales nothing.

    Returns:
        `(gradients, finite)`: float32 gradients shaped like `inputs`, and a
        bool tensor, False when the scaled gradients overflowed (see
        `zero_if_overflowed`).
    """
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = ops.cast(function(inputs), "float32")
        scaled = ops.mean(outputs)
        if optimizer is not None:
            scaled = optimizer.scale_loss(scaled)
    count = ops.cast(ops.size(outputs), "float32")
    gradients = unscale(tape.gradient(scaled, inputs), optimizer) * count
    return gradients, all_finite([gradients])


def zero_if_overflowed(penalty, finite):
    """`penalty`, or 0 when its inner gradients overflowed (`finite` False).

    Then the logged losses stay finite, while the gradient of the outer loss
    is NaN (0 times the non-finite inner gradient), so a `LossScaleOptimizer`
    skips the step and lowers its scale, as for an overflow of the outer tape.
    """
    return ops.where(finite, penalty, ops.zeros_like(penalty))


def unscale(gradients, optimizer_or_scale):
    """Gradients taken of a `scale`d value, back in the loss's units, as float32.

    Args:
        gradients: a tensor or a list of tensors (None entries kept).
        optimizer_or_scale: the optimizer whose scale was used, or a scale
            read earlier with `loss_scale` (None for none).
    """
    factor = optimizer_or_scale
    if isinstance(optimizer_or_scale, keras.optimizers.Optimizer):
        factor = loss_scale(optimizer_or_scale)

    def one(gradient):
        if gradient is None:
            return None
        gradient = ops.cast(gradient, "float32")
        return gradient if factor is None else gradient / ops.cast(factor, "float32")

    if isinstance(gradients, (list, tuple)):
        return [one(g) for g in gradients]
    return one(gradients)


def all_finite(gradients):
    """A bool tensor: every entry of every (not None) gradient is finite."""
    checks = [ops.all(ops.isfinite(g)) for g in gradients if g is not None]
    return ops.all(ops.stack(checks)) if checks else ops.convert_to_tensor(True)


def skip_together(gradients, optimizer):
    """Makes every replica skip a step that any replica's scaled gradients overflow.

    A `LossScaleOptimizer` decides to skip from the gradients of the replica
    it runs on, before they are summed across replicas (Keras 3.15 sums them
    inside the wrapped optimizer). When one replica overflows and the others
    do not, some would apply an update holding inf. Here the replicas agree
    first (a sum of overflow flags): if any replica's gradients are not finite,
    every replica's become NaN, so that all of them skip the step and lower
    the scale. Outside a `LossScaleOptimizer` or with one replica the
    gradients are returned as they are.
    """
    if not isinstance(optimizer, keras.optimizers.LossScaleOptimizer) or num_replicas() == 1:
        return gradients
    overflowed = 1.0 - ops.cast(all_finite(gradients), "float32")
    overflowed = tf.distribute.get_replica_context().all_reduce("sum", overflowed)
    poison = ops.where(overflowed > 0.5, float("nan"), 0.0)
    return [None if g is None else g + ops.cast(poison, g.dtype) for g in gradients]


def applied_norm(norm, optimizer):
    """The logged gradient norm: 0 on a step a `LossScaleOptimizer` skips (no update made)."""
    if not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return norm
    return ops.where(ops.isfinite(norm), norm, ops.zeros_like(norm))


def to_float32(value):
    """`value` (a tensor, or None) cast to float32 if it is a low-precision float."""
    if value is None or not hasattr(value, "dtype"):
        return value
    if keras.backend.standardize_dtype(value.dtype) in LOW_PRECISION:
        return ops.cast(value, "float32")
    return value
