"""Dropout that stays on at inference: pix2pix's source of noise."""

import keras

from keras_gans.layers.global_batch_dropout import GlobalBatchDropout


@keras.saving.register_keras_serializable(package="keras_gans")
class AlwaysOnDropout(GlobalBatchDropout):
    """`kg.layers.GlobalBatchDropout` applied in every call, with or without `training`.

    Keras' `Dropout` is the identity at inference. The pix2pix generator
    (Isola et al. 2017) instead uses dropout as its only source of noise and
    keeps it "at both training and test time", so that one source image can
    give several translations; `kg.networks.unet_generator(...,
    dropout_at_inference=True)` uses this layer for that. Two calls on the
    same inputs then give different outputs (unless the layer is seeded
    and its seed generator reset in between); the kept units are scaled by
    `1 / (1 - rate)` as in training.

    Args:
        rate: float in [0, 1), the fraction of the units dropped.
        noise_shape, seed, **kwargs: as for `keras.layers.Dropout`.

    Example:

    ```python
    x = kg.layers.AlwaysOnDropout(0.5)(x)  # also drops units in `model.predict`
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017, section 3.2.
    """

    def call(self, inputs, training=None):
        del training  # dropped units whatever the mode
        return super().call(inputs, training=True)
