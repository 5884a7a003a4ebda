"""How a model is saved and loaded: its networks by name, its noise state, the version."""

import keras

from keras_gans import __version__

LOADING_HINT = "import keras_gans before keras.models.load_model (it registers this class)"


class SavedState:
    """Saving and loading of `AdversarialModel`s, mixed into it.

    The config holds every network (serialized by name), the constructor's
    arguments and, first (where Keras' "Could not locate class" error shows
    them), the keras_gans version that wrote it and how to load it; the weights file holds
    the networks, the optimizers, the tricks' state, the EMA copies and the
    noise state (Keras saves a layer's variables but not its
    `SeedGenerator`'s state), so a restored model resumes training exactly.
    """

    def get_config(self):
        # First in the config: Keras' error for a file loaded without `import keras_gans`
        # ("Could not locate class 'GAN'") prints the config, and no other hook exists.
        config = {"keras_gans_version": __version__, "to_load": LOADING_HINT}
        config.update(super().get_config())
        config.update(
            {name: keras.saving.serialize_keras_object(n) for name, n in self.networks.items()}
        )
        config.update({"seed": self.seed, "ema_decay": self.ema_decay})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("keras_gans_version", None)
        config.pop("to_load", None)
        for player in cls.players.values():
            for name in player:
                config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)

    def save(self, filepath, *args, **kwargs):
        """Saves the model (see `keras.Model.save`), checking first that it can be.

        A custom loss that cannot be saved raises before the file is opened,
        so an earlier good file at `filepath` is left as it was.
        """
        self.get_compile_config()
        return super().save(filepath, *args, **kwargs)

    # Keras saves a layer's own variables but not its SeedGenerator states; the
    # noise state is saved too, so that a restored model resumes the same noise.
    _NOISE_STATE_KEY = "noise_seed_state"

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[self._NOISE_STATE_KEY] = self.seed_generator.state.numpy()

    def load_own_variables(self, store):
        keys = list(store.keys())
        if self._NOISE_STATE_KEY in keys:
            self.seed_generator.state.assign(store[self._NOISE_STATE_KEY])
        super().load_own_variables(
            {key: store[key] for key in keys if key != self._NOISE_STATE_KEY}
        )
