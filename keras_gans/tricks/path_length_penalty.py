"""StyleGAN2's path length regularisation: a fixed step in w moves the image by a fixed amount."""

import math
import types

import keras
from keras import ops

from keras_gans import mixed_precision
from keras_gans.losses import global_batch_mean
from keras_gans.losses.reduction import mean_over_global_batch
from keras_gans.step_schedule import lazily
from keras_gans.tricks.trick import Option, Trick, check_count


@keras.saving.register_keras_serializable(package="keras_gans")
class PathLengthPenalty(Trick):
    """Adds `E (||J_w^T y||_2 - a)^2` to G's loss, `y ~ N(0, I) / sqrt(H W)` (StyleGAN2).

    For fresh latents (half a batch, StyleGAN2's `pl_batch_shrink=2`), the
    generator's ws as training makes them (style mixing included: the output
    of its layer `"style_mixing"`) go through its `"synthesis"` sub-model,
    whose output is the linear image (before the tanh). With random images
    `y` of per-pixel variance `1 / (H W)`, the path length of an example is
    `L = sqrt(mean over the ws rows of ||d sum(images * y) / d ws||^2)`, and
    the penalty is `(L - a)^2`, averaged over the examples. `a` is a running
    mean of the lengths, `a <- a + decay * (mean(L) - a)`, updated before the
    penalty on every step that computes it: a weight of this trick (named
    `path_length_mean`), saved, restored and resumed with the model. The
    penalty is differentiated through the inner gradient (second order).
    It favours a generator whose Jacobian is a scaled orthogonal map: a step
    in w changes the image by the same amount wherever and in whatever
    direction it is taken, which the StyleGAN2 paper links to image quality
    and makes the generator easier to invert.

    Turned on by `compile(path_length=weight)` (StyleGAN2: 2); logged as
    `path_length`, the unweighted penalty. Lazy regularisation (Karras et al.
    2020, sec. 3.1, StyleGAN2's `G_reg_interval=4`): with `every_n_steps=k`
    (`path_length_every_n_steps`), the penalty is computed on one training
    step in k (step 0 is one, counted in generator updates) and multiplied
    by k; on the other steps the term, its log and `a` do not change (the
    log is 0).

    Needs a generator with a sub-model named `"synthesis"` (ws -> linear
    images) and a layer named `"style_mixing"` whose output are those ws, as
    `kg.networks.style_generator` builds it; `compile` says so otherwise.

    Args:
        weight: float >= 0, the penalty's weight (`pl_weight`).
        every_n_steps: int >= 1, training steps per computed penalty.
            Defaults to `1`.
        decay: float in (0, 1], the running mean's rate (`pl_decay`).
            Defaults to `0.01`.
        batch_shrink: int >= 1, the penalty's batch is the training batch
            divided by this (at least 1 example). Defaults to `2`.

    Example:

    ```python
    gan.compile(path_length=2.0, path_length_every_n_steps=4)
    # or: gan.compile(tricks=[kg.tricks.PathLengthPenalty(2.0, every_n_steps=4)])
    ```

    Reference:
        Karras et al., "Analyzing and Improving the Image Quality of
        StyleGAN", CVPR 2020, sec. 3.2 (path length regularisation) and
        3.1 (lazy regularisation); the StyleGAN2-ADA code,
        `training/loss.py` (`pl_weight=2`, `pl_decay=0.01`,
        `pl_batch_shrink=2`).
    """

    options = (
        Option(
            "path_length", "weight", 0.0, float,
            "weight of StyleGAN2's path length penalty on G (style generators)",
        ),
        Option(
            "path_length_every_n_steps", "every_n_steps", 1, int,
            "compute the path length penalty every N steps (lazy)",
        ),
    )  # fmt: skip
    log_name = "path_length"

    def __init__(self, weight, every_n_steps=1, decay=0.01, batch_shrink=2, **kwargs):
        super().__init__(weight, **kwargs)
        self.every_n_steps = check_count(every_n_steps, self.options[1].name)
        if isinstance(decay, bool) or not isinstance(decay, (int, float)) or not 0 < decay <= 1:
            raise ValueError(f"`decay` must be a number in (0, 1]. Received: decay={decay!r}")
        self.decay = float(decay)
        self.batch_shrink = check_count(batch_shrink, "batch_shrink")

    def configure(self, model):
        generator = model.networks.get("generator")
        try:
            synthesis = generator.get_layer("synthesis")
            ws = generator.get_layer("style_mixing").output
        except (ValueError, AttributeError) as error:
            raise ValueError(
                "`path_length` differentiates the generator's images with respect to its "
                "per-layer latents ws: it needs a generator with a sub-model named "
                "'synthesis' (ws -> linear images) and a layer named 'style_mixing' (z -> "
                "ws), as kg.networks.style_generator builds. Received: a "
                f"{type(model).__name__} whose generator is "
                f"{getattr(generator, 'name', generator)!r}."
            ) from error
        self.latent_dim = model.latent_dim
        # Not attributes Keras tracks: the generator's weights are the model's, not this trick's.
        self.networks = types.SimpleNamespace(
            synthesis=synthesis, ws=keras.Model(generator.inputs, ws)
        )
        self.mean = self.add_weight(
            shape=(),
            initializer="zeros",
            trainable=False,
            aggregation="mean",
            name="path_length_mean",
        )

    def path_lengths(self, ws, noise, optimizer=None):
        """Per-example path lengths `L` of the synthesis at `ws` along the images `noise`.

        Args:
            ws: `(batch, num_ws, w_dim)` latents of the synthesis.
            noise: `(batch, H, W, C)`, what the images are projected on
                (already divided by `sqrt(H W)`).
            optimizer: the generator's optimizer, whose loss scale the inner
                gradient uses under mixed precision. Defaults to `None`.

        Returns:
            `(lengths, finite)`: `(batch,)` float32, and False when the
            inner gradient overflowed under a loss scale.
        """

        def projected(latents):
            images = ops.cast(self.networks.synthesis(latents, training=True), "float32")
            return ops.sum(images * noise, axis=list(range(1, len(images.shape))))

        gradients, finite = mixed_precision.input_gradients(projected, ws, optimizer)
        lengths = ops.sqrt(ops.mean(ops.sum(ops.square(gradients), axis=2), axis=1))
        return lengths, finite

    def draw(self, model, batch_size):
        """`(z, y)`: fresh latents and the images `y ~ N(0, I) / sqrt(H W)` to project on."""
        seed = model.seed_generator  # the model's seeded noise, as the other tricks draw
        z = model.draw_for_replica(
            lambda n: keras.random.normal((n, self.latent_dim), seed=seed), batch_size
        )
        height, width, channels = self.networks.synthesis.outputs[0].shape[1:]
        noise = model.draw_for_replica(
            lambda n: keras.random.normal((n, height, width, channels), seed=seed), batch_size
        )
        return z, noise / math.sqrt(height * width)

    def penalty(self, model, batch_size):
        """Updates `a` on `batch_size` fresh latents; returns the mean of `(L - a)^2`."""
        z, noise = self.draw(model, batch_size)
        ws = self.networks.ws(z, training=True)
        lengths, finite = self.path_lengths(ws, noise, model.optimizers["generator"])
        mean = self.mean + self.decay * (mean_over_global_batch(lengths) - self.mean)
        mean = ops.stop_gradient(ops.where(finite, mean, self.mean))
        self.mean.assign(mean)
        penalty = global_batch_mean(ops.square(lengths - mean))
        return mixed_precision.zero_if_overflowed(penalty, finite)

    def generator_terms(self, model, state):
        batch_size = ops.shape(state.fake)[0] // self.batch_shrink  # this replica's share
        if isinstance(batch_size, int):
            batch_size = max(batch_size, 1)
        else:
            batch_size = ops.maximum(batch_size, 1)
        penalty = lazily(model, self.every_n_steps, lambda: self.penalty(model, batch_size))
        return {self.log_name: penalty}

    def get_config(self):
        config = super().get_config()
        config.update({"decay": self.decay, "batch_shrink": self.batch_shrink})
        return config
