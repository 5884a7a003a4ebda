"""The last layer of the generators that upsample: images in [-1, 1], in float32."""

from keras import layers


def upsampling_image_layer(channels, kernel_size=4, name="to_image"):
    """A stride-2 transposed convolution to `channels` with tanh, computing in float32.

    Images stay float32 under mixed precision (the losses and the data are
    float32), and in [-1, 1], the range of the training data.
    """
    return layers.Conv2DTranspose(
        channels,
        kernel_size,
        strides=2,
        padding="same",
        activation="tanh",
        dtype="float32",
        name=name,
    )
