"""Keras' own callbacks on every model class: learning-rate callbacks and schedules act on both
players keeping their ratio; ModelCheckpoint and EarlyStopping know each log's direction."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import slow_but_the_first, tiny_data_for, tiny_images, tiny_labels, tiny_model
from helpers import tiny_pairs, tiny_translation_model

import keras_gans as kg

CLASSES = slow_but_the_first(
    [kg.GAN, kg.ConditionalGAN, kg.WGAN, kg.WGANGP, kg.Pix2Pix, kg.CycleGAN]
)
# A validation log each class writes, for ModelCheckpoint(monitor="val_...").
VALIDATION_LOG = {kg.Pix2Pix: "val_l1", kg.CycleGAN: "val_cycle_a"}


def model_and_data(model_class, d_learning_rate=4e-4, g_learning_rate=1e-4):
    """A tiny model of the class with TTUR rates (D at 4x G), its data and held-out data."""
    compile_kwargs = {
        "d_optimizer": keras.optimizers.Adam(d_learning_rate, beta_1=0.5),
        "g_optimizer": keras.optimizers.Adam(g_learning_rate, beta_1=0.5),
    }
    if model_class in (kg.Pix2Pix, kg.CycleGAN):
        model = tiny_translation_model(model_class, compile_kwargs=compile_kwargs)
        source, target = tiny_pairs(8)
        held_out = tiny_pairs(4, seed=1)
        data = tf.data.Dataset.from_tensor_slices((source, target)).batch(4)
        return model, data, tf.data.Dataset.from_tensor_slices(held_out).batch(4)
    kwargs = {"critic_steps": 2} if issubclass(model_class, kg.WGAN) else {}
    model = tiny_model(model_class, compile_kwargs=compile_kwargs, **kwargs)
    held_out = tiny_images(8, seed=1)
    if model_class is kg.ConditionalGAN:
        held_out = (held_out, tiny_labels(8))
    held = tf.data.Dataset.from_tensor_slices(held_out).batch(8)
    return model, tiny_data_for(model, n=16, batch_size=8), held


def learning_rates(model):
    return {p: float(o.learning_rate.numpy()) for p, o in model.optimizers.items()}


@pytest.mark.parametrize("model_class", CLASSES)
def test_learning_rate_callbacks_act_on_both_players_keeping_their_ratio(model_class):
    model, data, _ = model_and_data(model_class)
    halve = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch else lr)
    history = model.fit(data, epochs=2, callbacks=[halve], verbose=0).history
    assert learning_rates(model) == pytest.approx({"discriminator": 2e-4, "generator": 5e-5})
    assert history["learning_rate"] == pytest.approx([1e-4, 5e-5])  # the generator's
    # A schedule that sets a value: the generator's becomes it, D keeps 4x.
    model.fit(data, epochs=1, callbacks=[keras.callbacks.LearningRateScheduler(lambda e: 1e-3)],
              verbose=0)  # fmt: skip
    assert learning_rates(model) == pytest.approx({"discriminator": 4e-3, "generator": 1e-3})
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="g_loss", factor=0.1, patience=0,
                                                min_delta=1e9)  # fmt: skip
    model.fit(data, epochs=2, callbacks=[plateau], verbose=0)
    assert learning_rates(model) == pytest.approx({"discriminator": 4e-4, "generator": 1e-4})


@pytest.mark.parametrize("model_class", CLASSES)
def test_checkpoint_and_early_stopping_need_no_mode(model_class, tmp_path):
    model, data, held = model_and_data(model_class)
    monitor = VALIDATION_LOG.get(model_class, "val_d_loss")
    best = keras.callbacks.ModelCheckpoint(tmp_path / "best.keras", monitor=monitor,
                                           save_best_only=True)  # fmt: skip
    stop = keras.callbacks.EarlyStopping(monitor="g_loss", patience=5)
    model.fit(data, validation_data=held, epochs=2, callbacks=[best, stop], verbose=0)
    assert (tmp_path / "best.keras").exists()
    assert best.monitor_op is np.less or best.monitor_op.__name__ == "less"
    assert stop.monitor_op.__name__ == "less"


def test_every_logged_name_has_a_direction():
    from keras_gans.engine.trackers import direction

    assert direction("diversity") == "up" and direction("val_d_fake") == "up"
    assert direction("d_loss") == "down" and direction("r1_penalty") == "down"
    assert direction("diversity_a") == "up"  # CycleGAN's per-domain logs
    # A callback's own score: declared by the callback, found by Keras' monitors.
    model, data, _ = model_and_data(kg.GAN)
    model.trackers.declare("recall_fashion_classifier_2k", "up")
    stop = keras.callbacks.EarlyStopping(monitor="recall_fashion_classifier_2k")
    stop.set_model(model)
    stop._set_monitor_op()
    assert stop.monitor_op.__name__ == "greater"


def test_a_schedule_per_optimizer_and_one_player_alone():
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=1, decay_rate=0.5)
    model = tiny_model(
        kg.GAN,
        compile_kwargs={
            "d_optimizer": keras.optimizers.Adam(schedule),
            "g_optimizer": keras.optimizers.Adam(2e-4),
        },
    )
    model.fit(tiny_data_for(model, n=16, batch_size=8), epochs=1, verbose=0)  # 2 steps
    assert learning_rates(model) == pytest.approx({"discriminator": 2.5e-4, "generator": 2e-4})
    # Setting both players' rates through model.optimizer needs settable rates.
    with pytest.raises(ValueError, match="follows a learning-rate schedule"):
        model.optimizer.learning_rate = 1e-4
    # One player alone: its own optimizer.
    model.optimizers["generator"].learning_rate = 5e-5
    assert learning_rates(model)["generator"] == pytest.approx(5e-5)
