"""The model of a `kg.train` run: the preset's networks and compile step, with the run's options."""

import keras

from keras_gans import distribute, mixed_precision
from keras_gans.presets import build_model
from keras_gans.recipe.augment_choice import count_images, resolve_augment
from keras_gans.recipe.data import count_classes
from keras_gans.schedules import LinearDecay
from keras_gans.training_options import training_options

# Options of latent models that an image-to-image preset has no use for.
_LATENT_ONLY = ("latent_dim", "num_classes")


def build_and_compile(config, preset, data, seed, strategy, verbose=0):
    """Builds and compiles the preset's model for `data`, under `strategy` and the precision.

    `augment="auto"` is decided here from the size of `data` (a latent model on
    a small dataset is augmented; see `augment_choice`), and said when `verbose`.
    """
    options = dict(config.model)
    batch_size = config.data["batch_size"] or preset.batch_size
    # Pairs are not augmented automatically: Pix2Pix's L1 term ties G to each target.
    num_images = None if preset.translation else count_images(data, batch_size)
    augment, note = resolve_augment(config.compile["augment"], num_images)
    if note and verbose and distribute.is_chief(strategy):
        print(note)
    arguments = compile_arguments(preset, {**config.compile, "augment": augment})
    if preset.translation:
        for name in _LATENT_ONLY:
            options.pop(name)
        source, target = data.element_spec[:2]  # (source, target) or (a, b)
        options.update(image_shape=source.shape[1:], target_shape=target.shape[1:])
        if preset.linear_decay:
            arguments.update(decaying_optimizers(arguments, config, data))
    else:
        images_spec = data.element_spec[0] if preset.conditional else data.element_spec
        if preset.conditional and options["num_classes"] is None:
            options["num_classes"] = count_classes(data)
        options["image_shape"] = images_spec.shape[1:]
    with strategy.scope(), mixed_precision.global_policy(config.run["precision"]):
        model = build_model(seed=seed, **options)
        model.compile(**arguments)
    return model


def compile_arguments(preset, options):
    """The preset's compile arguments, with the run's options where they are set."""
    arguments = dict(preset.compile_kwargs)
    defaults = {option.name: option.default for option in training_options()}
    for name, value in options.items():
        if value == "auto":  # the preset's, else compile's default
            continue
        if name not in arguments or value != defaults[name]:
            arguments[name] = value
    return arguments


def decaying_optimizers(arguments, config, data):
    """Both optimizers with CycleGAN's schedule: constant for half the run, then linear to 0.

    The run's length is `epochs` times the steps of an epoch (`steps_per_epoch`,
    or the dataset's batches), so a shorter run decays over its own second half.
    """
    steps = config.data["steps_per_epoch"]
    if steps is None:
        steps = int(data.cardinality())
        if steps < 1:  # unknown or infinite
            raise ValueError(
                "The cyclegan preset's learning rate decays over the second half of the run, "
                "whose length it needs. Received: a dataset of unknown length and "
                "steps_per_epoch=None. Pass steps_per_epoch (--steps-per-epoch)."
            )
    total = config.run["epochs"] * steps
    optimizers = {}
    for name in ("d_optimizer", "g_optimizer"):
        given = arguments[name]
        settings = keras.optimizers.get(given).get_config()
        # A config's learning rate as written (the optimizer's is rounded to float32).
        rate = given["config"]["learning_rate"] if isinstance(given, dict) else None
        half = total // 2
        settings["learning_rate"] = LinearDecay(
            float(rate or settings["learning_rate"]), constant_steps=half, decay_steps=total - half
        )
        optimizers[name] = type(keras.optimizers.get(given)).from_config(settings)
    return optimizers
