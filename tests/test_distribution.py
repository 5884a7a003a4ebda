"""MirroredStrategy over two logical CPUs must match one device exactly (up to float
summation order): same global batch, same seed, same weights and logged losses."""

import keras
import numpy as np
import tensorflow as tf

import keras_gans as kg
from conftest import LATENT_DIM, tiny_dataset, tiny_discriminator, tiny_generator, weights_of


def train(model_class, strategy, epochs=2, **model_kwargs):
    keras.utils.set_random_seed(3)
    with strategy.scope():
        gan = model_class(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=3, **model_kwargs)
        gan.compile()
    history = gan.fit(tiny_dataset(n=64, batch_size=16), epochs=epochs, verbose=0)
    return gan, history.history


def assert_same_training(model_class, **model_kwargs):
    assert len(tf.config.list_logical_devices("CPU")) == 2
    single, single_logs = train(model_class, tf.distribute.OneDeviceStrategy("/cpu:0"), **model_kwargs)
    mirrored, mirrored_logs = train(
        model_class, tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]), **model_kwargs
    )
    assert mirrored.distribute_strategy.num_replicas_in_sync == 2
    for name in single_logs:
        np.testing.assert_allclose(mirrored_logs[name], single_logs[name], rtol=1e-4, atol=1e-5, err_msg=name)
    for a, b in zip(weights_of(single), weights_of(mirrored)):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


def test_mirrored_strategy_matches_one_device():
    assert_same_training(kg.GAN)
