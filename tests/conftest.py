"""Shared test setup: two logical CPUs, deterministic ops, tiny models and data."""

import importlib
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

# Two logical CPU devices so MirroredStrategy can be tested without GPUs. This
# must happen before TensorFlow initialises its devices, i.e. at import time.
_cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(_cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402
from helpers import tiny_extractor  # noqa: E402

import keras_gans as kg  # noqa: E402

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
BENCHMARKS = pathlib.Path(__file__).parents[1] / "benchmarks"


def pytest_configure(config):
    """The default run (`-m "not slow"`) on xdist: one intra-op thread per worker.

    Also for the TensorFlow processes its tests start. Two workers with pools of two
    threads, and a CLI process beside them, oversubscribe two cores (tests ran up to 3x
    slower than alone); the tiny models' ops gain nothing from a second thread. Runs
    with slow tests keep TensorFlow's default threads: their measured thresholds depend
    on them (the grid recipe's seed 0: 25 modes at 0.923 with two threads, 23 at 0.820
    with one, on the 2-core EPYC).
    """
    if os.environ.get("PYTEST_XDIST_WORKER") and "not slow" in (config.option.markexpr or ""):
        os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
        tf.config.threading.set_intra_op_parallelism_threads(1)


def pytest_runtest_setup(item):
    """Tests marked `fashion_mnist` read Debian's Fashion-MNIST files: fail clearly without them."""
    if item.get_closest_marker("fashion_mnist") is None:
        return
    if not os.path.isfile(os.path.join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz")):
        pytest.fail(
            f"{item.nodeid} reads the real Fashion-MNIST files in {FASHION_MNIST_DIR}, which "
            "are missing. Install them with `apt-get install -y dataset-fashion-mnist` "
            "(.ci/run and the README's test command do this first).",
            pytrace=False,
        )


IMAGE_SHAPE = (16, 16, 1)
LATENT_DIM = 8


def load_benchmark(name):
    """The script `benchmarks/<name>.py` as a module, importing its sibling scripts as when run.

    Slow tests run a benchmark's own protocol; a benchmark imports the scripts
    beside it (`from reuse_fakes import Sampler`), so their folder joins `sys.path`
    (at its end: nothing installed is shadowed).
    """
    if str(BENCHMARKS) not in sys.path:
        sys.path.append(str(BENCHMARKS))
    return importlib.import_module(name)


def tiny_generator(num_classes=None):
    return kg.networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE, num_classes=num_classes, filters=16)


def tiny_discriminator(num_classes=None, normalization="batch"):
    return kg.networks.dcgan_discriminator(
        IMAGE_SHAPE, num_classes=num_classes, filters=8, normalization=normalization
    )


def tiny_gan(seed=0, **compile_kwargs):
    keras.utils.set_random_seed(seed)
    gan = kg.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=seed)
    gan.compile(**compile_kwargs)
    return gan


def tiny_images(n=64, seed=0):
    """`n` float32 images in [-1, 1] with some structure (bright squares)."""
    rng = np.random.default_rng(seed)
    images = -np.ones((n, *IMAGE_SHAPE), "float32")
    for i in range(n):
        top, left = rng.integers(0, 10, size=2)
        images[i, top : top + 6, left : left + 6] = 1.0
    return images


def tiny_dataset(n=64, batch_size=16, labels=None):
    elements = tiny_images(n) if labels is None else (tiny_images(n), labels)
    return tf.data.Dataset.from_tensor_slices(elements).batch(batch_size, drop_remainder=True)


@pytest.fixture
def gan():
    return tiny_gan()


def weights_of(model):
    return [v.numpy() for v in model.weights]


def assert_keep_training_alike(model, other):
    """Trains both models one more epoch on the same data: their weights stay equal."""
    model.fit(tiny_data_for(model), epochs=1, verbose=0)
    other.fit(tiny_data_for(other), epochs=1, verbose=0)
    for a, b in zip(weights_of(model), weights_of(other), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


NUM_CLASSES = 3


def tiny_labels(n=64):
    return (np.arange(n) % NUM_CLASSES).astype("int32")


def tiny_model(model_class, seed=0, compile_kwargs=None, **model_kwargs):
    """An uncompiled-then-compiled tiny model of any class, with fitting networks."""
    keras.utils.set_random_seed(seed)
    num_classes = NUM_CLASSES if model_class is kg.ConditionalGAN else None
    if num_classes:
        model_kwargs["num_classes"] = num_classes
    normalization = "layer" if model_class is kg.WGANGP else "batch"
    model = model_class(
        tiny_generator(num_classes),
        tiny_discriminator(num_classes, normalization),
        latent_dim=LATENT_DIM,
        seed=seed,
        **model_kwargs,
    )
    model.compile(**(compile_kwargs or {}))
    return model


def slow_but_the_first(model_classes):
    """`model_classes` as parameters, all but the first marked `slow`.

    For checks of 10-25 s per class: the default suite runs them on the first
    (usually `kg.GAN`: every class shares its step), CI on every class.
    """
    first, *others = model_classes
    return [first, *(pytest.param(c, marks=pytest.mark.slow) for c in others)]


def tiny_data_for(model, n=64, batch_size=16):
    labels = tiny_labels(n) if isinstance(model, kg.ConditionalGAN) else None
    return tiny_dataset(n, batch_size, labels)


_TRAINED = {}


@pytest.fixture(scope="session")
def trained():
    """`trained(model_class)`: a tiny model of that class after one epoch, built once.

    Shared by every test of the session: read it (generate, save, export,
    evaluate), never train or change it. WGAN / WGANGP use `critic_steps=2`.
    """

    def get(model_class):
        if model_class not in _TRAINED:
            kwargs = {"critic_steps": 2} if issubclass(model_class, kg.WGAN) else {}
            model = tiny_model(model_class, **kwargs)
            model.fit(tiny_data_for(model), epochs=1, verbose=0)
            _TRAINED[model_class] = model
        return _TRAINED[model_class]

    return get


@pytest.fixture(scope="session")
def extractor():
    """One untrained tiny classifier on `IMAGE_SHAPE` images of `NUM_CLASSES` classes, as a
    feature extractor for the metrics' tests; built once, its traced forward pass shared."""
    return tiny_extractor(IMAGE_SHAPE, NUM_CLASSES)


def latent_and_labels(conditional):
    """Seven fixed latent vectors (and labels, for a conditional model) to feed an export."""
    z = np.random.default_rng(0).standard_normal((7, LATENT_DIM)).astype("float32")
    inputs = {"z": z}
    if conditional:
        inputs["labels"] = np.array([0, 1, 2, 0, 1, 2, 0], "int32")
    return inputs


@pytest.fixture(scope="session")
def exported(trained, tmp_path_factory):
    """The trained tiny GAN and ConditionalGAN exported once: `(folder, {name: model})`.

    `folder / name / "1"` holds the SavedModel of `name` ("gan", "cgan") and
    `folder / f"{name}_inputs.npz"` its `latent_and_labels`. Read it, never change it.
    """
    folder = tmp_path_factory.mktemp("served")
    models = {"gan": trained(kg.GAN), "cgan": trained(kg.ConditionalGAN)}
    for name, model in models.items():
        kg.export_generator(model, folder / name / "1")
        np.savez(folder / f"{name}_inputs.npz", **latent_and_labels(name == "cgan"))
    return folder, models


@pytest.fixture(scope="session")
def mirrored_strategy():
    """One `MirroredStrategy` over the two logical CPUs, shared by the whole session.

    Several instances in one process can clash in TensorFlow's collective ops
    (an InternalError in CollectiveGatherV2), which is about the test
    process, not the models.
    """
    assert len(tf.config.list_logical_devices("CPU")) == 2
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
