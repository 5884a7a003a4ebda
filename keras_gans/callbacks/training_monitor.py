"""Name the seeds' failure modes while a GAN trains: D winning, vanishing gradients, collapse."""

import dataclasses
import math
import re
import warnings

import keras

DISCRIMINATOR_WINNING = "discriminator is winning"
VANISHING_GRADIENTS = "generator gradients are vanishing"
MODE_COLLAPSE = "mode collapse suspected"

_ADVICE = {
    DISCRIMINATOR_WINNING: (
        "one-sided label smoothing (`compile(label_smoothing=0.1)`), instance noise "
        "(`compile(instance_noise=0.1)`), or a lower discriminator learning rate "
        "(`d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5)`)"
    ),
    VANISHING_GRADIENTS: (
        'the non-saturating generator loss (`compile(loss="non_saturating")`, the '
        "default), instance noise (`compile(instance_noise=0.1)`), or the Wasserstein "
        "loss with gradient penalty (`kg.WGANGP`)"
    ),
    MODE_COLLAPSE: (
        'minibatch features in D (`minibatch="stddev"` or `"discrimination"` in '
        "`kg.networks.dcgan_discriminator` / `mlp_discriminator`), feature matching "
        '(`compile(feature_matching=1.0)` or `loss="feature_matching"`), historical '
        "averaging (`compile(historical_averaging=1e-3)`), or `kg.WGANGP` (unrolled "
        "GANs, Metz et al. 2017, are not offered)"
    ),
}


class TrainingWarning(UserWarning):
    """A failure mode of GAN training named by `kg.callbacks.TrainingMonitor`."""


@dataclasses.dataclass(frozen=True)
class TrainingFailure:
    """One failure named by `TrainingMonitor`.

    Attributes:
        epoch: the (0-based) epoch of the check.
        batch: the (0-based) batch of the check, or `None` for an end-of-epoch check.
        name: `"discriminator is winning"`, `"generator gradients are vanishing"`
            or `"mode collapse suspected"`.
        message: the text of the warning: the measured values and the tricks to try.
        values: the measured values behind it, `{name: float}`.
    """

    epoch: int
    batch: int | None
    name: str
    message: str
    values: dict


class TrainingMonitor(keras.callbacks.Callback):
    """Names the seeds' failure modes of GAN training when the logs show one.

    Reads the logs of every model class (see `keras_gans/engine/diagnostics.py`)
    at every check and applies three rules. A rule must hold for `patience`
    consecutive checks; then a `TrainingWarning` is issued (`warnings.warn`)
    and a `TrainingFailure` is appended to `monitor.warnings`. It is not
    repeated until the rule has stopped holding at some check. Each message
    gives the measured values and the tricks to try.

    A model whose step judges several pairs logs each pair's `d_real`,
    `d_fake` and `diversity` under a suffix (`kg.CycleGAN`: `d_real_a` for
    D_a on domain A, `d_real_b` for D_b): the two pair rules are applied to
    each suffix on its own (a collapse of G_ab shows in `diversity_b`), and a
    failure's message and `values` name the suffixed logs. The gradient rule
    reads the one `g_grad_norm` of the generator player.

    - **"discriminator is winning"**: `d_real - d_fake > d_gap`, i.e. D gives
      real samples a much higher probability than fakes. Only for losses that
      log probabilities (`"minimax"`, `"non_saturating"`,
      `"feature_matching"`); with `"least_squares"`, `"hinge"` and the
      Wasserstein losses the rule is skipped, since raw scores have no fixed
      scale (and a WGAN critic is meant to be trained to optimality).
    - **"generator gradients are vanishing"**: `g_grad_norm` fell below
      `min_grad_ratio` times the largest `g_grad_norm` seen at a check so far.
      The reference is G's own gradient, because absolute norms and the ratio
      to `d_grad_norm` depend on the networks (at initialisation D is flat and
      G's gradient is small; when D wins, D's own loss saturates too). A
      gradient norm usually grows from initialisation as D sharpens; a
      saturating loss makes it collapse when D wins (Goodfellow et al. 2014,
      sec. 3; Arjovsky & Bottou 2017). Watch training from its start, so that
      the reference is taken before D wins. The reference is kept when the same
      monitor is used for another `fit` of the same model.
    - **"mode collapse suspected"**: `diversity < min_diversity`, i.e. the mean
      pairwise distance of the fake samples is a small fraction of the real
      ones' in the same batch, measured on the samples themselves (D's
      features depend on its batch statistics) (Salimans et al. 2016; Metz et
      al. 2017).

    Defaults measured on the constructed cases of `tests/test_training_monitor.py`
    (epoch means; 2-D: ring8 / 1.1, MLPs of 64-64 units, batch 64; images: the
    tiny 16x16 DCGAN of the tests, batch 16):

    - `d_gap=0.3`: healthy 2-D run (Adam 2e-4 for both) at most 0.10 over 8
      epochs, below 0 on images; with a 10x discriminator learning rate (2e-3)
      the gap reaches 0.34 at epoch 2 and 0.46 at epoch 3 (flagged at epoch
      3); a D trained alone on images 0.98.
    - `min_grad_ratio=0.1`: D trained alone (learning rate 2e-3, G frozen) on
      images, D(G(z)) falling from 0.55 to 0.012: with the minimax loss
      `g_grad_norm` falls from 5.1 to 0.18 (0.036 of its peak; flagged at
      epoch 6 of 10), with the non-saturating loss on the same setup it rises
      from 5.1 to 15 (never below 0.97 of its peak). Healthy runs: lowest
      0.34 of the peak (2-D), 0.66 (images, 6 epochs); 10x D learning rate:
      1.0 (2-D, 6 epochs).
    - `min_diversity=0.1`: a generator that ignores z 0.000; every sample the
      same coloured checkerboard 0.09 (0.25 when `diversity` was measured on
      D's features); healthy 2-D runs 0.35 at least (the generator starts
      concentrated near the origin), 0.31 with a 10x D learning rate; the
      tiny DCGAN about 1.1 (these three measured on D's features, before
      `diversity` moved to the samples).

    Args:
        d_gap: float in (0, 1). "discriminator is winning" when
            `d_real - d_fake` exceeds it. Defaults to `0.3`.
        min_grad_ratio: float in (0, 1). "generator gradients are vanishing"
            when `g_grad_norm` is below this fraction of its peak. Defaults to
            `0.1`.
        min_diversity: positive float. "mode collapse suspected" when
            `diversity` is below it. Defaults to `0.1`.
        patience: number of consecutive checks a rule must hold. Defaults to `2`.
        check_every: `"epoch"` to check the epoch means at the end of every
            epoch, or an integer N to check the running means of the epoch
            every N batches (noisier: the first check of an epoch averages only
            N batches). Defaults to `"epoch"`.

    Every end of epoch adds `failures` to the logs: the number of rules that
    currently hold for at least `patience` checks (0 for a healthy run).

    Example:

    ```python
    monitor = kg.callbacks.TrainingMonitor()
    gan.fit(ds, epochs=20, callbacks=[monitor])
    for failure in monitor.warnings:
        print(failure.epoch, failure.name, failure.values)
    ```

    References:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, sec. 3.
        Arjovsky & Bottou, "Towards Principled Methods for Training Generative
        Adversarial Networks", ICLR 2017.
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
        Metz et al., "Unrolled Generative Adversarial Networks", ICLR 2017.
    """

    def __init__(
        self, d_gap=0.3, min_grad_ratio=0.1, min_diversity=0.1, patience=2, check_every="epoch"
    ):
        super().__init__()
        for name, value in (("d_gap", d_gap), ("min_grad_ratio", min_grad_ratio)):
            if not _is_number(value) or not 0.0 < value < 1.0:
                raise ValueError(f"`{name}` must be a number in (0, 1). Received: {name}={value!r}")
        if not _is_number(min_diversity) or not min_diversity > 0.0:
            raise ValueError(
                "`min_diversity` must be a positive number. "
                f"Received: min_diversity={min_diversity!r}"
            )
        if not _is_count(patience):
            raise ValueError(
                f"`patience` must be a positive integer. Received: patience={patience!r}"
            )
        if check_every != "epoch" and not _is_count(check_every):
            raise ValueError(
                '`check_every` must be "epoch" or a positive integer (batches). '
                f"Received: check_every={check_every!r}"
            )
        self.d_gap = float(d_gap)
        self.min_grad_ratio = float(min_grad_ratio)
        self.min_diversity = float(min_diversity)
        self.patience = patience
        self.check_every = check_every
        self.warnings = []
        self._streaks = {}
        self._peak_g_grad_norm = 0.0
        self._watched = None
        self._epoch = 0

    def on_train_begin(self, logs=None):
        if self._watched is not self.model:  # a new model: a new reference
            self._watched = self.model
            self._peak_g_grad_norm = 0.0
        self._streaks = {}

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.check_every != "epoch" and (batch + 1) % self.check_every == 0:
            self.check(logs, self._epoch, batch)

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        if self.check_every == "epoch":
            self.check(logs, epoch)
        logs["failures"] = float(sum(s >= self.patience for s in self._streaks.values()))

    def check(self, logs, epoch, batch=None):
        """Applies the rules to `logs` once; returns the failures named at this check."""
        logs = {name: _to_float(value) for name, value in (logs or {}).items()}
        logs = {name: value for name, value in logs.items() if _is_number(value)}
        found = {}
        for suffix in _pair_suffixes(logs):
            found.update(self._pair_rules(logs, suffix))
        if "g_grad_norm" in logs:
            norm = logs["g_grad_norm"]
            self._peak_g_grad_norm = max(self._peak_g_grad_norm, norm)
            ratio = norm / self._peak_g_grad_norm if self._peak_g_grad_norm > 0 else 1.0
            values = {"g_grad_norm": norm, "peak_g_grad_norm": self._peak_g_grad_norm}
            values["ratio"] = ratio
            if "d_grad_norm" in logs:
                values["d_grad_norm"] = logs["d_grad_norm"]
            found[(VANISHING_GRADIENTS, "")] = (
                ratio < self.min_grad_ratio,
                values,
                f"g_grad_norm={norm:.4g} is {ratio:.3f} of its peak "
                f"{self._peak_g_grad_norm:.4g}, below min_grad_ratio={self.min_grad_ratio:g}",
            )
        named = []
        for (name, suffix), (holds, values, measured) in found.items():
            streak = self._streaks.get((name, suffix), 0) + 1 if holds else 0
            self._streaks[(name, suffix)] = streak
            if streak == self.patience:
                named.append(self._report(name, values, measured, epoch, batch, suffix))
        return named

    def _pair_rules(self, logs, suffix):
        """The rules on one judged pair's logs (`d_real{suffix}`, ..., `diversity{suffix}`)."""
        found = {}
        real, fake, diversity = (f"{name}{suffix}" for name in ("d_real", "d_fake", "diversity"))
        if real in logs and fake in logs:
            gap = logs[real] - logs[fake]
            found[(DISCRIMINATOR_WINNING, suffix)] = (
                gap > self.d_gap,
                {real: logs[real], fake: logs[fake], "gap": gap},
                f"{real}={logs[real]:.3f}, {fake}={logs[fake]:.3f}: "
                f"the gap {gap:.3f} is above d_gap={self.d_gap:g}",
            )
        if diversity in logs:
            found[(MODE_COLLAPSE, suffix)] = (
                logs[diversity] < self.min_diversity,
                {diversity: logs[diversity]},
                f"{diversity}={logs[diversity]:.3f} (the fakes' mean pairwise distance over "
                f"the reals') is below min_diversity={self.min_diversity:g}",
            )
        return found

    def _report(self, name, values, measured, epoch, batch, suffix=""):
        where = f"Epoch {epoch}" + ("" if batch is None else f", batch {batch}")
        checks = "1 check" if self.patience == 1 else f"{self.patience} consecutive checks"
        pair = f" (the {suffix} logs)" if suffix else ""
        message = f"{where}: {name}{pair}: {measured} for {checks}. Try {_ADVICE[name]}."
        failure = TrainingFailure(epoch, batch, name, message, values)
        self.warnings.append(failure)
        warnings.warn(message, TrainingWarning, stacklevel=2)
        return failure


_PAIR_LOG = re.compile(r"(?:d_real|d_fake|diversity)((?:_[a-z0-9]+)?)")


def _pair_suffixes(logs):
    """The suffixes of the judged pairs' logs: `[""]` for one pair, `["_a", "_b"]` for two."""
    return sorted({m[1] for name in logs if (m := _PAIR_LOG.fullmatch(name))})


def _to_float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
