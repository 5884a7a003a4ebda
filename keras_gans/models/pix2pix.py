"""Pix2Pix: paired image-to-image translation (Isola et al. 2017)."""

import keras
from keras import ops

from keras_gans import mixed_precision
from keras_gans.engine.adversarial_model import AdversarialModel
from keras_gans.engine.batch_spec import BatchSpec
from keras_gans.engine.data_checks import after_the_batch_is_read
from keras_gans.engine.forward import Forward
from keras_gans.engine.network_checks import check_translation_networks
from keras_gans.engine.step_state import StepState
from keras_gans.engine.translation import Translation
from keras_gans.losses import global_batch_mean


@keras.saving.register_keras_serializable(package="keras_gans")
class Pix2Pix(Translation, AdversarialModel):
    """A conditional GAN that translates source images into target images, trained on pairs.

    `fit` takes `(source, target)` batches (`kg.data.load_pairs`, or a real
    task made from any images by `kg.data.paired_task`). Each step:

    1. **Discriminator** (a PatchGAN that sees the source and an image): the
       real pair (source, target) against the translated one (source, G(source)).
    2. **Generator**: the adversarial loss on the updated D, plus
       `l1_weight * E|target - G(source)|`, through the forward pass recorded
       in step 1. The L1 term makes the output right at low frequencies; the
       PatchGAN makes it sharp.

    There is no latent vector: the U-Net's **dropout** is the noise source
    (Isola et al. found G learned to ignore an input z). The paper keeps
    dropout on at test time too; `kg.networks.unet_generator`'s default
    (`dropout_at_inference=False`) turns it off, so that `translate` is
    deterministic, and `dropout_at_inference=True` restores the paper's
    stochastic outputs. The paper halves D's loss; Adam's updates do not
    depend on a loss's scale, so the step does not.

    Every trick of the engine works here (`compile(augment=...)` augments
    the source and the image together, so a pair stays aligned), as do EMA
    (`ema_decay`), mixed precision and `tf.distribute`.

    Logged: `d_loss`, `d_real`, `d_fake`, `g_loss` (adversarial + weighted
    L1), `l1` (unweighted), the tricks' terms, `d_grad_norm`, `g_grad_norm`,
    `diversity`; `validation_data` logs `val_l1` and D's `val_d_*`.

    Args:
        generator: `keras.Model` mapping source images to target images in
            [-1, 1] (`kg.networks.unet_generator`).
        discriminator: `keras.Model` taking `[images, source]` and returning
            logits, one or a map per pair (`kg.networks.patch_discriminator(
            image_shape, source_shape=...)`).
        l1_weight: float >= 0, lambda, the weight of the L1 term.
            Defaults to `100.0`, the paper's.
        seed: int or None, seed of the model's noise. Defaults to `None`.
        ema_decay: float in [0, 1) or None: translate with an exponential
            moving average of G. Defaults to `None`.

    The default optimizers are `Adam(2e-4, beta_1=0.5)`, as in the paper.

    Example:

    ```python
    shape = (32, 32, 3)
    p2p = kg.Pix2Pix(
        generator=kg.networks.unet_generator(shape),
        discriminator=kg.networks.patch_discriminator(shape, source_shape=shape),
    )
    p2p.compile()
    p2p.fit(kg.data.load_pairs("facades/", batch_size=1, direction="b_to_a"), epochs=200)
    outputs = p2p.translate(sources)
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial
        Networks", CVPR 2017.
    """

    batch_spec = BatchSpec(
        ("source", "target"),
        ignored=("labels",),
        hint="Load pairs with kg.data.load_pairs(...), or make a task with "
        "kg.data.paired_task(dataset, 'super_resolution').",
    )
    directions = {"source_to_target": "generator"}

    def __init__(self, generator, discriminator, *, l1_weight=100.0, **kwargs):
        if (
            isinstance(l1_weight, bool)
            or not isinstance(l1_weight, (int, float))
            or (not l1_weight >= 0)
        ):
            raise ValueError(f"`l1_weight` must be >= 0. Received: l1_weight={l1_weight!r}")
        self.l1_weight = float(l1_weight)
        super().__init__({"generator": generator, "discriminator": discriminator}, **kwargs)

    def get_config(self):
        return {**super().get_config(), "l1_weight": self.l1_weight}

    def check_networks(self):
        check_translation_networks(self, {"generator": ("discriminator", True)})
        source = tuple(self.generator.inputs[0].shape[1:])
        conditioned = tuple(self.discriminator.inputs[1].shape[1:])
        if conditioned != source:
            raise ValueError(
                "The discriminator must be conditioned on the generator's source images. "
                f"Received: a discriminator whose source input is (None, *{conditioned}) and "
                f"a generator taking (None, *{source})."
            )

    def data_shapes(self):
        return {
            "source": tuple(self.generator.inputs[0].shape[1:]),
            "target": tuple(self.generator.outputs[0].shape[1:]),
        }

    # === Training ===

    def translate_for_training(self, source):
        return {"fake": mixed_precision.to_float32(self.generator(source, training=True))}

    def l1_term(self, target):
        """The model's own term of G's loss: `{"l1": (l1_weight, E|target - fake|)}`."""
        return lambda outputs: {
            "l1": (self.l1_weight, global_batch_mean(ops.abs(target - outputs["fake"])))
        }

    @after_the_batch_is_read
    def train_step(self, data):
        source, target = self.batch_spec.unpack(data)
        forward = Forward.record(lambda: self.translate_for_training(source))
        state = StepState(real=target, fake=forward.outputs["fake"], condition=source)
        self.update_players([state], forward, terms=self.l1_term(target))
        return self.logs()

    def test_step(self, data):
        """L1 and D's loss and outputs on held-out pairs, in inference mode (no update)."""
        source, target = self.batch_spec.unpack(data)
        fake = mixed_precision.to_float32(self.generator(source, training=False))
        state = StepState(real=target, fake=fake, condition=source)
        real_logits, _ = self.discriminate(target, state, training=False, augment=False)
        fake_logits, _ = self.discriminate(fake, state, training=False, augment=False)
        results = {
            "l1": global_batch_mean(ops.abs(target - fake)),
            "d_loss": self.adversarial_loss.discriminator_loss(real_logits, fake_logits),
            **self.adversarial_loss.discriminator_logs(real_logits, fake_logits),
        }
        self.trackers.update(results)
        return self.logs(list(results))
