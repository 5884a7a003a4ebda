"""Export a trained generator (or translator) as a SavedModel for TensorFlow Serving."""

import os
import shutil
import tempfile

import keras
import numpy as np
import tensorflow as tf

from keras_gans.latent import latent_normal
from keras_gans.translation_export import translation_archive

SERVING_SIGNATURE = "serving_default"
UINT8_SIGNATURE = "generate_uint8"
# Images per request a SavedModel serves unless `max_batch_size` says otherwise: a
# 1024-image batch of 64x64x3 float32 images is 50 MB.
DEFAULT_MAX_BATCH_SIZE = 1024


def export_generator(
    model,
    directory,
    *,
    overwrite=False,
    max_batch_size=DEFAULT_MAX_BATCH_SIZE,
    truncation_psi=None,
):
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

    Requests are checked in the graph, before any image is generated: more
    than `max_batch_size` images (latent vectors, labels or `batch_size`), a
    negative `batch_size`, or a label outside `[0, num_classes)` (Keras'
    `Embedding` would wrap -1 to the last class) fail with
    `tf.errors.InvalidArgumentError` ("assertion failed: [...]", HTTP 400 in
    TensorFlow Serving) naming the signature, the limit and what was
    received. The limit is stored in the SavedModel:
    `tf.saved_model.load(directory).max_batch_size[0]`.

    The SavedModel is written beside `directory` and moved into place when it is
    complete, so a reader (TensorFlow Serving watching `BASE/NAME/`) never
    sees half a version. An existing `directory` is refused unless
    `overwrite=True`: a served version is replaced only on purpose.

    **Image-to-image models** (`kg.Pix2Pix`, `kg.CycleGAN`) are exported
    with their translators (their moving averages with `ema_decay`):

    - `serving_default`: input `images` float32 `[None, H, W, C]` in
      [-1, 1] (the sources); output `images` float32 in [-1, 1], exactly
      `model.translate(images)`.
    - `translate_uint8`: input `images` uint8 `[None, H, W, C]` in [0, 255]
      (pictures as read from PNGs); output `images` uint8, the translation
      of `images / 127.5 - 1` as a picture.
    - a `CycleGAN` serves both directions: the two above translate A into
      B (its default direction), and `a_to_b`, `a_to_b_uint8`, `b_to_a`,
      `b_to_a_uint8` name each direction's pair
      (`keras_gans.translation_export.signature_names`).

    Requests of more than `max_batch_size` images, and images of another
    size or number of channels, are refused in the graph, as for latent
    models.

    A SavedModel is a TensorFlow program: whoever loads or serves one runs
    the graph it holds. Serve only SavedModels you made or trust.

    Args:
        model: a trained `GAN` (or any subclass), `Pix2Pix` or `CycleGAN`.
        directory: the output folder. TensorFlow Serving expects `BASE/NAME/VERSION/`,
            e.g. `saved_models/fashion_dcgan/1`.
        overwrite: replace an existing `directory`. Defaults to `False`: a
            `FileExistsError` naming `directory`.
        max_batch_size: int >= 1, the most images one request may ask for.
            Defaults to `1024`.
        truncation_psi: float or None: serve the truncated generator of a
            style-based model (`model.generate(..., truncation_psi=...)`), with
            this psi fixed in the graph; the signatures do not change. The
            clients cannot truncate themselves (the mapping network and the
            average w are inside the graph), and a psi input would exist for
            one family of generators only. Export one version per psi.
            Defaults to `None` (no truncation).

    Returns:
        `directory`.

    Raises:
        OSError: the SavedModel could not be written (e.g. a full disk);
            nothing was written to `directory`.

    Example:

    ```python
    kg.export_generator(gan, "saved_models/fashion_dcgan/1")
    served = tf.saved_model.load("saved_models/fashion_dcgan/1")
    images = served.signatures["serving_default"](z=z)["images"]
    ```
    """

    directory = os.fspath(directory)
    if os.path.lexists(directory) and not overwrite:
        raise FileExistsError(
            f"Refusing to overwrite the existing export at {directory}. Received: "
            f"directory={directory!r}, "
            "overwrite=False. Pass overwrite=True (--overwrite) to replace it, or choose "
            "another version."
        )
    if (
        isinstance(max_batch_size, bool)
        or not isinstance(max_batch_size, (int, np.integer))
        or max_batch_size < 1
    ):
        raise ValueError(
            f"`max_batch_size` must be an int >= 1. Received: max_batch_size={max_batch_size!r}"
        )
    max_batch_size = int(max_batch_size)
    if hasattr(model, "directions"):  # an image-to-image model
        if truncation_psi is not None:
            raise ValueError(
                "`truncation_psi` is for latent models with a style-based generator. "
                f"Received: truncation_psi={truncation_psi!r} with a {type(model).__name__}."
            )
        archive = translation_archive(model, max_batch_size, _checked)
        _write_into_place(archive, directory, max_batch_size)
        return directory
    if truncation_psi is None:
        generator = model.sampling_generator
    else:
        generator = model.truncated_generator(truncation_psi)
    latent_dim = model.latent_dim
    num_classes = getattr(model, "num_classes", None)
    conditional = num_classes is not None

    def to_uint8(images):
        pixels = tf.round((tf.clip_by_value(images, -1.0, 1.0) + 1.0) * 127.5)
        return tf.cast(pixels, tf.uint8)

    z_spec = tf.TensorSpec([None, latent_dim], tf.float32, name="z")
    labels_spec = tf.TensorSpec([None], tf.int32, name="labels")
    seed_spec = tf.TensorSpec([], tf.int32, name="seed")

    def latent(batch_size, seed):
        return latent_normal(batch_size, latent_dim, seed)  # as `model.generate(seed=...)`

    def at_most_max(tensor, count, signature, what):
        return _checked(
            tensor,
            count <= max_batch_size,
            f"{signature}: at most {max_batch_size} images per request (max_batch_size, set "
            f"at export). Received: {what}",
            count,
        )

    def valid_labels(labels, signature):
        return _checked(
            labels,
            tf.reduce_all((labels >= 0) & (labels < num_classes)),
            f"{signature}: labels must be in [0, {num_classes}) for a model of {num_classes} "
            "classes. Received: labels in [{}, {}]",
            tf.reduce_min(labels),
            tf.reduce_max(labels),
        )

    def serve(z, labels=None):
        z = at_most_max(z, tf.shape(z)[0], SERVING_SIGNATURE, "{} latent vectors")
        if labels is None:
            return {"images": generator(z, training=False)}
        labels = valid_labels(labels, SERVING_SIGNATURE)
        return {"images": generator([z, labels], training=False)}

    def serve_uint8_of_labels(labels, seed):
        labels = at_most_max(labels, tf.shape(labels)[0], UINT8_SIGNATURE, "{} labels")
        labels = valid_labels(labels, UINT8_SIGNATURE)
        z = latent(tf.shape(labels)[0], seed)
        return {"images": to_uint8(generator([z, labels], training=False))}

    def serve_uint8(batch_size, seed):
        batch_size = _checked(
            batch_size,
            batch_size >= 0,
            f"{UINT8_SIGNATURE}: batch_size must be >= 0. Received: {{}}",
            batch_size,
        )
        batch_size = at_most_max(batch_size, batch_size, UINT8_SIGNATURE, "batch_size={}")
        return {"images": to_uint8(generator(latent(batch_size, seed), training=False))}

    archive = keras.export.ExportArchive()
    # No archive.track(generator): the endpoints track the variables they use, and
    # tracking the Keras model as well would store every variable twice.
    if conditional:
        archive.add_endpoint(SERVING_SIGNATURE, serve, input_signature=[z_spec, labels_spec])
        archive.add_endpoint(
            UINT8_SIGNATURE, serve_uint8_of_labels, input_signature=[labels_spec, seed_spec]
        )
    else:
        archive.add_endpoint(SERVING_SIGNATURE, serve, input_signature=[z_spec])
        archive.add_endpoint(
            UINT8_SIGNATURE,
            serve_uint8,
            input_signature=[tf.TensorSpec([], tf.int32, name="batch_size"), seed_spec],
        )
    _write_into_place(archive, directory, max_batch_size)
    return directory


def _checked(tensor, condition, message, *values):
    """`tensor`, used only once `condition` holds; else an `InvalidArgumentError`.

    The error's message is `message` with each `{}` replaced by one of `values`
    (scalar tensors, formatted in the graph: the SavedModel needs no Python).
    """
    check = tf.debugging.Assert(condition, [tf.strings.format(message, values)])
    with tf.control_dependencies([check]):
        return tf.identity(tensor)


def _write_into_place(archive, path, max_batch_size):
    """Writes `archive` and its `max_batch_size` beside `path`, then moves it to `path`."""
    limit = tf.Variable(max_batch_size, dtype=tf.int32, trainable=False, name="max_batch_size")
    archive.add_variable_collection("max_batch_size", [limit])
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    # Not a number: TensorFlow Serving never takes the folder for a version.
    partial = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.partial-", dir=parent)
    try:
        try:
            archive.write_out(partial, verbose=False)
        except tf.errors.OpError as error:  # e.g. a full disk: ResourceExhaustedError
            raise OSError(
                f"Could not write the SavedModel to {path}: {error.message} "
                f"({type(error).__name__}). Nothing was written to {path}."
            ) from error
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
