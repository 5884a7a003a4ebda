"""Balanced consistency regularization, bCR (Zhao et al. 2020)."""

import dataclasses

import keras
from keras import ops

from keras_gans.augment.operations import translation, uniform_sampler
from keras_gans.losses import global_batch_mean
from keras_gans.tricks.trick import Option, Trick


@keras.saving.register_keras_serializable(package="keras_gans")
class ConsistencyRegularization(Trick):
    """Asks D to give an image and its flipped, shifted copy the same output, reals and fakes.

    Adds `weight * (E ||D(x) - D(T(x))||^2 + E ||D(G(z)) - D(T(G(z)))||^2)` to
    D's loss, where T flips each image left-right with probability 1/2 and
    shifts it by up to 1/8 of its size (4 pixels of 32), as the paper does on
    CIFAR-10. Unlike augmenting D's inputs, T never reaches G's loss: D learns
    that these changes do not matter, and G is not asked to make flipped or
    shifted images. The balanced form regularises the fakes as well as the
    reals (CR-GAN, Zhang et al. 2020, regularised the reals only), which the
    paper found avoids artefacts of the augmentation appearing in G's
    outputs. A map of logits (PatchGAN) is compared through its mean per
    image, since T moves the patches. An image condition (Pix2Pix's source)
    is transformed with the image. Turned on by `compile(consistency=10.0)`;
    logged as `consistency_real` and `consistency_fake` (unweighted).

    Args:
        weight: float >= 0, lambda_real = lambda_fake (10 in the paper).

    Example:

    ```python
    gan.compile(loss="hinge", consistency=10.0)
    ```

    Reference:
        Zhao et al., "Improved Consistency Regularization for GANs", AAAI 2021
        (arXiv 2020); Zhang et al., "Consistency Regularization for Generative
        Adversarial Networks", ICLR 2020.
    """

    options = (
        Option("consistency", "weight", 0.0, float, "lambda of bCR, D's consistency under T"),
    )

    def transform(self, images, model):
        """T(images): a left-right flip with probability 1/2, then a shift of up to 1/8."""
        uniform = uniform_sampler(model)
        flip = uniform(images, (1, 1, 1), 0.0, 1.0) < 0.5
        images = ops.where(flip, ops.flip(images, axis=2), images)
        return translation(images, uniform, ratio=0.125)

    def discriminator_terms(self, model, state):
        terms = {}
        for name, images, logits in (
            ("consistency_real", state.real, state.real_logits),
            ("consistency_fake", ops.stop_gradient(state.fake), state.fake_logits),
        ):
            transformed, condition = self._transform_pair(images, state.condition, model)
            moved = dataclasses.replace(state, condition=condition)
            logits_t = model.discriminate(transformed, moved)[0]
            terms[name] = global_batch_mean(ops.square(_per_image(logits) - _per_image(logits_t)))
        return terms

    def _transform_pair(self, images, condition, model):
        """`T(images)`, and `T(condition)` by the same draw when the condition is an image."""
        paired = condition is not None and len(condition.shape) == 4
        if not paired:
            return self.transform(images, model), condition
        channels = ops.shape(images)[-1]
        both = ops.concatenate([images, ops.cast(condition, images.dtype)], axis=-1)
        both = self.transform(both, model)
        return both[..., :channels], both[..., channels:]


def _per_image(logits):
    """One value per image: the logit, or the mean of a map of logits."""
    if len(logits.shape) <= 2:
        return ops.reshape(logits, (ops.shape(logits)[0], -1))[:, 0]
    return ops.mean(ops.reshape(logits, (ops.shape(logits)[0], -1)), axis=1)
