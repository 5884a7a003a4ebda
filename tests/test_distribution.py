"""MirroredStrategy over two logical CPUs must match one device exactly (up to float
summation order): same global batch, same seed, same weights and logged losses."""

import numpy as np
import pytest
import tensorflow as tf
from conftest import slow_but_the_first, tiny_data_for, tiny_images, tiny_model, weights_of

import keras_gans as kg


def train(model_class, strategy, epochs=2, **model_kwargs):
    with strategy.scope():
        gan = tiny_model(model_class, seed=3, **model_kwargs)
    history = gan.fit(tiny_data_for(gan, n=64, batch_size=16), epochs=epochs, verbose=0)
    return gan, history.history


def assert_same_training(strategy, model_class, **model_kwargs):
    single, single_logs = train(
        model_class, tf.distribute.OneDeviceStrategy("/cpu:0"), **model_kwargs
    )
    mirrored, mirrored_logs = train(model_class, strategy, **model_kwargs)
    assert mirrored.distribute_strategy.num_replicas_in_sync == 2
    for name in single_logs:
        np.testing.assert_allclose(
            mirrored_logs[name], single_logs[name], rtol=1e-4, atol=1e-5, err_msg=name
        )
    for a, b in zip(weights_of(single), weights_of(mirrored), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "model_class", slow_but_the_first([kg.GAN, kg.ConditionalGAN, kg.WGAN, kg.WGANGP])
)
def test_mirrored_strategy_matches_one_device(mirrored_strategy, model_class):
    assert_same_training(
        mirrored_strategy,
        model_class,
        **({"critic_steps": 2} if model_class in (kg.WGAN, kg.WGANGP) else {}),
    )


@pytest.mark.slow  # > 10 s
def test_the_training_recipe_under_a_strategy_matches_one_device(mirrored_strategy, tmp_path):
    pixels = ((tiny_images(32) + 1) * 127.5).astype("uint8")
    np.savez(tmp_path / "tiny.npz", x=pixels)
    runs = {}
    for name, strategy in (("one", None), ("mirrored", mirrored_strategy)):
        runs[name] = kg.train(
            "dcgan", str(tmp_path / "tiny.npz"), epochs=1, directory=str(tmp_path / name),
            batch_size=16, latent_dim=8, seed=0, strategy=strategy, verbose=0,
        )  # fmt: skip
    model = runs["mirrored"].model
    assert model.distribute_strategy.num_replicas_in_sync == 2
    assert int(model.optimizers["generator"].iterations.numpy()) == 2
    for a, b in zip(weights_of(runs["one"].model), weights_of(model), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
    for name, values in runs["one"].history.items():
        np.testing.assert_allclose(runs["mirrored"].history[name], values, rtol=1e-4, atol=1e-5)


@pytest.mark.slow  # ~10 s; the plain GAN's copy runs in the default suite
def test_the_relativistic_loss_compares_with_the_global_batch_mean(mirrored_strategy):
    # Each logit is compared with the mean logit of the whole global batch
    # (all-reduced), so two replicas train exactly as one device. SGD: Adam turns a
    # ~0 gradient's summation-order noise into a full step of either sign (one
    # weight of 2,400 came out -3.1e-5 against 3.0e-5 with it).
    compile_kwargs = {
        "loss": "relativistic_average",
        "d_optimizer": {"class_name": "SGD", "config": {"learning_rate": 0.05}},
        "g_optimizer": {"class_name": "SGD", "config": {"learning_rate": 0.05}},
    }
    assert_same_training(mirrored_strategy, kg.GAN, compile_kwargs=compile_kwargs)
