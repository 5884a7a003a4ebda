"""A history of generated images for the discriminator (Shrivastava et al. 2017)."""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.losses import num_replicas


@keras.saving.register_keras_serializable(package="keras_gans")
class ImagePool(keras.layers.Layer):
    """Shows the discriminator earlier fakes as well as the newest ones.

    The pool keeps up to `size` generated images. Until it is full, each new
    image is stored and returned. Then each new image is, with probability
    1/2, returned as it is, or swapped with a random stored image, which is
    returned instead. D then trains on a history of the generator's outputs
    rather than only the latest, which damps the oscillation between the two
    players (CycleGAN keeps 50 per discriminator).

    The images are processed one by one, in batch order, as the reference
    implementation does. Under a `tf.distribute` strategy the global batch is
    gathered, every replica runs the same pool with the same random draws (the
    model's mirrored noise) and keeps its own slice, so training matches one
    device. The pool is a weight of the layer: saved and restored with the
    model.

    Args:
        size: int >= 1, the number of images kept. Defaults to `50`.

    Example:

    ```python
    pool = kg.layers.ImagePool(50)
    shown = pool(fakes, seed_generator=model.seed_generator)
    ```

    Reference:
        Shrivastava et al., "Learning from Simulated and Unsupervised Images
        through Adversarial Training", CVPR 2017; Zhu et al., "Unpaired
        Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017.
    """

    def __init__(self, size=50, **kwargs):
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"`size` must be an int >= 1. Received: size={size!r}")
        self.size = size

    def build(self, input_shape):
        self.images = self.add_weight(
            shape=(self.size, *input_shape[1:]),
            initializer="zeros",
            trainable=False,
            aggregation="only_first_replica",
            name="images",
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", trainable=False, aggregation="only_first_replica",
            name="count",
        )  # fmt: skip

    def call(self, fakes, seed_generator=None):
        fakes = ops.stop_gradient(ops.cast(fakes, self.images.dtype))
        replicas = num_replicas()
        batch = fakes
        if replicas > 1:
            batch = tf.distribute.get_replica_context().all_gather(fakes, axis=0)
        n = ops.shape(batch)[0]
        swap = keras.random.uniform((n,), seed=seed_generator) < 0.5
        slots = ops.cast(keras.random.uniform((n,), 0, self.size, seed=seed_generator), "int32")
        slots = ops.minimum(slots, self.size - 1)

        # The pool is carried through the loop as a tensor and assigned once after it:
        # under a strategy, a variable assigned inside control flow would need a
        # cross-replica merge there, which TensorFlow does not support.
        def one(i, pool, count, shown):
            image = batch[i]
            stored = ops.cast(count, "int32")
            full = stored >= self.size
            slot = ops.where(full, slots[i], ops.minimum(stored, self.size - 1))
            old = pool[slot]
            swapped = full & swap[i]  # full: returns the old image, keeps the new one
            kept = ops.where(full & ~swap[i], old, image)
            pool = tf.tensor_scatter_nd_update(pool, [[slot]], kept[None])
            count = ops.where(full, count, count + 1.0)
            return i + 1, pool, count, shown.write(i, ops.where(swapped, old, image))

        shown = tf.TensorArray(self.images.dtype, size=n, element_shape=fakes.shape[1:])
        _, pool, count, shown = tf.while_loop(
            lambda i, *_: i < n,
            one,
            (tf.constant(0), ops.convert_to_tensor(self.images), ops.convert_to_tensor(self.count),
             shown),
        )  # fmt: skip
        self.images.assign(pool)
        self.count.assign(count)
        shown = shown.stack()
        if replicas > 1:
            replica = tf.distribute.get_replica_context().replica_id_in_sync_group
            per_replica = ops.shape(fakes)[0]
            shown = shown[replica * per_replica : (replica + 1) * per_replica]
        return ops.reshape(shown, ops.shape(fakes))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "size": self.size}
