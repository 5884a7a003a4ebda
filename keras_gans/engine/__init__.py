"""The adversarial engine every model class is a small subclass of.

- `AdversarialModel` (`adversarial_model.py`): players by name
  (`model.networks`, `model.optimizers`), `compile` (optimizers, the loss,
  the tricks), `fit`'s checks, trackers, EMA copies, noise, saving.
- `AdversarialSteps` (`adversarial_steps.py`): the step's building blocks,
  `discriminator_step` and `generator_step`, where the objective is gathered,
  and `update_players` / `simultaneous_step` (both from one pass of D).
- `check_update_order` (`update_order.py`): `compile`'s `reuse_fakes` and
  `simultaneous_updates`.
- `StepState` (`step_state.py`): what one judgement of a step holds.
- `BatchSpec` (`batch_spec.py`): what `fit` expects of a batch.
- `Forward` (`forward.py`): the generators' recorded forward pass.
- `LatentSampling` (`sampling.py`): `generate` for latent models.
- `PlayerOptimizers` (`player_optimizers.py`): `model.optimizer` for Keras'
  learning-rate callbacks.
- `Trackers` (`trackers.py`): the logs, with their directions.
"""

from keras_gans.engine.adversarial_model import AdversarialModel
from keras_gans.engine.batch_spec import BatchSpec
from keras_gans.engine.forward import Forward
from keras_gans.engine.player_optimizers import PlayerOptimizers
from keras_gans.engine.sampling import LatentSampling
from keras_gans.engine.step_state import StepState

__all__ = [
    "AdversarialModel",
    "BatchSpec",
    "Forward",
    "LatentSampling",
    "PlayerOptimizers",
    "StepState",
]
