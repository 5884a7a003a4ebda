"""keras-gans: generative adversarial networks for Keras 3, trained with `model.fit`.

Public API (anything not listed here is private):

Models (`keras.Model` subclasses; importing the package registers them for
`keras.models.load_model`):
    `GAN`, `ConditionalGAN`, `WGAN`, `WGANGP`.
Training and serving:
    `train(...)`, the training recipe of `keras-gans train` (resume, history,
    grids, loss curves); `export_generator(model, directory)`, a SavedModel for
    TF Serving; `discriminator_rejection_sampling(model, num_images)`,
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

import importlib as _importlib  # noqa: E402
import os as _os  # noqa: E402
import sys as _sys  # noqa: E402

__all__ = [
    "GAN",
    "ConditionalGAN",
    "WGAN",
    "WGANGP",
    "Pix2Pix",
    "CycleGAN",
    "discriminator_rejection_sampling",
    "export_generator",
    "train",
    "augment",
    "callbacks",
    "data",
    "distribute",
    "engine",
    "images",
    "layers",
    "losses",
    "metrics",
    "networks",
    "schedules",
    "tricks",
]


def _started_by_the_cli():
    """Whether this process is the `keras-gans` command (or `python -m keras_gans.cli`)."""
    if _sys.argv and _os.path.basename(_sys.argv[0]) in ("keras-gans", "keras-gans.exe"):
        return True
    argv = list(getattr(_sys, "orig_argv", []))
    return "-m" in argv and argv[argv.index("-m") + 1 :][:1] == ["keras_gans.cli"]


# The `keras-gans` command imports the API itself (`_import_api`), after hiding
# TensorFlow's start-up logs, and not at all for `--help` and `--version`. Everywhere
# else `import keras_gans` imports the whole API at once (registering the model classes
# for `keras.models.load_model`).
_deferred = _started_by_the_cli() and not globals().get("_api_requested", False)

if _deferred:

    def __getattr__(name):  # PEP 562: the first use of the API imports it
        if name in __all__:
            _import_api()
            return globals()[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

else:
    globals().pop("__getattr__", None)
    from keras_gans.backend_check import require_tensorflow_backend

    require_tensorflow_backend()
    from keras_gans import (
        augment,
        callbacks,
        data,
        distribute,
        engine,
        images,
        layers,
        losses,
        metrics,
        networks,
        schedules,
        tricks,
    )
    from keras_gans.discriminator_rejection_sampling import discriminator_rejection_sampling
    from keras_gans.export import export_generator
    from keras_gans.models import GAN, WGAN, WGANGP, ConditionalGAN, CycleGAN, Pix2Pix
    from keras_gans.train import train  # the function; the module stays keras_gans.train


def _import_api():
    """Imports the public API into the package, if `_deferred` held it back."""
    global _api_requested
    if _deferred:
        _api_requested = True
        _importlib.reload(_sys.modules[__name__])
