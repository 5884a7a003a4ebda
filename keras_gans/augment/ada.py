"""Adaptive discriminator augmentation (Karras et al. 2020): p set by D's overfitting."""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.augment.diff_augment import parse_policy
from keras_gans.augment.operations import OPERATIONS, uniform_sampler
from keras_gans.losses import global_batch_mean, num_replicas
from keras_gans.tricks.trick import Trick


@keras.saving.register_keras_serializable(package="keras_gans")
class ADA(Trick):
    """Augments every discriminator input with a probability `p` tuned during training.

    Each operation of `policy` is applied to each image with probability `p`
    (reals and fakes, both steps, gradients flowing as in `DiffAugment`).
    `p` starts at 0 and follows the overfitting heuristic of Karras et al.
    (2020): r_t = E[sign(D(real))] over the last `interval` discriminator
    steps; after them, `p += sign(r_t - target) * N / adjustment_images`,
    clipped to [0, 1], where N is the number of real images those steps saw.
    With the defaults `p` can go from 0 to 1 in 500k images, as in the paper.
    A D that is sure of every training image (r_t near 1) gets more
    augmentation; one that is unsure gets less.

    Logged every discriminator step: `ada_p` and `ada_rt` (the last r_t).
    `p` and the heuristic's running sums are weights: saved, restored and
    resumed with the model.

    The operations are DiffAugment's (`keras_gans/augment/operations.py`):
    a smaller set than the 18 of the paper's pipeline, applied the paper's
    way (each with probability p), as keras.io's `gan_ada` example does with
    its own set.

    Args:
        target: float in (0, 1), the r_t the heuristic aims at. Defaults to
            `0.6`, the paper's value.
        policy: comma-separated operations, see `DiffAugment`. Defaults to
            `"translation,cutout,color"`.
        interval: int >= 1, discriminator steps between updates of p.
            Defaults to `4`, the paper's value.
        adjustment_images: int > 0, images over which p can move by 1.
            Defaults to `500_000`, the paper's value; smaller values react
            faster in short runs.

    Example:

    ```python
    gan.compile(augment=kg.augment.ADA(target=0.6))
    ```

    Reference:
        Karras et al., "Training Generative Adversarial Networks with
        Limited Data", NeurIPS 2020.
    """

    def __init__(
        self,
        target=0.6,
        policy="translation,cutout,color",
        interval=4,
        adjustment_images=500_000,
        **kwargs,
    ):
        super().__init__(1.0, **kwargs)
        if not 0 < target < 1:
            raise ValueError(f"`target` must be in (0, 1). Received: target={target!r}")
        if not isinstance(interval, int) or interval < 1:
            raise ValueError(f"`interval` must be an int >= 1. Received: interval={interval!r}")
        if not adjustment_images > 0:
            raise ValueError(
                "`adjustment_images` must be > 0. "
                f"Received: adjustment_images={adjustment_images!r}"
            )
        self.target = float(target)
        self.operations = parse_policy(policy)
        self.policy = ",".join(self.operations)
        self.interval = interval
        self.adjustment_images = adjustment_images

    def configure(self, model):
        if hasattr(self, "p"):
            if self._model_id != id(model):
                raise ValueError(
                    "This ADA already adapts its p to another model's discriminator. "
                    "Received: an ADA in use by another model. Pass a new "
                    "kg.augment.ADA(...) to each model."
                )
            return  # the same model compiled again: p and the sums carry on
        self._model_id = id(model)

        def state(name):
            return self.add_weight(shape=(), initializer="zeros", trainable=False, name=name)

        self.p = state("p")
        self.rt = state("rt")  # the last r_t, for the logs
        self.sign_sum = state("sign_sum")  # sum over steps of E[sign(D(real))]
        self.steps = state("steps")
        self.images = state("images")

    def augment(self, images, model):
        uniform = uniform_sampler(model)
        for name in self.operations:
            applied = uniform(images, (1, 1, 1), 0.0, 1.0) < ops.cast(self.p, images.dtype)
            images = ops.where(applied, OPERATIONS[name](images, uniform), images)
        return images

    def discriminator_terms(self, model, state):
        # Not a loss term: this step's E[sign(D(real))], summed into the heuristic.
        real_logits = ops.stop_gradient(state.real_logits)
        mean_sign = global_batch_mean(ops.sign(ops.cast(real_logits, "float32")))
        batch = ops.cast(ops.shape(real_logits)[0] * num_replicas(), "float32")
        if num_replicas() > 1:
            mean_sign = tf.distribute.get_replica_context().all_reduce("sum", mean_sign)
        self.sign_sum.assign_add(mean_sign)
        self.steps.assign_add(1.0)
        self.images.assign_add(batch)
        return {}

    def after_discriminator_step(self, model):
        due = self.steps >= self.interval
        rt = self.sign_sum / ops.maximum(self.steps, 1.0)
        step = ops.sign(rt - self.target) * self.images / self.adjustment_images
        self.p.assign(ops.where(due, ops.clip(self.p + step, 0.0, 1.0), self.p))
        self.rt.assign(ops.where(due, rt, self.rt))
        for total in (self.sign_sum, self.steps, self.images):
            total.assign(ops.where(due, 0.0, total))
        return {"ada_p": global_batch_mean(self.p), "ada_rt": global_batch_mean(self.rt)}

    def get_config(self):
        return {
            **super().get_config(),
            "target": self.target,
            "policy": self.policy,
            "interval": self.interval,
            "adjustment_images": self.adjustment_images,
        }
