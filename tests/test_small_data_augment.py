"""`kg.train`'s `augment="auto"`: augmentation on for small datasets; `"none"` off everywhere."""

import numpy as np
import pytest
import tensorflow as tf
from conftest import tiny_discriminator, tiny_generator, tiny_images

import keras_gans as kg
from keras_gans import cli
from keras_gans.presets import get_preset
from keras_gans.recipe import augment_choice
from keras_gans.recipe.augment_choice import (
    ADA_ADJUSTMENT_IMAGES,
    SMALL_DATASET,
    count_images,
    resolve_augment,
)
from keras_gans.recipe.data import training_data
from keras_gans.recipe.model import build_and_compile
from keras_gans.training_options import TrainingConfig


def test_auto_turns_ada_on_below_the_measured_size_only():
    augment, note = resolve_augment("auto", SMALL_DATASET - 1)
    assert isinstance(augment, kg.augment.ADA)
    assert (augment.target, augment.adjustment_images) == (0.6, ADA_ADJUSTMENT_IMAGES)
    assert f"({SMALL_DATASET - 1:,} images, fewer than {SMALL_DATASET:,})" in note
    assert "--augment none" in note
    assert resolve_augment("auto", 10)[0] is not augment  # a new ADA for every run
    assert resolve_augment("auto", SMALL_DATASET) == (None, None)
    assert resolve_augment("auto", None) == (None, None)  # size unknown: off
    for given in (None, "none", "ada", "color"):  # anything but "auto" is kept as given
        assert resolve_augment(given, 10) == (given, None)


def test_count_images_counts_the_whole_batches_of_one_pass():
    data = tf.data.Dataset.from_tensor_slices(np.zeros((40, 2))).batch(16, drop_remainder=True)
    assert count_images(data, 16) == 32
    assert count_images(data.filter(lambda x: True), 16) is None  # unknown cardinality
    assert count_images(data.repeat(), 16) is None  # infinite


def compiled_for(tmp_path, num_images, preset="dcgan", **options):
    """The tricks of the model `kg.train` would compile for `num_images` tiny images."""
    path = tmp_path / "tiny.npz"
    np.savez(path, x=((tiny_images(num_images) + 1) * 127.5).astype("uint8"))
    if preset == "dcgan":
        options["latent_dim"] = 8
    config = TrainingConfig.from_arguments(
        preset=preset, dataset=str(path), batch_size=16, **options
    )
    preset, strategy = get_preset(preset), tf.distribute.get_strategy()
    data = training_data(config, preset, 0, strategy)
    model = build_and_compile(config, preset, data, 0, strategy, verbose=config.run["verbose"])
    return [
        (type(t).__name__, getattr(t, "policy", None), getattr(t, "adjustment_images", None))
        for t in model.tricks
    ]


ADA_AS_MEASURED = ("ADA", "translation,cutout,color", ADA_ADJUSTMENT_IMAGES)


def test_train_augments_a_small_dataset_by_default_and_says_so(tmp_path, capsys):
    assert compiled_for(tmp_path, 40) == [ADA_AS_MEASURED]
    out = capsys.readouterr().out
    assert "Augment: ada (target r_t 0.6, p moving by at most 1 per 100,000 images), " in out
    assert "chosen for a small dataset (32 images, fewer than" in out  # 2 whole batches of 16
    assert compiled_for(tmp_path, 40, verbose=0) == [ADA_AS_MEASURED]
    assert capsys.readouterr().out == ""  # quiet when asked to be


def test_none_turns_it_off_and_large_datasets_are_not_augmented(tmp_path, capsys, monkeypatch):
    assert compiled_for(tmp_path, 40, augment="none") == []
    assert compiled_for(tmp_path, 40, augment=None) == []
    assert compiled_for(tmp_path, 40, augment="cutout") == [("DiffAugment", "cutout", None)]
    monkeypatch.setattr(augment_choice, "SMALL_DATASET", 32)  # 32 images are no longer small
    assert compiled_for(tmp_path, 40) == []
    assert capsys.readouterr().out == ""


def test_image_to_image_presets_are_not_augmented_automatically(tmp_path, capsys):
    # Pix2Pix is trained on pairs, where its own L1 term ties G to each target.
    assert compiled_for(tmp_path, 40, preset="pix2pix", task="super_resolution") == []
    assert "Augment:" not in capsys.readouterr().out
    tricks = compiled_for(tmp_path, 40, preset="pix2pix", task="super_resolution", augment="cutout")
    assert tricks == [("DiffAugment", "cutout", None)]


def test_the_cli_flag_defaults_to_auto_and_takes_none():
    parser = cli.build_parser()
    assert parser.parse_args(["train"]).augment == "auto"
    assert parser.parse_args(["train", "--augment", "none"]).augment == "none"


def test_compile_takes_none_as_off_and_refuses_auto():
    gan = kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=8)
    gan.compile(augment="none")
    assert gan.tricks == []
    with pytest.raises(ValueError, match="decided by `kg.train`.*Received: augment='auto'"):
        gan.compile(augment="auto")
