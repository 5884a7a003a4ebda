"""A layer that draws random numbers from its own saved `SeedGenerator`, per replica."""

import keras
import tensorflow as tf


class SeededLayer(keras.layers.Layer):
    """Base class of the layers that draw random numbers while training.

    The layer owns a `keras.random.SeedGenerator` (`self.seed_generator`).
    Keras saves a layer's own variables but not its seed generators' states;
    this class saves the state too, so a loaded or resumed model draws the
    same numbers as the model it was saved from.

    Under a `tf.distribute` strategy the seed state is mirrored, so every
    replica would draw the same numbers. `draw` makes each replica draw the
    values of the global batch (the same on every replica) and keep its own
    rows, so the global batch gets what one device would draw.

    Args:
        seed: int or `None`, the seed of the generator; `None` takes one from
            Keras' global seed (`keras.utils.set_random_seed`). Defaults to
            `None`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.
    """

    _SEED_STATE_KEY = "seed_state"

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")

    def draw(self, sample, batch_size):
        """This replica's `batch_size` rows of `sample(global_batch_size)`."""
        context = tf.distribute.get_replica_context()
        replicas = context.num_replicas_in_sync if context is not None else 1
        if replicas == 1:
            return sample(batch_size)
        replica = context.replica_id_in_sync_group
        return sample(batch_size * replicas)[replica * batch_size : (replica + 1) * batch_size]

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[self._SEED_STATE_KEY] = keras.ops.convert_to_numpy(self.seed_generator.state)

    def load_own_variables(self, store):
        keys = list(store.keys())
        if self._SEED_STATE_KEY in keys:
            self.seed_generator.state.assign(store[self._SEED_STATE_KEY])
        super().load_own_variables({key: store[key] for key in keys if key != self._SEED_STATE_KEY})

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed})
        return config
