"""The model of a `kg.train` run: the preset's networks and compile step, with the run's options."""

from keras_gans import mixed_precision
from keras_gans.presets import build_model
from keras_gans.recipe.data import count_classes
from keras_gans.training_options import training_options


def build_and_compile(config, preset, data, seed, strategy):
    """Builds and compiles the preset's model for `data`, under `strategy` and the precision."""
    options = dict(config.model)
    images_spec = data.element_spec[0] if preset.conditional else data.element_spec
    if preset.conditional and options["num_classes"] is None:
        options["num_classes"] = count_classes(data)
    with strategy.scope(), mixed_precision.global_policy(config.run["precision"]):
        model = build_model(image_shape=images_spec.shape[1:], seed=seed, **options)
        model.compile(**compile_arguments(preset, config.compile))
    return model


def compile_arguments(preset, options):
    """The preset's compile arguments, with the run's options where they are set."""
    arguments = dict(preset.compile_kwargs)
    defaults = {option.name: option.default for option in training_options()}
    for name, value in options.items():
        if name not in arguments or (value != defaults[name] and value != "auto"):
            arguments[name] = value
    if arguments.get("loss") == "auto":
        arguments.pop("loss")
    return arguments
