"""The generators' stride-2 upsampling: transposed convolutions or resize-convolutions.

A transposed convolution can draw a checkerboard pattern into the images (its
kernel overlaps some output pixels more than others, and even an evenly
overlapping one can learn it); a discriminator can tell fakes by it alone. A
resize-convolution (a nearest-neighbour or bilinear resize by 2, then a
convolution) cannot draw one (Odena et al. 2016), at about 2.25 times the
multiply-adds of a 4x4 transposed convolution for a 3x3 kernel.

Reference:
    Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts",
    Distill 2016.
"""

from keras import layers

from keras_gans.networks.arguments import check_choice

UPSAMPLINGS = ("transpose", "nearest", "bilinear")


def check_upsampling(upsampling, kernel_size):
    """Checks `upsampling`; returns the kernel size, `None` giving 4 (transpose) or 3 (resize)."""
    check_choice("upsampling", upsampling, UPSAMPLINGS)
    if kernel_size is None:
        return 4 if upsampling == "transpose" else 3
    return kernel_size


def upsample(x, filters, kernel_size, upsampling="transpose", name="up", **conv_kwargs):
    """`x` doubled in height and width by `upsampling`, to `filters` channels.

    The convolution is named `name` in both forms; a resize-convolution's
    resize is the layer `name + "_resize"` before it.
    """
    if upsampling == "transpose":
        return layers.Conv2DTranspose(
            filters, kernel_size, strides=2, padding="same", name=name, **conv_kwargs
        )(x)
    x = layers.UpSampling2D(interpolation=upsampling, name=f"{name}_resize")(x)
    return layers.Conv2D(filters, kernel_size, padding="same", name=name, **conv_kwargs)(x)


def upsampled_image(x, channels, kernel_size=4, upsampling="transpose", name="to_image"):
    """`x` upsampled by 2 to images of `channels` with tanh, computed in float32.

    Images stay float32 under mixed precision (the losses and the data are
    float32), and in [-1, 1], the range of the training data.
    """
    return upsample(x, channels, kernel_size, upsampling, name, activation="tanh", dtype="float32")
