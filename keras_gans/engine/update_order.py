"""How a step orders its two updates: `compile(reuse_fakes=..., simultaneous_updates=...)`."""

import numpy as np


def check_update_order(model, reuse_fakes, simultaneous_updates):
    """Checks the two options against `model`; a `ValueError` naming what does not fit.

    - `reuse_fakes=False` (fresh fakes for G's update) needs a model that
      draws noise (`draws_fresh_fakes`): a translator has none to draw again.
    - `simultaneous_updates=True` (both players' gradients from one pass of D,
      `AdversarialSteps.simultaneous_step`) needs one D update per G update
      on the same fakes: `critic_steps=1` and `reuse_fakes=True`.
    """
    options = {"reuse_fakes": reuse_fakes, "simultaneous_updates": simultaneous_updates}
    for name, value in options.items():
        if not isinstance(value, bool | np.bool_):
            raise ValueError(f"{name} must be True or False. Received: {name}={value!r}")
    kind = type(model).__name__
    if not reuse_fakes and not model.draws_fresh_fakes:
        raise ValueError(
            f"A {kind} trains its generators on the translations the discriminator step "
            "judged (there is no noise to draw again). Received: reuse_fakes=False; leave "
            "it True."
        )
    if not simultaneous_updates:
        return
    critic_steps = getattr(model, "critic_steps", 1)
    if critic_steps != 1 or not reuse_fakes:
        raise ValueError(
            "simultaneous_updates=True takes both players' gradients from one pass of the "
            "discriminator on the same fakes, so it needs critic_steps=1 and "
            f"reuse_fakes=True. Received: a {kind} with critic_steps={critic_steps} and "
            f"reuse_fakes={reuse_fakes}."
        )
