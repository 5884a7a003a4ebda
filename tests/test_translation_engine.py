"""Pix2Pix and CycleGAN get everything the engine gives a GAN: every trick, EMA, mixed
precision, MirroredStrategy, resume, TrainingMonitor, the NaN guard and fit's data checks."""

import re
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers import (
    tiny_cycle_gan,
    tiny_pix2pix,
    translation_data,
    translation_images,
    translation_pairs,
)
from test_mixed_precision import global_policy

import keras_gans as kg

MODELS = {"pix2pix": tiny_pix2pix, "cycle_gan": tiny_cycle_gan}
# Pix2Pix in the default suite, CycleGAN (4-7 s each) in CI's slow run, for the checks that
# the engine runs alike for both.
PIX2PIX_FAST = ["pix2pix", pytest.param("cycle_gan", marks=pytest.mark.slow)]
LSO = keras.optimizers.LossScaleOptimizer


def suffixes(model):
    return ("_a", "_b") if isinstance(model, kg.CycleGAN) else ("",)


def training_state(model):
    """Every variable of the model and of both players' optimizers, and the noise state."""
    variables = [
        *model.weights,
        *model.optimizers["discriminator"].variables,
        *model.optimizers["generator"].variables,
    ]
    return [np.array(v) for v in variables]


def assert_same_state(actual, expected):
    assert len(actual) == len(expected)
    for a, b in zip(actual, expected, strict=True):
        np.testing.assert_array_equal(a, b)


# === Every trick ===

ALL_TRICKS = {
    "augment": "translation,cutout,color",
    "instance_noise": 0.1,
    "feature_matching": 1.0,
    "historical_averaging": 1e-3,
    "r1_penalty": 1.0,
    "r2_penalty": 1.0,
    "gradient_penalty": 1.0,
    "weight_clipping": 0.5,
}


@pytest.mark.parametrize("name", MODELS)
def test_every_trick_and_term_composes_with_both_models(name):
    # The gradient penalty refuses BatchNorm in a discriminator: Pix2Pix's D is
    # instance-normalised here (CycleGAN's is by default).
    model = MODELS[name](**({"normalization": "instance"} if name == "pix2pix" else {}))
    model.compile(**ALL_TRICKS, run_eagerly=True)  # one step: no tracing
    kinds = {type(trick).__name__ for trick in model.tricks}
    assert kinds == {
        "DiffAugment", "InstanceNoise", "FeatureMatching", "HistoricalAveraging",
        "R1Penalty", "R2Penalty", "GradientPenalty", "WeightClipping",
    }  # fmt: skip
    logs = model.fit(translation_data(model, 8), epochs=1, verbose=0).history
    for suffix in suffixes(model):
        for term in ("feature_matching", "r1_penalty", "r2_penalty", "gradient_penalty"):
            assert np.isfinite(logs[term + suffix][0]) and logs[term + suffix][0] > 0, term
        assert "d_historical_average" + suffix in logs
    assert logs["instance_noise"][0] < 0.1  # annealed from 0.1 over the steps taken
    for variable in model.player_variables("discriminator"):  # clipped after every D step
        assert np.abs(variable.numpy()).max() <= 0.5
    assert all(np.isfinite(v[0]) for v in logs.values())


def test_a_discriminator_without_a_features_layer_is_named_for_feature_matching():
    images = keras.Input((8, 8, 1))
    source = keras.Input((8, 8, 1))
    x = keras.layers.Concatenate()([images, source])
    logits = keras.layers.Conv2D(1, 3, name="logits")(x)
    keras.utils.set_random_seed(0)
    model = kg.Pix2Pix(
        kg.networks.unet_generator((8, 8, 1), filters=4), keras.Model([images, source], logits)
    )
    with pytest.raises(ValueError, match=r"`feature_matching` reads the discriminator's layer "):
        model.compile(feature_matching=1.0)
    # The PatchGAN builder names its last hidden map "features".
    d = kg.networks.patch_discriminator((8, 8, 1), filters=4, num_downsamples=1)
    assert d.get_layer("features").output.shape == (None, 3, 3, 8)


# === EMA ===


@pytest.mark.parametrize("name", PIX2PIX_FAST)
def test_translate_and_predict_use_the_moving_average(name, tmp_path):
    model = MODELS[name](ema_decay=0.5)
    model.compile(run_eagerly=True)
    model.fit(translation_data(model, 8), epochs=1, verbose=0)
    images = translation_images(4, seed=5)
    for direction, network in model.directions.items():
        average = model.ema[network].generator
        assert average is not model.networks[network]
        expected = average(images, training=False).numpy()
        np.testing.assert_allclose(model.translate(images, direction=direction), expected)
        raw = model.networks[network](images, training=False).numpy()
        assert not np.allclose(raw, expected, atol=1e-6), direction
    np.testing.assert_allclose(model.predict(images, verbose=0), model.translate(images))
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    for direction in model.directions:
        np.testing.assert_allclose(
            loaded.translate(images, direction=direction),
            model.translate(images, direction=direction),
            atol=1e-6,
        )


# === Mixed precision ===


@pytest.mark.parametrize("name", PIX2PIX_FAST)
def test_mixed_float16_scales_both_players_and_keeps_outputs_float32(name):
    with global_policy("mixed_float16"):
        model = MODELS[name]()
        model.compile(r1_penalty=1.0, run_eagerly=True)
    assert isinstance(model.optimizers["discriminator"], LSO)
    assert isinstance(model.optimizers["generator"], LSO)
    for network in model.networks.values():
        assert network.outputs[0].dtype == "float32", network.name
        assert any(layer.compute_dtype == "float16" for layer in network.layers)
    logs = model.fit(translation_data(model, 8), epochs=1, verbose=0).history
    assert all(np.isfinite(value[0]) for value in logs.values()), logs
    for optimizer in model.optimizers.values():  # applied, or skipped for overflow
        assert int(optimizer.iterations) == 2 or float(optimizer.dynamic_scale) < 2.0**15
    for direction in model.directions:
        out = model.translate(translation_images(3), direction=direction)
        assert out.dtype == np.float32 and np.isfinite(out).all()


# === MirroredStrategy ===


def train_under(strategy, make, epochs=1, run_eagerly=False):
    with strategy.scope():
        model = make(seed=3)
        model.compile(run_eagerly=run_eagerly)
    history = model.fit(translation_data(model, 16, 8), epochs=epochs, verbose=0)
    return model, history.history


def assert_same_training(strategy, make, run_eagerly=False):
    single, single_logs = train_under(
        tf.distribute.OneDeviceStrategy("/cpu:0"), make, run_eagerly=run_eagerly
    )
    mirrored, mirrored_logs = train_under(strategy, make, run_eagerly=run_eagerly)
    assert mirrored.distribute_strategy.num_replicas_in_sync == 2
    assert sorted(mirrored_logs) == sorted(single_logs)
    for name in single_logs:
        np.testing.assert_allclose(
            mirrored_logs[name], single_logs[name], rtol=1e-4, atol=1e-5, err_msg=name
        )
    for a, b in zip(single.weights, mirrored.weights, strict=True):
        np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-4, atol=1e-5, err_msg=a.path)
    return single, mirrored


def test_pix2pix_under_mirrored_strategy_matches_one_device(mirrored_strategy):
    # The U-Net's dropout draws the global batch's masks (kg.layers.GlobalBatchDropout):
    # with Keras' Dropout both replicas would drop the same units.
    single, mirrored = assert_same_training(mirrored_strategy, tiny_pix2pix, run_eagerly=True)
    assert single.generator.get_layer("up1_dropout").rate == 0.5


@pytest.mark.slow  # 30 s: four networks and two pools traced on two replicas
def test_cycle_gan_under_mirrored_strategy_matches_one_device(mirrored_strategy):
    single, mirrored = assert_same_training(mirrored_strategy, tiny_cycle_gan)
    # The pools gathered the global batches: the same images were kept in the same slots.
    for pool in ("pool_a", "pool_b"):
        np.testing.assert_allclose(
            np.array(getattr(mirrored, pool).images.value),
            np.array(getattr(single, pool).images),
            rtol=1e-4, atol=1e-5,
        )  # fmt: skip
        assert float(np.array(getattr(mirrored, pool).count.value)) == 4.0  # 16 seen, size 4


# === Resume ===


class Crash(keras.callbacks.Callback):
    def __init__(self, epoch, step):
        super().__init__()
        self.at, self.epoch = (epoch, step), None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise RuntimeError("simulated crash")


@pytest.mark.parametrize("name", ["pix2pix", pytest.param("cycle_gan", marks=pytest.mark.slow)])
def test_a_resumed_run_is_bit_exact(name, tmp_path):
    """Crashed at epoch 1 step 1, resumed by a model of another seed from the backup:
    the same weights, pools, EMA, optimizer slots and noise state as without the crash."""

    def make(seed):
        model = MODELS[name](seed=seed, ema_decay=0.9)
        model.compile(run_eagerly=True)
        return model

    data = translation_data(make(0), 8, 4)  # 2 steps per epoch
    backup = tmp_path / "backup"
    with pytest.raises(RuntimeError, match="simulated crash"):
        make(0).fit(
            data, epochs=2, verbose=0,
            callbacks=[keras.callbacks.BackupAndRestore(backup), Crash(1, 1)],
        )  # fmt: skip
    resumed = make(99)
    resumed.fit(data, epochs=2, callbacks=[keras.callbacks.BackupAndRestore(backup)], verbose=0)
    uninterrupted = make(0)
    uninterrupted.fit(data, epochs=2, verbose=0)
    assert int(resumed.optimizers["generator"].iterations) == 4
    assert_same_state(training_state(resumed), training_state(uninterrupted))
    np.testing.assert_array_equal(
        resumed.seed_generator.state.numpy(), uninterrupted.seed_generator.state.numpy()
    )


# === TrainingMonitor ===


def test_the_monitor_reads_each_judged_pair_of_a_cycle_gan():
    """CycleGAN logs d_real_a, d_fake_a, diversity_a (and _b): each pair is watched alone."""
    model = tiny_cycle_gan()
    model.compile(loss="non_saturating", run_eagerly=True)  # probabilities: the winning rule
    monitor = kg.callbacks.TrainingMonitor(min_diversity=1e9, patience=1)
    with pytest.warns(kg.callbacks.TrainingWarning, match="mode collapse suspected"):
        logs = model.fit(translation_data(model, 8), epochs=1, callbacks=[monitor], verbose=0)
    assert {"d_real_a", "d_fake_b", "diversity_a", "diversity_b"} <= set(logs.history)
    collapsed = [w for w in monitor.warnings if w.name == "mode collapse suspected"]
    assert [sorted(w.values) for w in collapsed] == [["diversity_a"], ["diversity_b"]]
    assert collapsed[1].values["diversity_b"] == pytest.approx(logs.history["diversity_b"][0])
    assert "diversity_b=" in collapsed[1].message and "(the _b logs)" in collapsed[1].message
    assert logs.history["failures"] == [2.0]


# === NaN guards ===


class PoisonedPix2Pix(kg.Pix2Pix):
    """The update of generator step 4 (the last of epoch 1) makes a weight of D NaN."""

    def train_step(self, data):
        logs = super().train_step(data)
        kernel = self.discriminator.get_layer("logits").kernel
        poisoned = self.optimizers["generator"].iterations == 4
        kernel.assign(tf.where(poisoned, tf.fill(kernel.shape, np.nan), kernel))
        return logs


class PoisonedCycleGAN(kg.CycleGAN):
    """The update of generator step 4 (the last of epoch 1) makes a weight of generator_ba NaN."""

    def train_step(self, data):
        logs = super().train_step(data)
        kernel = self.generator_ba.trainable_variables[0]
        poisoned = self.optimizers["generator"].iterations == 4
        kernel.assign(tf.where(poisoned, tf.fill(kernel.shape, np.nan), kernel))
        return logs


def poisoned(name):
    make, cls = {"pix2pix": (tiny_pix2pix, PoisonedPix2Pix), "cycle_gan": (tiny_cycle_gan,
                 PoisonedCycleGAN)}[name]  # fmt: skip
    model = make()
    model.__class__ = cls
    model.compile(run_eagerly=True)
    return model


class EpochEnds(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.states = []

    def on_epoch_end(self, epoch, logs=None):
        self.states.append(training_state(self.model))


@pytest.mark.parametrize("name", PIX2PIX_FAST)
def test_a_nan_state_stops_training_with_the_last_finite_state_restored(name):
    model = poisoned(name)
    ends = EpochEnds()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(translation_data(model, 8, 4), epochs=3, callbacks=[ends], verbose=0)
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert len(messages) == 1 and re.match(
        r"Epoch 1 \(counted from 0\): non-finite model state .* The model's last finite "
        r"state, from the end of epoch 0, is restored",
        messages[0],
    ), messages
    assert len(history.epoch) == 2
    # Both players' optimizers are restored with the networks (model.optimizers).
    assert_same_state(training_state(model), ends.states[0])
    assert int(model.optimizers["discriminator"].iterations) == 2


# === fit's data checks ===

BAD = {
    "shape": lambda x: np.zeros((len(x), 16, 16, 1), "float32"),
    "uint8": lambda x: ((x + 1) * 127.5).astype("uint8"),
    "0_255": lambda x: np.round((x + 1) * 127.5),  # float pixels, not rescaled
    "nan": lambda x: np.where(np.arange(x.size).reshape(x.shape) == 70, np.nan, x),
}
EXPECTED = {
    "shape": r"The training {0} do not fit the networks. Received: {0} of shape \(8, 16, 16, 1\); "
    r"expected \(batch, 8, 8, 1\)",
    "uint8": r"The training {} must be floats in \[-1, 1\]. Received: dtype uint8",
    "0_255": r"The training {} must be in \[-1, 1\].* Received: values in \[0, 255\]",
    "nan": r"The training {} contain NaN or infinite values \(all of it was checked\)\. "
    r"Received: 1 non-finite values, the first in image 1",
}


@pytest.mark.parametrize("kind", BAD)
@pytest.mark.parametrize("name", MODELS)
def test_bad_data_is_refused_before_training_naming_the_part(name, kind):
    model = MODELS[name]()
    model.compile()
    first, second = translation_pairs(8)
    names = {"pix2pix": ["source images", "target images"], "cycle_gan": ["A images", "B images"]}
    for index, named in enumerate(names[name]):
        parts = [first, second]
        parts[index] = BAD[kind](parts[index])
        with pytest.raises(ValueError, match=EXPECTED[kind].format(named)):
            model.fit(*parts, batch_size=4, epochs=1, verbose=0)
    assert int(model.optimizers["generator"].iterations) == 0


def test_a_bad_later_batch_is_named_by_its_part_and_loses_no_work():
    model = tiny_cycle_gan()
    model.compile(run_eagerly=True)
    a, b = translation_images(12, 1), translation_images(12, 2)
    b[9, 0, 0, 0] = 3.0  # batch 2 (of 4 images), its B images
    data = tf.data.Dataset.from_tensor_slices((a, b)).batch(4)
    with pytest.raises(ValueError) as error:
        model.fit(data, epochs=1, verbose=0)
    message = str(error.value)
    assert message.startswith(
        "Batch 2 of the training data (counted from 0 in each pass over the dataset) is "
        "outside [-1, 1] in its B images. Received: values in [-0.9"
    ), message
    assert "keeps the 2 steps taken before it" in message
    assert int(model.optimizers["generator"].iterations) == 2
