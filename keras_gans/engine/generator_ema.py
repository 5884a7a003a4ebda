"""An exponential moving average of the generator's weights (Karras et al. 2018)."""

import keras
from keras import ops


class GeneratorEMA(keras.layers.Layer):
    """A copy of the generator whose weights follow an exponential moving average.

    After every generator update, each trainable weight of the copy becomes
    `ema = decay_t * ema + (1 - decay_t) * weight`, and its other weights
    (BatchNorm's moving statistics) are copied. Averaging the generator over
    its last updates smooths the oscillations of the game; the average
    generator samples better than the last one (Yazici et al. 2019) and is
    what progressive GANs and StyleGAN sample from (`G_ema`).

    **Ramp-up.** The effective decay is `decay_t = min(decay, (1 + t) / (10 + t))`
    after `t` earlier updates, the rule of `tf.train.ExponentialMovingAverage`
    with `num_updates`: the first updates follow the generator closely (0.1,
    0.18, ...) so that the average does not drag the random initial weights
    along, and `decay` is reached after about `10 / (1 - decay)` updates
    (9,990 for 0.999).

    The copy and `t` are weights of this layer: saved, restored and resumed
    with the model. Under `tf.distribute` every replica computes the same
    average from the same (mirrored) generator weights.

    Args:
        generator: the `keras.Model` to follow; cloned here with its weights.
        decay: float in [0, 1), the EMA's decay.

    References:
        Karras et al., "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", ICLR 2018; Yazici et al., "The Unusual
        Effectiveness of Averaging in GAN Training", ICLR 2019.
    """

    def __init__(self, generator, decay, **kwargs):
        super().__init__(**kwargs)
        decay = check_ema_decay(decay)
        self.decay = decay
        self.generator = keras.models.clone_model(generator)
        self.generator.set_weights(generator.get_weights())
        self.generator.trainable = False
        self.updates = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="updates"
        )
        self.built = True

    def current_decay(self):
        """`decay_t` of the next update (see the class docstring)."""
        t = ops.cast(self.updates, "float32")
        return ops.minimum(self.decay, (1.0 + t) / (10.0 + t))

    def update(self, generator):
        """Moves the copy towards `generator`'s weights; returns `decay_t`."""
        decay = self.current_decay()
        for average, weight in zip(self.generator.weights, generator.weights, strict=True):
            if weight.trainable:
                value = weight + ops.cast(decay, weight.dtype) * (average - weight)
            else:
                value = weight
            average.assign(value)
        self.updates.assign_add(1.0)
        return decay


def check_ema_decay(decay):
    """`decay` as a float in [0, 1); a `ValueError` naming it otherwise."""
    if isinstance(decay, bool) or not isinstance(decay, (int, float)) or not 0 <= decay < 1:
        raise ValueError(f"`ema_decay` must be a float in [0, 1). Received: ema_decay={decay!r}")
    return float(decay)
