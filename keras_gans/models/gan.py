"""The generative adversarial network: noise in, images out, trained with `fit`."""

import keras
from keras import ops

from keras_gans import mixed_precision
from keras_gans.engine.adversarial_model import AdversarialModel
from keras_gans.engine.critic_steps import check_critic_steps, deal, run_critic_steps
from keras_gans.engine.data_checks import after_the_batch_is_read
from keras_gans.engine.forward import Forward
from keras_gans.engine.network_checks import check_latent_networks
from keras_gans.engine.sampling import LatentSampling
from keras_gans.engine.step_state import StepState


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(LatentSampling, AdversarialModel):
    """A generator and a discriminator trained against each other with `fit`.

    Each `train_step` takes one batch of real images and makes two updates:

    1. **Discriminator**: latent vectors z ~ N(0, I) give fakes G(z); D is
       trained to tell the real batch from them (`critic_steps` times, on
       slices of the batch, for a critic trained harder than G).
    2. **Generator**: G is trained to make the updated D call the same fakes
       real, through the forward pass recorded when they were made (G has not
       changed since: the gradient of a new pass on the same z, one generator
       pass fewer). `compile(reuse_fakes=False)` draws new latent vectors for
       this step instead (Goodfellow et al. 2014, Algorithm 1);
       `compile(simultaneous_updates=True)` takes G's gradient from D's pass
       of step 1, before D's update.

    Both networks run with `training=True` in both steps. Noise comes from
    a `keras.random.SeedGenerator` owned by the model (`seed`), saved and
    restored with it; under a `tf.distribute` strategy every replica draws
    the latent vectors of the whole global batch and keeps its slice, and
    losses are global-batch means, so multi-device training matches one
    device. The objective (loss, tricks' terms) and the logs come from the
    engine (`keras_gans/engine/adversarial_steps.py`).

    Logged: `d_loss`, `g_loss`, what the loss says about D's outputs
    (`d_real` / `d_fake`, D's mean probabilities, for the default loss: both
    near 0.5 at the equilibrium D* = p_data / (p_data + p_g); `d_real` -> 1
    with `d_fake` -> 0 is D winning), the tricks' terms, `d_grad_norm`,
    `g_grad_norm` and `diversity` (`engine/diagnostics.py`), which
    `kg.callbacks.TrainingMonitor` reads. `fit(validation_data=...)` logs D's
    loss and outputs on held-out real images against fresh fakes (`val_*`).

    Args:
        generator: `keras.Model` mapping `(batch, latent_dim)` latent vectors
            to images in [-1, 1].
        discriminator: `keras.Model` mapping images to one logit per image.
        latent_dim: int, size of the latent vectors.
        critic_steps: int >= 1, discriminator updates per generator update;
            each batch is dealt into that many slices (see `WGAN`).
            Defaults to `1`.
        seed: int or None, seed of the model's noise. Defaults to `None`.
        ema_decay: float in [0, 1) or None: sample from an exponential moving
            average of G (see `AdversarialModel`). Defaults to `None`.

    Example:

    ```python
    gan = kg.GAN(
        generator=kg.networks.dcgan_generator(128, (28, 28, 1)),
        discriminator=kg.networks.dcgan_discriminator((28, 28, 1)),
        latent_dim=128,
    )
    gan.compile()  # Adam(2e-4, beta_1=0.5) for both, non-saturating loss
    gan.fit(kg.data.load("fashion_mnist", batch_size=32), epochs=5)
    images = gan.generate(16, seed=0)  # (16, 28, 28, 1) in [-1, 1]
    ```

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    draws_fresh_fakes = True
    # Inputs each network takes: z (images) alone, or with labels when conditional.
    network_inputs = 1
    network_inputs_hint = "Networks built with num_classes=... belong in a ConditionalGAN."

    def __init__(self, generator, discriminator, latent_dim, *, critic_steps=1, seed=None,
                 ema_decay=None, **kwargs):  # fmt: skip
        self.latent_dim = int(latent_dim)
        self.critic_steps = check_critic_steps(critic_steps)
        super().__init__(
            {"generator": generator, "discriminator": discriminator},
            seed=seed,
            ema_decay=ema_decay,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        config.update({"latent_dim": self.latent_dim, "critic_steps": self.critic_steps})
        return config

    # === Networks and data ===

    def check_networks(self):
        check_latent_networks(self)

    @property
    def image_shape(self):
        """`(height, width, channels)` the discriminator expects, if known."""
        inputs = getattr(self.discriminator, "inputs", None)
        return tuple(inputs[0].shape[1:]) if inputs else None

    def data_shapes(self):
        return {"images": self.image_shape}

    def check_batch_size(self, batch_size):
        """Each critic step needs at least one image of the batch."""
        k = self.critic_steps
        if batch_size is not None and batch_size < k:
            raise ValueError(
                f"Each batch is split into critic_steps={k} slices, one per critic step. "
                f"Received: batches of {batch_size} images; expected at least {k} "
                f"(ideally a multiple, e.g. {64 * k})."
            )

    def unpack_batch(self, data):
        """`(images, labels)` of a batch; labels are None for an unconditional model."""
        parts = self.batch_spec.unpack(data)
        return parts[0], (parts[1] if len(parts) > 1 else None)

    def generator_inputs(self, z, labels):
        """What G takes: z (and the labels, for a conditional model)."""
        return z

    # === Training ===

    def sample_latent(self, batch_size):
        """Draws `batch_size` latent vectors z ~ N(0, I) from the model's noise."""
        return self.draw_for_replica(
            lambda n: keras.random.normal((n, self.latent_dim), seed=self.seed_generator),
            batch_size,
        )

    def fake_images(self, batch_size, labels=None):
        """`batch_size` fresh fakes of G in training mode, as float32 images."""
        z = self.sample_latent(batch_size)
        images = self.generator(self.generator_inputs(z, labels), training=True)
        return mixed_precision.to_float32(images)

    def judge(self, real, fake, labels):
        """The `StepState` D judges: real images against fakes, both with the labels."""
        return StepState(real=real, fake=fake, condition=labels)

    @after_the_batch_is_read
    def train_step(self, data):
        images, labels = self.unpack_batch(data)
        real, real_labels = deal(images, labels, self.critic_steps, 0)
        batch_size = ops.shape(real)[0]
        forward = Forward.record(lambda: {"fake": self.fake_images(batch_size, real_labels)})
        judged = self.judge(real, forward.outputs["fake"], real_labels)
        if self.simultaneous_updates:  # critic_steps == 1 and reuse_fakes (compile checks)
            self.simultaneous_step([judged], forward)
            return self.logs()
        self.discriminator_step([judged])

        def critic_step(part):
            part_real, part_labels = deal(images, labels, self.critic_steps, part)
            fake = self.fake_images(ops.shape(part_real)[0], part_labels)
            self.discriminator_step([self.judge(part_real, fake, part_labels)])

        run_critic_steps(critic_step, self.critic_steps)
        if not self.reuse_fakes:
            forward = Forward.record(lambda: {"fake": self.fake_images(batch_size, real_labels)})
        self.generator_step([self.judge(real, forward.outputs["fake"], real_labels)], forward)
        return self.logs()

    def test_step(self, data):
        """D's loss and outputs on held-out real images against fresh fakes (no update).

        Both networks run in inference mode. `d_loss` here is the adversarial
        loss alone, without the terms of training.
        """
        real, labels = self.unpack_batch(data)
        z = self.sample_latent(ops.shape(real)[0])
        fake = self.generator(self.generator_inputs(z, labels), training=False)
        state = self.judge(real, mixed_precision.to_float32(fake), labels)
        real_logits, _ = self.discriminate(real, state, training=False, augment=False)
        fake_logits, _ = self.discriminate(state.fake, state, training=False, augment=False)
        results = {
            "d_loss": self.adversarial_loss.discriminator_loss(real_logits, fake_logits),
            **self.adversarial_loss.discriminator_logs(real_logits, fake_logits),
        }
        self.trackers.update(results)
        return self.logs(list(results))  # not the idle training trackers
