"""D run once for its logits and its `"features"` layer: what the terms and the diagnostics read."""

import keras

from keras_gans import mixed_precision


class DiscriminatorFeatures:
    """A discriminator's `(logits, features)` from one forward pass, outside Keras' tracking.

    The functional model made here shares D's layers and weights (nothing is
    saved twice). `features` is the output of D's layer named `"features"`
    (its last hidden representation, as `kg.networks` builds it), or D's
    image input when there is none (`named` is then False): feature matching
    requires the layer, the `diversity` diagnostic works with either.

    Args:
        discriminator: the `keras.Model` to run.
    """

    def __init__(self, discriminator):
        self.discriminator = discriminator
        self.named = False
        inputs = getattr(discriminator, "inputs", None)
        if inputs is None:  # not a functional model: logits only
            self.model = None
            return
        try:
            features = discriminator.get_layer("features").output
            self.named = True
        except ValueError:
            features = inputs[0]
        self.model = keras.Model(inputs, [discriminator.outputs[0], features])

    def __call__(self, inputs, training):
        """`(logits, features)` of D on `inputs`, both float32 (mixed precision)."""
        if self.model is None:
            logits = self.discriminator(inputs, training=training)
            features = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        else:
            logits, features = self.model(inputs, training=training)
        return mixed_precision.to_float32(logits), mixed_precision.to_float32(features)
