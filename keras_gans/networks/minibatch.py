"""The `minibatch=` option of the discriminators: where each minibatch layer sits.

Both layers let D compare the samples of a batch, so a generator that
collapses onto a few modes makes batches that D can tell apart from real ones.

- `"stddev"` (Karras et al. 2018): a `MinibatchStdDev` at the **start of D's
  last block**, as in ProGAN, so that the last block's layers can process the
  batch's variety non-linearly. In a DCGAN discriminator that is the input of
  the last strided convolution (4-D activations, one extra channel); in an MLP
  discriminator the input of the last hidden `Dense`.
- `"discrimination"` (Salimans et al. 2016): a `MinibatchDiscrimination` on
  **D's last features, just before the logit** (the paper's placement). The
  layer named `"features"` stays the one before it: the sample's own features,
  without the batch statistics, which is what feature matching compares
  (Salimans et al. use an intermediate layer of D) and what diagnostics read.

Both are statistics of the batch each replica sees: per-replica under a
`tf.distribute` strategy (see the layers' docstrings).
"""

from keras_gans.layers import MinibatchDiscrimination, MinibatchStdDev
from keras_gans.networks.arguments import check_choice

MINIBATCH_CHOICES = ("discrimination", "stddev", None)


def check_minibatch(minibatch):
    """Returns `minibatch` if it is a valid choice, else raises a Keras-style `ValueError`."""
    return check_choice("minibatch", minibatch, MINIBATCH_CHOICES)


def add_minibatch_stddev(x, minibatch):
    """`x` with a std-dev feature appended if `minibatch == "stddev"` (start of the last block)."""
    if minibatch != "stddev":
        return x
    return MinibatchStdDev(name="minibatch_stddev")(x)


def add_minibatch_discrimination(features, minibatch):
    """`features` with minibatch features appended if `minibatch == "discrimination"`."""
    if minibatch != "discrimination":
        return features
    return MinibatchDiscrimination(name="minibatch_discrimination")(features)
