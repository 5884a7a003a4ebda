"""The training step's hooks, its logs, validation, one noise path and one `generate`."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    LATENT_DIM,
    NUM_CLASSES,
    tiny_data_for,
    tiny_dataset,
    tiny_discriminator,
    tiny_generator,
    tiny_images,
    tiny_model,
)

import keras_gans as kg
from keras_gans.losses import global_batch_mean

DIAGNOSTICS = {"d_grad_norm", "g_grad_norm", "diversity"}


class PixelGap(kg.tricks.Trick):
    """A term of G's loss that reads the real batch: a new trick is one class, no step copied."""

    def __init__(self, weight=0.0, **kwargs):
        super().__init__(weight, **kwargs)
        self.seen = []

    def generator_terms(self, model, state):
        self.seen.append(np.array(state.real))
        return {"pixel_gap": global_batch_mean(ops_mean_gap(state.fake, state.real))}


class Hooked(kg.GAN):
    """Logs values of its own from the after-step hooks."""

    def after_discriminator_step(self):
        return {**super().after_discriminator_step(), "d_steps": global_batch_mean(tf.ones(()))}

    def after_generator_step(self):
        return {**super().after_generator_step(), "g_steps": global_batch_mean(2.0 * tf.ones(()))}


def ops_mean_gap(fake_images, real_images):
    """Per-example |mean fake pixel - mean real pixel|, a term that needs the real batch."""
    return tf.abs(
        tf.reduce_mean(fake_images, axis=[1, 2, 3]) - tf.reduce_mean(real_images, axis=[1, 2, 3])
    )


def test_hooks_see_the_real_batch_and_new_log_names_need_no_other_change():
    keras.utils.set_random_seed(0)
    gan = Hooked(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0)
    gap = PixelGap()
    gan.compile(tricks=[gap], run_eagerly=True)
    history = gan.fit(tiny_dataset(n=32), epochs=1, verbose=0).history
    assert set(history) == {
        "d_loss", "d_real", "d_fake", "d_steps", "g_loss", "pixel_gap", "g_steps",
        "d_grad_norm", "g_grad_norm", "diversity",
    }  # fmt: skip
    assert history["d_steps"] == [1.0] and history["g_steps"] == [2.0]
    assert history["pixel_gap"][0] > 0
    # The term saw the step's real batch, batch by batch.
    np.testing.assert_array_equal(np.concatenate(gap.seen), tiny_images(32))


class CountsTraces(kg.GAN):
    """Logs a name of its own and counts the Python calls of `train_step` (one per trace)."""

    traces = 0

    def train_step(self, data):
        self.traces += 1
        return super().train_step(data)

    def after_generator_step(self):
        return {"g_steps": global_batch_mean(2.0 * tf.ones(()))}


def test_the_step_is_traced_once_though_its_log_names_first_appear_in_the_trace():
    # Trackers made while tracing must not make `tf.function` trace the step again (as
    # variables created in a first trace do): that had doubled every first `fit`'s cost.
    keras.utils.set_random_seed(0)
    gan = CountsTraces(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0)
    gan.compile()
    history = gan.fit(tiny_dataset(n=32), epochs=2, verbose=0).history
    assert gan.traces == 1
    assert history["g_steps"] == [2.0, 2.0]


def test_wgan_clips_in_the_after_discriminator_hook():
    calls = []

    class Counting(kg.WGAN):
        def after_discriminator_step(self):
            calls.append("clip")
            return super().after_discriminator_step()

    model = tiny_model(Counting, critic_steps=3, compile_kwargs={"run_eagerly": True})
    model.fit(tiny_data_for(model, n=24, batch_size=12), epochs=1, verbose=0)
    assert len(calls) == 2 * 3  # every critic step of both batches


@pytest.mark.parametrize(
    "loss, names",
    [
        ("minimax", {"d_real", "d_fake"}),
        ("non_saturating", {"d_real", "d_fake"}),
        ("least_squares", {"real_score", "fake_score"}),
        ("hinge", {"real_score", "fake_score"}),
        ("wasserstein", {"wasserstein"}),
    ],
)
def test_each_loss_logs_what_its_outputs_mean(loss, names):
    adversarial = kg.losses.get(loss)
    real = np.array([[2.0], [-1.0]], "float32")
    fake = np.array([[0.5], [-3.0]], "float32")
    logs = {k: float(v) for k, v in adversarial.discriminator_logs(real, fake).items()}
    assert set(logs) == names
    expected = {
        "d_real": np.mean(1 / (1 + np.exp(-real))),
        "d_fake": np.mean(1 / (1 + np.exp(-fake))),
        "real_score": 0.5,
        "fake_score": -1.25,
        "wasserstein": 0.5 - (-1.25),
    }
    for name, value in logs.items():
        assert value == pytest.approx(expected[name]), name


def test_fit_logs_the_names_of_its_loss():
    gan = tiny_model(kg.GAN, compile_kwargs={"loss": "hinge", "run_eagerly": True})
    history = gan.fit(tiny_dataset(n=16), epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "real_score", "fake_score"} | DIAGNOSTICS


def test_validation_logs_the_discriminator_on_held_out_images():
    gan = tiny_model(kg.GAN)
    held_out = tiny_images(32, seed=1)
    history = gan.fit(tiny_dataset(n=32), validation_data=(held_out,), epochs=1, verbose=0).history
    assert {"val_d_loss", "val_d_real", "val_d_fake"} <= set(history)
    assert not {"val_g_loss"} & set(history)
    logs = gan.evaluate(held_out, batch_size=32, return_dict=True, verbose=0)
    assert set(logs) == {"d_loss", "d_real", "d_fake"}
    # d_real is D's mean probability on the held-out images, in inference mode.
    logits = np.array(gan.discriminator(held_out, training=False))
    assert logs["d_real"] == pytest.approx(float(np.mean(1 / (1 + np.exp(-logits)))), rel=1e-5)
    assert int(gan.optimizers["discriminator"].iterations) == 2  # evaluate trains nothing


def test_generate_and_the_served_generate_uint8_draw_the_same_noise(exported):
    folder, models = exported
    for name, model in models.items():
        uint8 = tf.saved_model.load(str(folder / name / "1")).signatures["generate_uint8"]
        if name == "cgan":
            labels = [0, 2, 1, 1]
            images = model.generate(labels=labels, seed=7)
            served = uint8(labels=tf.constant(labels, tf.int32), seed=tf.constant(7))
        else:
            images = model.generate(4, seed=7)
            served = uint8(batch_size=tf.constant(4), seed=tf.constant(7))
        np.testing.assert_array_equal(served["images"].numpy(), kg.images.to_uint8(images))


def test_one_generate_signature_for_every_class(trained):
    gan, cgan = trained(kg.GAN), trained(kg.ConditionalGAN)
    assert gan.generate(3, seed=0).shape == (3, 16, 16, 1)
    np.testing.assert_array_equal(
        gan.generate(num_images=3, seed=0), gan.generate(3, labels=None, seed=0)
    )
    with pytest.raises(ValueError, match=r"`labels` are for conditional models.*labels=\[0\]"):
        gan.generate(1, labels=[0])
    # A conditional model takes labels, or a count and cycles through the classes.
    np.testing.assert_array_equal(
        cgan.generate(5, seed=0), cgan.generate(labels=[0, 1, 2, 0, 1], seed=0)
    )
    assert cgan.generate(labels=[2], num_images=1, seed=0).shape == (1, 16, 16, 1)
    with pytest.raises(ValueError, match="Received: num_images=2 and 3 labels"):
        cgan.generate(2, labels=[0, 1, 2])
    with pytest.raises(ValueError, match="Received: num_images=None, labels=None"):
        cgan.generate()
    assert NUM_CLASSES == 3


@keras.saving.register_keras_serializable(package="test_training_step")
class ScaledHinge(kg.losses.Hinge):
    """A custom loss with a constructor argument of its own."""

    name = "scaled_hinge"

    def __init__(self, scale=1.0, label_smoothing=0.0):
        super().__init__(label_smoothing=label_smoothing)
        self.scale = scale

    def generator_loss(self, fake_logits):
        return self.scale * super().generator_loss(fake_logits)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def test_a_custom_adversarial_loss_survives_save_and_load(tmp_path):
    gan = tiny_model(kg.GAN, compile_kwargs={"loss": ScaledHinge(scale=3.0)})
    gan.save(tmp_path / "custom.keras")
    loaded = keras.models.load_model(tmp_path / "custom.keras")
    assert type(loaded.adversarial_loss) is ScaledHinge
    assert loaded.adversarial_loss.scale == 3.0

    class Unregistered(kg.losses.Hinge):
        name = "unregistered"

    gan = tiny_model(kg.GAN, compile_kwargs={"loss": Unregistered()})
    good = (tmp_path / "custom.keras").read_bytes()
    with pytest.raises(ValueError, match="class Unregistered is not registered"):
        gan.save(tmp_path / "custom.keras")
    assert (tmp_path / "custom.keras").read_bytes() == good  # the good file is untouched
