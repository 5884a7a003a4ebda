"""What one discriminator judgement of a training step holds, as a typed record."""

import dataclasses
from typing import Any


@dataclasses.dataclass
class StepState:
    """One pair of real and generated images judged by one discriminator.

    Every model class builds its step from these: a `GAN` has one per
    discriminator step, a `Pix2Pix` one (conditioned on the source image), a
    `CycleGAN` two (domain A judged by `discriminator_a`, domain B by
    `discriminator_b`). The engine fills in D's outputs as it computes them;
    the loss, the tricks' terms and the logs all read the same record.

    Attributes:
        real: the real images, `(batch, height, width, channels)` in [-1, 1].
        fake: the generated images D compares them with.
        condition: what D (and G) are conditioned on, D's second input: int
            labels `(batch,)` (`ConditionalGAN`), source images (`Pix2Pix`),
            or None.
        discriminator: the name of the network that judges this pair
            (a key of `model.networks`). Defaults to `"discriminator"`.
        suffix: appended to this pair's log names when a step judges several
            pairs (`"_a"`, `"_b"` for `CycleGAN`). Defaults to `""`.
        real_logits, fake_logits: D's outputs on `real` and `fake` (filled in
            by the step; the generator step fills `fake_logits` anew after D's
            update, and `real_logits` only for losses that read them).
        real_features, fake_features: the output of D's `"features"` layer
            (its inputs when it has none), for the terms that read features.
    """

    real: Any
    fake: Any
    condition: Any = None
    discriminator: str = "discriminator"
    suffix: str = ""
    real_logits: Any = None
    fake_logits: Any = None
    real_features: Any = None
    fake_features: Any = None
