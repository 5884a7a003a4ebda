"""Training tricks, each one `GAN.compile` argument and one file, plugged into the step's hooks.

| compile argument       | trick                 | paper                          |
|------------------------|-----------------------|--------------------------------|
| `feature_matching`     | `FeatureMatching`     | Salimans et al. 2016, sec. 3.1 |
| `historical_averaging` | `HistoricalAveraging` | Salimans et al. 2016, sec. 3.3 |
| `instance_noise`       | `InstanceNoise`       | Sønderby et al. 2017           |
| `r1_penalty`           | `R1Penalty`           | Mescheder et al. 2018          |
| `r2_penalty`           | `R2Penalty`           | Mescheder et al. 2018          |

One-sided label smoothing (`label_smoothing`) lives with the losses, and
minibatch discrimination and virtual batch normalisation are layers
(`kg.layers`, `kg.networks.dcgan_*(minibatch=..., normalization=...)`).
The augmentations (`compile(augment=...)`, DiffAugment and ADA) are tricks
too, in `keras_gans.augment`.
A new trick is a `Trick` subclass in a new file, added to `TRICKS`.
"""

from keras_gans.tricks.feature_matching import FeatureMatching
from keras_gans.tricks.historical_averaging import HistoricalAveraging
from keras_gans.tricks.instance_noise import InstanceNoise
from keras_gans.tricks.r1_penalty import R1Penalty
from keras_gans.tricks.r2_penalty import R2Penalty
from keras_gans.tricks.trick import Trick

# In the order their hooks run.
TRICKS = {
    cls.compile_argument: cls
    for cls in (InstanceNoise, FeatureMatching, HistoricalAveraging, R1Penalty, R2Penalty)
}
# Extra compile arguments of a trick, by the argument that turns it on.
TRICK_OPTIONS = {
    "instance_noise": {"instance_noise_steps": "steps"},
    "r1_penalty": {"r1_interval": "interval"},
    "r2_penalty": {"r2_interval": "interval"},
}


def build_tricks(arguments):
    """The tricks turned on (weight > 0) by `arguments`, a dict of compile arguments.

    Raises `ValueError` for a negative weight or a bad option.
    """
    tricks = []
    for name, trick_class in TRICKS.items():
        weight = arguments.get(name, 0.0)
        options = {
            option: arguments[argument]
            for argument, option in TRICK_OPTIONS.get(name, {}).items()
            if argument in arguments
        }
        trick = trick_class(weight, **options)  # checks the arguments even when off
        if trick.weight > 0:
            tricks.append(trick)
    return tricks


def compile_arguments():
    """Every compile argument the tricks take."""
    names = list(TRICKS)
    for options in TRICK_OPTIONS.values():
        names.extend(options)
    return names


__all__ = [
    "FeatureMatching",
    "HistoricalAveraging",
    "InstanceNoise",
    "R1Penalty",
    "R2Penalty",
    "Trick",
    "TRICKS",
]
