"""Checks run on the generator and the discriminator when a model is constructed.

They turn networks that would train on the wrong objective, or fail late with
an unreadable graph error, into a `ValueError` at construction that names what
was received and what was expected: networks that are not `keras.Model`s, the
wrong number of inputs, a latent size or an image shape that does not match,
several output tensors, or a discriminator with more than one logit per
example. Networks built without `keras.Input` (an unbuilt `keras.Sequential`)
are built here, from the shapes the model knows: the generator on latent
vectors, the discriminator on the generator's images. A generator whose output
of images not bounded by tanh gets a warning.
"""

import re
import warnings

import keras

from keras_gans.losses.minimax import Minimax

# Layers that only move, repeat or pad (with 0) values: a bound before them holds after.
_VALUE_PRESERVING = (
    keras.layers.Reshape,
    keras.layers.Flatten,
    keras.layers.Permute,
    keras.layers.RepeatVector,
    keras.layers.Identity,
    keras.layers.Cropping1D,
    keras.layers.Cropping2D,
    keras.layers.Cropping3D,
    keras.layers.ZeroPadding1D,
    keras.layers.ZeroPadding2D,
    keras.layers.ZeroPadding3D,
    keras.layers.UpSampling1D,
    keras.layers.UpSampling2D,
    keras.layers.UpSampling3D,
)


def check_latent_networks(model):
    """Builds a latent model's unbuilt networks, then raises `ValueError` if it cannot train them.

    Args:
        model: a `GAN` (or subclass) whose `generator`, `discriminator`,
            `latent_dim`, `network_inputs` and `network_inputs_hint` are set.
    """
    for role in ("generator", "discriminator"):
        network = getattr(model, role)
        if not isinstance(network, keras.Model):
            raise ValueError(f"`{role}` must be a keras.Model. Received: {role}={network!r}")
    images = _build_generator(model)
    _build_discriminator(model, images)
    _check_inputs(model)
    _check_outputs(model)
    _warn_if_unbounded(model.generator)


# === Building ===


def _input_specs(model, first):
    """Symbolic inputs of a network: `first` (z or images), plus labels if conditional."""
    if model.network_inputs == 1:
        return first
    return [first, keras.KerasTensor((None,), dtype="int32")]


def _build(model, role, first):
    """Builds an unbuilt network by calling it on symbolic inputs; returns its outputs."""
    network = getattr(model, role)
    inputs = _input_specs(model, first)
    try:
        return network(inputs)
    except Exception as error:
        # Keras' layer errors span lines, with terminal colours: one line of it.
        reason = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).split("Arguments received")[0]
        raise ValueError(
            f"The {role} is not built and could not be built on inputs of shape "
            f"{_shapes(inputs)}. Received: an unbuilt {type(network).__name__} "
            f"({' '.join(reason.split())}). "
            "Give it its input shape, e.g. keras.Sequential([keras.Input(shape), ...])."
        ) from error


def _build_generator(model):
    """The generator's (symbolic) output, building the generator if needed; None if unknown."""
    generator = model.generator
    if not generator.built:
        return _build(model, "generator", keras.KerasTensor((None, model.latent_dim)))
    outputs = getattr(generator, "outputs", None)
    return outputs[0] if outputs and len(outputs) == 1 else None


def _build_discriminator(model, images):
    """Builds an unbuilt discriminator on the generator's images."""
    if model.discriminator.built:
        return
    if images is None:  # a built subclassed generator: ask it for its output spec
        try:
            images = model.generator.compute_output_spec(
                _input_specs(model, keras.KerasTensor((None, model.latent_dim)))
            )
        except Exception:
            images = None
    if not isinstance(images, keras.KerasTensor):
        raise ValueError(
            "The discriminator is not built, and its input shape cannot be read from the "
            f"generator. Received: an unbuilt {type(model.discriminator).__name__}. Give it "
            "its input shape, e.g. keras.Sequential([keras.Input(image_shape), ...])."
        )
    _build(model, "discriminator", keras.KerasTensor((None, *images.shape[1:])))


def _shapes(inputs):
    if isinstance(inputs, list):
        return [tuple(x.shape) for x in inputs]
    return tuple(inputs.shape)


# === Inputs and outputs ===


def _check_inputs(model):
    for role in ("generator", "discriminator"):
        inputs = getattr(getattr(model, role), "inputs", None)
        if inputs is not None and len(inputs) != model.network_inputs:
            raise ValueError(
                f"A {type(model).__name__} {role} takes {model.network_inputs} input(s). "
                f"Received: a {role} with {len(inputs)} input(s). {model.network_inputs_hint}"
            )
    g_inputs = getattr(model.generator, "inputs", None)
    if g_inputs and g_inputs[0].shape[-1] != model.latent_dim:
        raise ValueError(
            f"The generator takes latent vectors of size {g_inputs[0].shape[-1]}, "
            f"but the model was given latent_dim={model.latent_dim}."
        )


def _check_outputs(model):
    for role in ("generator", "discriminator"):
        outputs = getattr(getattr(model, role), "outputs", None)
        if outputs is not None and len(outputs) != 1:
            raise ValueError(
                f"The {role} must return one tensor. Received: a {role} with "
                f"{len(outputs)} outputs of shapes {[tuple(o.shape) for o in outputs]}."
            )
    d_outputs = getattr(model.discriminator, "outputs", None)
    if d_outputs and tuple(d_outputs[0].shape[1:]) not in ((1,), ()):
        raise ValueError(
            "The discriminator must return one logit per example, shape (batch, 1). "
            f"Received: a discriminator with output shape {tuple(d_outputs[0].shape)}. "
            "End it with keras.layers.Dense(1) (no activation: the losses take logits)."
        )
    g_outputs = getattr(model.generator, "outputs", None)
    if g_outputs and model.image_shape is not None:
        produced = tuple(g_outputs[0].shape[1:])
        if produced != model.image_shape:
            raise ValueError(
                "The generator's output shape does not match the discriminator's "
                f"input shape. Received: generator output (None, *{produced}), "
                f"expected (None, *{model.image_shape}) for the discriminator."
            )


def _output_layer(network):
    """`(layer, activation name)` that ends a functional network's output, looking back
    through layers that only move values (`Reshape`, `Flatten`, ...); None if unknown."""
    outputs = getattr(network, "outputs", None)
    if not outputs:
        return None  # a subclassed model: its output cannot be read
    tensor = outputs[0]
    while True:
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            return None
        operation = history.operation
        activation = getattr(operation, "activation", None)
        if callable(activation):
            name = keras.activations.serialize(activation)
            return operation, name if isinstance(name, str) else type(activation).__name__
        if type(operation).__name__ in ("Tanh", "Sigmoid", "Softmax"):  # keras.ops / layers
            return operation, type(operation).__name__.lower()
        node = operation._inbound_nodes[history.node_index]
        if not isinstance(operation, _VALUE_PRESERVING) or len(node.input_tensors) != 1:
            return operation, None
        tensor = node.input_tensors[0]


def _warn_if_unbounded(generator):
    """Warns when a functional generator's images do not come out of a tanh.

    Only images are meant to lie in [-1, 1]: a generator of vectors (a 1-D or 2-D
    toy distribution) may well end in a linear layer.
    """
    outputs = getattr(generator, "outputs", None)
    if not outputs or len(outputs[0].shape) != 4:  # images: (batch, height, width, channels)
        return
    found = _output_layer(generator)
    if found is None or found[1] == "tanh":
        return
    operation, activation = found
    described = (
        f"activation '{activation}'" if activation is not None
        else f"type {type(operation).__name__}"
    )  # fmt: skip
    warnings.warn(
        "The generator's output is not bounded by tanh. Received: a generator ending in "
        f"layer '{operation.name}' of {described}. The training images are in [-1, 1] "
        "(fit checks it), the range of tanh: give the last layer activation='tanh' "
        "(ignore this warning if the output is bounded some other way).",
        stacklevel=4,
    )


_SQUASHING = ("sigmoid", "softmax", "tanh")


def check_discriminator_outputs(model):
    """Refuses (or warns about) a discriminator whose output is squashed by its last layer.

    The losses take D's raw outputs. Under a loss of logits of a probability
    (`minimax`, `non_saturating`, `feature_matching`: the loss applies the
    sigmoid itself), a last sigmoid, softmax or tanh is a `ValueError`: the
    probability would be squashed twice, so D could never be confident and
    every logged number would be quietly wrong (d_real near 0.56). A softmax
    over one output is always 1, a `ValueError` under any loss. Under the
    other losses (least squares, hinge, Wasserstein), which read raw scores, a
    bounded sigmoid or tanh output may be meant: a warning.
    """
    loss = getattr(model, "adversarial_loss", None)
    for name in model.players["discriminator"]:
        found = _output_layer(model.networks[name])
        if found is None or found[1] not in _SQUASHING:
            continue
        layer, activation = found
        received = f"Received: a {name} ending in layer '{layer.name}' ({activation})."
        if activation == "softmax" or isinstance(loss, Minimax):
            why = (
                "a softmax over one output is always 1, so it says nothing"
                if activation == "softmax"
                else f"the '{loss.name}' loss takes its outputs as logits and applies the "
                "sigmoid itself, so the probability would be squashed twice and the "
                "discriminator could never be confident"
            )
            raise ValueError(
                f"The {name}'s output must be a raw score (a logit): {why}. {received} End "
                "it with keras.layers.Dense(1) and no activation, as kg.networks does."
            )
        warnings.warn(
            f"The {name}'s output is bounded by a {activation}, while the "
            f"'{getattr(loss, 'name', loss)}' loss reads raw, unbounded scores. {received} "
            "Remove the activation unless it is meant.",
            stacklevel=4,
        )


def check_no_shared_layers(model):
    """Raises `ValueError` if two networks of different players share a weight.

    A layer shared between the generator and the discriminator is trained by
    both players' optimizers, and the saved file cannot be loaded back: it is
    refused when the model is built, naming the shared weights.
    """
    owners = {}
    for player, names in model.players.items():
        for name in names:
            for variable in model.networks[name].weights:
                owners.setdefault(id(variable), {})[name] = (player, variable.path)
    for networks in owners.values():
        players = {player for player, _ in networks.values()}
        if len(players) > 1:
            described = ", ".join(f"{name} ({path})" for name, (_, path) in networks.items())
            raise ValueError(
                "The networks of the two players must not share layers or weights: each "
                "player trains its own. Received: one weight shared by "
                f"{described}. Build each network with its own layers."
            )


def check_translation_networks(model, translations):
    """Checks an image-to-image model's networks; a `ValueError` naming what does not fit.

    Args:
        model: a `Pix2Pix` or `CycleGAN`.
        translations: `{generator name: (discriminator name, image input of D
            conditioned on the source or not)}`: each generator's output is
            judged by that discriminator.
    """
    for name, network in model.networks.items():
        if not isinstance(network, keras.Model) or getattr(network, "inputs", None) is None:
            raise ValueError(
                f"`{name}` must be a functional keras.Model with an input shape, as "
                f"kg.networks builds them. Received: {name}={network!r}"
            )
        if len(network.outputs) != 1:
            raise ValueError(
                f"The {name} must return one tensor. Received: {len(network.outputs)} outputs."
            )
    for generator_name, (discriminator_name, conditional) in translations.items():
        generator = model.networks[generator_name]
        discriminator = model.networks[discriminator_name]
        produced = tuple(generator.outputs[0].shape[1:])
        judged = tuple(discriminator.inputs[0].shape[1:])
        if produced != judged:
            raise ValueError(
                f"The {generator_name}'s output does not fit the {discriminator_name}. "
                f"Received: output (None, *{produced}); the {discriminator_name} takes "
                f"(None, *{judged})."
            )
        inputs = len(discriminator.inputs)
        if inputs != (2 if conditional else 1):
            hint = (
                "Build it with source_shape=..., e.g. kg.networks.patch_discriminator("
                "image_shape, source_shape=source_shape)."
                if conditional
                else "Build it without source_shape."
            )
            raise ValueError(
                f"A {type(model).__name__} {discriminator_name} takes "
                f"{2 if conditional else 1} input(s). Received: {inputs}. {hint}"
            )
        _warn_if_unbounded(generator)
