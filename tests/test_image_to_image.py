"""Pix2Pix and CycleGAN on the engine: a step moves every network, terms by hand, save/load."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans as kg

SHAPE = (16, 16, 1)


def pairs(n=8, seed=0):
    rng = np.random.default_rng(seed)
    source = rng.uniform(-1, 1, (n, *SHAPE)).astype("float32")
    return source, np.tanh(2 * source).astype("float32")


def tiny_pix2pix(**kwargs):
    keras.utils.set_random_seed(0)
    return kg.Pix2Pix(
        kg.networks.unet_generator(SHAPE, filters=8),
        kg.networks.patch_discriminator(SHAPE, source_shape=SHAPE, filters=8, num_downsamples=1),
        seed=0,
        **kwargs,
    )


def tiny_cycle_gan(**kwargs):
    keras.utils.set_random_seed(0)

    def translator():
        return kg.networks.resnet_translator(SHAPE, filters=8, num_blocks=1)

    def critic():
        return kg.networks.patch_discriminator(
            SHAPE, filters=8, num_downsamples=1, normalization="instance"
        )

    return kg.CycleGAN(translator(), translator(), critic(), critic(), seed=0, **kwargs)


def weights(model):
    return {
        name: [v.numpy().copy() for v in n.trainable_variables]
        for name, n in model.networks.items()
    }


def test_pix2pix_step_moves_both_networks_and_logs_the_l1_term():
    model = tiny_pix2pix(l1_weight=100.0)
    model.compile(run_eagerly=True)
    source, target = pairs()
    before = weights(model)
    history = model.fit(source, target, batch_size=8, epochs=1, verbose=0).history
    after = weights(model)
    for name in before:
        assert any(
            not np.array_equal(a, b) for a, b in zip(before[name], after[name], strict=True)
        ), name
    assert {"d_loss", "d_real", "d_fake", "g_loss", "l1", "d_grad_norm", "g_grad_norm"} <= set(
        history
    )
    assert model.optimizers["discriminator"] is not model.optimizers["generator"]


def test_pix2pix_l1_term_is_the_mean_absolute_error_of_the_translation():
    model = tiny_pix2pix()
    model.compile()
    source, target = pairs()
    terms = model.l1_term(tf.constant(target))({"fake": tf.constant(source)})
    weight, value = terms["l1"]
    assert weight == 100.0
    assert float(value) == pytest.approx(np.mean(np.abs(target - source)), rel=1e-6)


def test_pix2pix_translates_saves_and_loads(tmp_path):
    model = tiny_pix2pix()
    model.compile()
    source, target = pairs()
    model.fit(tf.data.Dataset.from_tensor_slices((source, target)).batch(4), epochs=1, verbose=0)
    out = model.translate(source)
    assert out.shape == source.shape and out.dtype == np.float32
    assert np.abs(out).max() <= 1.0
    np.testing.assert_array_equal(model.predict(source, verbose=0), out)
    model.save(tmp_path / "p2p.keras")
    loaded = keras.models.load_model(tmp_path / "p2p.keras")
    np.testing.assert_allclose(loaded.translate(source), out, atol=1e-6)
    assert loaded.l1_weight == 100.0
    with pytest.raises(ValueError, match=r"Received: images of shape \(8, 16, 16, 3\)"):
        model.translate(np.zeros((8, 16, 16, 3), "float32"))


def test_pix2pix_refuses_an_unconditional_discriminator_and_bad_weights():
    with pytest.raises(ValueError, match="takes 2 input.*source_shape"):
        kg.Pix2Pix(
            kg.networks.unet_generator(SHAPE, filters=8),
            kg.networks.patch_discriminator(SHAPE, filters=8, num_downsamples=1),
        )
    with pytest.raises(ValueError, match="Received: l1_weight=-1"):
        tiny_pix2pix(l1_weight=-1)


def test_cycle_gan_step_moves_all_four_networks_and_logs_both_domains():
    model = tiny_cycle_gan(pool_size=3)
    model.compile(run_eagerly=True)
    a, b = pairs(4, seed=1)[0], pairs(4, seed=2)[1]
    before = weights(model)
    history = model.fit(a, b, batch_size=2, epochs=1, verbose=0).history
    after = weights(model)
    for name in before:
        assert any(
            not np.array_equal(x, y) for x, y in zip(before[name], after[name], strict=True)
        ), name
    expected = {
        "d_loss", "d_loss_a", "d_loss_b", "real_score_a", "fake_score_b", "g_loss",
        "g_adversarial_a", "g_adversarial_b", "cycle_a", "cycle_b", "identity_a", "identity_b",
    }  # fmt: skip
    assert expected <= set(history)
    assert float(model.pool_a.count) == 3  # 4 images seen, the pool holds 3
    # One optimizer per player, each training its two networks.
    assert set(model.optimizers) == {"discriminator", "generator"}
    assert len(model.player_variables("generator")) == 2 * len(
        model.generator_ab.trainable_variables
    )


def test_image_pool_returns_new_images_until_full_then_mixes_in_old_ones():
    pool = kg.layers.ImagePool(2)
    pool.build((None, 1))
    seed = keras.random.SeedGenerator(0)
    first = pool(tf.constant([[1.0], [2.0]]), seed_generator=seed)
    np.testing.assert_array_equal(first, [[1.0], [2.0]])  # filling: returned as they are
    shown = np.concatenate([pool(tf.constant([[v]]), seed_generator=seed) for v in range(3, 40)])
    stored = set(np.array(pool.images).ravel().tolist())
    assert float(pool.count) == 2
    # Some draws returned an older image (1, 2 or a later swapped-in one), some the new one.
    new = np.arange(3, 40)
    assert 0 < np.sum(shown.ravel() != new) < len(new)
    assert stored <= set(range(1, 40))


def test_cycle_gan_translates_both_ways_and_round_trips(tmp_path):
    model = tiny_cycle_gan(pool_size=3)
    model.compile()
    a, b = pairs(4, seed=1)[0], pairs(4, seed=2)[1]
    model.fit(a, b, batch_size=2, epochs=1, verbose=0)
    ab, ba = model.translate(a, direction="a_to_b"), model.translate(b, direction="b_to_a")
    assert ab.shape == a.shape and ba.shape == b.shape
    with pytest.raises(ValueError, match="direction='sideways'"):
        model.translate(a, direction="sideways")
    model.save(tmp_path / "cyc.keras")
    loaded = keras.models.load_model(tmp_path / "cyc.keras")
    np.testing.assert_allclose(loaded.translate(a), ab, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(loaded.pool_b.images), np.asarray(model.pool_b.images))
    assert (loaded.cycle_weight, loaded.identity_weight) == (10.0, 0.5)


def test_translators_refuse_fresh_fakes():
    with pytest.raises(ValueError, match="Received: reuse_fakes=False"):
        tiny_pix2pix().compile(reuse_fakes=False)
