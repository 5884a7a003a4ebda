"""The base class of the adversarial losses: a named discriminator / generator pair."""

from keras import ops

from keras_gans.losses.reduction import global_batch_mean


def bce_with_logits(target, logits):
    """Per-example binary cross-entropy of `sigmoid(logits)` against `target`.

    `softplus(l) - t * l == -t log sigmoid(l) - (1 - t) log(1 - sigmoid(l))`,
    computed without forming `sigmoid(l)`, so it is finite for any logit.
    """
    return ops.softplus(logits) - target * logits


class AdversarialLoss:
    """A named pair of discriminator and generator losses on D's raw outputs.

    Subclasses implement `discriminator_loss(real_logits, fake_logits)` and
    `generator_loss(fake_logits, real_logits=None)`; both return a scalar
    already averaged over the global batch (`global_batch_mean`). The
    generator's loss sees D's outputs on the real batch too, for losses that
    compare the two (`RelativisticAverage`): a loss that reads them sets
    `uses_real_logits = True` and the step computes them in the generator
    step (otherwise it saves that pass).

    A new loss is one small file: a subclass with a `name`, registered in
    `keras_gans/losses/__init__.py`. Outputs may be one logit per example or a
    map of logits per example (PatchGAN): every mean is over all of them.

    Args:
        label_smoothing: float in [0, 1). One-sided label smoothing
            (Salimans et al. 2016): the real target becomes
            `1 - label_smoothing`, the fake target stays 0. Only losses with
            targets (`has_targets`) accept a non-zero value.
            Defaults to `0.0`.
    """

    name = None
    has_targets = True
    uses_real_logits = False

    def __init__(self, label_smoothing=0.0):
        if not 0.0 <= float(label_smoothing) < 1.0:
            raise ValueError(
                f"`label_smoothing` must be in [0, 1). Received: label_smoothing={label_smoothing}"
            )
        if label_smoothing and not self.has_targets:
            raise ValueError(
                f"The '{self.name}' loss has no real/fake targets, so one-sided "
                "label smoothing does not apply to it. Use it with 'minimax', "
                "'non_saturating' or 'least_squares'. "
                f"Received: label_smoothing={label_smoothing}"
            )
        self.label_smoothing = float(label_smoothing)

    @property
    def real_target(self):
        return 1.0 - self.label_smoothing

    def discriminator_loss(self, real_logits, fake_logits):
        raise NotImplementedError

    def generator_loss(self, fake_logits, real_logits=None):
        raise NotImplementedError

    def discriminator_logs(self, real_logits, fake_logits):
        """What D's outputs say, as `{name: global-batch mean}` for the step's logs.

        Defaults to the mean raw outputs, `real_score` and `fake_score`.
        """
        return {
            "real_score": global_batch_mean(real_logits),
            "fake_score": global_batch_mean(fake_logits),
        }

    def get_config(self):
        return {"label_smoothing": self.label_smoothing}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}(label_smoothing={self.label_smoothing})"
