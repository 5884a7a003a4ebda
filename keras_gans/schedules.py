"""Learning-rate schedules of the papers, as Keras schedules."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Constant, then falling linearly to 0: CycleGAN's and pix2pix's schedule.

    `initial_learning_rate` for the first `constant_steps` optimizer steps,
    then a straight line to 0 over the next `decay_steps` (and 0 after them).
    CycleGAN trains 100 epochs at 2e-4, then 100 epochs decaying to 0:
    `LinearDecay(2e-4, constant_steps=100 * steps_per_epoch,
    decay_steps=100 * steps_per_epoch)`.

    Args:
        initial_learning_rate: float > 0, the learning rate of the first part.
        constant_steps: int >= 0, steps at the initial learning rate.
        decay_steps: int >= 1, steps over which it falls to 0.

    Example:

    ```python
    schedule = kg.schedules.LinearDecay(2e-4, constant_steps=1000, decay_steps=1000)
    optimizer = keras.optimizers.Adam(schedule, beta_1=0.5)
    ```

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, sec. 4.
    """

    def __init__(self, initial_learning_rate, constant_steps, decay_steps):
        if not initial_learning_rate > 0:
            raise ValueError(
                "`initial_learning_rate` must be > 0. "
                f"Received: initial_learning_rate={initial_learning_rate!r}"
            )
        for name, value, low in (
            ("constant_steps", constant_steps, 0),
            ("decay_steps", decay_steps, 1),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"`{name}` must be an int >= {low}. Received: {name}={value!r}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.constant_steps = constant_steps
        self.decay_steps = decay_steps

    def __call__(self, step):
        step = ops.cast(step, "float32")
        fraction = (step - self.constant_steps) / self.decay_steps
        return self.initial_learning_rate * ops.clip(1.0 - fraction, 0.0, 1.0)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "constant_steps": self.constant_steps,
            "decay_steps": self.decay_steps,
        }
