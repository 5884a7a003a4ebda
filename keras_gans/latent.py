"""Latent vectors for sampling outside training."""

import numpy as np


def latent_vectors(num, latent_dim, seed=None):
    """`num` latent vectors z ~ N(0, I) as float32 numpy; the same seed gives the same vectors."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((int(num), int(latent_dim))).astype("float32")
