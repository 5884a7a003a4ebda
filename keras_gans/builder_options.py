"""More arguments for a preset's network builders: `build_model`'s `*_options`."""

import inspect
from collections.abc import Mapping


def builder_options(builder, options, network):
    """`options` (a dict or None) as keyword arguments of `builder`; a clear error otherwise.

    Accepted: the builder's arguments that have defaults, except `num_classes`
    (the shapes, latent size and classes are `build_model`'s own). `network`
    (`"generator"` or `"discriminator"`) names the argument in the errors.
    """
    if options is not None and not isinstance(options, Mapping):
        raise ValueError(
            f"`{network}_options` must be a dict of arguments of {_name(builder)}. "
            f"Received: {network}_options={options!r}"
        )
    options = dict(options or {})
    accepted = [
        name
        for name, parameter in inspect.signature(builder).parameters.items()
        if parameter.default is not parameter.empty and name != "num_classes"
    ]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(
            f"`{network}_options` must be arguments of {_name(builder)}, which takes "
            f"{f'the options {accepted}' if accepted else 'no options'}. Received unknown "
            f"options: {unknown}"
        )
    return options


def _name(builder):
    return getattr(builder, "func", builder).__name__  # a functools.partial names its function
