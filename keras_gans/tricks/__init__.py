"""Every extra term of the objective, one file each, on the engine's hooks.

| option (compile, `kg.train`, CLI) | trick                 | paper                          |
|-----------------------------------|-----------------------|--------------------------------|
| `instance_noise`                  | `InstanceNoise`       | Sønderby et al. 2017           |
| `feature_matching`                | `FeatureMatching`     | Salimans et al. 2016, sec. 3.1 |
| `historical_averaging`            | `HistoricalAveraging` | Salimans et al. 2016, sec. 3.3 |
| `r1_penalty`                      | `R1Penalty`           | Mescheder et al. 2018          |
| `r2_penalty`                      | `R2Penalty`           | Mescheder et al. 2018          |
| `gradient_penalty`                | `GradientPenalty`     | Gulrajani et al. 2017          |
| `path_length`                     | `PathLengthPenalty`   | Karras et al. 2020 (StyleGAN2) |
| `weight_clipping`                 | `WeightClipping`      | Arjovsky et al. 2017           |
| `consistency`                     | `ConsistencyRegularization` | Zhao et al. 2020 (bCR)   |

`compile(tricks=[kg.tricks.R1Penalty(10.0)])` is the object form;
`compile(r1_penalty=10.0)` is sugar for it, from the `options` each trick
declares (`OPTIONS` gathers them; `kg.train` and `keras-gans train` take the
same names). The augmentations (`compile(augment=...)`, DiffAugment and ADA,
in `keras_gans.augment`) are tricks too. One-sided label smoothing lives with
the losses; minibatch discrimination and virtual batch normalisation are
layers (`kg.layers`).

A new trick is a `Trick` subclass in a new file, added to `TRICKS`.
"""

from keras_gans.tricks.consistency_regularization import ConsistencyRegularization
from keras_gans.tricks.feature_matching import FeatureMatching
from keras_gans.tricks.gradient_penalty import GradientPenalty
from keras_gans.tricks.historical_averaging import HistoricalAveraging
from keras_gans.tricks.instance_noise import InstanceNoise
from keras_gans.tricks.path_length_penalty import PathLengthPenalty
from keras_gans.tricks.r1_penalty import R1Penalty
from keras_gans.tricks.r2_penalty import R2Penalty
from keras_gans.tricks.trick import Option, Trick
from keras_gans.tricks.weight_clipping import WeightClipping

# In the order their hooks run (after the augmentation, which always runs first).
TRICKS = (
    InstanceNoise,
    FeatureMatching,
    HistoricalAveraging,
    R1Penalty,
    R2Penalty,
    GradientPenalty,
    PathLengthPenalty,
    WeightClipping,
    ConsistencyRegularization,
)
# Every option by name: `{name: (trick class, Option)}`.
OPTIONS = {option.name: (cls, option) for cls in TRICKS for option in cls.options}


def from_options(options):
    """The tricks turned on by `options`, a dict of option names to values, in `TRICKS` order.

    A trick is on when its switch (first option) is above 0; its other options
    are checked even when it is off. Raises `ValueError` for an unknown name
    (naming the known ones), a negative weight or a bad option.
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ValueError(f"Unknown trick options {unknown}. Expected names from {sorted(OPTIONS)}.")
    tricks = []
    for cls in TRICKS:
        switch, *others = cls.options
        arguments = {
            option.argument: options[option.name] for option in others if option.name in options
        }
        trick = cls(options.get(switch.name, switch.default), **arguments)
        if trick.weight > 0:
            tricks.append(trick)
    return tricks


__all__ = [
    "ConsistencyRegularization",
    "FeatureMatching",
    "GradientPenalty",
    "HistoricalAveraging",
    "InstanceNoise",
    "OPTIONS",
    "Option",
    "PathLengthPenalty",
    "R1Penalty",
    "R2Penalty",
    "TRICKS",
    "Trick",
    "WeightClipping",
    "from_options",
]
