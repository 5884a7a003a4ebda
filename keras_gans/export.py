"""Export a trained generator as a SavedModel for TensorFlow Serving."""

import os
import shutil
import tempfile

import keras
import tensorflow as tf

from keras_gans.latent import latent_normal

SERVING_SIGNATURE = "serving_default"
UINT8_SIGNATURE = "generate_uint8"


def export_generator(model, path, overwrite=False):
    """Writes the generator of `model` as a SavedModel servable without Python.

    The SavedModel needs neither Keras nor keras_gans to run: TensorFlow
    Serving, or `tf.saved_model.load` in a process that imports only
    TensorFlow, can use it. Two signatures:

    - `serving_default`: inputs `z` float32 `[None, latent_dim]` (and `labels`
      int32 `[None]` for a `ConditionalGAN`); output `images` float32
      `[None, H, W, C]` in [-1, 1], exactly `generator(z, training=False)`
      for the model's sampling generator (its moving average when the model
      has `ema_decay`, see `GAN.sampling_generator`).
    - `generate_uint8`: inputs `batch_size` int32 scalar and `seed` int32
      scalar (a `ConditionalGAN` takes `labels` int32 `[None]` and `seed`, one
      image per label); output `images` uint8 `[batch, H, W, C]` in [0, 255],
      ready to save as PNG. The same seed gives the same images, and the
      same images as `model.generate(..., seed=seed)` (one noise path,
      `keras_gans.latent`).

    The SavedModel is written beside `path` and moved into place when it is
    complete, so a reader (TensorFlow Serving watching `BASE/NAME/`) never
    sees half a version. An existing `path` is refused unless
    `overwrite=True`: a served version is replaced only on purpose.

    A SavedModel is a TensorFlow program: whoever loads or serves one runs
    the graph it holds. Serve only SavedModels you made or trust.

    Args:
        model: a trained `GAN` (or any subclass).
        path: output folder. TensorFlow Serving expects `BASE/NAME/VERSION/`,
            e.g. `saved_models/fashion_dcgan/1`.
        overwrite: replace an existing `path`. Defaults to `False`: a
            `FileExistsError` naming `path`.

    Returns:
        `path`.

    Example:

    ```python
    kg.export_generator(gan, "saved_models/fashion_dcgan/1")
    served = tf.saved_model.load("saved_models/fashion_dcgan/1")
    images = served.signatures["serving_default"](z=z)["images"]
    ```
    """

    path = os.fspath(path)
    if os.path.lexists(path) and not overwrite:
        raise FileExistsError(
            f"Refusing to overwrite the existing export at {path}. Received: path={path!r}, "
            "overwrite=False. Pass overwrite=True (--overwrite) to replace it, or choose "
            "another version."
        )
    generator = model.sampling_generator
    latent_dim = model.latent_dim
    conditional = getattr(model, "num_classes", None) is not None

    def to_uint8(images):
        pixels = tf.round((tf.clip_by_value(images, -1.0, 1.0) + 1.0) * 127.5)
        return tf.cast(pixels, tf.uint8)

    z_spec = tf.TensorSpec([None, latent_dim], tf.float32, name="z")
    labels_spec = tf.TensorSpec([None], tf.int32, name="labels")
    seed_spec = tf.TensorSpec([], tf.int32, name="seed")

    def latent(batch_size, seed):
        return latent_normal(batch_size, latent_dim, seed)  # as `model.generate(seed=...)`

    archive = keras.export.ExportArchive()
    # No archive.track(generator): the endpoints track the variables they use, and
    # tracking the Keras model as well would store every variable twice.
    if conditional:
        archive.add_endpoint(
            SERVING_SIGNATURE,
            lambda z, labels: {"images": generator([z, labels], training=False)},
            input_signature=[z_spec, labels_spec],
        )
        archive.add_endpoint(
            UINT8_SIGNATURE,
            lambda labels, seed: {
                "images": to_uint8(
                    generator([latent(tf.shape(labels)[0], seed), labels], training=False)
                )
            },
            input_signature=[labels_spec, seed_spec],
        )
    else:
        archive.add_endpoint(
            SERVING_SIGNATURE,
            lambda z: {"images": generator(z, training=False)},
            input_signature=[z_spec],
        )
        archive.add_endpoint(
            UINT8_SIGNATURE,
            lambda batch_size, seed: {
                "images": to_uint8(generator(latent(batch_size, seed), training=False))
            },
            input_signature=[tf.TensorSpec([], tf.int32, name="batch_size"), seed_spec],
        )
    _write_into_place(archive, path)
    return path


def _write_into_place(archive, path):
    """Writes `archive` to a temporary folder beside `path`, then moves it to `path`."""
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    # Not a number: TensorFlow Serving never takes the folder for a version.
    partial = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.partial-", dir=parent)
    try:
        archive.write_out(partial, verbose=False)
        if os.path.lexists(path):  # overwrite=True
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
        os.replace(partial, path)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def next_version_path(base_dir, name):
    """`base_dir/name/N`, with N one more than the highest existing version (1 if none)."""
    model_dir = os.path.join(base_dir, name)
    versions = (
        [int(v) for v in os.listdir(model_dir) if v.isdigit()] if os.path.isdir(model_dir) else []
    )
    return os.path.join(model_dir, str(max(versions, default=0) + 1))
