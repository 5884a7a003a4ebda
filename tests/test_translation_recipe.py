"""The pix2pix and cyclegan presets, kg.train's image-to-image data, `keras-gans translate`
and `keras-gans evaluate` on translation models."""

import json
import os

import keras
import numpy as np
import pytest
from conftest import tiny_gan, tiny_images
from helpers import tiny_cycle_gan, tiny_pix2pix, translation_images
from PIL import Image
from test_cli import keras_gans

import keras_gans as kg
from keras_gans import cli
from keras_gans.images import to_uint8
from keras_gans.presets import build_model, get_preset
from keras_gans.recipe.data import split_folders, translation_data
from keras_gans.recipe.model import compile_arguments, decaying_optimizers
from keras_gans.training_options import TrainingConfig


def save_npz(path, n=8, size=16):
    pixels = ((tiny_images(n) + 1) * 127.5).astype("uint8")[:, :size, :size]
    np.savez(path, x=pixels)
    return str(path)


def save_pngs(folder, images, names=None):
    os.makedirs(folder, exist_ok=True)
    for i, image in enumerate(to_uint8(images)):
        name = names[i] if names else f"{i}.png"
        Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(folder / name)


# === Presets ===


def test_the_presets_build_the_papers_networks_for_the_data():
    p2p = build_model("pix2pix", (16, 16, 1), target_shape=(16, 16, 3), seed=0)
    assert isinstance(p2p, kg.Pix2Pix) and p2p.l1_weight == 100.0
    assert p2p.generator.output_shape == (None, 16, 16, 3)
    assert p2p.discriminator.get_layer("conv2_norm").__class__.__name__ == "BatchNormalization"
    # 16x16 images: the largest PatchGAN that fits them (2 downsamplings: 34x34 patches).
    assert p2p.discriminator.output_shape == (None, 2, 2, 1)
    cyc = build_model("cyclegan", (12, 12, 1), seed=0)
    assert isinstance(cyc, kg.CycleGAN) and cyc.pool_size == 50
    assert (cyc.cycle_weight, cyc.identity_weight) == (10.0, 0.5)
    blocks = [layer for layer in cyc.generator_ab.layers if layer.name.endswith("_add")]
    assert len(blocks) == 6  # 9 from 256x256 up
    norms = {type(layer).__name__ for layer in cyc.discriminator_a.layers if "norm" in layer.name}
    assert norms == {"GroupNormalization"}  # instance norm
    for name in ("pix2pix", "cyclegan"):
        preset = get_preset(name)
        assert preset.translation and preset.batch_size == 1
        adam = preset.compile_kwargs["g_optimizer"]["config"]
        assert (adam["learning_rate"], adam["beta_1"]) == (2e-4, 0.5)
    assert get_preset("cyclegan").compile_kwargs["loss"] == "least_squares"


def test_cyclegan_decays_over_the_second_half_of_the_run(tmp_path):
    config = TrainingConfig.from_arguments(preset="cyclegan", epochs=5, steps_per_epoch=3)
    preset = get_preset("cyclegan")
    optimizers = decaying_optimizers(compile_arguments(preset, config.compile), config, None)
    for optimizer in optimizers.values():
        schedule = optimizer._learning_rate
        assert isinstance(schedule, kg.schedules.LinearDecay)
        assert (schedule.constant_steps, schedule.decay_steps) == (7, 8)  # 15 steps in all
        assert schedule.initial_learning_rate == 2e-4 and optimizer.beta_1 == 0.5
        assert float(schedule(7)) == pytest.approx(2e-4) and float(schedule(15)) == 0.0
    # Without steps_per_epoch the dataset's length is the epoch's.
    folder = tmp_path / "cyc"
    save_pngs(folder / "trainA", translation_images(6, 1))
    save_pngs(folder / "trainB", translation_images(4, 2))
    config = TrainingConfig.from_arguments(preset="cyclegan", dataset=str(folder), epochs=2)
    data = translation_data(config, preset, batch_size=2, seed=0)
    optimizers = decaying_optimizers(compile_arguments(preset, config.compile), config, data)
    schedule = optimizers["d_optimizer"]._learning_rate
    assert (schedule.constant_steps, schedule.decay_steps) == (3, 3)  # 6 A images, batches of 2


# === Data ===


def test_the_data_of_each_preset_and_its_errors(tmp_path):
    npz = save_npz(tmp_path / "tiny.npz")

    def data(preset, dataset, **options):
        config = TrainingConfig.from_arguments(preset=preset, dataset=dataset, **options)
        return translation_data(config, get_preset(preset), batch_size=2, seed=0)

    source, target = next(iter(data("pix2pix", npz, task="inpainting")))
    assert source.shape == target.shape == (2, 16, 16, 1)
    np.testing.assert_array_equal(source[:, 4:12, 4:12], 0.0)  # the centre hole
    for layout in ("trainA/trainB", "two folders"):
        root = tmp_path / layout.replace("/", "_").replace(" ", "_")
        a, b = (root / "trainA", root / "trainB") if "/" in layout else (root / "x", root / "y")
        save_pngs(a, translation_images(4, 1))
        save_pngs(b, -translation_images(4, 2))
        dataset = str(root) if "/" in layout else f"{a},{b}"
        a_batch, b_batch = next(iter(data("cyclegan", dataset)))
        assert a_batch.shape == b_batch.shape == (2, 8, 8, 1), layout
    assert split_folders("x/, y/") == ("x/", "y/")
    assert split_folders(("x", "y")) == ("x", "y")
    with pytest.raises(ValueError, match=r"'A_FOLDER,B_FOLDER'. Received: dataset='a,b,c'"):
        split_folders("a,b,c")
    with pytest.raises(ValueError, match=r"pix2pix trains on pairs: .* Received: dataset="):
        data("pix2pix", npz)
    with pytest.raises(ValueError, match=r"CycleGAN trains on unpaired domains. Received: task"):
        data("cyclegan", npz, task="edges")
    with pytest.raises(ValueError, match=r"`task` makes \(source, target\) pairs for an image"):
        kg.train("dcgan", npz, task="edges", directory=str(tmp_path / "run"), verbose=0)


@pytest.mark.slow  # 15-30 s: the paper's networks (64 filters) traced for a few steps
def test_train_pix2pix_on_a_paired_task_from_the_command_line(tmp_path):
    npz = save_npz(tmp_path / "tiny.npz", n=8)
    argv = ["train", "--preset", "pix2pix", "--dataset", npz, "--task", "super_resolution"]
    argv += ["--epochs", "2", "--batch-size", "4", "--out", str(tmp_path / "run"), "--seed", "0"]
    assert cli.main([*argv, "--simultaneous-updates"]) == 0
    model = keras.models.load_model(tmp_path / "run" / "model.keras")
    assert isinstance(model, kg.Pix2Pix) and model.simultaneous_updates
    assert int(model.optimizers["generator"].iterations) == 4
    grid = Image.open(tmp_path / "run" / "grids" / "epoch_0002.png")
    # 8 rows (the first images, unshuffled) of source | output | target, enlarged twice.
    assert grid.size == (2 * (3 * 16 + 4 * 2), 2 * (8 * 16 + 9 * 2))
    history = open(tmp_path / "run" / "history.csv").read()
    assert history.splitlines()[0].endswith(",g_loss,l1")
    # The run record knows the task: the folder is not resumed as another one.
    with pytest.raises(ValueError, match="task: 'super_resolution' -> 'inpainting'"):
        kg.train(
            "pix2pix", npz, task="inpainting", epochs=3, batch_size=4,
            directory=str(tmp_path / "run"), verbose=0,
        )  # fmt: skip


@pytest.mark.slow  # 30-80 s: four networks of the paper's size traced
def test_train_cyclegan_reaches_a_learning_rate_of_zero(tmp_path):
    folder = tmp_path / "data"
    save_pngs(folder / "trainA", translation_images(4, 1))
    save_pngs(folder / "trainB", -translation_images(4, 2))
    run = kg.train(
        "cyclegan", str(folder), epochs=2, batch_size=2, directory=str(tmp_path / "run"),
        verbose=0, seed=0,
    )  # fmt: skip
    model = run.model
    assert isinstance(model, kg.CycleGAN)
    assert float(model.optimizers["generator"].learning_rate) == 0.0  # 4 steps, 2 decaying
    assert {"cycle_a", "identity_b", "real_score_a"} <= set(run.history)
    assert os.path.exists(tmp_path / "run" / "grids" / "epoch_0002.png")


# === keras-gans translate ===


@pytest.fixture(scope="module")
def saved_translators(tmp_path_factory):
    folder = tmp_path_factory.mktemp("translators")
    models = {"pix2pix": tiny_pix2pix(), "cycle_gan": tiny_cycle_gan()}
    for name, model in models.items():
        model.save(folder / f"{name}.keras")
    return folder, models


def test_translate_writes_a_png_of_each_image_at_the_models_size(saved_translators, capsys):
    folder, models = saved_translators
    images = folder / "photos"
    save_pngs(images, translation_images(2, 3), ["a.png", "b.jpg"])
    save_pngs(images / "sub", translation_images(1, 4, shape=(12, 16, 3)), ["c.png"])
    out = folder / "out"
    argv = ["translate", "--model", str(folder / "pix2pix.keras"), "--input", str(images)]
    assert cli.main([*argv, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Translated 3 images of {images} (source_to_target) into {out}" in printed
    assert (
        "Resized and centre-cropped 1 of 3 images to 8x8, the model's input size: 1 images of "
        f"12x16 (e.g. {images / 'sub' / 'c.png'})"
    ) in printed
    assert "1 of 3 images converted to 8-bit grayscale (1 colour to grayscale)" in printed
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.png"))
    assert written == ["a.png", "b.png", "sub/c.png"]
    source = np.asarray(Image.open(images / "a.png"))[None, ..., None] / 127.5 - 1.0
    expected = to_uint8(models["pix2pix"].translate(source))[0, ..., 0]
    np.testing.assert_array_equal(np.asarray(Image.open(out / "a.png")), expected)
    assert Image.open(out / "sub" / "c.png").size == (8, 8)
    # A CycleGAN's other direction, and the errors.
    argv = ["translate", "--model", str(folder / "cycle_gan.keras"), "--input", str(images)]
    assert cli.main([*argv, "--out", str(folder / "ba"), "--direction", "b_to_a"]) == 0
    expected = to_uint8(models["cycle_gan"].translate(source, direction="b_to_a"))[0, ..., 0]
    np.testing.assert_array_equal(np.asarray(Image.open(folder / "ba" / "a.png")), expected)
    with pytest.raises(SystemExit, match=r"`direction` must be one of \['a_to_b', 'b_to_a'\]"):
        cli.main([*argv, "--out", str(folder / "x"), "--direction", "sideways"])
    with pytest.raises(SystemExit, match=r"Two images would be written to the same PNG"):
        save_pngs(images, translation_images(1, 5), ["a.bmp"])
        cli.main([*argv, "--out", str(folder / "y")])


def test_translate_refuses_a_latent_model(tmp_path):
    tiny_gan().save(tmp_path / "gan.keras")
    save_pngs(tmp_path / "in", translation_images(1))
    argv = ["translate", "--model", str(tmp_path / "gan.keras"), "--input", str(tmp_path / "in")]
    with pytest.raises(SystemExit, match=r"translate takes an image-to-image model .* a GAN"):
        cli.main([*argv, "--out", str(tmp_path / "out")])


def test_translate_command_in_a_process(saved_translators, tmp_path):
    folder, models = saved_translators
    save_pngs(tmp_path / "in", translation_images(2, 6))
    argv = ["--model", str(folder / "cycle_gan.keras"), "--input", str(tmp_path / "in")]
    result = keras_gans("translate", *argv, "--out", "out", cwd=tmp_path)
    assert "Translated 2 images" in result.stdout and "(a_to_b)" in result.stdout
    assert sorted(os.listdir(tmp_path / "out")) == ["0.png", "1.png"]


# === keras-gans evaluate ===


def test_evaluate_scores_translations_of_a_paired_task(saved_translators, tmp_path, capsys):
    folder, models = saved_translators
    npz = save_npz(tmp_path / "tiny8.npz", n=6, size=8)
    out = tmp_path / "evaluation.json"
    argv = ["evaluate", "--model", str(folder / "pix2pix.keras"), "--dataset", npz]
    argv += ["--task", "inpainting", "--metrics", "psnr_6", "l1_6", "--out", str(out)]
    assert cli.main(argv) == 0
    report = json.loads(out.read_text())
    assert report["task"] == "inpainting"
    pairs = kg.data.paired_task(
        kg.data.load(npz, shuffle=False, drop_remainder=False), "inpainting", keep_labels=False
    )
    batches = list(pairs.as_numpy_iterator())
    sources, targets = (np.concatenate(part) for part in zip(*batches, strict=True))
    outputs = to_uint8(models["pix2pix"].translate(sources))
    assert report["metrics"]["psnr_6"] == pytest.approx(
        kg.metrics.psnr(outputs, to_uint8(targets)), rel=1e-5
    )
    assert report["metrics"]["l1_6"] == pytest.approx(
        kg.metrics.l1_distance(outputs, to_uint8(targets)), rel=1e-5
    )
    assert "psnr_6  " in capsys.readouterr().out
    argv = ["evaluate", "--model", str(folder / "pix2pix.keras"), "--dataset", npz]
    with pytest.raises(SystemExit, match=r"pass --task .* or --inputs .* one of them"):
        cli.main(argv)
