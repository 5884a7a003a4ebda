"""`compile(simultaneous_updates=True)`: both players' gradients from one pass of D.

The step must be exactly TensorFlow's pix2pix / CycleGAN tutorial step (the hand-written
steps `benchmarks/image_to_image_throughput.py` times the library against), and differ
from the default order only in G's update.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import load_benchmark, tiny_dataset, tiny_gan
from helpers import TRANSLATION_SHAPE, tiny_pix2pix, translation_images

import keras_gans as kg

SHAPE = TRANSLATION_SHAPE


def sgd():
    return keras.optimizers.SGD(0.1)


def weights(networks):
    return {name: [v.numpy().copy() for v in n.trainable_variables] for name, n in networks.items()}


def assert_same(a, b, names=None):
    for name in names or a:
        for x, y in zip(a[name], b[name], strict=True):
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6, err_msg=name)


def differs(a, b, name):
    return any(not np.allclose(x, y, atol=1e-7) for x, y in zip(a[name], b[name], strict=True))


def one_step(model, batch, **compile_kwargs):
    model.compile(d_optimizer=sgd(), g_optimizer=sgd(), run_eagerly=True, **compile_kwargs)
    model.train_on_batch(*batch)
    return weights(model.networks)


def pix2pix_batch():
    source = tf.constant(translation_images(8, seed=0))
    return source, -source


def test_pix2pix_simultaneous_step_is_the_tutorial_step():
    bench = load_benchmark("image_to_image_throughput")
    source, target = pix2pix_batch()
    model = tiny_pix2pix(dropout=0.0, l1_weight=bench.L1_WEIGHT)
    nets = tiny_pix2pix(dropout=0.0).networks  # the same initial weights (seeded)
    bench.tutorial_pix2pix_step(nets, sgd(), sgd(), source, target)
    assert_same(one_step(model, (source, target), simultaneous_updates=True), weights(nets))


def test_only_the_generator_update_depends_on_the_order():
    batch = pix2pix_batch()
    simultaneous = one_step(tiny_pix2pix(dropout=0.0), batch, simultaneous_updates=True)
    alternating = one_step(tiny_pix2pix(dropout=0.0), batch)
    assert_same(simultaneous, alternating, ["discriminator"])  # D's update: the same
    assert differs(simultaneous, alternating, "generator")  # G's: from D before its update


def test_cyclegan_without_pool_simultaneous_step_is_the_tutorial_step():
    bench = load_benchmark("image_to_image_throughput")
    a, b = tf.constant(translation_images(4, seed=1)), tf.constant(-translation_images(4, seed=2))
    settings = dict(filters=4, d_filters=4, num_blocks=1, patch_downsamples=1)

    def fresh(**kwargs):
        keras.utils.set_random_seed(0)
        nets = bench.cyclegan_networks(SHAPE, settings)
        return kg.CycleGAN(**nets, identity_weight=bench.IDENTITY_WEIGHT, seed=0, **kwargs)

    tutorial = fresh().networks
    bench.tutorial_cyclegan_step(tutorial, sgd(), sgd(), a, b)
    model = fresh(pool_size=0)
    assert_same(one_step(model, (a, b), simultaneous_updates=True), weights(tutorial))


def test_cyclegan_with_pools_trains_every_network_simultaneously():
    from helpers import tiny_cycle_gan

    model = tiny_cycle_gan(pool_size=3)
    before = weights(model.networks)
    after = one_step(model, (translation_images(4, 1), -translation_images(4, 2)),
                     simultaneous_updates=True)  # fmt: skip
    assert all(differs(before, after, name) for name in before)
    assert float(model.pool_a.count) == 3  # D saw its pool's images


def test_gan_simultaneous_step_changes_only_the_generator_update():
    def step(**kwargs):
        gan = tiny_gan(d_optimizer=sgd(), g_optimizer=sgd(), run_eagerly=True, **kwargs)
        gan.train_on_batch(next(iter(tiny_dataset())))
        return weights(gan.networks)

    simultaneous, alternating = step(simultaneous_updates=True), step()
    assert_same(simultaneous, alternating, ["discriminator"])
    assert differs(simultaneous, alternating, "generator")


def test_simultaneous_updates_is_saved_with_the_model(tmp_path):
    model = tiny_pix2pix(dropout=0.0)
    model.compile(simultaneous_updates=True)
    model.save(tmp_path / "model.keras")
    assert keras.models.load_model(tmp_path / "model.keras").simultaneous_updates is True


@pytest.mark.parametrize(
    "build, kwargs, message",
    [
        ("wgan", {"simultaneous_updates": True}, "critic_steps=5 and reuse_fakes=True"),
        ("gan", {"simultaneous_updates": True, "reuse_fakes": False}, "reuse_fakes=False"),
        ("gan", {"simultaneous_updates": "yes"}, "Received: simultaneous_updates='yes'"),
    ],
)
def test_simultaneous_updates_is_refused_where_it_cannot_work(build, kwargs, message):
    from conftest import tiny_discriminator, tiny_generator

    model_class = kg.WGAN if build == "wgan" else kg.GAN
    model = model_class(tiny_generator(), tiny_discriminator(normalization=None), latent_dim=8)
    with pytest.raises(ValueError, match=message):
        model.compile(**kwargs)


def test_cyclegan_pool_size_must_be_a_count():
    from helpers import tiny_cycle_gan

    with pytest.raises(ValueError, match="Received: pool_size=-1"):
        tiny_cycle_gan(pool_size=-1)


@pytest.mark.parametrize(
    "options, logged",
    [
        ({"r1_penalty": 1.0}, "r1_penalty"),
        ({"feature_matching": 1.0}, "feature_matching"),
        ({"augment": "ada"}, "ada_p"),
        ({"loss": "relativistic_average"}, "g_loss"),  # G reads the real logits
    ],
    ids=["r1", "feature_matching", "ada", "relativistic"],
)
def test_the_tricks_and_losses_train_in_one_pass(options, logged):
    gan = tiny_gan(simultaneous_updates=True, run_eagerly=True, **options)
    logs = gan.train_on_batch(next(iter(tiny_dataset())), return_dict=True)
    assert logged in logs
    assert all(np.isfinite(value) for value in logs.values())
