"""Dropout whose masks are drawn for the global batch under `tf.distribute`."""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.engine.noise import draw_for_replica

SEED_STATE = "seed_generator_state"


@keras.saving.register_keras_serializable(package="keras_gans")
class GlobalBatchDropout(keras.layers.Dropout):
    """`keras.layers.Dropout` that trains the same under a strategy as on one device.

    Keras' `Dropout` draws its mask from the layer's seed state. Under a
    `tf.distribute` strategy that state is mirrored, so every replica draws
    the same mask for its slice of the batch: example i of each replica is
    dropped alike, and the run differs from one device's. This layer draws the
    mask of the whole global batch on every replica and keeps the replica's
    own rows (`keras_gans.engine.noise.draw_for_replica`), so the masks are
    those one device would draw. Kept units are scaled by `1 / (1 - rate)`;
    at inference the layer is the identity. `kg.networks.unet_generator`
    uses it (pix2pix's dropout, its only noise).

    The layer's seed state is saved and loaded with it (Keras' `Dropout`
    does not save it), so a run resumed from a backup draws the masks the
    uninterrupted run draws.

    Args:
        rate: float in [0, 1), the fraction of the units dropped.
        noise_shape, seed, **kwargs: as for `keras.layers.Dropout`.

    Example:

    ```python
    x = kg.layers.GlobalBatchDropout(0.5)(x)
    ```

    Reference:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks
        from Overfitting", JMLR 2014.
    """

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        shape = tuple(inputs.shape[1:])
        if self.noise_shape is not None:  # (batch, ...) with None for the input's sizes
            given = zip(self.noise_shape[1:], shape, strict=True)
            shape = tuple(size if n is None else n for n, size in given)

        def draw(n):
            return keras.random.uniform((n, *shape), seed=self.seed_generator)

        if tf.distribute.in_cross_replica_context():  # a call outside `strategy.run`
            uniform = draw(ops.shape(inputs)[0])
        else:
            uniform = draw_for_replica(draw, ops.shape(inputs)[0])
        keep = uniform >= self.rate
        scaled = inputs / ops.cast(1.0 - self.rate, inputs.dtype)
        return ops.where(keep, scaled, ops.zeros_like(inputs))

    # === The seed state, saved with the model ===

    def save_own_variables(self, store):
        super().save_own_variables(store)
        if self.rate > 0:
            store[SEED_STATE] = self.seed_generator.state

    def load_own_variables(self, store):
        if self.rate > 0 and SEED_STATE in store.keys():  # files of before it was saved lack it
            self.seed_generator.state.assign(store[SEED_STATE])
