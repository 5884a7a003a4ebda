"""The latent vectors of sampling outside training: one noise path for Python and serving."""

import numpy as np
import tensorflow as tf


def latent_normal(num, latent_dim, seed):
    """`num` latent vectors z ~ N(0, I) as a float32 tensor, a pure function of `seed`.

    `tf.random.stateless_normal` with the key `[seed, 0]`: the same numbers in
    eager Python (`generate`, `ImageGrid`, `evaluate`) and inside an exported
    SavedModel (`generate_uint8`), where `num` and `seed` may be tensors.
    """
    seed = tf.cast(seed, tf.int32)
    shape = tf.stack([tf.cast(num, tf.int32), latent_dim])
    return tf.random.stateless_normal(shape, seed=tf.stack([seed, tf.zeros_like(seed)]))


def latent_vectors(num, latent_dim, seed=None):
    """`num` latent vectors as float32 numpy; the same seed gives the same vectors.

    A `None` seed draws a fresh one. The vectors equal those the exported
    generator's `generate_uint8` signature draws for the same seed.
    """
    if seed is None:
        seed = int(np.random.default_rng().integers(2**31 - 1))
    return latent_normal(int(num), int(latent_dim), int(seed)).numpy()
