"""`build_model(..., generator_options=, discriminator_options=)`: a preset with other networks."""

import keras
import pytest
from conftest import load_benchmark

from keras_gans.presets import build_model

SHAPE = (16, 16, 3)


def layer_types(network):
    return {type(layer).__name__ for layer in network._flatten_layers()}


def test_the_options_reach_the_preset_builders():
    model = build_model(
        "dcgan", SHAPE, latent_dim=8, seed=0,
        generator_options={"upsampling": "nearest", "filters": 32},
        discriminator_options={"normalization": "layer"},
    )  # fmt: skip
    default = build_model("dcgan", SHAPE, latent_dim=8, seed=0)
    assert "UpSampling2D" in layer_types(model.generator)
    assert "Conv2DTranspose" not in layer_types(model.generator)
    assert "Conv2DTranspose" in layer_types(default.generator)
    assert "LayerNormalization" in layer_types(model.discriminator)
    assert "BatchNormalization" not in layer_types(model.discriminator)
    assert model.generator.count_params() < default.generator.count_params()  # 32 < 512 wide


def test_an_option_overrides_the_presets_own_argument():
    # sngan's D is dcgan_discriminator with normalization=None already set.
    assert "BatchNormalization" not in layer_types(build_model("sngan", SHAPE).discriminator)
    model = build_model("sngan", SHAPE, discriminator_options={"normalization": "batch"})
    assert "BatchNormalization" in layer_types(model.discriminator)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"generator_options": {"upsamplin": "nearest"}},
         r"`generator_options` must be arguments of dcgan_generator, which takes the options "
         r"\[.*'upsampling'.*\]\. Received unknown options: \['upsamplin'\]"),
        ({"discriminator_options": ["normalization"]},
         r"must be a dict of arguments of dcgan_discriminator\. Received: "
         r"discriminator_options=\['normalization'\]"),
        ({"spectral_norm": True, "discriminator_options": {"spectral_norm": False}},
         r"Pass `spectral_norm` once"),
    ],
    ids=["unknown", "not a dict", "twice"],
)  # fmt: skip
def test_bad_options_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_model("dcgan", SHAPE, **kwargs)


def test_a_preset_whose_builder_takes_no_options_says_so():
    with pytest.raises(ValueError, match=r"resnet_sngan_generator, which takes no options"):
        build_model("resnet_sngan", (32, 32, 3), generator_options={"filters": 8})


def test_image_to_image_presets_refuse_network_options():
    with pytest.raises(ValueError, match=r"the 'pix2pix' preset builds its networks itself"):
        build_model("pix2pix", SHAPE, generator_options={"filters": 8})


def test_the_architectures_benchmark_passes_g_and_d_options_to_build_model():
    architectures = load_benchmark("architectures")
    preset, compile_kwargs, model_kwargs, recipe = architectures.variant(
        'dcgan+g_upsampling="nearest"+d_normalization="layer"+ema_decay=0.999+label_smoothing=0.1'
    )
    assert preset == "dcgan" and compile_kwargs["label_smoothing"] == 0.1
    assert recipe == {"batch_size": 32, "critic_steps": 1}  # the preset's own
    assert model_kwargs == {
        "generator_options": {"upsampling": "nearest"},
        "discriminator_options": {"normalization": "layer"},
        "ema_decay": 0.999,
    }
    model = build_model(preset, SHAPE, latent_dim=8, **model_kwargs)
    assert isinstance(model.generator, keras.Model) and model.ema_decay == 0.999


def test_the_architectures_benchmark_replaces_the_batch_size_and_critic_steps():
    architectures = load_benchmark("architectures")
    assert architectures.variant("resnet_sngan")[3] == {"batch_size": 320, "critic_steps": 5}
    preset, compile_kwargs, _, recipe = architectures.variant(
        "resnet_sngan+critic_steps=1+batch_size=64"
    )
    assert preset == "resnet_sngan" and recipe == {"batch_size": 64, "critic_steps": 1}
    assert compile_kwargs["loss"] == "hinge"  # the rest of the recipe is the preset's
    with pytest.raises(ValueError, match=r"Received: critic_steps=0"):
        architectures.variant("resnet_sngan+critic_steps=0")
