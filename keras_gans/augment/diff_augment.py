"""DiffAugment (Zhao et al. 2020): the same differentiable augmentation on every D input."""

import keras

from keras_gans.augment.operations import OPERATIONS, uniform_sampler
from keras_gans.tricks.trick import Trick


@keras.saving.register_keras_serializable(package="keras_gans")
class DiffAugment(Trick):
    """Augments every discriminator input, real and fake, in both steps.

    A discriminator trained on few images memorises them; augmenting only the
    real images would teach the generator to make augmented images. DiffAugment
    applies the same random, differentiable transformations to every image D
    sees (reals and fakes, in the discriminator step and the generator step), so
    the generator's gradient flows back through them (Zhao et al. 2020). Each
    call draws fresh parameters per image. The operations are those of the
    paper (`keras_gans/augment/operations.py`): `"translation"` (up to 1/8 of
    the side), `"cutout"` (a square of half the side) and `"color"`
    (brightness, saturation, contrast).

    Turned on by `compile(augment="translation,cutout,color")` (any
    comma-separated subset, applied in the order given) or
    `compile(augment=kg.augment.DiffAugment(...))`.

    Args:
        policy: comma-separated operation names. Defaults to
            `"translation,cutout,color"`, the paper's choice for little data.

    Example:

    ```python
    gan.compile(augment="translation,cutout,color")
    ```

    Reference:
        Zhao et al., "Differentiable Augmentation for Data-Efficient GAN
        Training", NeurIPS 2020.
    """

    def __init__(self, policy="translation,cutout,color", **kwargs):
        super().__init__(1.0, **kwargs)
        self.operations = parse_policy(policy)
        self.policy = ",".join(self.operations)

    def augment(self, images, model):
        uniform = uniform_sampler(model)
        for name in self.operations:
            images = OPERATIONS[name](images, uniform)
        return images

    def get_config(self):
        return {**super().get_config(), "policy": self.policy}


def parse_policy(policy):
    """The operation names of a comma-separated `policy`; `ValueError` for unknown ones."""
    if not isinstance(policy, str):
        raise ValueError(
            "`augment` must be a comma-separated string of operations "
            f"{sorted(OPERATIONS)} or a kg.augment object. Received: augment={policy!r}"
        )
    names = [name.strip() for name in policy.split(",") if name.strip()]
    unknown = [name for name in names if name not in OPERATIONS]
    if unknown or not names:
        raise ValueError(
            f"Unknown augmentation {unknown or policy!r}: `augment` takes a comma-separated "
            f"subset of {sorted(OPERATIONS)}. Received: augment={policy!r}"
        )
    return names
