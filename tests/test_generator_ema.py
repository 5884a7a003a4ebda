"""The EMA generator (GAN(ema_decay=...)): the average after k steps by hand, used by
every sampler and the export, saved, resumed, exact under MirroredStrategy, bad decays."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    LATENT_DIM,
    slow_but_the_first,
    tiny_data_for,
    tiny_dataset,
    tiny_model,
    weights_of,
)
from test_distribution import assert_same_training
from test_resume import assert_same_state, resumed_and_uninterrupted, training_state

import keras_gans as kg


class RecordingG(kg.GAN):
    """Records G's weights after every generator update, before the EMA moves."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.snapshots = []

    def after_generator_step(self):
        self.snapshots.append([np.array(v) for v in self.generator.weights])
        return super().after_generator_step()


def test_the_average_after_k_steps_follows_the_ramped_decay():
    keras.utils.set_random_seed(0)
    gan = tiny_model(RecordingG, ema_decay=0.15, compile_kwargs={"run_eagerly": True})
    initial = [np.array(v) for v in gan.generator.weights]
    np.testing.assert_equal([np.array(v) for v in gan.ema["generator"].generator.weights], initial)
    gan.fit(tiny_dataset(n=48), epochs=1, verbose=0)  # 3 generator steps
    # decay_t = min(0.15, (1 + t) / (10 + t)): 0.1, then 0.15 (capped), 0.15.
    expected = initial
    for decay, weights in zip((0.1, 0.15, 0.15), gan.snapshots, strict=True):
        expected = [decay * e + (1 - decay) * w for e, w in zip(expected, weights, strict=True)]
    trainable = [v.trainable for v in gan.generator.weights]
    for average, value, weight, is_trainable in zip(
        gan.ema["generator"].generator.weights, expected, gan.snapshots[-1], trainable, strict=True
    ):
        # Trainable weights are averaged; BatchNorm's moving statistics are copied.
        np.testing.assert_allclose(
            np.array(average), value if is_trainable else weight, rtol=1e-5, atol=1e-7
        )
    assert float(gan.ema["generator"].updates) == 3
    assert float(gan.ema["generator"].current_decay()) == pytest.approx(0.15)
    assert not np.allclose(gan.ema["generator"].generator.weights[0], gan.generator.weights[0])


@pytest.mark.slow  # 8 s on the 2-core EPYC: CI runs it
def test_the_average_leaves_training_unchanged():
    # So one run scores the trained G and its average at the same checkpoint
    # (benchmarks/defaults_vs_keras_io.py): the copy draws no noise and feeds nothing back.
    generators = []
    for ema_decay in (None, 0.9):
        gan = tiny_model(kg.GAN, seed=0, ema_decay=ema_decay)
        initial = weights_of(gan.generator)
        gan.fit(tiny_dataset(n=48), epochs=1, verbose=0)
        generators.append(weights_of(gan.generator))
    assert not np.allclose(initial[0], generators[1][0])  # G did train
    for plain, averaged in zip(*generators, strict=True):
        np.testing.assert_array_equal(plain, averaged)


def test_every_sampler_and_the_export_use_the_average(trained, tmp_path):
    gan = tiny_model(kg.GAN, ema_decay=0.5)
    gan.fit(tiny_dataset(n=32), epochs=1, verbose=0)
    z = kg.latent.latent_vectors(4, LATENT_DIM, seed=1)
    from_average = np.array(gan.ema["generator"].generator(z, training=False))
    from_trained = np.array(gan.generator(z, training=False))
    assert not np.allclose(from_average, from_trained, atol=1e-4)
    np.testing.assert_allclose(gan.generate_from_latent(z), from_average, atol=1e-6)
    np.testing.assert_allclose(gan.generate(4, seed=1), from_average, atol=1e-6)
    np.testing.assert_allclose(gan(z), from_average, atol=1e-6)
    served = tf.saved_model.load(kg.export_generator(gan, str(tmp_path / "ema" / "1")))
    images = served.signatures["serving_default"](z=tf.constant(z))["images"]
    np.testing.assert_allclose(images, from_average, atol=1e-5)
    # Without ema_decay, the trained generator samples (and nothing else is made).
    plain = trained(kg.GAN)
    assert plain.ema == {} and plain.sampling_generator is plain.generator


def test_the_average_is_saved_and_restored(tmp_path):
    gan = tiny_model(kg.ConditionalGAN, ema_decay=0.9)
    gan.fit(tiny_data_for(gan, n=32), epochs=1, verbose=0)
    gan.save(tmp_path / "ema.keras")
    loaded = keras.models.load_model(tmp_path / "ema.keras")
    assert loaded.ema_decay == 0.9 and float(loaded.ema["generator"].updates) == 2
    for a, b in zip(
        gan.ema["generator"].generator.weights,
        loaded.ema["generator"].generator.weights,
        strict=True,
    ):
        np.testing.assert_array_equal(np.array(a), np.array(b))
    np.testing.assert_array_equal(
        loaded.generate(labels=[0, 1, 2], seed=0), gan.generate(labels=[0, 1, 2], seed=0)
    )


@pytest.mark.slow  # > 10 s
def test_a_resumed_run_with_an_average_matches_an_uninterrupted_one(tmp_path):
    def model(seed):
        return tiny_model(kg.GAN, seed=seed, ema_decay=0.9)

    resumed, uninterrupted = resumed_and_uninterrupted(model, tmp_path)
    assert_same_state(training_state(resumed), training_state(uninterrupted))  # EMA included
    assert float(resumed.ema["generator"].updates) == 4


@pytest.mark.slow  # > 10 s
def test_the_average_under_mirrored_strategy_matches_one_device(mirrored_strategy):
    assert_same_training(mirrored_strategy, kg.GAN, ema_decay=0.5)


@pytest.mark.parametrize("decay", [-0.1, 1.0, 1.5, "0.9", True])
def test_a_decay_outside_0_1_is_refused_at_construction(decay):
    with pytest.raises(ValueError, match=r"`ema_decay` must be a float in \[0, 1\). Received"):
        tiny_model(kg.GAN, ema_decay=decay)


@pytest.mark.parametrize(
    "model_class",
    slow_but_the_first([kg.ConditionalGAN, kg.WGAN, kg.WGANGP]),
)
def test_every_model_class_takes_an_average_augmentation_and_r1_r2(model_class):
    kwargs = {"critic_steps": 2} if issubclass(model_class, kg.WGAN) else {}
    compile_kwargs = {
        "augment": "translation,cutout,color",
        "r1_penalty": 1.0,
        "r2_penalty": 1.0,
        "run_eagerly": True,
    }
    model = tiny_model(model_class, ema_decay=0.9, compile_kwargs=compile_kwargs, **kwargs)
    before = weights_of(model.ema["generator"].generator)
    logs = model.fit(tiny_data_for(model, n=16, batch_size=16), epochs=1, verbose=0).history
    assert {"r1_penalty", "r2_penalty"} <= set(logs)
    assert all(np.isfinite(v).all() for v in logs.values())
    assert float(model.ema["generator"].updates) == 1
    assert any(
        not np.allclose(a, b)
        for a, b in zip(before, weights_of(model.ema["generator"].generator), strict=True)
    )
