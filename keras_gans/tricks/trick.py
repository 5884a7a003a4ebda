"""The base class of the training tricks that plug into `GAN.train_step`."""

import keras


class Trick(keras.layers.Layer):
    """A training trick: one compile argument, a few hooks of the training step.

    A trick is turned on by one argument of `GAN.compile` (its
    `compile_argument`, whose value is its `weight` or strength) and works
    with every model class, because the step calls its hooks:

    - `augment(images, model)`: every input of the discriminator, real and
      fake, in the discriminator and the generator steps.
    - `discriminator_terms(model, step)` / `generator_terms(model, step)`:
      `{name: term}` added to that player's loss as `weight * term` and
      logged under `name` (unweighted). `step` holds the batch's tensors:
      `real_images`, `fake_images`, `labels`, `real_logits`, `fake_logits`,
      and `real_features`, `fake_features` (D's `"features"` layer).
    - `after_discriminator_step(model)` / `after_generator_step(model)`:
      state updates after each update; return values to log.

    Every term and logged value is a global-batch mean
    (`keras_gans.losses.global_batch_mean`), so that it is right under
    `tf.distribute`. Its state is made of Keras weights, so it is saved,
    restored and resumed with the model (`BackupAndRestore` included).

    Args:
        weight: float >= 0, the trick's strength (its compile argument).
    """

    compile_argument = None  # the `GAN.compile` argument that turns the trick on

    def __init__(self, weight, **kwargs):
        super().__init__(**kwargs)
        weight = float(weight)
        if not weight >= 0:
            raise ValueError(
                f"`{self.compile_argument}` must be >= 0. "
                f"Received: {self.compile_argument}={weight!r}"
            )
        self.weight = weight

    def configure(self, model):
        """Checks the model and creates the trick's state; called by `compile`."""

    def augment(self, images, model):
        return images

    def discriminator_terms(self, model, step):
        return {}

    def generator_terms(self, model, step):
        return {}

    def after_discriminator_step(self, model):
        return {}

    def after_generator_step(self, model):
        return {}

    def compile_config(self):
        """The `GAN.compile` arguments that rebuild this trick."""
        return {self.compile_argument: self.weight}
