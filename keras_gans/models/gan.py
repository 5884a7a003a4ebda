"""The generative adversarial network as a `keras.Model`."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import augment as augment_module
from keras_gans import distribute, mixed_precision
from keras_gans import losses as losses_module
from keras_gans import tricks as tricks_module
from keras_gans.callbacks.terminate_on_non_finite_loss import guard_callbacks
from keras_gans.latent import latent_vectors
from keras_gans.models.batches import split_batch
from keras_gans.models.diagnostics import feature_diversity, gradient_norm
from keras_gans.models.generator_ema import GeneratorEMA
from keras_gans.models.network_checks import check_networks
from keras_gans.models.training_data_checks import (
    after_the_batch_is_read,
    check_every_batch,
    check_training_data,
    name_data_errors,
)

_COMPILE_KWARGS = ("jit_compile", "steps_per_execution", "run_eagerly", "auto_scale_loss")


def _sum_of_gradients(a, b):
    """`a + b` for two gradients of one variable, either of which may be None."""
    if a is None or b is None:
        return b if a is None else a
    return a + ops.cast(b, a.dtype)


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(keras.Model):
    """A generator and a discriminator trained against each other with `fit`.

    Each `train_step` takes one batch of real images and makes two updates:

    1. **Discriminator**: fresh latent vectors z ~ N(0, I) give fakes G(z); D
       is trained to tell the real batch from the fakes.
    2. **Generator**: G is trained to make the updated D call the same fakes
       real. G's forward pass was recorded when the fakes were made and G has
       not changed since, so this is the gradient of a new pass on the same z,
       for one generator pass fewer per step (as in PyTorch's DCGAN example).
       `compile(reuse_fakes=False)` draws new latent vectors for this step
       instead (Goodfellow et al. 2014, Algorithm 1; keras.io's DCGAN).

    Both networks run with `training=True` in both steps (BatchNorm uses batch
    statistics and updates its moving averages; Dropout is active). Noise comes
    from a `keras.random.SeedGenerator` owned by the model, so `seed` fixes the
    latent vectors (and the tricks' noise), and the noise state is saved and
    restored with the model. `seed` alone does not make training
    reproducible: the initial weights and Dropout come from Keras' global
    seed, and the batch order from the dataset. Call
    `keras.utils.set_random_seed(s)` before building the networks and use a
    seeded dataset (`kg.data.load(..., seed=s)`); then the same seeds give
    the same weights.
    Under a `tf.distribute` strategy every replica draws the latent vectors of
    the whole global batch and keeps its own slice, and losses are averaged
    over the global batch, so multi-device training matches one device.

    **The step and its hooks.** `train_step` reads straight down; each part is
    a method a subclass or a trick overrides, never a copy of the step:

    ```
    unpack_batch -> deal_batch (one part of the batch per D step)
      generate_fakes (for the first part; recorded for the G step)
      for each part: train_discriminator -> after_discriminator_step
                     (D's inputs through the tricks' `augment`; discriminator_loss
                     + the tricks' terms; the tricks' after-D hooks)
      train_generator -> after_generator_step
                     (generator_loss + the tricks' terms; the tricks' after-G hooks)
    -> update_trackers (one Mean per name the step returned)
    ```

    The tricks (`keras_gans.tricks`) are turned on by `compile` arguments.

    Every value the hooks return is logged under its own name: a tracker is
    made the first time a name appears. Every loss term, and every logged
    value, is a mean over the global batch made with
    `keras_gans.losses.global_batch_mean` (the one replica-scaling helper).

    Logged metrics: `d_loss`, `g_loss`, and what the loss says about D's
    outputs (`AdversarialLoss.discriminator_logs`). For the default loss:
    `d_real` / `d_fake`, the mean probability D assigns to real and generated
    images. At the equilibrium D*(x) = p_data / (p_data + p_g) = 1/2, so both
    drifting towards 0.5 is the sign of a balanced game; `d_real` -> 1 with
    `d_fake` -> 0 means D is winning. Every step also logs `d_grad_norm`,
    `g_grad_norm` and `diversity` (see `keras_gans/models/diagnostics.py`),
    which `kg.callbacks.TrainingMonitor` reads. With `fit(validation_data=...)` or
    `evaluate`, `test_step` logs D's loss and outputs on held-out real images
    against fresh fakes (`val_d_loss`, `val_d_real`, ...): a validation
    `d_real` well below the training one is D overfitting the training set.

    Args:
        generator: `keras.Model` mapping `(batch, latent_dim)` latent vectors
            to images in [-1, 1].
        discriminator: `keras.Model` mapping images to one logit per image.
        latent_dim: int, size of the latent vectors.
        seed: int or None, seed of the model's noise (not of the networks'
            initial weights nor of the data order: see above). Defaults to `None`.
        ema_decay: float in [0, 1) or None. When given, the model keeps an
            exponential moving average of the generator's weights
            (`keras_gans.models.generator_ema.GeneratorEMA`, Karras et al.
            2018), updated after every generator step, and samples from it:
            `call`, `generate`, `generate_from_latent` (so `ImageGrid`, the
            FID/KID callbacks and `keras-gans evaluate`) and
            `export_generator` use the average; `model.generator` stays the
            trained one. Defaults to `None` (no average).

    Example:

    ```python
    import keras, keras_gans as kg
    gan = kg.GAN(
        generator=kg.networks.dcgan_generator(128, (28, 28, 1)),
        discriminator=kg.networks.dcgan_discriminator((28, 28, 1)),
        latent_dim=128,
    )
    gan.compile()  # Adam(2e-4, beta_1=0.5) for both, non-saturating loss
    gan.fit(kg.data.load("fashion_mnist"), epochs=5)
    images = gan.generate(16, seed=0)  # (16, 28, 28, 1) in [-1, 1]
    ```

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    default_loss = "non_saturating"
    # Inputs each network takes: z (images) alone, or with labels when conditional.
    network_inputs = 1
    network_inputs_hint = "Networks built with num_classes=... belong in a ConditionalGAN."

    def __init__(self, generator, discriminator, latent_dim, seed=None, ema_decay=None, **kwargs):
        super().__init__(**kwargs)
        # === Networks ===
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.seed = seed
        check_networks(self)
        self.ema_decay = ema_decay
        # The generator's moving average: a copy, created with the model (in its
        # distribution scope), so that a checkpoint restores into it.
        self.ema = None if ema_decay is None else GeneratorEMA(generator, ema_decay)

        # === Noise ===
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise")

        # === Trackers ===
        # One `Mean` per name the step returns, made on first sight (see
        # `update_trackers`). They hold per-epoch averages only: kept out of
        # Keras' tracking, they are neither saved nor restored.
        self._trackers = _Trackers()

        # === Tricks (set by compile) and D's features ===
        self.tricks = []
        self._features = _DiscriminatorFeatures(self.discriminator)

        # The networks are built functional models: nothing is left to build,
        # and Keras must not try to build this model by calling it on images.
        self.built = True

    # === Shapes and checks ===

    @property
    def sampling_generator(self):
        """The generator that samples: its moving average if there is one (`ema_decay`)."""
        return self.generator if self.ema is None else self.ema.generator

    @property
    def image_shape(self):
        """`(height, width, channels)` the discriminator expects, if known."""
        inputs = getattr(self.discriminator, "inputs", None)
        return tuple(inputs[0].shape[1:]) if inputs else None

    def check_labels(self, labels):
        """Checks the labels of a batch before training; `GAN` ignores labels."""

    def check_batch_size(self, batch_size):
        """Checks the batch size before training; any size works for `GAN`."""

    # === Compile ===

    def default_optimizer(self):
        """A fresh instance of the default optimizer for either network."""
        return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)

    def compile(
        self,
        d_optimizer="auto",
        g_optimizer="auto",
        loss="auto",
        label_smoothing=0.0,
        feature_matching=0.0,
        historical_averaging=0.0,
        instance_noise=0.0,
        instance_noise_steps=10_000,
        r1_penalty=0.0,
        r1_interval=1,
        r2_penalty=0.0,
        r2_interval=1,
        augment=None,
        reuse_fakes=True,
        **kwargs,
    ):
        """Configures the model for training.

        Every trick is off by default and turned on by one argument; each is a
        file of `keras_gans.tricks` plugged into the step's hooks, and works
        with every model class.

        Args:
            d_optimizer: optimizer (instance, name or config) for the
                discriminator. `"auto"` gives the class default:
                `Adam(2e-4, beta_1=0.5)` for `GAN` (Radford et al. 2015).
            g_optimizer: optimizer for the generator; must be a different
                object from `d_optimizer`. `"auto"` gives the class default.
            loss: name of an adversarial loss in `keras_gans.losses`
                (`"minimax"`, `"non_saturating"`, `"least_squares"`,
                `"hinge"`, `"wasserstein"`, `"feature_matching"`) or an
                `AdversarialLoss`. `"auto"` gives the class default
                (`"non_saturating"`). `"feature_matching"` trains G on feature
                matching alone (weight `feature_matching`, 1 if not given).
            label_smoothing: one-sided label smoothing, the real target
                becomes `1 - label_smoothing` (Salimans et al. 2016).
                Defaults to `0.0`.
            feature_matching: weight of the feature-matching term in G's loss
                (`tricks.FeatureMatching`). Defaults to `0.0`.
            historical_averaging: weight of the historical-averaging term in
                both losses (`tricks.HistoricalAveraging`). Defaults to `0.0`.
            instance_noise: initial standard deviation of the noise added to
                every discriminator input (`tricks.InstanceNoise`).
                Defaults to `0.0`.
            instance_noise_steps: generator steps over which the instance
                noise falls linearly to 0. Defaults to `10_000`.
            r1_penalty: gamma of the R1 penalty, `gamma / 2 * E ||grad_x
                D(x)||^2` on real images in D's loss (`tricks.R1Penalty`,
                Mescheder et al. 2018). Defaults to `0.0`.
            r1_interval: compute R1 on one D step in this many, scaled by it
                (lazy regularisation, Karras et al. 2020). Defaults to `1`.
            r2_penalty: gamma of the R2 penalty, the same on generated images
                (`tricks.R2Penalty`). Defaults to `0.0`.
            r2_interval: as `r1_interval`, for R2. Defaults to `1`.
            augment: augmentation of every discriminator input, real and fake,
                in both steps (`keras_gans.augment`): a DiffAugment policy such
                as `"translation,cutout,color"` (Zhao et al. 2020), a
                `kg.augment.DiffAugment`, or `"ada"` / a `kg.augment.ADA`
                (Karras et al. 2020). Defaults to `None` (none).
            reuse_fakes: whether the generator step trains on the fakes of the
                (first) discriminator step, backpropagating through their
                recorded forward pass, instead of generating fresh ones. G's
                weights have not changed in between, so this is the same
                gradient on the same z, for one generator forward pass fewer
                per step (as PyTorch's DCGAN example does). `False` draws new
                z for the generator step (as keras.io's DCGAN does). Defaults
                to `True`.
            **kwargs: `jit_compile`, `steps_per_execution`, `run_eagerly`,
                `auto_scale_loss`, passed to `keras.Model.compile`.

        **Mixed precision.** When either network computes in float16 (built
        under `keras.mixed_precision.set_global_policy("mixed_float16")`),
        both optimizers, the defaults and those given, are wrapped in
        `keras.optimizers.LossScaleOptimizer` (unless they are one already or
        `auto_scale_loss=False`), and every tape of the step is scaled,
        penalties' inner tapes included (`keras_gans.mixed_precision`).
        Under `mixed_bfloat16` nothing is scaled.
        """
        unexpected = sorted(set(kwargs) - set(_COMPILE_KWARGS))
        if unexpected:
            raise ValueError(
                f"{type(self).__name__}.compile() takes d_optimizer, g_optimizer, loss, "
                f"label_smoothing, augment, {tricks_module.compile_arguments()} and "
                f"{list(_COMPILE_KWARGS)}. Received unexpected arguments: {unexpected}"
            )
        self.d_optimizer = self._resolve_optimizer(d_optimizer)
        self.g_optimizer = self._resolve_optimizer(g_optimizer)
        inner = mixed_precision.inner_optimizer
        if inner(self.d_optimizer) is inner(self.g_optimizer):
            raise ValueError(
                "The discriminator and the generator need separate optimizers, but "
                "the same optimizer object was passed for both. Received: "
                f"d_optimizer is g_optimizer ({self.d_optimizer!r}). Pass two "
                "instances, e.g. keras.optimizers.Adam(2e-4, beta_1=0.5) twice."
            )
        # Under mixed_float16 both players' losses are scaled (Keras would wrap
        # only `self.optimizer`, which a GAN does not use).
        if kwargs.get("auto_scale_loss", True) and mixed_precision.computes_in_float16(
            self.generator, self.discriminator
        ):
            self.d_optimizer = mixed_precision.loss_scale_optimizer(self.d_optimizer)
            self.g_optimizer = mixed_precision.loss_scale_optimizer(self.g_optimizer)
        loss = self.default_loss if loss == "auto" else loss
        self.adversarial_loss = losses_module.get(loss, label_smoothing=label_smoothing)
        if self.adversarial_loss.name == "feature_matching" and not feature_matching:
            feature_matching = 1.0
        tricks = tricks_module.build_tricks(
            {
                "feature_matching": feature_matching,
                "historical_averaging": historical_averaging,
                "instance_noise": instance_noise,
                "instance_noise_steps": instance_noise_steps,
                "r1_penalty": r1_penalty,
                "r1_interval": r1_interval,
                "r2_penalty": r2_penalty,
                "r2_interval": r2_interval,
            }
        )
        augmentation = augment_module.get(augment)
        if augmentation is not None:
            tricks.insert(0, augmentation)  # D's inputs are augmented before any noise
        if not isinstance(reuse_fakes, bool | np.bool_):
            raise ValueError(
                f"reuse_fakes must be True or False. Received: reuse_fakes={reuse_fakes!r}"
            )
        self.reuse_fakes = bool(reuse_fakes)
        self._compile_kwargs = dict(kwargs)
        super().compile(optimizer=None, **kwargs)
        with self.distribute_strategy.scope():
            # Optimizer variables must exist before a checkpoint is restored into
            # them, or Keras skips their state with only a warning.
            for optimizer, network in (
                (self.d_optimizer, self.discriminator),
                (self.g_optimizer, self.generator),
            ):
                if not optimizer.built:
                    optimizer.build(network.trainable_variables)
            # The same holds for the tricks' state (running averages, ...).
            for trick in tricks:
                trick.configure(self)
                trick.built = True  # its state exists: Keras must not build the model on data
        self._set_tricks(tricks)

    def _set_tricks(self, tricks):
        """Tracks `tricks` (Keras layers holding their state) in place of earlier ones."""
        for old in self.tricks:
            self._tracker.untrack(old)  # a recompiled model saves only its current tricks
        locked = self._tracker.locked
        self._tracker.unlock()  # state added after construction, as Keras does for optimizers
        self.tricks = tricks
        if locked:
            self._tracker.lock()

    def require_discriminator_features(self, argument):
        """Checks that D has a `"features"` layer, for a trick that reads it."""
        if not self._features.named:
            raise ValueError(
                f"`{argument}` reads the discriminator's layer named 'features' (its "
                "last hidden representation). Received: a discriminator with layers "
                f"{[layer.name for layer in self.discriminator.layers]}. Name that "
                "layer 'features', as kg.networks.dcgan_discriminator does."
            )
        self._features.needs_real_in_generator_step = True

    def _resolve_optimizer(self, identifier):
        if identifier == "auto":
            return self.default_optimizer()
        return keras.optimizers.get(identifier)

    def get_compile_config(self):
        if not self.compiled:
            return {}
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "loss": losses_module.serialize(self.adversarial_loss),
            "label_smoothing": self.adversarial_loss.label_smoothing,
            "reuse_fakes": self.reuse_fakes,
            **{k: v for trick in self.tricks for k, v in trick.compile_config().items()},
            **self._compile_kwargs,
        }

    def save(self, filepath, *args, **kwargs):
        """Saves the model (see `keras.Model.save`), checking first that it can be.

        A custom loss that cannot be saved raises before the file is opened,
        so an earlier good file at `filepath` is left as it was.
        """
        self.get_compile_config()
        return super().save(filepath, *args, **kwargs)

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("d_optimizer", "g_optimizer"):
            config[key] = keras.optimizers.deserialize(config[key])
        self.compile(**config)

    # === Serialization ===

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "latent_dim": self.latent_dim,
                "seed": self.seed,
                "ema_decay": self.ema_decay,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

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

    # === Noise ===

    def sample_latent(self, batch_size):
        """Draws `batch_size` latent vectors z ~ N(0, I) from the model's noise."""
        return self.draw_for_replica(
            lambda n: keras.random.normal((n, self.latent_dim), seed=self.seed_generator),
            batch_size,
        )

    def draw_for_replica(self, draw, batch_size):
        """Returns this replica's `batch_size` rows of `draw(global_batch_size)`.

        Under a `tf.distribute` strategy the seed state is mirrored, so every
        replica would draw the same numbers. Instead each replica draws the
        values of the whole global batch (the same on all replicas) and keeps
        its own slice: the replicas use different values, and the global batch
        sees exactly what one device would.
        """
        replicas = losses_module.num_replicas()
        if replicas == 1:
            return draw(batch_size)
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        values = draw(batch_size * replicas)
        return values[replica * batch_size : (replica + 1) * batch_size]

    # === Network inputs (overridden by conditional models) ===

    def unpack_batch(self, data):
        """Splits a batch into `(images, labels)`; labels are None when absent."""
        return split_batch(data)

    def generator_inputs(self, z, labels):
        return z

    def discriminator_inputs(self, images, labels):
        return images

    # === Training ===

    def deal_batch(self, images, labels):
        """The parts of a batch that the discriminator steps train on, one per step.

        `GAN` takes one discriminator step on the whole batch; `WGAN` deals
        the batch into `critic_steps` parts. The generator step uses the
        first part's size, labels and real images.
        """
        return [(images, labels)]

    def discriminator_loss(self, real_logits, fake_logits, real_images, fake_images, labels):
        """The discriminator's loss and extra values to log, as `(loss, logs)`.

        Subclasses add penalties here (see `WGANGP`); the tricks' terms are
        added after it (`trick_terms`). Every term, and every logged value,
        is a global-batch mean (`global_batch_mean`).
        """
        loss = self.adversarial_loss.discriminator_loss(real_logits, fake_logits)
        return loss, {}

    def generator_loss(self, fake_logits, fake_images, real_images, labels):
        """The generator's loss and extra values to log, as `(loss, logs)`.

        Sees the real batch and its labels too, for terms that compare fakes
        with real images (feature matching). Same conventions as
        `discriminator_loss`.
        """
        return self.adversarial_loss.generator_loss(fake_logits), {}

    def after_discriminator_step(self):
        """Runs after every discriminator update; returns values to log (a dict).

        `WGAN` clips the critic's weights here.
        """
        return {}

    def after_generator_step(self):
        """Runs after every generator update; returns values to log (a dict).

        Updates the generator's moving average, if there is one.
        """
        if self.ema is not None:
            self.ema.update(self.generator)
        return {}

    def discriminate(self, images, labels, training=True, augment=True):
        """D's `(logits, features)` for one batch, its inputs augmented by the tricks.

        `features` is the output of D's `"features"` layer (its image inputs
        if it has none). Real and fake batches go through D in separate
        calls, as in DCGAN.
        """
        if augment:
            for trick in self.tricks:
                images = trick.augment(images, self)
        return self._features(
            self.discriminator, self.discriminator_inputs(images, labels), training
        )

    def trick_terms(self, hook, step):
        """The tricks' `hook` terms as `(weighted sum, {name: term})`."""
        total, logs = 0.0, {}
        for trick in self.tricks:
            for name, term in getattr(trick, hook)(self, step).items():
                total = total + trick.weight * term
                logs[name] = term
        return total, logs

    def run_trick_hooks(self, hook):
        """Runs the tricks' `after_*_step` hook; returns the values they log."""
        logs = {}
        for trick in self.tricks:
            logs.update(getattr(trick, hook)(self))
        return logs

    def generate_fakes(self, batch_size, labels=None):
        """`batch_size` fresh fakes of G in training mode, as `(images, tape)`.

        `tape` has recorded G's forward pass, so that the generator step can
        backpropagate into G through these very images after the
        discriminator has been updated on them (`reuse_fakes`).
        """
        z = self.sample_latent(batch_size)
        with tf.GradientTape() as tape:
            images = mixed_precision.to_float32(
                self.generator(self.generator_inputs(z, labels), training=True)
            )
        return images, tape

    def train_discriminator(self, real_images, labels=None, fake_images=None):
        """One discriminator update on `real_images` and as many fakes.

        The fakes are `fake_images` if given, else freshly generated.
        """
        if fake_images is None:
            fake_images, _ = self.generate_fakes(ops.shape(real_images)[0], labels)
        with tf.GradientTape() as tape:
            real_logits, real_features = self.discriminate(real_images, labels)
            fake_logits, fake_features = self.discriminate(fake_images, labels)
            d_loss, logs = self.discriminator_loss(
                real_logits, fake_logits, real_images, fake_images, labels
            )
            step = {
                "real_images": real_images,
                "fake_images": fake_images,
                "labels": labels,
                "real_logits": real_logits,
                "fake_logits": fake_logits,
                "real_features": real_features,
                "fake_features": fake_features,
            }
            terms, term_logs = self.trick_terms("discriminator_terms", step)
            d_loss = d_loss + terms
            scaled_loss = self.d_optimizer.scale_loss(d_loss)
        variables = self.discriminator.trainable_variables
        gradients = tape.gradient(scaled_loss, variables)
        d_grad_norm = self._apply_gradients(gradients, variables, self.d_optimizer)
        return {
            "d_loss": d_loss,
            **self.adversarial_loss.discriminator_logs(real_logits, fake_logits),
            **logs,
            **term_logs,
            "d_grad_norm": d_grad_norm,
            "diversity": feature_diversity(real_features, fake_features),
        }

    def train_generator(self, real_images, labels=None, fakes=None):
        """One generator update, on `fakes` or on as many fresh fakes as `real_images`.

        `fakes` is an `(images, tape)` pair from `generate_fakes`: the
        gradient reaches G through the images (chain rule through the
        recorded tape), and directly for terms on G's weights (historical
        averaging).
        """
        if fakes is None:
            fakes = self.generate_fakes(ops.shape(real_images)[0], labels)
        fake_images, generator_tape = fakes
        real_features = None
        if self._features.needs_real_in_generator_step:  # no gradient flows to D here
            real_features = ops.stop_gradient(self.discriminate(real_images, labels)[1])
        with tf.GradientTape() as tape:
            tape.watch(fake_images)
            fake_logits, fake_features = self.discriminate(fake_images, labels)
            g_loss, logs = self.generator_loss(fake_logits, fake_images, real_images, labels)
            step = {
                "real_images": real_images,
                "fake_images": fake_images,
                "labels": labels,
                "fake_logits": fake_logits,
                "real_features": real_features,
                "fake_features": fake_features,
            }
            terms, term_logs = self.trick_terms("generator_terms", step)
            g_loss = g_loss + terms
            scaled_loss = self.g_optimizer.scale_loss(g_loss)
        variables = self.generator.trainable_variables
        through_images, *direct = tape.gradient(scaled_loss, [fake_images, *variables])
        through_generator = generator_tape.gradient(
            fake_images, variables, output_gradients=through_images
        )
        gradients = [
            _sum_of_gradients(g, d) for g, d in zip(through_generator, direct, strict=True)
        ]
        g_grad_norm = self._apply_gradients(gradients, variables, self.g_optimizer)
        return {
            "g_loss": g_loss,
            **logs,
            **term_logs,
            "g_grad_norm": g_grad_norm,
        }

    @staticmethod
    def _apply_gradients(gradients, variables, optimizer):
        """Applies `gradients` (of the scaled loss); returns their norm (logged).

        Under a `LossScaleOptimizer` the logged norm is that of the loss's own
        (unscaled) gradient, and 0 on a step skipped for overflow.
        """
        scale = mixed_precision.loss_scale(optimizer)  # before the update changes it
        gradients = mixed_precision.skip_together(gradients, optimizer)
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        norm = gradient_norm(mixed_precision.unscale(gradients, scale))
        return mixed_precision.applied_norm(norm, optimizer)

    @after_the_batch_is_read
    def train_step(self, data):
        images, labels = self.unpack_batch(data)
        parts = self.deal_batch(images, labels)
        fakes = None
        if self.reuse_fakes:  # the first D step's fakes, and their tape, for the G step
            fakes = self.generate_fakes(ops.shape(parts[0][0])[0], parts[0][1])
        for i, (real_images, real_labels) in enumerate(parts):
            shared = fakes[0] if fakes is not None and i == 0 else None
            self._update_tracker_states(self.train_discriminator(real_images, real_labels, shared))
            self._update_tracker_states(self.after_discriminator_step())
            self._update_tracker_states(self.run_trick_hooks("after_discriminator_step"))
        self._update_tracker_states(self.train_generator(*parts[0], fakes=fakes))
        self._update_tracker_states(self.after_generator_step())
        return self.update_trackers(self.run_trick_hooks("after_generator_step"))

    def test_step(self, data):
        """D's loss and outputs on held-out real images against fresh fakes (no update).

        Both networks run in inference mode. `d_loss` here is the adversarial
        loss alone, without the penalties of training (e.g. WGAN-GP's).
        """
        real_images, labels = self.unpack_batch(data)
        z = self.sample_latent(ops.shape(real_images)[0])
        fake_images = self.generator(self.generator_inputs(z, labels), training=False)
        real_logits, _ = self.discriminate(real_images, labels, training=False, augment=False)
        fake_logits, _ = self.discriminate(fake_images, labels, training=False, augment=False)
        results = {
            "d_loss": self.adversarial_loss.discriminator_loss(real_logits, fake_logits),
            **self.adversarial_loss.discriminator_logs(real_logits, fake_logits),
        }
        logs = self.update_trackers(results)
        return {name: logs[name] for name in results}  # not the idle training trackers

    def update_trackers(self, results):
        """Adds one step's `{name: value}` to the running means; returns all the logs.

        A tracker is made the first time a name appears (while the step is
        traced), so a hook that returns a new name is logged with no other
        change. Values are global-batch means (see `losses.global_batch_mean`),
        scaled back here from the per-replica share.
        """
        self._update_tracker_states(results)
        logs = {name: tracker.result() for name, tracker in self._trackers.items()}
        return distribute.worker_logs(logs)  # shaped for Keras' multi-worker reduction

    def _update_tracker_states(self, results):
        """`update_trackers` without the logs: the step reads them once, at its end."""
        for name, value in results.items():
            self._trackers.get(name).update_state(losses_module.unscale_for_logging(value))

    @property
    def metrics(self):
        # Listed so that Keras resets them at the start of every epoch.
        return self._trackers.values()

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        *,
        one_sided_data=False,
        **kwargs,
    ):
        """Trains the model; see `keras.Model.fit`.

        Before the first step the data is checked (first batch of a dataset,
        all of an array): a clear `ValueError` for an empty dataset, images of
        the wrong shape, integer images, values outside [-1, 1], or data that
        looks one-sided (a minimum above -0.5: images in [0, 1] that were not
        rescaled). Then every batch of a `tf.data.Dataset` is checked in the
        input pipeline as it is read (finite values in [-1, 1], labels in
        range): a bad batch raises a `ValueError` naming it before any step on
        it, and the model keeps the steps taken before it
        (`keras_gans/models/training_data_checks.py`).

        A `kg.callbacks.TerminateOnNonFiniteLoss` is put first in the
        callbacks (one is added unless there is one): a non-finite loss or
        model state stops training with the last finite state restored, and
        never reaches a backup or a checkpoint. With a
        `keras.callbacks.BackupAndRestore` among the callbacks it raises a
        `RuntimeError` instead of stopping gracefully, so that the last good
        backup is kept for resuming.

        Args:
            one_sided_data: set to `True` when the data really has no value
                below -0.5, to skip the check that catches images in [0, 1].
                Defaults to `False`.
        """
        if not self.compiled:
            raise ValueError(
                f"Call `{type(self).__name__}.compile()` before `fit()`. "
                "Received: an uncompiled model."
            )
        check_training_data(self, x, y, batch_size, one_sided_data=one_sided_data)
        if isinstance(x, tf.data.Dataset):
            # A dataset shuffles itself; Keras would only warn about `shuffle`.
            kwargs.setdefault("shuffle", False)
        with name_data_errors(self):
            return super().fit(
                check_every_batch(self, x),
                y,
                batch_size=batch_size,
                epochs=epochs,
                verbose=verbose,
                callbacks=guard_callbacks(callbacks),
                **kwargs,
            )

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Under a strategy Keras draws one batch from a new iterator of the data
        # to build the model before training. That iterator advances a
        # reshuffling dataset (the replicas would then see another order than
        # one device), and under MultiWorkerMirroredStrategy averaging the batch
        # fails for (images, labels) (keras-team/keras#20585). A GAN whose
        # layers are built (by its constructor and `compile`) needs no batch.
        if all(layer.built for layer in self._flatten_layers()):
            iterator = None
        return super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    # === Sampling ===

    def call(self, inputs, training=False):
        """Runs the sampling generator on latent vectors (and labels, if conditional)."""
        return self.sampling_generator(inputs, training=training)

    def generate_from_latent(self, z, labels=None, batch_size=256):
        """Images for given latent vectors, in inference mode, as a numpy array."""
        images = []
        for start in range(0, len(z), batch_size):
            stop = start + batch_size
            inputs = self.generator_inputs(
                z[start:stop], None if labels is None else labels[start:stop]
            )
            images.append(ops.convert_to_numpy(self.sampling_generator(inputs, training=False)))
        return np.concatenate(images).astype("float32")

    def generate(self, num_images=None, labels=None, seed=None, batch_size=256):
        """Generates images in [-1, 1] as a float32 numpy array, in inference mode.

        One signature for every model class: `gan.generate(16, seed=0)`;
        `cgan.generate(labels=[0, 1, 2], seed=0)` for one image per label, or
        `cgan.generate(30, seed=0)` for classes 0, 1, 2, ... in turn. The latent
        vectors come from `keras_gans.latent.latent_vectors`, the same noise as
        the exported `generate_uint8` signature draws for that seed.

        Args:
            num_images: int > 0, how many images to generate. Optional for a
                conditional model given `labels`.
            labels: int class labels in [0, num_classes), one image each
                (conditional models only). Defaults to `None`.
            seed: int or None. The same seed gives the same images; the
                model's training noise is not touched. Defaults to `None`.
            batch_size: how many images the generator makes per call.
                Defaults to `256`.
        """
        labels = self.labels_to_generate(num_images, labels)
        if labels is not None:
            num_images = len(labels)
        elif not isinstance(num_images, (int, np.integer)) or num_images < 1:
            raise ValueError(
                f"`num_images` must be a positive int. Received: num_images={num_images!r}"
            )
        z = latent_vectors(num_images, self.latent_dim, seed)
        return self.generate_from_latent(z, labels, batch_size=batch_size)

    def labels_to_generate(self, num_images, labels):
        """The int32 labels of the images `generate` makes; None for unconditional models."""
        if labels is not None:
            raise ValueError(
                f"`labels` are for conditional models; a {type(self).__name__} takes "
                f"num_images only. Received: labels={labels!r}"
            )
        return None


def _made_eagerly(next_creator, **kwargs):
    """A variable creator for variables made in `tf.init_scope` while a function is traced."""
    kwargs["experimental_enable_variable_lifting"] = False
    return next_creator(**kwargs)


class _Trackers:
    """`keras.metrics.Mean` trackers by name, made on first use, outside Keras' tracking.

    Made while `train_step` is traced, a tracker's variables are made eagerly
    (`tf.init_scope`), as Keras' own metrics would be built before it, and
    marked as nothing for `tf.function` to lift: otherwise `tf.function` traces
    a step that created variables a second time, which doubled the cost of
    every model's first `fit`. Not being a list or dict attribute of the model,
    they are not saved: a per-epoch average is no part of the training state.
    """

    def __init__(self):
        self._means = {}

    def get(self, name):
        if name not in self._means:
            with tf.init_scope(), tf.variable_creator_scope(_made_eagerly):
                self._means[name] = keras.metrics.Mean(name=name)
        return self._means[name]

    def items(self):
        return self._means.items()

    def values(self):
        return list(self._means.values())


class _DiscriminatorFeatures:
    """D run once for its logits and its `"features"` layer, outside Keras' tracking.

    The functional model shares D's layers and weights (nothing is saved
    twice). A discriminator without a `"features"` layer gives its flattened
    inputs as features (`named` is then False).
    """

    def __init__(self, discriminator):
        self.needs_real_in_generator_step = False
        self.named = False
        inputs = getattr(discriminator, "inputs", None)
        if inputs is None:  # not a functional model: logits only
            self.model = None
            return
        try:
            features = discriminator.get_layer("features").output
            self.named = True
        except ValueError:
            features = inputs[0]
        self.model = keras.Model(inputs, [discriminator.outputs[0], features])

    def __call__(self, discriminator, inputs, training):
        if self.model is None:
            logits = discriminator(inputs, training=training)
            features = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        else:
            logits, features = self.model(inputs, training=training)
        # Losses and the terms on features are computed in float32 (mixed precision).
        return mixed_precision.to_float32(logits), mixed_precision.to_float32(features)
