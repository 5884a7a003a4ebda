"""Paired and unpaired data: load_pairs, load_unpaired, paired_task (tiny folders, no network)."""

import time

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from PIL import Image

import keras_gans as kg
from keras_gans.data import network


def _save(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, "uint8")).save(path)


def _pixels(value):
    """The [-1, 1] value of a uint8 pixel."""
    return value / 127.5 - 1.0


def _side_by_side(folder, count, height=8, width=8):
    """`count` A|B images: A all `10 i`, B all `200 + 10 i`, RGB."""
    for i in range(count):
        a = np.full((height, width, 3), 10 * i)
        b = np.full((height, width, 3), 200 + 10 * i)
        _save(folder / f"{i}.png", np.concatenate([a, b], axis=1))


# === load_pairs ===


def test_side_by_side_images_split_into_a_and_b_and_the_direction_swaps_them(tmp_path):
    _side_by_side(tmp_path / "facades" / "train", 3)
    _side_by_side(tmp_path / "facades" / "test", 1)  # split="train" reads train/ only
    pairs = kg.data.load_pairs(tmp_path / "facades", batch_size=3, shuffle=False)
    assert pairs.element_spec[0].shape.as_list() == [3, 8, 8, 3]
    source, target = next(iter(pairs))
    np.testing.assert_allclose(source[:, 0, 0, 0], _pixels(np.array([0, 10, 20])), atol=1e-6)
    np.testing.assert_allclose(target[:, 5, 7, 2], _pixels(np.array([200, 210, 220])), atol=1e-6)
    swapped = kg.data.load_pairs(
        tmp_path / "facades", batch_size=3, shuffle=False, direction="b_to_a"
    )
    b, a = next(iter(swapped))
    np.testing.assert_array_equal(a, source)
    np.testing.assert_array_equal(b, target)
    assert len(list(kg.data.load_pairs(tmp_path / "facades", split="test", seed=0))) == 1


def test_two_folders_pair_by_name_whatever_the_extension_with_channels_per_side(tmp_path):
    for i, name in enumerate(["x", "y", "sub/z"]):
        _save(tmp_path / "A" / f"{name}.png", np.full((8, 8), 10 * i))  # grayscale
        _save(tmp_path / "B" / f"{name}.bmp", np.full((8, 8, 3), (200 + i, 0, 5 * i)))
    pairs = kg.data.load_pairs((tmp_path / "A", tmp_path / "B"), batch_size=3, seed=1)
    for source, target in pairs:
        assert source.shape == (3, 8, 8, 1) and target.shape == (3, 8, 8, 3)
        # Whatever the shuffled order, each A image i sits beside B image i.
        i = np.round((source[:, 0, 0, 0].numpy() + 1) * 127.5 / 10).astype(int)
        np.testing.assert_allclose(target[:, 0, 0, 0], _pixels(200 + i), atol=1e-6)
        np.testing.assert_allclose(target[:, 0, 0, 2], _pixels(5 * i), atol=1e-6)


def test_pairs_are_resized_and_centre_cropped_to_image_size(tmp_path):
    # Each half is 8 high and 16 wide: columns 4-11 white, the sides black.
    half = np.zeros((8, 16), "uint8")
    half[:, 4:12] = 255
    _save(tmp_path / "ab" / "0.png", np.concatenate([half, half], axis=1))
    source, target = next(iter(kg.data.load_pairs(tmp_path / "ab", image_size=8, seed=0)))
    assert source.shape == target.shape == (1, 8, 8, 1)
    np.testing.assert_array_equal(source, np.ones((1, 8, 8, 1)))  # the middle 8x8
    source, _ = next(iter(kg.data.load_pairs(tmp_path / "ab", image_size=(4, 8), seed=0)))
    # Same aspect ratio: nothing cropped, halved (black columns 0-1 and 6-7, white 2-5).
    np.testing.assert_array_equal(source[0, :, 3:5], np.ones((4, 2, 1)))
    np.testing.assert_array_equal(source[0, :, ::7], -np.ones((4, 2, 1)))


def test_pairs_that_do_not_match_are_refused_naming_the_files(tmp_path):
    for name in ("a", "b", "c"):
        _save(tmp_path / "A" / f"{name}.png", np.zeros((8, 8)))
    for name in ("a", "d"):
        _save(tmp_path / "B" / f"{name}.png", np.zeros((8, 8)))
    with pytest.raises(ValueError) as error:
        kg.data.load_pairs((tmp_path / "A", tmp_path / "B"))
    message = str(error.value)
    assert "3 images in" in message and "and 2 in" in message
    assert "only in the first: b, c; only in the second: d" in message

    _save(tmp_path / "B" / "b.png", np.zeros((8, 8)))
    _save(tmp_path / "B" / "c.png", np.zeros((8, 10)))
    (tmp_path / "B" / "d.png").unlink()
    with pytest.raises(ValueError, match=r"same size.*A/c.png is 8x8 but .*B/c.png is 8x10"):
        kg.data.load_pairs((tmp_path / "A", tmp_path / "B"))

    _save(tmp_path / "B" / "c.png", np.zeros((8, 8)))
    _save(tmp_path / "B" / "c.jpg", np.zeros((8, 8)))
    with pytest.raises(ValueError, match=r"several files of one name: .*B/c.jpg and .*B/c.png"):
        kg.data.load_pairs((tmp_path / "A", tmp_path / "B"))


def test_side_by_side_errors_name_the_files(tmp_path):
    _save(tmp_path / "ab" / "even.png", np.zeros((8, 16)))
    _save(tmp_path / "ab" / "odd.png", np.zeros((8, 15)))
    with pytest.raises(ValueError, match=r"even width.*1 of 2 images.*odd.png \(15 wide\)"):
        kg.data.load_pairs(tmp_path / "ab")
    _save(tmp_path / "ab" / "odd.png", np.zeros((8, 20)))
    with pytest.raises(ValueError, match=r"different sizes: 1 images of 8x8 .*1 images of 8x10"):
        kg.data.load_pairs(tmp_path / "ab")
    (tmp_path / "ab" / "broken.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match=r"1 of 3 image files .* cannot be read.*broken.png"):
        kg.data.load_pairs(tmp_path / "ab", image_size=8)
    (tmp_path / "ab" / "broken.png").unlink()
    with pytest.raises(ValueError, match="not a folder"):
        kg.data.load_pairs(tmp_path / "missing")
    with pytest.raises(ValueError, match="direction='ab'"):
        kg.data.load_pairs(tmp_path / "ab", direction="ab")
    with pytest.raises(ValueError, match="a pair of folders"):
        kg.data.load_pairs([tmp_path / "ab"] * 3)
    with pytest.raises(ValueError, match="fewer than one batch"):
        kg.data.load_pairs(tmp_path / "ab", image_size=8, batch_size=4)


# === load_unpaired ===


def _domain(folder, values):
    for i, value in enumerate(values):
        _save(folder / f"{i}.png", np.full((8, 8), value))


def _values(images):
    return [int(v) for v in np.round((images[:, 0, 0, 0] + 1) * 127.5)]


def test_unpaired_sides_are_shuffled_independently_and_the_shorter_repeats(tmp_path):
    _domain(tmp_path / "A", [0, 10, 20])
    _domain(tmp_path / "B", [100, 110, 120, 130, 140])
    dataset = kg.data.load_unpaired(tmp_path / "A", tmp_path / "B", seed=0)
    for _ in range(2):  # two epochs
        a_seen, b_seen = [], []
        for a, b in dataset:
            assert a.shape == b.shape == (1, 8, 8, 1)
            a_seen += _values(a)
            b_seen += _values(b)
        # An epoch is the longer side once; the shorter side repeats to keep up.
        assert sorted(b_seen) == [100, 110, 120, 130, 140]
        assert len(a_seen) == 5 and set(a_seen) == {0, 10, 20}


def test_unpaired_orders_do_not_follow_each_other(tmp_path):
    _domain(tmp_path / "A", range(0, 80, 10))
    _domain(tmp_path / "B", range(100, 180, 10))
    a, b = next(iter(kg.data.load_unpaired(tmp_path / "A", tmp_path / "B", batch_size=8, seed=3)))
    assert sorted(_values(a)) == list(range(0, 80, 10))
    assert [v + 100 for v in _values(a)] != _values(b)  # not the same permutation
    again = next(iter(kg.data.load_unpaired(tmp_path / "A", tmp_path / "B", batch_size=8, seed=3)))
    np.testing.assert_array_equal(again[0], a)


def test_a_cyclegan_layout_folder_reads_its_split(tmp_path):
    _domain(tmp_path / "h2z" / "trainA", [0, 10])
    _domain(tmp_path / "h2z" / "trainB", [100, 110])
    _domain(tmp_path / "h2z" / "testA", [50])
    _domain(tmp_path / "h2z" / "testB", [150])
    a, b = next(iter(kg.data.load_unpaired(tmp_path / "h2z", split="test", seed=0)))
    assert _values(a) == [50] and _values(b) == [150]
    a, b = next(iter(kg.data.load_unpaired(tmp_path / "h2z", batch_size=2, shuffle=False)))
    assert _values(a) == [0, 10] and _values(b) == [100, 110]
    with pytest.raises(ValueError, match=r"sub-folders validA/ and validB/.*\['testA', 'testB'"):
        kg.data.load_unpaired(tmp_path / "h2z", split="valid")


def test_unpaired_sides_of_different_sizes_need_image_size(tmp_path):
    _domain(tmp_path / "A", [0])
    _save(tmp_path / "B" / "0.png", np.full((16, 8, 3), 255))
    with pytest.raises(ValueError, match=r"different sizes.*Pass image_size"):
        kg.data.load_unpaired(tmp_path / "A", tmp_path / "B")
    a, b = next(iter(kg.data.load_unpaired(tmp_path / "A", tmp_path / "B", image_size=4, seed=0)))
    assert a.shape == (1, 4, 4, 1) and b.shape == (1, 4, 4, 3)
    with pytest.raises(ValueError, match="none of these"):
        kg.data.load_unpaired(str(tmp_path / "A" / "0.png"))


def test_unpaired_cycle_gan_from_tfds_offline_with_mock_data(monkeypatch):
    monkeypatch.setattr(network, "is_online", lambda *args, **kwargs: True)  # mocked network
    with tfds.testing.mock_data(num_examples=3):
        dataset = kg.data.load_unpaired("cycle_gan/horse2zebra", image_size=16, seed=0)
        batches = list(dataset.as_numpy_iterator())
    assert len(batches) == 3
    a, b = batches[0]
    assert a.shape == b.shape == (1, 16, 16, 3) and a.dtype == np.float32
    assert -1.0 <= a.min() and a.max() <= 1.0


def test_unpaired_tfds_offline_fails_fast_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(network, "is_online", lambda *args, **kwargs: False)
    start = time.perf_counter()
    with pytest.raises(ValueError) as error:
        kg.data.load_unpaired("cycle_gan/horse2zebra")
    assert time.perf_counter() - start < 5
    message = str(error.value)
    assert "\n" not in message and "this machine is offline" in message
    assert "'cycle_gan/horse2zebra'" in message
    with pytest.raises(ValueError, match=r"Did you mean 'cycle_gan'"):
        kg.data.load_unpaired("cyclegan/horse2zebra")


# === paired_task ===


def _images(array, labels=None, batch=None):
    elements = np.asarray(array) if labels is None else (array, labels)
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    return dataset.batch(batch) if batch else dataset


def test_super_resolution_averages_blocks_then_upsamples_bicubic():
    image = np.arange(64, dtype="float32").reshape(1, 8, 8, 1) / 64 - 0.5
    blocks = image.reshape(1, 4, 2, 4, 2, 1).mean(axis=(2, 4))  # 2x2 area means
    small, target = next(
        iter(
            kg.data.paired_task(
                _images(image, batch=1), "super_resolution", factor=2, upsample=False
            )
        )
    )
    np.testing.assert_allclose(small, blocks, atol=1e-6)
    np.testing.assert_array_equal(target, image)
    source, target = next(
        iter(kg.data.paired_task(_images(image, batch=1), "super_resolution", factor=2))
    )
    assert source.shape == target.shape == (1, 8, 8, 1)
    # The image is linear in (i, j), so are its block means, and Keys' cubic reproduces
    # lines: where no tap falls outside the 4x4 image (pixels 3 and 4), source == image.
    np.testing.assert_allclose(source[0, 3:5, 3:5], image[0, 3:5, 3:5], atol=1e-5)
    assert np.abs(source - image).max() > 1e-3  # and it is a degraded image elsewhere
    constant = np.full((2, 8, 8, 3), 0.3, "float32")
    source, _ = next(iter(kg.data.paired_task(_images(constant, batch=2), "super_resolution")))
    np.testing.assert_allclose(source, constant, atol=1e-6)
    with pytest.raises(ValueError, match=r"divides the height and width.*factor=3 for 8x8"):
        kg.data.paired_task(_images(image, batch=1), "super_resolution", factor=3)


def test_inpainting_fills_the_centre_square_or_random_boxes():
    image = np.full((1, 28, 28, 1), 0.5, "float32")
    source, _ = next(iter(kg.data.paired_task(_images(image, batch=1), "inpainting")))
    expected = image.copy()
    expected[:, 7:21, 7:21] = 0.0  # 14x14 in the middle of 28x28
    np.testing.assert_array_equal(source, expected)
    source, _ = next(
        iter(
            kg.data.paired_task(
                tf.data.Dataset.from_tensors(image[0]), "inpainting", box_size=4, fill=-1.0
            )
        )
    )
    assert source.shape == (28, 28, 1) and np.sum(source == -1.0) == 16
    np.testing.assert_array_equal(source.numpy()[12:16, 12:16], -1.0)

    images = np.full((6, 16, 16, 1), 0.5, "float32")

    def boxes(seed):
        dataset = kg.data.paired_task(
            _images(images, batch=3), "inpainting", mask="random", box_size=5, seed=seed
        )
        return np.concatenate([source.numpy() for source, _ in dataset]) == 0.0

    first = boxes(0)
    for mask in first:  # one 5x5 box per image
        rows, cols = np.nonzero(mask[..., 0])
        assert len(rows) == 25 and np.ptp(rows) == 4 and np.ptp(cols) == 4
    np.testing.assert_array_equal(first, boxes(0))  # deterministic given the seed
    assert not np.array_equal(first, boxes(1))
    assert len({mask.tobytes() for mask in first}) > 1  # not all in one place


def test_colorization_and_edges_against_hand_built_arrays():
    rgb = -np.ones((1, 8, 8, 3), "float32")
    rgb[..., 0] = 1.0  # red
    labels = np.array([7], "int32")
    source, target, kept = next(
        iter(kg.data.paired_task(_images(rgb, labels, batch=1), "colorization"))
    )
    np.testing.assert_allclose(source, np.full((1, 8, 8, 1), 0.2989 - 0.587 - 0.114), atol=1e-3)
    np.testing.assert_array_equal(target, rgb)
    np.testing.assert_array_equal(kept, labels)
    pairs = kg.data.paired_task(_images(rgb, labels, batch=1), "colorization", keep_labels=False)
    assert len(pairs.element_spec) == 2
    with pytest.raises(ValueError, match=r"needs colour images \(3 channels\).*1 channel"):
        kg.data.paired_task(_images(np.zeros((1, 8, 8, 1), "float32"), batch=1), "colorization")

    step = -np.ones((2, 8, 8, 1), "float32")
    step[:, :, 4:] = 1.0  # black left half, white right half
    source, _ = next(iter(kg.data.paired_task(_images(step, batch=2), "edges")))
    expected = -np.ones((2, 8, 8, 1), "float32")
    expected[:, :, 3:5] = 1.0  # the two columns beside the step
    np.testing.assert_array_equal(source, expected)
    uint8_step = np.where(step > 0, 255, 0).astype("uint8")
    source, target = next(iter(kg.data.paired_task(_images(uint8_step, batch=2), "edges")))
    np.testing.assert_array_equal(source, expected)
    np.testing.assert_array_equal(target, step)  # uint8 pixels are rescaled


def test_paired_task_refuses_unknown_tasks_and_options():
    dataset = _images(np.zeros((2, 8, 8, 1), "float32"), batch=2)
    with pytest.raises(ValueError, match=r"Unknown task.*Received: 'deblur'"):
        kg.data.paired_task(dataset, "deblur")
    with pytest.raises(ValueError, match=r"'edges' task takes the options \['threshold'\]"):
        kg.data.paired_task(dataset, "edges", factor=2)
    with pytest.raises(ValueError, match="mask='ring'"):
        kg.data.paired_task(dataset, "inpainting", mask="ring")
    with pytest.raises(ValueError, match=r"box_size=9"):
        kg.data.paired_task(dataset, "inpainting", box_size=9)
    with pytest.raises(ValueError, match="images or of \\(images, labels\\)"):
        kg.data.paired_task(
            tf.data.Dataset.from_tensor_slices((np.zeros((2, 8, 8, 1)),) * 3), "edges"
        )
