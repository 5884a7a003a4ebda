"""Discriminator rejection sampling: keep the generator's samples that D believes in."""

import numpy as np

from keras_gans.latent import latent_vectors
from keras_gans.layers.arguments import check_positive_int
from keras_gans.models import ConditionalGAN

# The losses whose discriminator is trained with binary cross-entropy on logits, so
# that the optimal D's logit is log(p_data / p_g): the ratio rejection needs.
DENSITY_RATIO_LOSSES = ("minimax", "non_saturating", "feature_matching")


def discriminator_rejection_sampling(
    model,
    num_images,
    seed=None,
    gamma=0.0,
    burn_in=10_000,
    max_logit_percentile=99.0,
    max_candidates=None,
):
    """Samples of `model`'s generator, each kept with a probability set by D.

    When D is optimal, its logit is `D(x) = log(p_data(x) / p_g(x))`, so
    keeping a sample of G with probability `exp(D(x) - D_max)` turns G's
    distribution into the data's (rejection sampling, with `D_max` the
    largest logit). Azadi et al. (2019) use D as it is after training:

    1. `D_max` is the largest logit over `burn_in` candidates. Here it is
       the `max_logit_percentile`-th percentile of their logits instead (the
       99th by default; 100 is the paper's maximum): a single candidate far
       from the data, where D extrapolates, can have a logit so high that
       the maximum rejects nearly everything (measured on the 25-Gaussian
       grid: 16 kept of 260,000). Candidates above `D_max` are always kept.
    2. A candidate `x` is kept with probability `sigmoid(F(x))`, where
       `F(x) = D(x) - D_max - log(1 - exp(D(x) - D_max - eps)) - gamma`,
       `eps = 1e-6`. For `gamma = 0` this is `exp(D(x) - D_max)`; a larger
       `gamma` keeps fewer samples, those D rates best.

    Candidates are drawn in batches of `burn_in`, the first batch being the
    burn-in, until `num_images` are kept. Samples that G puts where the
    data has little mass (between modes) have low logits and are mostly
    dropped; modes that G under-samples have high logits and are kept, so
    rejection can recover modes as well as quality. The paper calibrates D
    on held-out data first; this function uses D as it is.

    Only for models whose D is trained with binary cross-entropy (losses
    `"minimax"`, `"non_saturating"`, `"feature_matching"`), and for
    unconditional models. Samples come from the model's sampling generator
    (its moving average with `ema_decay`), in inference mode.

    Args:
        model: a trained `GAN`.
        num_images: int > 0, how many samples to return.
        seed: int or None. The same seed gives the same samples.
        gamma: float, the shift of `F` (see above). Defaults to `0.0`.
        burn_in: int > 0, candidates per batch, the first batch setting
            `D_max`. Defaults to `10_000`.
        max_logit_percentile: float in (0, 100], the percentile of the
            burn-in's logits taken as `D_max`. Defaults to `99.0`.
        max_candidates: the most candidates to draw before giving up with a
            `RuntimeError`; defaults to `100 * num_images + burn_in`.

    Returns:
        A float32 numpy array of `num_images` samples in G's output range.

    Example:

    ```python
    points = kg.discriminator_rejection_sampling(gan, 2500, seed=0)
    kg.metrics.mode_coverage(points * 4.5, "grid25")
    ```

    Reference:
        Azadi et al., "Discriminator Rejection Sampling", ICLR 2019.
    """
    _check_arguments(model, num_images, gamma, burn_in, max_logit_percentile)
    if max_candidates is None:
        max_candidates = 100 * num_images + burn_in
    rng = np.random.default_rng(seed)
    kept, num_kept, drawn, max_logit = [], 0, 0, None
    while num_kept < num_images:
        if drawn >= max_candidates:
            raise RuntimeError(
                f"Discriminator rejection sampling kept {num_kept} of {drawn} candidates, "
                f"fewer than the {num_images} asked for within max_candidates="
                f"{max_candidates}. Lower `gamma` (received {gamma}) or raise `max_candidates`."
            )
        z = latent_vectors(burn_in, model.latent_dim, int(rng.integers(2**31 - 1)))
        samples = model.generate_from_latent(z)
        logits = discriminator_logits(model, samples)
        drawn += burn_in
        if max_logit is None:
            max_logit = float(np.percentile(logits, max_logit_percentile))
        keep = rng.random(burn_in) < acceptance_probability(logits, max_logit, gamma)
        kept.append(samples[keep])
        num_kept += int(keep.sum())
    return np.concatenate(kept)[:num_images]


def acceptance_probability(logits, max_logit, gamma=0.0, eps=1e-6):
    """`sigmoid(F(x))` of Azadi et al. (2019) for D's `logits` (see above)."""
    delta = np.minimum(np.asarray(logits, "float64") - max_logit, 0.0)
    f = delta - np.log1p(-np.exp(delta - eps)) - gamma
    return 1.0 / (1.0 + np.exp(-f))


def discriminator_logits(model, samples, batch_size=1000):
    """D's logits for `samples`, in inference mode, without the training augmentations."""
    logits = []
    for i in range(0, len(samples), batch_size):
        batch = samples[i : i + batch_size]
        state = model.judge(batch, batch, None)
        logits.append(
            np.asarray(model.discriminate(batch, state, training=False, augment=False)[0])
        )
    return np.concatenate(logits).reshape(-1)


def _check_arguments(model, num_images, gamma, burn_in, max_logit_percentile):
    loss = getattr(getattr(model, "adversarial_loss", None), "name", None)
    if loss not in DENSITY_RATIO_LOSSES:
        raise ValueError(
            "Discriminator rejection sampling needs a compiled model whose D is trained "
            f"with binary cross-entropy, i.e. a loss in {DENSITY_RATIO_LOSSES}, so that "
            f"D's logit estimates log(p_data / p_g). Received: a model with loss={loss!r}"
        )
    if isinstance(model, ConditionalGAN):
        raise ValueError(
            "Discriminator rejection sampling supports unconditional models only. "
            f"Received: a {type(model).__name__}"
        )
    check_positive_int("num_images", num_images)
    check_positive_int("burn_in", burn_in)
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float)) or not np.isfinite(gamma):
        raise ValueError(f"`gamma` must be a finite number. Received: gamma={gamma!r}")
    if not isinstance(max_logit_percentile, (int, float)) or not 0 < max_logit_percentile <= 100:
        raise ValueError(
            "`max_logit_percentile` must be a number in (0, 100]. "
            f"Received: max_logit_percentile={max_logit_percentile!r}"
        )
