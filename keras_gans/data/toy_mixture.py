"""The 2-D Gaussian mixtures of the standard mode-collapse benchmark (VEEGAN, PacGAN)."""

import dataclasses
import itertools
import numbers

import numpy as np


@dataclasses.dataclass(frozen=True)
class ToyMixture:
    """An equal-weight mixture of isotropic 2-D Gaussians.

    Attributes:
        centers: `(num_modes, 2)` float64 array of the modes' means.
        std: the standard deviation of every mode along each axis.
    """

    centers: np.ndarray
    std: float

    @property
    def num_modes(self):
        return len(self.centers)


_RING_ANGLES = 2 * np.pi * np.arange(8) / 8

TOY_MIXTURES = {
    "ring8": ToyMixture(np.stack([np.cos(_RING_ANGLES), np.sin(_RING_ANGLES)], axis=1), 0.01),
    "grid25": ToyMixture(
        np.array(list(itertools.product(range(-4, 5, 2), repeat=2)), dtype="float64"), 0.05
    ),
}


def get_toy_mixture(name):
    """Returns the `ToyMixture` named `name`, or raises a `ValueError` listing the names."""
    if name not in TOY_MIXTURES:
        raise ValueError(
            f"Unknown toy mixture. Expected one of {sorted(TOY_MIXTURES)}. Received: name={name!r}"
        )
    return TOY_MIXTURES[name]


def toy_mixture(name, num_images, seed=None):
    """Samples points from a 2-D Gaussian mixture of the mode-collapse benchmark.

    The settings of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al.
    2018), with the exact numbers of PacGAN's released configuration:

    - `"ring8"`: 8 Gaussians with means `(cos(2 pi k / 8), sin(2 pi k / 8))`,
      `k = 0..7` (a circle of radius 1, the first mode at `(1, 0)`), standard
      deviation 0.01 along each axis (variance 1e-4). (The Unrolled-GAN ring,
      radius 2 with std 0.02, is the same problem scaled by 2.)
    - `"grid25"`: 25 Gaussians with means `{-4, -2, 0, 2, 4}^2`, standard
      deviation 0.05 along each axis (variance 0.0025).

    Each sample's mode is drawn uniformly (equal mixture weights), then the
    point from that mode's Gaussian. The centres and the standard deviation
    are in `TOY_MIXTURES[name].centers` and `TOY_MIXTURES[name].std`; the
    benchmark's metric, `keras_gans.metrics.mode_coverage`, uses them.

    Args:
        name: `"ring8"` or `"grid25"`.
        num_images: number of points, at least 1.
        seed: seed of the numpy generator, for repeatable samples. Defaults
            to `None` (fresh randomness).

    Returns:
        A float32 array of shape `(num_images, 2)`.

    Example:

    ```python
    points = kg.data.toy_mixture("ring8", 10_000, seed=0)
    dataset = tf.data.Dataset.from_tensor_slices(points).shuffle(10_000).batch(100)
    ```

    Reference:
        Srivastava et al., "VEEGAN: Reducing Mode Collapse in GANs using
        Implicit Variational Learning", NeurIPS 2017; Lin et al., "PacGAN: The
        power of two samples in generative adversarial networks", NeurIPS 2018.
    """
    mixture = get_toy_mixture(name)
    if (
        isinstance(num_images, bool)
        or not isinstance(num_images, numbers.Integral)
        or num_images < 1
    ):
        raise ValueError(
            f"`num_images` must be a positive integer. Received: num_images={num_images!r}"
        )
    num_images = int(num_images)
    rng = np.random.default_rng(seed)
    modes = rng.integers(mixture.num_modes, size=num_images)
    noise = rng.standard_normal((num_images, 2))
    return (mixture.centers[modes] + mixture.std * noise).astype("float32")
