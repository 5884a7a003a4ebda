"""The conditional GAN: both networks see the class label."""

import keras
import numpy as np
import tensorflow as tf

from keras_gans.engine.batch_spec import BatchSpec
from keras_gans.models.gan import GAN


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalGAN(GAN):
    """A GAN whose generator and discriminator are conditioned on a class label.

    Trains on `(images, labels)` batches with int labels in [0, num_classes).
    The discriminator step sees real images with their labels and fakes made
    for those same labels; the generator step trains on those fakes (or on
    fresh ones for the batch's labels with `reuse_fakes=False`), so the classes
    are drawn as often as in the data. Training is otherwise that of `GAN`.

    Labels are checked before training (first batch of a dataset): missing
    labels, non-integer labels, labels that are not class ids of shape
    `(batch,)` (one-hot vectors) or labels outside [0, num_classes) raise a
    `ValueError`. Every later batch is checked as it is read (see `GAN.fit`),
    and an assertion inside the step guards it too, so an out-of-range label
    can never become a silent all-zero embedding.

    Args:
        generator: `keras.Model` taking `[z, labels]`, z of shape
            `(batch, latent_dim)` and int labels of shape `(batch,)`.
        discriminator: `keras.Model` taking `[images, labels]`, returning one
            logit per image.
        latent_dim: int, size of the latent vectors.
        num_classes: int >= 2, number of classes.
        critic_steps, seed, ema_decay: see `GAN`.

    Example:

    ```python
    G = kg.networks.dcgan_generator(128, (28, 28, 1), num_classes=10)
    D = kg.networks.dcgan_discriminator((28, 28, 1), num_classes=10)
    cgan = kg.ConditionalGAN(G, D, latent_dim=128, num_classes=10)
    cgan.compile()
    cgan.fit(kg.data.load("fashion_mnist", with_labels=True), epochs=5)
    cgan.generate(labels=[0, 1, 2], seed=0)  # a T-shirt, trousers, a pullover
    ```

    Reference:
        Mirza & Osindero, "Conditional Generative Adversarial Nets", 2014.
    """

    batch_spec = BatchSpec(
        ("images", "labels"),
        hint="Load the data with labels, e.g. kg.data.load('fashion_mnist', with_labels=True).",
    )
    network_inputs = 2
    network_inputs_hint = (
        "Build it with num_classes=..., e.g. kg.networks.dcgan_generator(..., num_classes=10)."
    )

    def __init__(self, generator, discriminator, latent_dim, *, num_classes, **kwargs):
        if (
            isinstance(num_classes, bool)
            or not isinstance(num_classes, (int, np.integer))
            or (num_classes < 2)
        ):
            raise ValueError(
                f"`num_classes` must be an int >= 2. Received: num_classes={num_classes!r}"
            )
        self.num_classes = int(num_classes)
        super().__init__(generator, discriminator, latent_dim, **kwargs)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}

    # === Labels ===

    def check_labels(self, labels):
        if labels is None:
            raise ValueError(
                "A ConditionalGAN trains on (images, labels) batches. Received: a batch "
                "without labels. Load the data with labels, e.g. "
                "kg.data.load('fashion_mnist', with_labels=True)."
            )
        labels = np.asarray(labels)
        self._check_label_shape(labels.shape)
        if not np.issubdtype(labels.dtype, np.integer):
            self._raise_non_integer(labels.dtype)
        if labels.size and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(
                f"Labels must be in [0, {self.num_classes}). Received: labels in "
                f"[{labels.min()}, {labels.max()}]."
            )

    def _check_label_shape(self, shape):
        """Labels are class ids, shape `(batch,)` (or `(batch, 1)`): not one-hot vectors."""
        shape = tuple(shape)
        if len(shape) == 1 or (len(shape) == 2 and shape[1] in (1, None)):
            return
        hint = " One-hot labels? Pass np.argmax(labels, axis=-1)." if len(shape) == 2 else ""
        raise ValueError(
            f"Labels must be integer class ids in [0, {self.num_classes}), shape (batch,). "
            f"Received: labels of shape {shape}.{hint}"
        )

    def _raise_non_integer(self, dtype):
        raise ValueError(
            f"Labels must be integers in [0, {self.num_classes}). Received: labels of "
            f"dtype {dtype}."
        )

    def unpack_batch(self, data):
        if not isinstance(data, dict) and (
            not isinstance(data, (tuple, list)) or len(data) < 2 or data[1] is None
        ):
            self.check_labels(None)  # raises the explanatory error
        images, labels = super().unpack_batch(data)
        if labels.shape.rank is not None:
            self._check_label_shape(labels.shape)
        if not labels.dtype.is_integer:
            self._raise_non_integer(labels.dtype.name)
        labels = tf.cast(tf.reshape(labels, [-1]), "int32")
        # The labels are only used once these checks pass. (XLA drops them; on
        # CPU an out-of-range embedding lookup still fails, with a vaguer error.)
        checks = [
            tf.debugging.assert_non_negative(labels, message="labels must be >= 0"),
            tf.debugging.assert_less(
                labels, self.num_classes, message="labels must be < num_classes"
            ),
        ]
        with tf.control_dependencies(checks):
            return images, tf.identity(labels)

    def generator_inputs(self, z, labels):
        return [z, labels]

    def _predict_labels_hint(self):
        return " and int labels of shape (batch,), as [z, labels]"

    # === Sampling ===

    def labels_to_generate(self, num_images, labels):
        """`labels` checked, or `num_images` labels cycling through the classes."""
        if labels is None:
            if not isinstance(num_images, (int, np.integer)) or num_images < 1:
                raise ValueError(
                    "Give `labels` (one image each) or a positive int `num_images` "
                    f"(classes in turn). Received: num_images={num_images!r}, labels=None"
                )
            return np.arange(num_images, dtype="int32") % self.num_classes
        labels = np.asarray(labels).reshape(-1)
        if labels.size == 0:
            raise ValueError("`labels` must name at least one class. Received: labels=[]")
        if num_images is not None and num_images != labels.size:
            raise ValueError(
                "`num_images` must match the number of labels (or be left out). "
                f"Received: num_images={num_images!r} and {labels.size} labels"
            )
        self.check_labels(labels)
        return labels.astype("int32")
