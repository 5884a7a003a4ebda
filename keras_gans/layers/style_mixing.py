"""StyleGAN's mixing regularisation: one latent per layer, a second one after a random layer."""

import numbers

import keras
from keras import ops

from keras_gans.layers.arguments import check_positive_int
from keras_gans.layers.seeded_layer import SeededLayer


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleMixing(SeededLayer):
    """Broadcasts `w` to every synthesis layer, mixing in `w_mix` in training.

    The output `ws` of shape `(batch, num_ws, w_dim)` gives each layer of the
    synthesis network its latent. Outside training every row is `w`. With
    `training=True`, each example, with probability `probability`, switches
    to its second latent `w_mix` from a random crossover layer `c` on
    (`c` uniform in `[1, num_ws)`, as in the StyleGAN2 code): rows `0..c-1`
    are `w`, rows `c..num_ws-1` are `w_mix`. This keeps adjacent styles from
    being correlated, so that each layer's style controls its own scale.

    The draws are per example (the paper: "a given percentage of images are
    generated using two random latent codes"; the StyleGAN2 code draws one
    crossover per batch), from the layer's own `keras.random.SeedGenerator`
    (saved with the model; per replica, the rows one device would draw, see
    `SeededLayer`).

    Args:
        num_ws: int >= 1, the number of synthesis layers that take a latent.
        probability: float in [0, 1], the fraction of mixed examples in
            training. Defaults to `0.9` (StyleGAN, StyleGAN2).
        seed: int or `None`, the seed of the draws. Defaults to `None`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Inputs: `[w, w_mix]`, both `(batch, w_dim)` (`w_mix` is the mapping of a
    second latent vector; it is not read outside training). Output:
    `(batch, num_ws, w_dim)`.

    Example:

    ```python
    ws = kg.layers.StyleMixing(num_ws=12)([w, w_mix])  # (batch, 12, w_dim)
    ```

    Reference:
        Karras et al., "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, section 3.1.
    """

    def __init__(self, num_ws, probability=0.9, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.num_ws = check_positive_int("num_ws", num_ws)
        if (
            isinstance(probability, bool)
            or not isinstance(probability, numbers.Real)
            or not 0 <= probability <= 1
        ):
            raise ValueError(
                f"`probability` must be a number in [0, 1]. Received: probability={probability!r}"
            )
        self.probability = float(probability)

    def call(self, inputs, training=None):
        w, w_mix = inputs
        ws = ops.repeat(w[:, None, :], self.num_ws, axis=1)
        if not training or self.probability == 0 or self.num_ws == 1:
            return ws
        batch = ops.shape(w)[0]
        mixed = self.draw(
            lambda n: keras.random.uniform((n,), seed=self.seed_generator), batch
        ) < ops.cast(self.probability, "float32")
        crossover = self.draw(
            lambda n: keras.random.randint((n,), 1, self.num_ws, seed=self.seed_generator), batch
        )
        crossover = ops.where(mixed, crossover, self.num_ws)
        use_mix = ops.arange(self.num_ws)[None, :] >= ops.cast(crossover, "int32")[:, None]
        return ops.where(use_mix[:, :, None], w_mix[:, None, :], ws)

    def compute_output_shape(self, input_shape):
        w_shape = input_shape[0]
        return (w_shape[0], self.num_ws, w_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update({"num_ws": self.num_ws, "probability": self.probability})
        return config
