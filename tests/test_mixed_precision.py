"""Mixed precision: loss-scaled optimizers, float32 outputs and losses, skipped overflows.

This CPU runs float16 convolutions (TensorFlow 2.21's oneDNN kernels), so every
test here runs for real under `mixed_float16`, as it would on a GPU.
"""

import contextlib

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    LATENT_DIM,
    slow_but_the_first,
    tiny_data_for,
    tiny_dataset,
    tiny_images,
    tiny_model,
    weights_of,
)
from helpers import gradient_penalty, one_step_of_each_player
from keras import ops

import keras_gans as kg

MODEL_CLASSES = [kg.GAN, kg.ConditionalGAN, kg.WGAN, kg.WGANGP]
LSO = keras.optimizers.LossScaleOptimizer


@contextlib.contextmanager
def global_policy(name):
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy("float32")


def model_of(model_class, policy, compile_kwargs=None, seed=0):
    kwargs = {"critic_steps": 2} if issubclass(model_class, kg.WGAN) else {}
    with global_policy(policy):
        return tiny_model(model_class, seed=seed, compile_kwargs=compile_kwargs, **kwargs)


def trainable_weights(network):
    return [v.numpy().copy() for v in network.trainable_variables]


def number(variable):
    """A scalar variable's value (a MirroredVariable too)."""
    return float(ops.convert_to_numpy(variable.value))


@pytest.mark.parametrize("model_class", MODEL_CLASSES)
@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_optimizers_outputs_and_losses_under_each_policy(model_class, policy):
    model = model_of(model_class, policy)
    # Loss scaling under float16 only, for both players.
    scaled = policy == "mixed_float16"
    assert isinstance(model.optimizers["discriminator"], LSO) is scaled
    assert isinstance(model.optimizers["generator"], LSO) is scaled
    # The networks compute in low precision, their outputs are float32.
    low = policy.split("_")[1]
    assert model.discriminator.get_layer("down1_conv").compute_dtype == low
    assert model.generator.outputs[0].dtype == "float32"
    assert model.discriminator.outputs[0].dtype == "float32"
    # One step of each player (eagerly): every value it returns (losses,
    # penalties, diagnostics) is a finite float32, and so are the new weights.
    images = tf.constant(tiny_images(8))
    labels = tf.range(8) % 3 if model_class is kg.ConditionalGAN else None
    d_logs, g_logs = one_step_of_each_player(model, images, labels)
    for name, value in {**d_logs, **g_logs}.items():
        assert value.dtype == "float32" and np.isfinite(value.numpy()), name
    for optimizer in (model.optimizers["discriminator"], model.optimizers["generator"]):
        # Applied, or (float16) skipped for overflow with the scale halved.
        applied = number(optimizer.iterations) == 1
        assert applied or (scaled and number(optimizer.dynamic_scale) == 2.0**14)
    assert all(np.isfinite(w).all() for w in weights_of(model))
    assert model.generate(4, seed=0).dtype == np.float32


def test_user_given_optimizers_are_wrapped_and_loss_scale_optimizers_kept():
    given = LSO(keras.optimizers.Adam(1e-3), initial_scale=2.0**10)
    model = model_of(
        kg.GAN, "mixed_float16", {"d_optimizer": keras.optimizers.SGD(0.1), "g_optimizer": given}
    )
    assert isinstance(model.optimizers["discriminator"], LSO)
    assert isinstance(model.optimizers["discriminator"].inner_optimizer, keras.optimizers.SGD)
    assert model.optimizers["generator"] is given
    # auto_scale_loss=False turns the wrapping off, as in Keras.
    plain = model_of(kg.GAN, "mixed_float16", {"auto_scale_loss": False})
    assert not isinstance(plain.optimizers["discriminator"], LSO) and not isinstance(
        plain.optimizers["generator"], LSO
    )
    # Under float32 nothing is wrapped.
    assert not isinstance(model_of(kg.GAN, "float32").optimizers["discriminator"], LSO)
    # One optimizer object inside two wrappers is still the same optimizer twice.
    adam = keras.optimizers.Adam()
    with global_policy("mixed_float16"), pytest.raises(ValueError, match="separate optimizers"):
        tiny_model(kg.GAN, compile_kwargs={"d_optimizer": LSO(adam), "g_optimizer": LSO(adam)})


@pytest.mark.parametrize("model_class", slow_but_the_first([kg.GAN, kg.WGANGP]))
def test_an_overflowing_step_is_skipped_and_lowers_the_scale(model_class):
    # A huge initial scale makes the float16 backward passes overflow (WGAN-GP's
    # inner tape included): every update is skipped and every scale halves.
    def huge():
        return LSO(keras.optimizers.Adam(1e-3), initial_scale=2.0**40)

    model = model_of(model_class, "mixed_float16", {"d_optimizer": huge(), "g_optimizer": huge()})
    d_before, g_before = trainable_weights(model.discriminator), trainable_weights(model.generator)
    batch = 16 if model_class is kg.GAN else 32  # one D step, or two critic steps
    history = model.fit(tiny_dataset(n=batch, batch_size=batch), epochs=1, verbose=0).history
    d_steps = 1 if model_class is kg.GAN else 2
    assert float(model.optimizers["discriminator"].dynamic_scale) == 2.0 ** (40 - d_steps)
    assert float(model.optimizers["generator"].dynamic_scale) == 2.0**39
    for before, after in zip(d_before, trainable_weights(model.discriminator), strict=True):
        np.testing.assert_array_equal(after, before)
    for before, after in zip(g_before, trainable_weights(model.generator), strict=True):
        np.testing.assert_array_equal(after, before)
    assert (
        int(model.optimizers["discriminator"].iterations) == 0
        and int(model.optimizers["generator"].iterations) == 0
    )
    # The losses stay finite (a skipped step is not a diverged run); no update, norm 0.
    assert np.isfinite(history["d_loss"]).all() and np.isfinite(history["g_loss"]).all()
    assert history["d_grad_norm"] == [0.0] and history["g_grad_norm"] == [0.0]


@tf.custom_gradient
def infinite_gradient_where(x, mask):
    """Identity forward; the gradient is inf for the rows where `mask` is 1."""

    def gradient(upstream):
        return tf.where(mask > 0, upstream * float("inf"), upstream), tf.zeros_like(mask)

    return tf.identity(x), gradient


class InjectedOverflow(kg.tricks.Trick):
    """A term of D's loss whose gradient is inf through the real images whose first pixel is 0.5."""

    def __init__(self, **kwargs):
        super().__init__(1.0, **kwargs)

    def discriminator_terms(self, model, state):
        marked = ops.cast(ops.equal(state.real[:, :1, 0, 0], 0.5), state.real_logits.dtype)
        logits = infinite_gradient_where(state.real_logits, marked)
        return {"injected": kg.losses.global_batch_mean(0.0 * logits)}


def injected_model(strategy):
    with global_policy("mixed_float16"), strategy.scope():
        keras.utils.set_random_seed(0)
        model = kg.GAN(
            kg.networks.dcgan_generator(LATENT_DIM, (16, 16, 1), filters=16),
            # No synchronized BatchNorm, whose backward pass would carry one
            # replica's inf to the others.
            kg.networks.dcgan_discriminator((16, 16, 1), filters=8, normalization="layer"),
            latent_dim=LATENT_DIM,
            seed=0,
        )
        model.compile(tricks=[InjectedOverflow()])
    return model


def assert_injected_overflow_is_skipped(strategy):
    model = injected_model(strategy)
    images = tiny_images(16)
    images[12, 0, 0, 0] = 0.5  # the second replica's half under two replicas
    d_before, g_before = trainable_weights(model.discriminator), trainable_weights(model.generator)
    history = model.fit(images, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    # D's step is skipped on every replica and its scale halved ...
    assert number(model.optimizers["discriminator"].dynamic_scale) == 2.0**14
    assert number(model.optimizers["discriminator"].iterations) == 0
    for variable, before in zip(model.discriminator.trainable_variables, d_before, strict=True):
        for value in strategy.experimental_local_results(variable.value):
            np.testing.assert_array_equal(value.numpy(), before)
    assert history["d_grad_norm"] == [0.0] and np.isfinite(history["d_loss"]).all()
    # ... while G's step, whose gradient is finite, goes ahead at its own scale.
    assert number(model.optimizers["generator"].dynamic_scale) == 2.0**15
    assert number(model.optimizers["generator"].iterations) == 1
    after = trainable_weights(model.generator)
    assert any(not np.array_equal(a, b) for a, b in zip(g_before, after, strict=True))
    assert all(np.isfinite(w).all() for w in after)


def test_injected_inf_gradients_skip_the_step_and_leave_the_weights():
    assert_injected_overflow_is_skipped(tf.distribute.get_strategy())


@pytest.mark.slow  # 9-13 s; the one-device overflow tests stay in the default run
def test_an_overflow_on_one_replica_is_skipped_on_all(mirrored_strategy):
    # Keras' LossScaleOptimizer decides from the first replica's own gradients;
    # without keras_gans.mixed_precision.skip_together the first replica applies
    # the all-reduced inf and D's weights become NaN.
    assert_injected_overflow_is_skipped(mirrored_strategy)


@pytest.mark.slow  # > 10 s
def test_mixed_float16_under_mirrored_strategy_trains_finite(mirrored_strategy):
    # R1's inner tape included.
    with global_policy("mixed_float16"), mirrored_strategy.scope():
        model = tiny_model(kg.GAN, compile_kwargs={"r1_penalty": 1.0})
    assert isinstance(model.optimizers["discriminator"], LSO) and isinstance(
        model.optimizers["generator"], LSO
    )
    history = model.fit(tiny_data_for(model, n=32, batch_size=16), epochs=1, verbose=0).history
    for name, values in history.items():
        assert np.isfinite(values).all(), name
    assert number(model.optimizers["generator"].iterations) == 2
    assert all(np.isfinite(w).all() for w in weights_of(model))


def test_logged_gradient_norm_is_unscaled_even_when_the_scale_grows():
    # dynamic_growth_steps=1 doubles the scale during every update: the norm
    # must be unscaled with the scale the gradient was taken at.
    def growing():
        return LSO(keras.optimizers.Adam(2e-4, beta_1=0.5), dynamic_growth_steps=1)

    fixed = model_of(kg.GAN, "mixed_float16")
    growing_model = model_of(
        kg.GAN, "mixed_float16", {"d_optimizer": growing(), "g_optimizer": growing()}
    )
    images = tf.constant(tiny_images(16))
    logs = [dict(kv for part in one_step_of_each_player(m, images) for kv in part.items())
            for m in (fixed, growing_model)]  # fmt: skip
    assert float(growing_model.optimizers["discriminator"].dynamic_scale) == 2.0**16
    for name in ("d_grad_norm", "g_grad_norm"):
        np.testing.assert_allclose(logs[1][name], logs[0][name], rtol=1e-3, err_msg=name)


@pytest.mark.slow
def test_mixed_bfloat16_ends_close_to_float32():
    # Same seed and data, 3 epochs of 2 steps: bfloat16 keeps ~3 significant
    # digits, so the runs drift apart, but stay within the stated tolerance.
    runs = {}
    for policy in ("float32", "mixed_bfloat16"):
        model = model_of(kg.GAN, policy)
        history = model.fit(tiny_dataset(n=32), epochs=3, verbose=0).history
        runs[policy] = (history, model.generate(16, seed=0))
    (reference, ref_images), (history, images) = runs["float32"], runs["mixed_bfloat16"]
    for name in ("d_loss", "g_loss", "d_real", "d_fake"):
        np.testing.assert_allclose(history[name], reference[name], atol=0.05, err_msg=name)
    assert np.abs(images - ref_images).mean() < 0.05


def test_wgan_gp_norm_of_float16_gradients_has_its_epsilon():
    # A critic whose gradient is exactly 0: the norm is sqrt(0 + 1e-12). In
    # float16 1e-12 is 0 and the penalty's gradient would be NaN (d sqrt at 0).
    with global_policy("mixed_float16"):
        critic = keras.Sequential(
            [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
        )
        critic.layers[-1].kernel.assign(np.zeros((16, 1), "float32"))
        generator = keras.Sequential(
            [keras.Input((2,)), keras.layers.Dense(16), keras.layers.Reshape((4, 4, 1))]
        )
        model = kg.WGANGP(generator, critic, latent_dim=2, seed=0)
        model.compile()
        rng = np.random.default_rng(0)
        real, fake = (rng.uniform(-1, 1, (8, 4, 4, 1)).astype("float16") for _ in range(2))
        kernel = critic.layers[-1].kernel
        with tf.GradientTape() as tape:
            penalty = gradient_penalty(model, real, fake)
        gradient = tape.gradient(penalty, kernel)
    assert penalty.dtype == "float32"
    assert float(penalty) == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_array_equal(gradient.numpy(), 0.0)  # finite: 2 (n - 1) w / n, w = 0


def test_r1_inner_tape_is_loss_scaled():
    # D's input gradients of about 1e-9 per pixel underflow in float16 unless
    # the inner tape is scaled; scaled, the penalty matches float32.
    def penalty(policy, compile_kwargs):
        with global_policy(policy):
            keras.utils.set_random_seed(0)
            d = kg.networks.mlp_discriminator((16, 16, 1), units=(32, 32), dropout=0.0)
            logit = d.get_layer("logit")
            logit.kernel.assign(logit.kernel * 1e-6)
            model = kg.GAN(kg.networks.mlp_generator(LATENT_DIM, (16, 16, 1)), d, LATENT_DIM)
            model.compile(r1_penalty=1.0, **compile_kwargs)
            images = tf.constant(tiny_images(16))
            state = model.judge(images, images, None)
            return float(model.tricks[0].gradient_penalty(model, images, state))

    reference = penalty("float32", {})
    assert 0 < reference < 1e-11
    assert penalty("mixed_float16", {}) == pytest.approx(reference, rel=0.05)
    # Without loss scaling the same float16 network loses the penalty.
    unscaled = penalty("mixed_float16", {"auto_scale_loss": False})
    assert abs(unscaled - reference) > 0.2 * reference


def test_loss_scale_state_is_saved_and_restored(tmp_path):
    model = model_of(kg.GAN, "mixed_float16")
    model.optimizers["discriminator"].dynamic_scale.assign(128.0)
    model.fit(tiny_dataset(n=16), epochs=1, verbose=0)
    path = str(tmp_path / "mixed.keras")
    model.save(path)
    with global_policy("float32"):  # the file, not the global policy, decides
        loaded = keras.models.load_model(path)
    assert isinstance(loaded.optimizers["discriminator"], LSO) and isinstance(
        loaded.optimizers["generator"], LSO
    )
    assert float(loaded.optimizers["discriminator"].dynamic_scale) == 128.0
    assert loaded.discriminator.get_layer("down1_conv").compute_dtype == "float16"
    np.testing.assert_array_equal(loaded.generate(4, seed=0), model.generate(4, seed=0))


def test_train_recipe_builds_under_the_precision_asked_and_restores_the_policy(tmp_path):
    pixels = ((tiny_images(32) + 1) * 127.5).astype("uint8")
    np.savez(tmp_path / "tiny.npz", x=pixels)
    run = kg.train(
        "dcgan", str(tmp_path / "tiny.npz"), epochs=1, directory=str(tmp_path / "run"),
        batch_size=16, latent_dim=8, verbose=0, precision="mixed_float16",
    )  # fmt: skip
    assert run.model.discriminator.get_layer("down1_conv").compute_dtype == "float16"
    assert isinstance(run.model.optimizers["discriminator"], LSO) and isinstance(
        run.model.optimizers["generator"], LSO
    )
    assert all(np.isfinite(values).all() for values in run.history.values())
    assert keras.mixed_precision.global_policy().name == "float32"
    with pytest.raises(ValueError, match="Received: precision='half'"):
        kg.train(directory=str(tmp_path / "bad"), precision="half")
    assert not (tmp_path / "bad").exists()  # refused before any work
