"""Issue 34's cases that the engine fixed, each with a test that fails before it (46e8d96):
sample and class weights, 3-part batches, dict batches, G and D sharing a weight, an
infinite dataset without steps_per_epoch, the version in the saved config, the critic
loop's graph size."""

import json
import zipfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import (
    LATENT_DIM,
    NUM_CLASSES,
    tiny_discriminator,
    tiny_gan,
    tiny_generator,
    tiny_images,
    tiny_labels,
)

import keras_gans as kg


def iterations(model):
    return int(model.optimizers["generator"].iterations)


@pytest.mark.parametrize(
    "weights",
    [{"sample_weight": np.ones(32, "float32")}, {"class_weight": {0: 1.0, 1: 2.0}}],
    ids=["sample_weight", "class_weight"],
)
def test_sample_and_class_weights_are_refused(gan, weights):
    name = next(iter(weights))
    with pytest.raises(ValueError, match=rf"no per-example loss weights. Received: {name}="):
        gan.fit(tiny_images(32), batch_size=16, verbose=0, **weights)
    assert iterations(gan) == 0


def test_batches_of_three_parts_are_refused(gan):
    images = tiny_images(32)
    weighted = tf.data.Dataset.from_tensor_slices(
        (images, tiny_labels(32), np.ones(32, "float32"))
    ).batch(16)
    with pytest.raises(ValueError, match=r"no per-example loss weights.*a batch of 3 parts"):
        gan.fit(weighted, verbose=0)
    assert iterations(gan) == 0


def test_train_on_batch_trains_every_model_kind(gan):
    """Keras' `train_on_batch(x)` hands the step `(x, None, None)`: the Nones are not weights."""
    from helpers import tiny_cycle_gan, translation_images

    gan.train_on_batch(tiny_images(16))
    cycle_gan = tiny_cycle_gan()
    cycle_gan.compile()
    cycle_gan.train_on_batch(translation_images(4, 1), translation_images(4, 2))
    assert iterations(gan) == iterations(cycle_gan) == 1


def test_dict_batches_train_like_tuples():
    images, labels = tiny_images(32), tiny_labels(32)
    by_name = tf.data.Dataset.from_tensor_slices({"images": images, "labels": labels}).batch(16)
    by_position = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    trained = []
    for data in (by_name, by_position):
        keras.utils.set_random_seed(0)
        model = kg.ConditionalGAN(
            tiny_generator(NUM_CLASSES), tiny_discriminator(NUM_CLASSES), LATENT_DIM,
            num_classes=NUM_CLASSES, seed=0,
        )  # fmt: skip
        model.compile(run_eagerly=True)  # no trace: the test stays short
        model.fit(data, epochs=1, verbose=0)
        trained.append([v.numpy() for v in model.weights])
    assert iterations(model) == 2
    for a, b in zip(*trained, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_dict_batch_with_an_unknown_key_names_the_keys(gan):
    data = tf.data.Dataset.from_tensor_slices({"image": tiny_images(16)}).batch(16)
    with pytest.raises(ValueError, match=r"must have the keys \['images'\]. Received: keys"):
        gan.fit(data, verbose=0)


def test_a_layer_shared_by_the_generator_and_the_discriminator_is_refused():
    shared = keras.layers.Dense(16, name="shared")
    z = keras.Input((LATENT_DIM,))
    x = keras.layers.Dense(256, activation="tanh")(shared(keras.layers.Dense(16)(z)))
    generator = keras.Model(z, keras.layers.Reshape((16, 16, 1))(x))
    images = keras.Input((16, 16, 1))
    y = shared(keras.layers.Dense(16)(keras.layers.Flatten()(images)))
    discriminator = keras.Model(images, keras.layers.Dense(1)(y))
    with pytest.raises(ValueError, match=r"must not share layers or weights.*shared/kernel"):
        kg.GAN(generator, discriminator, latent_dim=LATENT_DIM)


class StopAtOnce(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.model.stop_training = True


def test_an_infinite_dataset_without_steps_per_epoch_is_warned_about(recwarn):
    gan = tiny_gan(run_eagerly=True)  # no trace: the test stays short
    endless = tf.data.Dataset.from_tensor_slices(tiny_images(32)).batch(16).repeat()
    gan.fit(endless, epochs=1, steps_per_epoch=1, verbose=0)
    gan.fit(endless.take(2), epochs=1, verbose=0)
    assert not [w for w in recwarn if "infinite" in str(w.message)]
    with pytest.warns(UserWarning, match="infinite and `steps_per_epoch` is not set"):
        # Without the callback the one epoch would never end.
        gan.fit(endless, epochs=1, verbose=0, callbacks=[StopAtOnce()])


def test_the_saved_config_records_the_keras_gans_version(tmp_path):
    path = tmp_path / "gan.keras"
    tiny_gan().save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    assert config["config"]["keras_gans_version"] == kg.__version__
    restored = keras.models.load_model(path)  # the key is not a constructor argument
    assert isinstance(restored, kg.GAN)


def test_loading_without_importing_keras_gans_says_to_import_it(tmp_path, monkeypatch):
    """Keras' error dumped the whole config after "Could not locate class 'GAN'"; the
    config now starts with the version and the hint, so the dump's first line says it."""
    path = tmp_path / "gan.keras"
    tiny_gan().save(path)
    registry = keras.saving.get_custom_objects()
    for name in [name for name in registry if name.startswith("keras_gans>")]:
        monkeypatch.delitem(registry, name)  # as in a process that never imported keras_gans
    with pytest.raises(TypeError, match="Could not locate class 'GAN'") as error:
        keras.models.load_model(path)
    message = str(error.value)
    first = message[: message.index("'generator'")]  # before the networks' configs
    assert f"'keras_gans_version': '{kg.__version__}'" in first
    assert "import keras_gans before keras.models.load_model" in first
    monkeypatch.undo()
    assert isinstance(keras.models.load_model(path), kg.GAN)


SHAPE = (2, 2, 1)


def graph_size(model):
    """Nodes of the traced train step, those of its functions (a while loop's body) included."""
    spec = tf.TensorSpec((None, *SHAPE), tf.float32)
    graph = tf.function(model.train_step).get_concrete_function(spec).graph.as_graph_def()
    return len(graph.node) + sum(len(f.node_def) for f in graph.library.function)


def test_the_critic_loop_is_traced_once_whatever_critic_steps():
    """Unrolled, 40 critic steps took 25 s to trace; in a while loop the graph is the same size."""
    sizes = {}
    for critic_steps in (2, 6):
        keras.utils.set_random_seed(0)
        generator = keras.Sequential(
            [
                keras.Input((2,)),
                keras.layers.Dense(4, activation="tanh"),
                keras.layers.Reshape(SHAPE),
            ]
        )
        critic = keras.Sequential(
            [keras.Input(SHAPE), keras.layers.Flatten(), keras.layers.Dense(1)]
        )
        wgan = kg.WGAN(generator, critic, latent_dim=2, critic_steps=critic_steps)
        wgan.compile()
        sizes[critic_steps] = graph_size(wgan)
    assert sizes[6] == sizes[2], sizes
