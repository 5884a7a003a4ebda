"""The SavedModel of an image-to-image model: its translators, float and uint8, for TF Serving."""

import keras
import tensorflow as tf

SERVING_SIGNATURE = "serving_default"
UINT8_SIGNATURE = "translate_uint8"


def signature_names(model):
    """`{signature: (direction, uint8)}` of the SavedModel `export_generator` writes for `model`.

    The model's default direction is served by `serving_default` (float) and
    `translate_uint8`; a model of several directions (`CycleGAN`) also names
    each direction's: `a_to_b`, `a_to_b_uint8`, `b_to_a`, `b_to_a_uint8`.
    """
    default = model.default_direction
    names = {SERVING_SIGNATURE: (default, False), UINT8_SIGNATURE: (default, True)}
    if len(model.directions) > 1:
        for direction in model.directions:
            names[direction] = (direction, False)
            names[f"{direction}_uint8"] = (direction, True)
    return names


def translation_archive(model, max_batch_size, checked):
    """A `keras.export.ExportArchive` with the signatures of `signature_names(model)`.

    Args:
        model: a `Translation` model (`kg.Pix2Pix`, `kg.CycleGAN`).
        max_batch_size: the most images one request may hold.
        checked: `checked(tensor, condition, message, *values)`, the in-graph
            check of `keras_gans.export`.
    """
    archive = keras.export.ExportArchive()
    for name, (direction, uint8) in signature_names(model).items():
        network = model.translator(direction)
        shape = [None, *network.inputs[0].shape[1:]]
        spec = tf.TensorSpec(shape, tf.uint8 if uint8 else tf.float32, name="images")
        archive.add_endpoint(
            name,
            _endpoint(network, name, uint8, max_batch_size, checked),
            input_signature=[spec],
        )
    return archive


def _endpoint(network, name, uint8, max_batch_size, checked):
    expected = [int(d) for d in network.inputs[0].shape[1:]]

    def serve(images):
        count = tf.shape(images)[0]
        images = checked(
            images,
            tf.reduce_all(tf.shape(images)[1:] == expected),
            f"{name}: images of shape (batch, {', '.join(map(str, expected))}). "
            "Received: images of shape {}",
            tf.shape(images),
        )
        images = checked(
            images,
            count <= max_batch_size,
            f"{name}: at most {max_batch_size} images per request (max_batch_size, set at "
            "export). Received: {} images",
            count,
        )
        if uint8:
            images = tf.cast(images, tf.float32) / 127.5 - 1.0
        outputs = tf.cast(network(images, training=False), tf.float32)
        if uint8:
            pixels = tf.round((tf.clip_by_value(outputs, -1.0, 1.0) + 1.0) * 127.5)
            outputs = tf.cast(pixels, tf.uint8)
        return {"images": outputs}

    return serve
