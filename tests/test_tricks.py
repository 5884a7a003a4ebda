"""The seeds' tricks (keras_gans/tricks): each against its paper's formula, saved and
resumed with the model, under MirroredStrategy, with every model class, and bad arguments."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    LATENT_DIM,
    assert_keep_training_alike,
    slow_but_the_first,
    tiny_data_for,
    tiny_dataset,
    tiny_discriminator,
    tiny_generator,
    tiny_model,
)
from test_distribution import assert_same_training
from test_resume import assert_same_state, resumed_and_uninterrupted, training_state

import keras_gans as kg
from keras_gans.engine import StepState
from keras_gans.tricks import FeatureMatching, InstanceNoise

ALL_TRICKS = {
    "feature_matching": 1.0,
    "historical_averaging": 1e-2,
    "instance_noise": 0.2,
    "r1_penalty": 1.0,
    "r1_every_n_steps": 2,
    "r2_penalty": 0.5,
}


def test_feature_matching_term_is_the_squared_distance_of_feature_means():
    real = np.array([[1.0, 2.0], [3.0, 0.0]], "float32")  # mean (2, 1)
    fake = np.array([[0.0, 0.0], [1.0, 4.0], [2.0, -1.0]], "float32")  # mean (1, 1)
    state = StepState(real=None, fake=None, real_features=real, fake_features=fake)
    term = FeatureMatching(1.0).generator_terms(None, state)
    assert float(term["feature_matching"]) == pytest.approx((2 - 1) ** 2 + (1 - 1) ** 2)


def test_feature_matching_as_the_loss_is_all_the_generator_minimises():
    gan = tiny_model(kg.GAN, compile_kwargs={"loss": "feature_matching", "run_eagerly": True})
    assert [type(t) for t in gan.tricks] == [FeatureMatching] and gan.tricks[0].weight == 1.0
    logs = gan.fit(tiny_dataset(n=16), epochs=1, verbose=0).history  # one step
    assert logs["g_loss"][0] == pytest.approx(logs["feature_matching"][0], rel=1e-6)
    assert logs["feature_matching"][0] > 0 and {"d_real", "d_fake"} <= set(logs)


class RecordingD(kg.GAN):
    """Records D's weights after every discriminator update."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.snapshots = []

    def after_discriminator_step(self):
        self.snapshots.append([np.array(v) for v in self.discriminator.trainable_variables])
        return super().after_discriminator_step()


def test_historical_average_is_the_running_mean_of_past_weights():
    keras.utils.set_random_seed(0)
    gan = RecordingD(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0)
    gan.compile(historical_averaging=0.5, run_eagerly=True)
    (trick,) = gan.tricks
    gan.fit(tiny_dataset(n=48), epochs=1, verbose=0)  # 3 steps
    assert float(trick.counts["d"]) == 3 and float(trick.counts["g"]) == 3
    expected = [np.mean(layer, axis=0) for layer in zip(*gan.snapshots, strict=True)]
    for average, mean in zip(trick.averages["d"], expected, strict=True):
        np.testing.assert_allclose(np.array(average), mean, rtol=1e-5, atol=1e-7)
    # The term: sum over D's weights of ||theta - historical mean||^2 (unweighted).
    term = float(trick.discriminator_terms(gan, None)["d_historical_average"])
    hand = sum(np.sum((w - m) ** 2) for w, m in zip(gan.snapshots[-1], expected, strict=True))
    assert term == pytest.approx(hand, rel=1e-4)
    assert term > 0


def test_historical_averaging_starts_at_zero_and_penalises_both_players():
    gan = tiny_model(kg.GAN, compile_kwargs={"historical_averaging": 1.0, "run_eagerly": True})
    (trick,) = gan.tricks
    assert float(trick.generator_terms(gan, None)["g_historical_average"]) == 0.0  # no past yet
    # Step 2 compares the weights with the mean of one snapshot, themselves: 0.
    logs = gan.fit(tiny_dataset(n=48), epochs=1, verbose=0).history  # from step 3 on, > 0
    assert logs["g_historical_average"][0] > 0 and logs["d_historical_average"][0] > 0


@pytest.mark.parametrize("step, expected", [(0, 0.3), (250, 0.225), (1000, 0.0), (5000, 0.0)])
def test_instance_noise_falls_linearly_to_zero(step, expected):
    gan = tiny_model(kg.GAN, compile_kwargs={"instance_noise": 0.3, "instance_noise_steps": 1000})
    (trick,) = gan.tricks
    gan.optimizers["generator"].iterations.assign(step)
    assert float(trick.stddev(gan)) == pytest.approx(expected)
    images = np.zeros((64, 16, 16, 1), "float32")
    noisy = np.array(trick.augment(images, gan))
    assert noisy.std() == pytest.approx(expected, rel=0.02, abs=1e-7)


def test_instance_noise_reaches_every_discriminator_input_in_both_steps():
    seen = []

    class Counting(InstanceNoise):
        def augment(self, images, model):
            seen.append(images.shape[0])
            return super().augment(images, model)

    gan = tiny_model(kg.GAN, compile_kwargs={"run_eagerly": True})
    gan._set_tricks([Counting(0.1)])
    gan.fit(tiny_dataset(n=16), epochs=1, verbose=0)
    assert seen == [16, 16, 16]  # D step: real and fake; G step: fake


@pytest.mark.parametrize(
    "model_class", slow_but_the_first([kg.GAN, kg.ConditionalGAN, kg.WGAN, kg.WGANGP])
)
def test_every_trick_composes_with_every_model_class(model_class):
    kwargs = {"critic_steps": 2} if issubclass(model_class, kg.WGAN) else {}
    model = tiny_model(model_class, compile_kwargs={**ALL_TRICKS, "run_eagerly": True}, **kwargs)
    logs = model.fit(tiny_data_for(model, n=16, batch_size=16), epochs=1, verbose=0).history
    names = {
        "feature_matching", "d_historical_average", "g_historical_average", "instance_noise",
        "r1_penalty", "r2_penalty",
    }  # fmt: skip
    assert names <= set(logs)
    assert all(np.isfinite(v).all() for v in logs.values())


@pytest.mark.slow  # ~10 s
def test_tricks_are_saved_loaded_and_keep_training_identically(tmp_path):
    gan = tiny_model(kg.GAN, compile_kwargs=ALL_TRICKS)
    gan.fit(tiny_dataset(), epochs=1, verbose=0)
    gan.save(tmp_path / "tricks.keras")
    loaded = keras.models.load_model(tmp_path / "tricks.keras")
    assert loaded.get_compile_config() == gan.get_compile_config()
    assert [type(t) for t in loaded.tricks] == [type(t) for t in gan.tricks]
    history = gan.tricks[2]  # in TRICKS order: noise, matching, averaging, R1
    restored = loaded.tricks[2]
    assert float(restored.counts["d"]) == float(history.counts["d"]) == 4
    for a, b in zip(history.averages["g"], restored.averages["g"], strict=True):
        np.testing.assert_array_equal(np.array(a), np.array(b))
    assert_keep_training_alike(gan, loaded)


@pytest.mark.slow  # > 10 s
def test_a_resumed_run_with_tricks_matches_an_uninterrupted_one(tmp_path):
    def model(seed):
        compile_kwargs = {"historical_averaging": 1e-2, "instance_noise": 0.2}
        return tiny_model(kg.GAN, seed=seed, compile_kwargs=compile_kwargs)

    resumed, uninterrupted = resumed_and_uninterrupted(model, tmp_path)
    assert_same_state(training_state(resumed), training_state(uninterrupted))
    for a, b in zip(resumed.tricks[1].weights, uninterrupted.tricks[1].weights, strict=True):
        np.testing.assert_array_equal(np.array(a), np.array(b))


@pytest.mark.slow  # > 10 s
def test_tricks_under_mirrored_strategy_match_one_device(mirrored_strategy):
    # Historical averaging and instance noise are exact across replicas. They
    # act through the hooks every class shares, so one class is tested here.
    # (WGANGP's Adam(beta_1=0) is too sensitive for this check: one weight in
    # 256, whose gradient is ~0, stepped the other way from float summation
    # order, 1.2e-4 apart.)
    compile_kwargs = {"historical_averaging": 1e-2, "instance_noise": 0.2}
    assert_same_training(mirrored_strategy, kg.GAN, compile_kwargs=compile_kwargs)


def test_feature_matching_under_mirrored_strategy_averages_the_replicas_terms(mirrored_strategy):
    # Documented: batch means are per replica, the logged term is their mean.
    trick = FeatureMatching(1.0)
    features = np.random.default_rng(0).standard_normal((4, 8, 3)).astype("float32")

    def replica_term(real, fake):
        state = StepState(real=None, fake=None, real_features=real, fake_features=fake)
        return trick.generator_terms(None, state)["feature_matching"]

    def per_replica(i):
        return features[2 * i], features[2 * i + 1]

    values = mirrored_strategy.experimental_distribute_values_from_function(
        lambda context: per_replica(context.replica_id_in_sync_group)
    )
    terms = mirrored_strategy.run(replica_term, args=values)
    total = float(mirrored_strategy.reduce("sum", terms, axis=None))
    hand = np.mean(
        [np.sum((f[0].mean(0) - f[1].mean(0)) ** 2) for f in (features[0:2], features[2:4])]
    )
    assert total == pytest.approx(hand, rel=1e-5)


def test_bad_trick_arguments_are_named():
    gan = kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
    with pytest.raises(ValueError, match=r"`feature_matching` must be >= 0. .*=-1.0"):
        gan.compile(feature_matching=-1.0)
    with pytest.raises(ValueError, match=r"Received: historical_averaging=-0.1"):
        gan.compile(historical_averaging=-0.1)
    with pytest.raises(ValueError, match=r"Received: instance_noise_steps=0"):
        gan.compile(instance_noise=0.1, instance_noise_steps=0)
    with pytest.raises(ValueError, match=r"label_smoothing=1"):
        gan.compile(label_smoothing=1.0)
    plain_d = keras.Sequential(
        [keras.Input((16, 16, 1)), keras.layers.Flatten(name="flat"), keras.layers.Dense(1)]
    )
    with pytest.raises(ValueError, match=r"layer named 'features'.*Received: .*'flat'"):
        kg.GAN(tiny_generator(), plain_d, latent_dim=LATENT_DIM).compile(feature_matching=1.0)


def linear_critic_gan(weights, **compile_kwargs):
    """A GAN whose D is f(x) = <w, x> + b on 4x4 images, so grad_x f = w everywhere."""
    keras.utils.set_random_seed(0)  # op determinism (conftest) needs a global seed
    critic = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(name="features"), keras.layers.Dense(1)]
    )
    critic.layers[-1].kernel.assign(np.reshape(weights, (-1, 1)).astype("float32"))
    generator = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, activation="tanh"),
            keras.layers.Reshape((4, 4, 1)),
        ]
    )
    gan = kg.GAN(generator, critic, latent_dim=2, seed=0)
    gan.compile(**compile_kwargs)
    return gan


def test_r1_penalty_is_half_the_squared_gradient_norm_on_real_images():
    w = np.random.default_rng(0).standard_normal(16)
    gan = linear_critic_gan(w, r1_penalty=10.0)
    (trick,) = gan.tricks
    real = np.random.default_rng(1).uniform(-1, 1, (8, 4, 4, 1)).astype("float32")
    terms = trick.discriminator_terms(gan, StepState(real=tf.constant(real), fake=None))
    assert float(terms["r1_penalty"]) == pytest.approx(0.5 * np.sum(w**2), rel=1e-5)
    # In the step, D's loss gets gamma times the logged term.
    logs = gan.fit(real, batch_size=8, epochs=1, verbose=0).history
    assert logs["r1_penalty"][0] == pytest.approx(0.5 * np.sum(w**2), rel=1e-5)


def test_lazy_r1_is_computed_every_k_steps_and_scaled_by_k():
    w = np.random.default_rng(0).standard_normal(16)
    gan = linear_critic_gan(w, r1_penalty=1.0, r1_every_n_steps=4)
    (trick,) = gan.tricks
    step = StepState(real=tf.zeros((8, 4, 4, 1)), fake=None)
    full = 0.5 * np.sum(w**2)
    # Due on the training steps (generator updates) that are multiples of 4.
    for iteration, expected in ((0, 4 * full), (1, 0.0), (3, 0.0), (8, 4 * full)):
        gan.optimizers["generator"].iterations.assign(iteration)
        assert float(trick.discriminator_terms(gan, step)["r1_penalty"]) == pytest.approx(
            expected, rel=1e-5
        ), iteration
    with pytest.raises(ValueError, match="Received: r1_every_n_steps=0"):
        linear_critic_gan(w, r1_penalty=1.0, r1_every_n_steps=0)
    assert gan.get_compile_config()["tricks"][0]["config"]["every_n_steps"] == 4


def test_r2_penalty_is_half_the_squared_gradient_norm_on_generated_images():
    w = np.random.default_rng(0).standard_normal(16)
    gan = linear_critic_gan(w, r2_penalty=3.0, r2_every_n_steps=2)
    (trick,) = gan.tricks
    assert type(trick).__name__ == "R2Penalty"
    fake = tf.random.uniform((8, 4, 4, 1), -1, 1)
    terms = trick.discriminator_terms(gan, StepState(real=None, fake=fake))
    assert float(terms["r2_penalty"]) == pytest.approx(2 * 0.5 * np.sum(w**2), rel=1e-5)
    (saved,) = gan.get_compile_config()["tricks"]
    assert saved["config"]["weight"] == 3.0 and saved["config"]["every_n_steps"] == 2
    with pytest.raises(ValueError, match=r"`r2_penalty` must be >= 0. .*=-1.0"):
        gan.compile(r2_penalty=-1.0)
    with pytest.raises(ValueError, match=r"Received: r2_every_n_steps=1.5"):
        gan.compile(r2_penalty=1.0, r2_every_n_steps=1.5)


def test_consistency_transform_flips_and_shifts_each_image():
    gan = tiny_model(kg.GAN)
    trick = kg.tricks.ConsistencyRegularization(10.0)
    images = np.zeros((64, 16, 16, 1), "float32")
    images[:, 5, 3, 0] = 1.0  # one bright pixel, at row 5, column 3
    moved = np.array(trick.transform(tf.constant(images), gan))
    rows, cols = np.nonzero(moved[..., 0].sum(axis=0))
    kept = moved.reshape(64, -1).sum(axis=1) == 1.0  # shifts of <= 2 px keep the pixel
    assert kept.all()
    found = np.array([np.argwhere(m[..., 0] == 1.0)[0] for m in moved])
    # Rows move by at most 1/8 of 16; columns by that, from 3 or from the flipped 12.
    assert np.abs(found[:, 0] - 5).max() <= 2
    from_left, from_right = np.abs(found[:, 1] - 3) <= 2, np.abs(found[:, 1] - 12) <= 2
    assert (from_left | from_right).all() and from_left.any() and from_right.any()
    assert len(rows) > 1 and len(cols) > 2  # different draws per image


def test_consistency_term_is_the_squared_change_of_d_under_the_transform():
    w = np.random.default_rng(0).standard_normal(16)
    gan = linear_critic_gan(w, consistency=10.0)
    (trick,) = gan.tricks
    real = tf.random.uniform((8, 4, 4, 1), -1, 1)
    fake = tf.random.uniform((8, 4, 4, 1), -1, 1)
    state = StepState(real=real, fake=fake)
    state.real_logits = gan.discriminator(real)
    state.fake_logits = gan.discriminator(fake)
    seed_state = np.array(gan.seed_generator.state)
    terms = trick.discriminator_terms(gan, state)
    gan.seed_generator.state.assign(seed_state)  # the same draws again, by hand
    for name, images in (("consistency_real", real), ("consistency_fake", fake)):
        moved = trick.transform(images, gan)
        hand = np.mean(
            (np.array(gan.discriminator(images)) - np.array(gan.discriminator(moved))) ** 2
        )
        assert float(terms[name]) == pytest.approx(hand, rel=1e-5), name
    # A critic blind to position (the mean pixel, zero padding aside) barely changes.
    assert float(terms["consistency_real"]) > 0
    logs = gan.fit(np.array(real), batch_size=8, epochs=1, verbose=0).history
    assert {"consistency_real", "consistency_fake"} <= set(logs)
    (saved,) = gan.get_compile_config()["tricks"]
    assert saved["class_name"] == "ConsistencyRegularization" and saved["config"]["weight"] == 10.0
