"""The adversarial engine: the base `keras.Model` every GAN class is a small subclass of."""

import keras

from keras_gans import augment as augment_module
from keras_gans import losses as losses_module
from keras_gans import mixed_precision
from keras_gans import tricks as tricks_module
from keras_gans.engine.adversarial_steps import AdversarialSteps
from keras_gans.engine.batch_spec import BatchSpec
from keras_gans.engine.data_checks import name_data_errors
from keras_gans.engine.discriminator_features import DiscriminatorFeatures
from keras_gans.engine.fit_guards import prepare_fit
from keras_gans.engine.generator_ema import GeneratorEMA
from keras_gans.engine.network_checks import check_no_shared_layers
from keras_gans.engine.noise import draw_for_replica
from keras_gans.engine.player_optimizers import PlayerOptimizers, resolve_optimizer
from keras_gans.engine.saved_state import SavedState
from keras_gans.engine.trackers import Trackers
from keras_gans.engine.update_order import check_update_order
from keras_gans.tricks.trick import check_count

KERAS_COMPILE_ARGUMENTS = ("jit_compile", "steps_per_execution", "run_eagerly", "auto_scale_loss")


class AdversarialModel(AdversarialSteps, SavedState, keras.Model):
    """The base of every GAN: players by name, their optimizers, the objective's terms.

    A model class declares what makes it what it is, and writes its
    `train_step` with the engine's blocks (`discriminator_step`,
    `generator_step`, `update_players`, see
    `keras_gans/engine/adversarial_steps.py`):

    - `players`: `{"discriminator": (network names), "generator": (...)}`, the
      networks each player trains with its one optimizer.
    - `batch_spec`: what `fit` takes (`BatchSpec`): images; (images, labels);
      (source, target); (a, b).
    - `default_loss` and `default_optimizer()`: the paper's choices.
    - `required_tricks()`: terms that define the class (`WGANGP`'s gradient
      penalty), added by `compile`.
    - `check_networks()` and `data_shapes()`: what its networks must look like.
    - how it samples: `generate` for latent models, `translate` for
      image-to-image ones (`keras_gans/engine/sampling.py`).

    Everything else is shared and reached only through this contract:
    `model.networks` and `model.optimizers` by name, `compile` (optimizers,
    the loss, the tricks), the trackers (one per logged name, with its
    direction for `ModelCheckpoint` / `EarlyStopping`), `fit`'s checks, EMA
    copies of the generators, the seeded noise, saving and loading.

    Args:
        networks: `{name: keras.Model}`, every network of `players` (a subclass
            may instead set an extra one as an attribute before calling this).
        seed: int or None, seed of the model's noise (latent vectors, the
            tricks' noise). Not of the initial weights nor the data order:
            call `keras.utils.set_random_seed(s)` before building the
            networks and use a seeded dataset for reproducible training.
            Defaults to `None`.
        ema_decay: float in [0, 1) or None. When given, every generator
            network gets an exponential moving average of its weights
            (`GeneratorEMA`, Karras et al. 2018), updated after every
            generator step, which samples (`generate`, `translate`, grids,
            metrics, exports). Defaults to `None`.
    """

    players = {"discriminator": ("discriminator",), "generator": ("generator",)}
    batch_spec = BatchSpec(("images",), ignored=("labels",))
    default_loss = "non_saturating"
    # Whether the generator step can draw fresh fakes instead of reusing the
    # recorded pass (`compile(reuse_fakes=False)`): latent models can.
    draws_fresh_fakes = False

    def __init__(self, networks, *, seed=None, ema_decay=None, **kwargs):
        # A subclass may set a network of `players` before calling this (then untracked).
        networks = dict(networks)
        for name in (name for player in self.players.values() for name in player):
            if name not in networks and name in self.__dict__:
                networks[name] = self.__dict__.pop(name)
        super().__init__(**kwargs)
        # === Networks ===
        for name, network in networks.items():
            setattr(self, name, network)
        self._network_names = tuple(networks)
        self.check_networks()
        check_no_shared_layers(self)
        self.seed = seed
        self.ema_decay = ema_decay
        # Copies, made with the model (in its distribution scope), so that a
        # checkpoint restores into them.
        self.ema = (
            {}
            if ema_decay is None
            else {
                name: GeneratorEMA(networks[name], ema_decay) for name in self.players["generator"]
            }
        )
        # === Noise ===
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise")
        # === Trackers, tricks (set by compile), D's features ===
        self.trackers = Trackers()
        self.tricks = []
        self._features = {
            name: DiscriminatorFeatures(networks[name]) for name in self.players["discriminator"]
        }
        self._real_in_generator_step = False
        self._player_optimizers = {}
        # The networks are built functional models: nothing is left to build,
        # and Keras must not try to build this model by calling it on data.
        self.built = True

    # === Players ===

    @property
    def networks(self):
        """`{name: keras.Model}`, every network of the model."""
        return {name: getattr(self, name) for name in self._network_names}

    @property
    def optimizers(self):
        """`{player: optimizer}` after `compile`: `"discriminator"` and `"generator"`."""
        return dict(self._player_optimizers)

    def player_variables(self, player):
        """The trainable variables of every network `player` trains."""
        return [v for name in self.players[player] for v in self.networks[name].trainable_variables]

    def check_networks(self):
        """Checks the networks at construction; a `ValueError` naming what does not fit."""

    def data_shapes(self):
        """`{batch part: (height, width, channels)}` the networks expect (None: unknown)."""
        return {}

    def check_labels(self, labels):
        """Checks the labels of a batch before training; models without labels ignore them."""

    def check_batch_size(self, batch_size):
        """Checks the batch size before training; any size works unless a model says otherwise."""

    def required_tricks(self):
        """Tricks the model class always trains with (`WGANGP`: its gradient penalty)."""
        return []

    def require_discriminator_features(self, option):
        """Checks that every D has a `"features"` layer, for a trick that reads it."""
        for name, features in self._features.items():
            if not features.named:
                layers = [layer.name for layer in self.networks[name].layers]
                raise ValueError(
                    f"`{option}` reads the discriminator's layer named 'features' (its last "
                    f"hidden representation). Received: a {name} with layers {layers}. Name "
                    "that layer 'features', as the builders of kg.networks do."
                )
        self._real_in_generator_step = True

    # === Noise ===

    def draw_for_replica(self, draw, batch_size):
        """This replica's `batch_size` rows of `draw(global batch)` (see `engine/noise.py`)."""
        return draw_for_replica(draw, batch_size)

    # === Compile ===

    def default_optimizer(self):
        """A fresh instance of the default optimizer for either player."""
        return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)

    def compile(
        self,
        d_optimizer="auto",
        g_optimizer="auto",
        loss="auto",
        label_smoothing=0.0,
        tricks=None,
        augment=None,
        reuse_fakes=True,
        simultaneous_updates=False,
        diagnostics_every_n_steps=1,
        **kwargs,
    ):
        """Configures the model for training: optimizers, the loss, the tricks.

        Every trick is off by default and turned on by one argument; each is a
        file of `keras_gans.tricks` plugged into the step's hooks, and works
        with every model class.

        Args:
            d_optimizer: optimizer (instance, name or config) of the
                discriminator player. `"auto"` gives the class default
                (`Adam(2e-4, beta_1=0.5)` for `GAN`, Radford et al. 2015).
            g_optimizer: optimizer of the generator player; a different object
                from `d_optimizer`. `"auto"` gives the class default.
            loss: a name of `kg.losses.ALL_LOSSES` or an `AdversarialLoss`.
                `"auto"` gives the class default. `"feature_matching"` trains
                G on feature matching alone (weight 1 unless given).
            label_smoothing: one-sided label smoothing, the real target
                becomes `1 - label_smoothing` (Salimans et al. 2016).
                Defaults to `0.0`.
            tricks: a list of `kg.tricks.Trick` objects (the object form of
                the options below). Defaults to `None`.
            augment: augmentation of every discriminator input, real and fake,
                in both steps (`keras_gans.augment`): a DiffAugment policy
                such as `"translation,cutout,color"`, a `kg.augment.DiffAugment`,
                or `"ada"` / a `kg.augment.ADA`. Defaults to `None`.
            reuse_fakes: train the generator on the fakes of the first
                discriminator step, through their recorded forward pass (the
                same gradient as a new pass on the same inputs, one generator
                pass fewer), instead of drawing new ones. Defaults to `True`.
            simultaneous_updates: take both players' gradients from one pass
                of D, G's from D before its update, as TensorFlow's pix2pix
                and CycleGAN tutorials do: one pass of D on the fakes fewer
                per step. Needs `critic_steps=1`. Defaults to `False`: D is
                updated first and judges the fakes again for G's loss, as in
                the papers' reference code.
            diagnostics_every_n_steps: int >= 1. The diagnostics that
                `kg.callbacks.TrainingMonitor` reads (both gradient norms and
                `diversity`) are measured on the first step of each epoch and
                every N-th step, and logged as the mean over those steps: on
                large networks the norms cost a few % of a step. Defaults to
                `1` (every step; always so under several replicas).
            **kwargs: the tricks' options (`kg.tricks.OPTIONS`: e.g.
                `r1_penalty=10.0`, `r1_every_n_steps=16`, `feature_matching=1.0`,
                `gradient_penalty=10.0`), and `jit_compile`,
                `steps_per_execution`, `run_eagerly`, `auto_scale_loss` for
                `keras.Model.compile`.

        **Mixed precision.** When any network computes in float16, both
        optimizers are wrapped in `keras.optimizers.LossScaleOptimizer`
        (unless `auto_scale_loss=False`), and every tape of the step is scaled,
        penalties' inner tapes included (`keras_gans.mixed_precision`).
        """
        options = {k: v for k, v in kwargs.items() if k in tricks_module.OPTIONS}
        keras_kwargs = {k: v for k, v in kwargs.items() if k not in options}
        unexpected = sorted(set(keras_kwargs) - set(KERAS_COMPILE_ARGUMENTS))
        if unexpected:
            raise ValueError(
                f"{type(self).__name__}.compile() takes d_optimizer, g_optimizer, loss, "
                "label_smoothing, tricks, augment, reuse_fakes, simultaneous_updates, "
                "diagnostics_every_n_steps, the tricks' options "
                f"{sorted(tricks_module.OPTIONS)} and {list(KERAS_COMPILE_ARGUMENTS)}. "
                f"Received unexpected arguments: {unexpected}"
            )
        check_update_order(self, reuse_fakes, simultaneous_updates)
        every = check_count(diagnostics_every_n_steps, "diagnostics_every_n_steps")
        optimizers = self._compile_optimizers(d_optimizer, g_optimizer, keras_kwargs)
        self.adversarial_loss = losses_module.get(
            self.default_loss if loss == "auto" else loss, label_smoothing=label_smoothing
        )
        given_matching = any(isinstance(t, tricks_module.FeatureMatching) for t in tricks or [])
        if self.adversarial_loss.name == "feature_matching" and not given_matching:
            options.setdefault("feature_matching", 1.0)  # G's whole objective
        given = [*tricks_module.from_options(options), *list(tricks or [])]
        augmentation = augment_module.get(augment)
        if augmentation is not None:
            given.insert(0, augmentation)  # D's inputs are augmented before any noise
        _check_tricks(given)
        self.reuse_fakes = bool(reuse_fakes)
        self.simultaneous_updates = bool(simultaneous_updates)
        self.diagnostics_every_n_steps = every
        self._compile_kwargs = dict(keras_kwargs)
        self._given_tricks = list(given)
        super().compile(optimizer=None, **keras_kwargs)
        self._player_optimizers = optimizers
        self.optimizer = PlayerOptimizers(optimizers)
        all_tricks = [*given, *self.required_tricks()]
        with self.distribute_strategy.scope():
            # Optimizer variables must exist before a checkpoint is restored into
            # them, or Keras skips their state with only a warning.
            for player, optimizer in optimizers.items():
                if not optimizer.built:
                    optimizer.build(self.player_variables(player))
            # The same holds for the tricks' state (running averages, ADA's p, ...).
            for trick in all_tricks:
                trick.configure(self)
                trick.built = True  # its state exists: Keras must not build it on data
        self._set_tricks(all_tricks)

    def _compile_optimizers(self, d_optimizer, g_optimizer, keras_kwargs):
        optimizers = {
            "discriminator": resolve_optimizer(d_optimizer, self.default_optimizer),
            "generator": resolve_optimizer(g_optimizer, self.default_optimizer),
        }
        inner = mixed_precision.inner_optimizer
        if inner(optimizers["discriminator"]) is inner(optimizers["generator"]):
            raise ValueError(
                "The discriminator and the generator need separate optimizers, but "
                "the same optimizer object was passed for both. Received: "
                f"d_optimizer is g_optimizer ({optimizers['generator']!r}). Pass two "
                "instances, e.g. keras.optimizers.Adam(2e-4, beta_1=0.5) twice."
            )
        # Under mixed_float16 both players' losses are scaled (Keras would wrap
        # only `self.optimizer`).
        if keras_kwargs.get("auto_scale_loss", True) and mixed_precision.computes_in_float16(
            *self.networks.values()
        ):
            optimizers = {p: mixed_precision.loss_scale_optimizer(o) for p, o in optimizers.items()}
        return optimizers

    def _set_tricks(self, tricks):
        """Tracks `tricks` (Keras layers holding their state) in place of earlier ones."""
        for old in self.tricks:
            self._tracker.untrack(old)  # a recompiled model saves only its current tricks
        locked = self._tracker.locked
        self._tracker.unlock()  # state added after construction, as Keras does for optimizers
        self.tricks = tricks
        if locked:
            self._tracker.lock()

    def get_compile_config(self):
        if not self.compiled:
            return {}
        return {
            "d_optimizer": keras.optimizers.serialize(self.optimizers["discriminator"]),
            "g_optimizer": keras.optimizers.serialize(self.optimizers["generator"]),
            "loss": losses_module.serialize(self.adversarial_loss),
            "label_smoothing": self.adversarial_loss.label_smoothing,
            "reuse_fakes": self.reuse_fakes,
            "simultaneous_updates": self.simultaneous_updates,
            "diagnostics_every_n_steps": self.diagnostics_every_n_steps,
            "tricks": [keras.saving.serialize_keras_object(t) for t in self._given_tricks],
            **self._compile_kwargs,
        }

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("d_optimizer", "g_optimizer"):
            config[key] = keras.optimizers.deserialize(config[key])
        config["tricks"] = [keras.saving.deserialize_keras_object(t) for t in config["tricks"]]
        self.compile(**config)

    # === Fit ===

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            *, one_sided_data=False, **kwargs):  # fmt: skip
        """Trains the model; see `keras.Model.fit`.

        Before the first step the data is checked (the first batch of a
        dataset, all of an array): a clear `ValueError` for an empty dataset,
        images of the wrong shape, integer images, values outside [-1, 1],
        data that looks one-sided (a minimum above -0.5: images in [0, 1]
        that were not rescaled), sample or class weights. Every batch of a
        `tf.data.Dataset` is then checked as it is read: a bad batch raises a
        `ValueError` naming it before any step on it, and the model keeps the
        steps taken before it (`keras_gans/engine/data_checks.py`).

        A `kg.callbacks.TerminateOnNonFiniteLoss` is put first in the
        callbacks (one is added unless there is one): a non-finite loss or
        model state stops training with the last finite state restored, and
        never reaches a backup or a checkpoint.

        Args:
            one_sided_data: set to `True` when the data really has no value
                below -0.5, to skip the check that catches images in [0, 1].
                Defaults to `False`.
        """
        x, callbacks, kwargs = prepare_fit(
            self, x, y, batch_size, one_sided_data, callbacks, kwargs
        )
        with name_data_errors(self):
            return super().fit(
                x, y, batch_size=batch_size, epochs=epochs, verbose=verbose,
                callbacks=callbacks, **kwargs,
            )  # fmt: skip

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Under a strategy Keras draws one batch from a new iterator of the data
        # to build the model before training. That iterator advances a
        # reshuffling dataset (the replicas would then see another order than
        # one device), and under MultiWorkerMirroredStrategy averaging the batch
        # fails for (images, labels) (keras-team/keras#20585). A model whose
        # layers are built (by its constructor and `compile`) needs no batch.
        if all(layer.built for layer in self._flatten_layers()):
            iterator = None
        return super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    @property
    def metrics(self):
        # Listed so that Keras resets them every epoch and its monitoring
        # callbacks find their directions (`engine/trackers.py`).
        return self.trackers.listed()

    def logs(self, names=None):
        """The step's logs: every tracker's running mean (or those of `names`)."""
        from keras_gans import distribute

        return distribute.worker_logs(self.trackers.results(names))


def _check_tricks(tricks):
    seen = {}
    for trick in tricks:
        if not isinstance(trick, tricks_module.Trick):
            raise ValueError(f"`tricks` must be kg.tricks.Trick objects. Received: {trick!r}")
        if type(trick) in seen:
            raise ValueError(
                f"{type(trick).__name__} was given twice (as an option and in `tricks`, or "
                f"twice in `tricks`). Received: {seen[type(trick)]!r} and {trick!r}."
            )
        seen[type(trick)] = trick
