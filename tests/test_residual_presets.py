"""The presets resnet_sngan, sagan and stylegan2: their papers' recipes, as data."""

import keras
import numpy as np
import pytest

from keras_gans.layers import MinibatchStdDev, SelfAttention, StyleMixing
from keras_gans.presets import PRESETS, build_model
from keras_gans.recipe.model import compile_arguments
from keras_gans.training_options import TrainingConfig
from keras_gans.tricks import PathLengthPenalty, R1Penalty


def compiled(name, size=32, **options):
    """The model `kg.train(name, **options)` trains (built for 32x32 RGB images)."""
    config = TrainingConfig.from_arguments(preset=name, **options)
    model = build_model(name, (size, size, 3), latent_dim=16, seed=0)
    model.compile(**compile_arguments(PRESETS[name], config.compile))
    return model


def adam(optimizer):
    config = optimizer.get_config()
    return (
        type(optimizer).__name__,
        pytest.approx(float(config["learning_rate"])),
        config["beta_1"],
        config["beta_2"],
    )


def spectral(network):
    return [type(layer).__name__ == "SpectralNormalization" for layer in network.layers]


def layers_of(network, kind):
    return [layer for layer in network._flatten_layers() if isinstance(layer, kind)]


def test_resnet_sngan_is_the_sngan_cifar_recipe():
    model = compiled("resnet_sngan")
    assert PRESETS["resnet_sngan"].batch_size == 5 * 64 and model.critic_steps == 5
    assert model.adversarial_loss.name == "hinge"
    for player in ("discriminator", "generator"):
        assert adam(model.optimizers[player]) == ("Adam", 2e-4, 0.0, 0.9)
    assert any(spectral(model.discriminator)) and not any(spectral(model.generator))
    assert "Miyato et al." in PRESETS["resnet_sngan"].citation


def test_sagan_has_attention_spectral_norm_everywhere_and_two_time_scales():
    model = compiled("sagan")
    assert model.critic_steps == 1 and model.adversarial_loss.name == "hinge"
    assert adam(model.optimizers["discriminator"]) == ("Adam", 4e-4, 0.0, 0.9)
    assert adam(model.optimizers["generator"]) == ("Adam", 1e-4, 0.0, 0.9)
    assert any(spectral(model.discriminator)) and any(spectral(model.generator))
    # Attention on a middle map: 16x16 in G (32x32 images), after D's first block.
    (g_attention,) = layers_of(model.generator, SelfAttention)
    (d_attention,) = layers_of(model.discriminator, SelfAttention)
    assert g_attention.input.shape[1] == 16 and d_attention.input.shape[1] == 16
    assert "Zhang et al." in PRESETS["sagan"].citation


def test_stylegan2_is_the_stylegan2_ada_recipe():
    model = compiled("stylegan2")
    assert PRESETS["stylegan2"].batch_size == 32 and model.adversarial_loss.name == "non_saturating"
    for player in ("discriminator", "generator"):
        assert adam(model.optimizers[player]) == ("Adam", 0.0025, 0.0, 0.99)
    r1, path_length = model.tricks
    assert isinstance(r1, R1Penalty) and (r1.weight, r1.every_n_steps) == (0.01, 16)
    assert isinstance(path_length, PathLengthPenalty)
    assert (path_length.weight, path_length.every_n_steps) == (2.0, 4)
    assert (path_length.decay, path_length.batch_shrink) == (0.01, 2)
    # A half-life of 10k images at batch 32.
    assert model.ema_decay == pytest.approx(0.5 ** (32 / 10_000))
    assert model.ema_decay ** (10_000 / 32) == pytest.approx(0.5)
    assert model.generator.get_layer("style_mixing").probability == 0.9
    assert len(layers_of(model.generator, StyleMixing)) == 1
    assert layers_of(model.discriminator, MinibatchStdDev) and not any(
        spectral(model.discriminator)
    )
    assert "StyleGAN2-ADA" in PRESETS["stylegan2"].citation


def test_run_options_override_the_recipe():
    model = compiled("stylegan2", r1_penalty=1.0, path_length_every_n_steps=8, loss="hinge")
    r1, path_length = model.tricks
    assert (r1.weight, r1.every_n_steps, path_length.every_n_steps) == (1.0, 16, 8)
    assert model.adversarial_loss.name == "hinge"
    ema = build_model("stylegan2", (32, 32, 3), latent_dim=16, ema_decay=0.9).ema_decay
    assert ema == 0.9
    off = build_model("resnet_sngan", (32, 32, 3), latent_dim=16, spectral_norm=False)
    assert not any(spectral(off.discriminator))


@pytest.mark.parametrize(("name", "size"), [("resnet_sngan", 48), ("sagan", 100)])
def test_residual_presets_take_sizes_dcgan_cannot(name, size):
    model = build_model(name, (size, size, 3), latent_dim=16, seed=0)
    z = np.random.default_rng(0).standard_normal((2, 16)).astype("float32")
    assert model.generator(z).shape == (2, size, size, 3)
    assert model.discriminator(np.zeros((2, size, size, 3), "float32")).shape == (2, 1)


def test_stylegan2_refuses_sizes_that_are_not_powers_of_two():
    with pytest.raises(ValueError, match="power of two.*Received: image_shape with height=48"):
        build_model("stylegan2", (48, 48, 3))


def test_networks_are_cpu_sized_and_saved_whole(tmp_path):
    # G narrows from 128 channels at 4x4 to 16 at 32x32; D widens from 16 to 128.
    model = build_model("resnet_sngan", (32, 32, 3), latent_dim=16, seed=0)
    assert model.generator.get_layer("block3_conv2").filters == 16
    assert model.generator.get_layer("reshape").output.shape[-1] == 128
    assert model.discriminator.get_layer("features").output.shape[-1] == 128
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert loaded.critic_steps == 5
    z = np.random.default_rng(0).standard_normal((2, 16)).astype("float32")
    np.testing.assert_allclose(loaded.generator(z), model.generator(z), atol=1e-6)
