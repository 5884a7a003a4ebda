import warnings

import keras
import numpy as np
import pytest
from conftest import (
    tiny_data_for,
    tiny_dataset,
    tiny_gan,
    tiny_model,
    weights_of,
)

import keras_gans as kg


def _optimizer_state(optimizer):
    return [v.numpy() for v in optimizer.variables]


def test_save_and_load_round_trip(tmp_path):
    gan = tiny_gan(loss="least_squares", label_smoothing=0.1, reuse_fakes=False)
    gan.fit(tiny_dataset(), epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = keras.models.load_model(path)
    messages = " ".join(str(w.message) for w in caught)
    assert "Skipping variable loading" not in messages
    assert "compile()` was not called" not in messages

    assert type(loaded) is type(gan)
    np.testing.assert_array_equal(loaded.generate(8, seed=0), gan.generate(8, seed=0))
    for a, b in zip(weights_of(gan), weights_of(loaded), strict=True):
        np.testing.assert_array_equal(a, b)
    for opt, opt_loaded in (
        (gan.optimizers["discriminator"], loaded.optimizers["discriminator"]),
        (gan.optimizers["generator"], loaded.optimizers["generator"]),
    ):
        assert int(opt_loaded.iterations) == int(opt.iterations) == 4
        for a, b in zip(_optimizer_state(opt), _optimizer_state(opt_loaded), strict=True):
            np.testing.assert_array_equal(a, b)
    assert loaded.get_compile_config()["loss"] == "least_squares"
    assert loaded.adversarial_loss.label_smoothing == 0.1
    assert loaded.reuse_fakes is False  # not the default: the compile config keeps it
    np.testing.assert_array_equal(
        loaded.seed_generator.state.numpy(), gan.seed_generator.state.numpy()
    )

    # Training continues identically from the loaded state.
    gan.fit(tiny_dataset(), epochs=1, verbose=0)
    loaded.fit(tiny_dataset(), epochs=1, verbose=0)
    assert int(loaded.optimizers["generator"].iterations) == 8
    for a, b in zip(weights_of(gan.generator), weights_of(loaded.generator), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_compile_options_round_trip(tmp_path):
    # Only the configuration: op determinism (conftest.py) turns XLA off in this
    # process, so training a loaded jit-compiled model under XLA is in test_xla.py.
    gan = tiny_gan(jit_compile=True, steps_per_execution=2)
    gan.save(tmp_path / "jit.keras")
    loaded = keras.models.load_model(tmp_path / "jit.keras")
    config = loaded.get_compile_config()
    assert (config["jit_compile"], config["steps_per_execution"]) == (True, 2)


@pytest.mark.slow  # test_save_and_load_round_trip covers GAN's optimizer state by default
@pytest.mark.parametrize("model_class", [kg.ConditionalGAN, kg.WGAN, kg.WGANGP])
def test_every_model_class_round_trips_with_optimizer_state(model_class, tmp_path):
    model = (
        tiny_model(model_class, critic_steps=2)
        if model_class is not kg.ConditionalGAN
        else tiny_model(model_class)
    )
    model.fit(tiny_data_for(model), epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = keras.models.load_model(tmp_path / "m.keras")
    assert "Skipping variable loading" not in " ".join(str(w.message) for w in caught)
    assert type(loaded) is model_class

    def own_arguments(m):  # the networks are compared through their outputs below
        return {k: v for k, v in m.get_config().items() if k not in ("generator", "discriminator")}

    assert own_arguments(loaded) == own_arguments(model)
    assert set(own_arguments(model)) >= (
        {"num_classes"} if model_class is kg.ConditionalGAN else {"critic_steps"}
    )
    z = np.random.default_rng(0).standard_normal((3, 8)).astype("float32")
    labels = np.array([0, 1, 2], "int32") if model_class is kg.ConditionalGAN else None
    np.testing.assert_array_equal(
        loaded.generate_from_latent(z, labels), model.generate_from_latent(z, labels)
    )
    for opt, opt_loaded in (
        (model.optimizers["discriminator"], loaded.optimizers["discriminator"]),
        (model.optimizers["generator"], loaded.optimizers["generator"]),
    ):
        assert (
            type(opt_loaded) is type(opt) and int(opt_loaded.iterations) == int(opt.iterations) > 0
        )
        for a, b in zip(_optimizer_state(opt), _optimizer_state(opt_loaded), strict=True):
            np.testing.assert_array_equal(a, b)
    loaded.fit(tiny_data_for(loaded), epochs=1, verbose=0)
    model.fit(tiny_data_for(model), epochs=1, verbose=0)
    for a, b in zip(weights_of(model), weights_of(loaded), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
