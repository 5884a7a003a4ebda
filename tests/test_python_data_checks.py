"""Python generators, `keras.utils.PyDataset` and `validation_data` are checked like arrays
and tf.data (issue 34, part 2): uint8, [0, 255], NaN or the wrong shape in any batch is a
one-line `ValueError` naming the batch, before any step on it."""

import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import NUM_CLASSES, tiny_gan, tiny_images, tiny_labels, tiny_model

import keras_gans as kg

BATCH = 16


def batches(kind=None, bad=2, n=5):
    """`n` batches of tiny images as `(images,)` tuples; batch `bad` is spoiled by `kind`."""
    for i in range(n):
        images = tiny_images(BATCH, seed=i)
        if i == bad and kind == "uint8":
            images = ((images + 1) * 127.5).astype("uint8")
        elif i == bad and kind == "0_255":
            images = (images + 1) * 127.5
        elif i == bad and kind == "nan":
            images[3, 2, 2, 0] = np.nan
        elif i == bad and kind == "shape":
            images = np.zeros((BATCH, 8, 8, 1), "float32")
        yield (images,)


class Batches(keras.utils.PyDataset):
    def __init__(self, kind=None, bad=2):
        super().__init__()
        self.items = list(batches(kind, bad))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]


PROBLEMS = {
    "uint8": r"holds integer images. Received: dtype uint8; expected floats in \[-1, 1\]",
    "0_255": r"is outside \[-1, 1\]. Received: values in \[0, 255\]",
    "nan": r"holds NaN or infinite values. Received: 1 non-finite values, the first in image 3",
    "shape": r"does not fit the networks. Received: images of shape \(16, 8, 8, 1\); "
    r"expected \(batch, 16, 16, 1\)",
}


def steps(model):
    return int(model.optimizers["generator"].iterations)


@pytest.mark.parametrize("kind", PROBLEMS)
@pytest.mark.parametrize("source", ["generator", "py_dataset"])
def test_a_bad_later_batch_of_python_data_is_named_before_any_step_on_it(source, kind):
    """uint8 [0, 255] batches from a generator or a PyDataset trained silently."""
    gan = tiny_gan(run_eagerly=True)  # no trace: short tests
    data = batches(kind) if source == "generator" else Batches(kind)
    with pytest.raises(ValueError) as error:
        gan.fit(data, epochs=1, shuffle=False, verbose=0)
    message = str(error.value)
    assert message.startswith("Batch 2 of the training data"), message
    assert re.search(PROBLEMS[kind], message), message
    assert "\n" not in message and "Graph execution" not in message
    assert steps(gan) == 2 and "keeps the 2 steps taken before it" in message


@pytest.mark.parametrize("source", ["generator", "py_dataset"])
def test_a_first_batch_in_0_1_is_refused_before_training(source):
    gan = tiny_gan(run_eagerly=True)
    one_sided = [((images + 1) / 2,) for (images,) in batches(n=3)]
    if source == "generator":
        data = (batch for batch in one_sided)
    else:
        data = Batches()
        data.items = one_sided
    with pytest.raises(ValueError, match="look one-sided"):
        gan.fit(data, epochs=1, verbose=0)
    assert steps(gan) == 0


def test_labels_out_of_range_in_a_later_generator_batch_are_named():
    model = tiny_model(kg.ConditionalGAN, compile_kwargs={"run_eagerly": True})

    def labelled():
        for i, (images,) in enumerate(batches(n=4)):
            labels = tiny_labels(BATCH) + (NUM_CLASSES if i == 2 else 0)
            yield images, labels

    with pytest.raises(ValueError, match=r"^Batch 2 of the training data .* labels out of range"):
        model.fit(labelled(), epochs=1, verbose=0)
    assert steps(model) == 2


@pytest.mark.parametrize("kind", ["uint8", "nan"])
def test_validation_arrays_are_checked_before_training(kind):
    """uint8 validation data gave val_d_real=1.0, NaN gave plausible finite values."""
    gan = tiny_gan(run_eagerly=True)
    validation = next(batches(kind, bad=0))[0]
    with pytest.raises(ValueError, match="The validation images"):
        gan.fit(tiny_images(32), batch_size=BATCH, validation_data=validation, verbose=0)
    assert steps(gan) == 0


def test_a_bad_later_batch_of_a_validation_dataset_is_named():
    gan = tiny_gan(run_eagerly=True)
    validation = tf.data.Dataset.from_tensor_slices(np.concatenate(
        [b for (b,) in batches("nan", bad=1, n=3)]
    )).batch(BATCH)  # fmt: skip
    with pytest.raises(ValueError) as error:
        gan.fit(tiny_images(32), batch_size=BATCH, validation_data=validation, verbose=0)
    message = str(error.value)
    assert message.startswith("Batch 1 of the validation data"), message
    assert "holds NaN or infinite values" in message and "\n" not in message
    assert steps(gan) == 2  # the epoch trained; its end (validation) failed


def test_validation_batches_with_sample_weights_are_refused():
    gan = tiny_gan(run_eagerly=True)
    images = tiny_images(16)
    with pytest.raises(ValueError, match="no per-example loss weights"):
        gan.fit(images, validation_data=(images, None, np.ones(16)), verbose=0)
