"""keras-gans: generative adversarial networks for Keras 3, trained with `model.fit`.

Public API (anything not listed here is private):

Models (`keras.Model` subclasses; importing the package registers them for
`keras.models.load_model`):
    `GAN`, `ConditionalGAN`, `WGAN`, `WGANGP`.
Training and serving:
    `train(...)`, the training recipe of `keras-gans train` (resume, history,
    grids, loss curves); `export_generator(model, path)`, a SavedModel for
    TF Serving; `discriminator_rejection_sampling(model, num_samples)`,
    samples kept by D's verdict (Azadi et al. 2019).
Submodules:
    `networks`: `dcgan_generator`, `dcgan_discriminator`, `mlp_generator`,
        `mlp_discriminator`.
    `losses`: the adversarial losses (`minimax`, `non_saturating`,
        `least_squares`, `hinge`, `wasserstein`) as `AdversarialLoss`
        objects, and `get(name, label_smoothing)`.
    `data`: `load(name, ...)` -> `tf.data.Dataset` of images in [-1, 1],
        `scale_images`, `toy_mixture` (2-D Gaussian mixtures).
    `callbacks`: `ImageGrid`, `FIDCallback`, `KIDCallback`,
        `MultiWorkerBackupAndRestore`, `TerminateOnNonFiniteLoss`, `TrainingMonitor`.
    `distribute`: `get_strategy(name)` (`"mirrored"`, `"multi_worker"`),
        `is_multi_worker`, `is_chief`, `worker`, `shard_by_data`.
    `metrics`: `frechet_distance`, feature extractors and the named metrics
        (FID, KID, IS, precision/recall, conditional accuracy) and `Evaluator`,
        `mode_coverage` for the toy mixtures.
    `images`: `to_uint8`, `make_grid`, `save_grid`, `save_gif`.
    `layers`: `MinibatchDiscrimination`, `MinibatchStdDev`,
        `VirtualBatchNormalization`, `Maxout`, `GaussianMixtureLatent`,
        `FourierFeatures`.
    `tricks`: the training tricks behind `GAN.compile`'s arguments
        (`FeatureMatching`, `HistoricalAveraging`, `InstanceNoise`,
        `R1Penalty`, `R2Penalty`) and their base class `Trick`.
    `augment`: the augmentations of every discriminator input behind
        `GAN.compile(augment=...)`: `DiffAugment`, `ADA`.
"""

__version__ = "0.1.0"  # before the imports: the engine records it in saved models

from keras_gans import (  # noqa: E402
    augment,
    callbacks,
    data,
    distribute,
    images,
    layers,
    losses,
    metrics,
    networks,
    tricks,
)
from keras_gans.discriminator_rejection_sampling import discriminator_rejection_sampling
from keras_gans.export import export_generator
from keras_gans.models import GAN, WGAN, WGANGP, ConditionalGAN
from keras_gans.train import train  # the function; the module stays keras_gans.train

__all__ = [
    "GAN",
    "ConditionalGAN",
    "WGAN",
    "WGANGP",
    "discriminator_rejection_sampling",
    "export_generator",
    "train",
    "augment",
    "callbacks",
    "data",
    "distribute",
    "images",
    "layers",
    "losses",
    "metrics",
    "networks",
    "tricks",
]
