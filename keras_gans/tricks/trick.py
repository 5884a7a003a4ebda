"""The base class of the tricks: every extra term of the objective, on the engine's hooks."""

import dataclasses
from typing import Any

import keras


@dataclasses.dataclass(frozen=True)
class Option:
    """One keyword of the tricks' table: a `compile` argument, a `kg.train` parameter, a CLI flag.

    `compile(r1_penalty=10.0, r1_every_n_steps=16)` is sugar for
    `compile(tricks=[R1Penalty(10.0, every_n_steps=16)])`; `kg.train` and
    `keras-gans train` (`--r1-penalty`) take the same names, generated from
    the tricks' `options`. A trick's first option is its switch (its
    weight): the trick is on when that value is above 0.

    Attributes:
        name: the keyword (snake_case; the CLI flag uses dashes).
        argument: the trick constructor's argument it sets.
        default: the value that leaves things as they are (0 for a switch).
        type: `float` or `int`.
        help: one line for docstrings and `--help`.
    """

    name: str
    argument: str
    default: Any
    type: type
    help: str


class Trick(keras.layers.Layer):
    """A training trick: one switch, a few hooks of the training step.

    A trick works with every model class because the engine calls its hooks
    (`keras_gans/engine/adversarial_steps.py`), never by name:

    - `augment(images, model)`: every input of every discriminator, real and
      fake, in the discriminator and the generator steps, penalties included.
    - `discriminator_terms(model, state)` / `generator_terms(model, state)`:
      `{name: term}` added to that player's loss as `weight * term` and
      logged under `name` (unweighted). `state` is the `StepState` judged:
      `real`, `fake`, `condition`, `real_logits`, `fake_logits`,
      `real_features`, `fake_features`; `model.discriminate(images, state)`
      runs its discriminator (through the augmentation).
    - `after_discriminator_step(model)` / `after_generator_step(model)`:
      state updates after each update; return values to log.

    Every term and logged value is a global-batch mean
    (`keras_gans.losses.global_batch_mean`), so that it is right under
    `tf.distribute`. Its state is made of Keras weights, so it is saved,
    restored and resumed with the model (`BackupAndRestore` included).

    A new trick is one file: a subclass with its `options` and hooks, and its
    line in `keras_gans/tricks/__init__.py`'s `TRICKS`; `compile`, `kg.train`
    and the CLI take its options from there.

    Args:
        weight: float >= 0, the trick's strength (its switch option).
    """

    options = ()  # `Option`s, the switch first

    def __init__(self, weight, **kwargs):
        super().__init__(**kwargs)
        weight = float(weight)
        if not weight >= 0:
            raise ValueError(f"`{self.switch}` must be >= 0. Received: {self.switch}={weight!r}")
        self.weight = weight

    @property
    def switch(self):
        """The name of the option that turns the trick on."""
        return self.options[0].name if self.options else type(self).__name__

    def configure(self, model):
        """Checks the model and creates the trick's state; called by `compile`."""

    def augment(self, images, model):
        return images

    def discriminator_terms(self, model, state):
        return {}

    def generator_terms(self, model, state):
        return {}

    def after_discriminator_step(self, model):
        return {}

    def after_generator_step(self, model):
        return {}

    def get_config(self):
        config = super().get_config()
        config.update({option.argument: getattr(self, option.argument) for option in self.options})
        return config


def check_count(value, name):
    """`value` as an int >= 1; a `ValueError` naming `name` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{name}` must be an int >= 1. Received: {name}={value!r}")
    return value
