"""FIDCallback / KIDCallback on tiny 16x16 models, a tiny untrained classifier as extractor."""

import csv

import keras
import numpy as np
import pytest
from conftest import IMAGE_SHAPE, NUM_CLASSES, tiny_data_for, tiny_images, tiny_model

import keras_gans as kg
from keras_gans.callbacks.fid import FIDCallback, GenerativeMetricCallback, KIDCallback
from keras_gans.metrics import ClassifierFeatures, dataset_classifier


@pytest.fixture(scope="module")
def extractor():
    keras.utils.set_random_seed(0)
    classifier = dataset_classifier(IMAGE_SHAPE, NUM_CLASSES, feature_dim=8, name="tiny_classifier")
    return ClassifierFeatures(classifier, batch_size=32)


def read_csv(path):
    with open(path) as f:
        return list(csv.reader(f))


def test_score_reaches_logs_checkpoint_early_stopping_csv_loggers(tmp_path, extractor):
    """Callbacks listed after it read the score from `logs`, as TensorBoard does.

    (A recording callback stands in for TensorBoard here; tests/test_tensorboard.py
    reads the scores back from real event files.)
    """
    model = tiny_model(kg.GAN)
    fid = FIDCallback(
        dataset=tiny_images(64),
        extractor=extractor,
        num_images=40,
        directory=tmp_path,
        batch_size=16,
        cache_dir=None,
        verbose=0,
    )
    assert fid.name == "fid_tiny_classifier_40" and fid.mode == "min"  # from the registry
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "best.keras"), monitor=fid.name, mode=fid.mode, save_best_only=True
    )
    early = keras.callbacks.EarlyStopping(monitor=fid.name, mode=fid.mode, patience=10)
    logger = keras.callbacks.CSVLogger(str(tmp_path / "history.csv"))
    seen = []
    recorder = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(dict(logs))
    )
    history = model.fit(
        tiny_data_for(model),
        epochs=3,
        verbose=0,
        callbacks=[fid, checkpoint, early, logger, recorder],
    ).history

    scores = history[fid.name]
    assert len(scores) == 3 and all(np.isfinite(scores)) and min(scores) > 0
    assert len(set(scores)) == 3  # the generator changed between epochs, so did the score
    rows = read_csv(tmp_path / f"{fid.name}.csv")
    assert rows[0] == ["epoch", fid.name, "seconds"]
    assert [int(r[0]) for r in rows[1:]] == [1, 2, 3]
    np.testing.assert_allclose([float(r[1]) for r in rows[1:]], scores, rtol=1e-5)
    assert early.best == pytest.approx(min(scores))
    assert checkpoint.best == pytest.approx(min(scores))
    assert (tmp_path / "best.keras").exists()
    assert [logs[fid.name] for logs in seen] == scores
    history_csv = read_csv(tmp_path / "history.csv")
    column = history_csv[0].index(fid.name)
    np.testing.assert_allclose([float(row[column]) for row in history_csv[1:]], scores, rtol=1e-6)
    # The logged score is the model's real score: recomputing it gives the same number.
    assert fid.score() == pytest.approx(scores[-1], rel=1e-6)


@pytest.mark.slow  # 6-8 s: CI runs it; the default suite keeps 4 minutes
def test_every_n_epochs_and_a_resumed_csv(tmp_path, extractor):
    model = tiny_model(kg.ConditionalGAN)
    kid = KIDCallback(
        dataset=tiny_images(64),
        extractor=extractor,
        num_images=40,
        every_n_epochs=2,
        directory=tmp_path,
        batch_size=16,
        cache_dir=None,
        verbose=0,
    )
    assert kid.name == "kid_tiny_classifier_40" and kid.mode == "min"
    history = model.fit(tiny_data_for(model), epochs=3, verbose=0, callbacks=[kid]).history
    assert len(history[kid.name]) == 1  # epoch 2 only
    model.fit(tiny_data_for(model), initial_epoch=3, epochs=4, verbose=0, callbacks=[kid])
    rows = read_csv(tmp_path / f"{kid.name}.csv")
    assert [r[0] for r in rows] == ["epoch", "2", "4"]
    with pytest.raises(ValueError, match="positive int. Received: every_n_epochs=0"):
        KIDCallback(extractor=extractor, every_n_epochs=0)
    with pytest.raises(ValueError, match="Unknown metric. Received: metric='fdi'"):
        GenerativeMetricCallback("fdi", extractor=extractor)
    with pytest.raises(ValueError, match="psnr compares the pixels.*Received: extractor="):
        GenerativeMetricCallback("psnr", extractor=extractor)


def test_an_extractor_that_cannot_take_the_images_fails_before_training():
    model = tiny_model(kg.GAN)  # 16x16 images; the shipped classifier takes 28x28
    fid = FIDCallback(num_images=100, verbose=0)
    weights = [w.numpy() for w in model.weights]
    with pytest.raises(ValueError, match=r"trained on images of shape \(28, 28, 1\)"):
        model.fit(tiny_data_for(model), epochs=1, verbose=0, callbacks=[fid])
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(weights, model.weights, strict=True))
