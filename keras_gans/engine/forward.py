"""The generator's forward pass, recorded, so that its step can follow D's update."""

import dataclasses
from typing import Any

import tensorflow as tf
from keras import ops


@dataclasses.dataclass
class Forward:
    """What the generators produced in a step, and the tape that recorded it.

    The discriminator trains on these outputs first; then the generator step
    differentiates its loss with respect to them and backpropagates into the
    generators through `tape` (the chain rule across two tapes). The
    generators' weights do not change in between, so this is the gradient of
    a new pass on the same inputs, for one generator pass fewer per step.
    Every tensor the generator's loss reads from the generators must be one of
    `outputs` (a `CycleGAN` records its translations and their cycles).

    Attributes:
        outputs: `{name: tensor}`, e.g. `{"fake": images}`.
        tape: the `tf.GradientTape` that recorded them.
    """

    outputs: dict
    tape: Any

    @classmethod
    def record(cls, produce):
        """Runs `produce()` (returning `{name: tensor}`) under a new tape."""
        with tf.GradientTape() as tape:
            outputs = produce()
        return cls(outputs, tape)

    def gradients(self, output_gradients, variables):
        """d loss / d `variables` through the recorded pass, given d loss / d each output.

        Args:
            output_gradients: `{name: gradient or None}` for the outputs.
            variables: the generators' trainable variables.
        """
        names = [name for name, g in output_gradients.items() if g is not None]
        if not names:
            return [None] * len(variables)
        return self.tape.gradient(
            [self.outputs[name] for name in names],
            variables,
            output_gradients=[output_gradients[name] for name in names],
        )


def sum_of_gradients(a, b):
    """`a + b` for two gradients of one variable, either of which may be None."""
    if a is None or b is None:
        return b if a is None else a
    return a + ops.cast(b, a.dtype)
