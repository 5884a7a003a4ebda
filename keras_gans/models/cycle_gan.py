"""CycleGAN: unpaired image-to-image translation (Zhu et al. 2017)."""

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
from keras_gans.layers.image_pool import ImagePool
from keras_gans.losses import global_batch_mean


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(Translation, AdversarialModel):
    """Two translators between domains A and B, trained without pairs, each undoing the other.

    `fit` takes `(a, b)` batches of unpaired images (`kg.data.load_unpaired`).
    G_ab translates A into B and G_ba B into A; D_a tells real A images from
    G_ba's, D_b real B images from G_ab's. Each step:

    1. Both generators translate both batches, and translate the translations
       back (the cycles); with `identity_weight` > 0 each also maps the other
       domain's images (G_ab(b) should be b). The pass is recorded.
    2. **Discriminators** (one player, one optimizer): D_a on real A against
       G_ba's outputs drawn from a history pool of `pool_size` images
       (`kg.layers.ImagePool`, Shrivastava et al. 2017), D_b likewise.
    3. **Generators** (one player, one optimizer): the adversarial loss of
       both translations on the updated discriminators (on the same pass
       of D with `compile(simultaneous_updates=True)` and `pool_size=0`),
       plus the cycle consistency `E|G_ba(G_ab(a)) - a| + E|G_ab(G_ba(b)) - b|`
       and the identity term `E|G_ba(a) - a| + E|G_ab(b) - b|`.

    **Weights.** The paper writes the least-squares generator loss as
    E[(D(G(x)) - 1)^2] and weights each cycle term by lambda = 10, the
    identity terms by 0.5 lambda. `kg.losses`' least squares carries LSGAN's
    1/2 (Mao et al.), so the step adds the cycle and identity terms with
    `cycle_weight / 2` and `identity_weight * cycle_weight / 2`: G's loss is
    exactly half the paper's, and Adam's updates, which do not depend on the
    loss's scale, are the paper's.

    The paper's learning rate is 2e-4 for 100 epochs, then falls linearly to
    0 over 100 more: `kg.schedules.LinearDecay` (the `cyclegan` preset of
    `kg.train` sets it from the run's length).

    Logged: `d_loss` and, per domain, `d_loss_a`, `d_real_a`, `d_fake_a`,
    `diversity_a` (and `_b`); `g_loss`, `g_adversarial_a` / `_b`, `cycle_a`,
    `cycle_b`, `identity_a`, `identity_b` (unweighted), the gradient norms.

    Args:
        generator_ab: `keras.Model` translating A images into B images in
            [-1, 1] (`kg.networks.resnet_translator`).
        generator_ba: the same, B into A.
        discriminator_a: `keras.Model` judging A images
            (`kg.networks.patch_discriminator`).
        discriminator_b: the same, for B images.
        cycle_weight: float >= 0, lambda. Defaults to `10.0`, the paper's.
        identity_weight: float >= 0, the identity terms' weight as a fraction
            of `cycle_weight`. Defaults to `0.5`, the paper's (0 turns them
            off; they need domains with the same number of channels).
        pool_size: int >= 0, images in each discriminator's history pool.
            Defaults to `50`. With 0 there is no pool: each D judges the
            newest translations, as TensorFlow's CycleGAN tutorial does.
        seed, ema_decay: see `AdversarialModel`.

    Example:

    ```python
    S = (64, 64, 3)
    cyc = kg.CycleGAN(
        generator_ab=kg.networks.resnet_translator(S),
        generator_ba=kg.networks.resnet_translator(S),
        discriminator_a=kg.networks.patch_discriminator(S, normalization="instance"),
        discriminator_b=kg.networks.patch_discriminator(S, normalization="instance"),
    )
    cyc.compile()  # least squares, Adam(2e-4, beta_1=0.5)
    cyc.fit(kg.data.load_unpaired("horse2zebra/trainA", "horse2zebra/trainB"), epochs=200)
    zebras = cyc.translate(horses, direction="a_to_b")
    ```

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.
    """

    players = {
        "discriminator": ("discriminator_a", "discriminator_b"),
        "generator": ("generator_ab", "generator_ba"),
    }
    batch_spec = BatchSpec(
        ("a", "b"), hint="Load unpaired images with kg.data.load_unpaired(a_folder, b_folder)."
    )
    directions = {"a_to_b": "generator_ab", "b_to_a": "generator_ba"}
    default_loss = "least_squares"

    def __init__(self, generator_ab, generator_ba, discriminator_a, discriminator_b, *,
                 cycle_weight=10.0, identity_weight=0.5, pool_size=50, **kwargs):  # fmt: skip
        for name, value in (("cycle_weight", cycle_weight), ("identity_weight", identity_weight)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ValueError(f"`{name}` must be >= 0. Received: {name}={value!r}")
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 0:
            raise ValueError(f"`pool_size` must be an int >= 0. Received: pool_size={pool_size!r}")
        self.pool_size = pool_size
        networks = {
            "generator_ab": generator_ab,
            "generator_ba": generator_ba,
            "discriminator_a": discriminator_a,
            "discriminator_b": discriminator_b,
        }
        super().__init__(networks, **kwargs)
        # === History pools, one per discriminator (none with pool_size=0) ===
        if pool_size:
            self.pool_a = ImagePool(pool_size, name="pool_a")
            self.pool_b = ImagePool(pool_size, name="pool_b")
            self.pool_a.build((None, *self.data_shapes()["a"]))
            self.pool_b.build((None, *self.data_shapes()["b"]))

    def get_config(self):
        return {
            **super().get_config(),
            "cycle_weight": self.cycle_weight,
            "identity_weight": self.identity_weight,
            "pool_size": self.pool_size,
        }

    def check_networks(self):
        check_translation_networks(
            self,
            {
                "generator_ab": ("discriminator_b", False),
                "generator_ba": ("discriminator_a", False),
            },
        )
        a_in = tuple(self.generator_ab.inputs[0].shape[1:])
        a_out = tuple(self.generator_ba.outputs[0].shape[1:])
        b_in = tuple(self.generator_ba.inputs[0].shape[1:])
        b_out = tuple(self.generator_ab.outputs[0].shape[1:])
        if a_in != a_out or b_in != b_out:
            raise ValueError(
                "Each generator must take the images the other one makes (A -> B -> A). "
                f"Received: generator_ab (None, *{a_in}) -> (None, *{b_out}) and "
                f"generator_ba (None, *{b_in}) -> (None, *{a_out})."
            )
        if self.identity_weight and a_in[-1] != b_in[-1]:
            raise ValueError(
                "The identity terms map each domain's images through the other generator, "
                f"so both domains need the same number of channels. Received: A images with "
                f"{a_in[-1]} channels, B images with {b_in[-1]}. Pass identity_weight=0."
            )

    def data_shapes(self):
        return {
            "a": tuple(self.generator_ab.inputs[0].shape[1:]),
            "b": tuple(self.generator_ba.inputs[0].shape[1:]),
        }

    # === Training ===

    def translate_for_training(self, a, b):
        """Every image the generators' loss reads, from one recorded pass."""

        def run(network, images):
            return mixed_precision.to_float32(network(images, training=True))

        fake_b, fake_a = run(self.generator_ab, a), run(self.generator_ba, b)
        outputs = {
            "fake_a": fake_a,
            "fake_b": fake_b,
            "cycled_a": run(self.generator_ba, fake_b),
            "cycled_b": run(self.generator_ab, fake_a),
        }
        if self.identity_weight:
            outputs["same_a"] = run(self.generator_ba, a)
            outputs["same_b"] = run(self.generator_ab, b)
        return outputs

    def cycle_terms(self, a, b):
        """The model's own terms of G's loss: cycle consistency and identity (see above)."""
        weight = self.cycle_weight / 2  # kg's least squares is half the paper's (above)

        def terms(outputs):
            def l1(x, y):
                return global_batch_mean(ops.abs(x - y))

            found = {
                "cycle_a": (weight, l1(outputs["cycled_a"], a)),
                "cycle_b": (weight, l1(outputs["cycled_b"], b)),
            }
            if self.identity_weight:
                found["identity_a"] = (self.identity_weight * weight, l1(outputs["same_a"], a))
                found["identity_b"] = (self.identity_weight * weight, l1(outputs["same_b"], b))
            return found

        return terms

    @after_the_batch_is_read
    def train_step(self, data):
        a, b = self.batch_spec.unpack(data)
        forward = Forward.record(lambda: self.translate_for_training(a, b))

        def pairs(fake_a, fake_b):
            return [
                StepState(real=a, fake=fake_a, discriminator="discriminator_a", suffix="_a"),
                StepState(real=b, fake=fake_b, discriminator="discriminator_b", suffix="_b"),
            ]

        newest = pairs(forward.outputs["fake_a"], forward.outputs["fake_b"])
        if not self.pool_size:  # D judges the newest translations, as G's loss does
            self.update_players(newest, forward, terms=self.cycle_terms(a, b))
            return self.logs()
        seed = self.seed_generator
        pooled = pairs(self.pool_a(newest[0].fake, seed_generator=seed),
                       self.pool_b(newest[1].fake, seed_generator=seed))  # fmt: skip
        self.update_players(pooled, forward, self.cycle_terms(a, b), generator_states=newest)
        return self.logs()

    def test_step(self, data):
        """The cycle L1 of each domain on held-out images, in inference mode (no update)."""
        a, b = self.batch_spec.unpack(data)

        def run(network, images):
            return mixed_precision.to_float32(network(images, training=False))

        cycled_a = run(self.generator_ba, run(self.generator_ab, a))
        cycled_b = run(self.generator_ab, run(self.generator_ba, b))
        results = {
            "cycle_a": global_batch_mean(ops.abs(cycled_a - a)),
            "cycle_b": global_batch_mean(ops.abs(cycled_b - b)),
        }
        self.trackers.update(results)
        return self.logs(list(results))
