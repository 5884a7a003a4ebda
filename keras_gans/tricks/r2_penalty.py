"""The R2 penalty (Mescheder et al. 2018): D's gradient on generated data, held near 0."""

from keras_gans.tricks.r1_penalty import R1Penalty


class R2Penalty(R1Penalty):
    """Adds `gamma / 2 * E ||grad_x D(x)||^2` over generated images to D's loss.

    `R1Penalty` on the fakes of the discriminator step instead of the real
    images; the two can be combined. Turned on by
    `compile(r2_penalty=gamma)`, lazily with `r2_interval=k`; logged as
    `r2_penalty`.

    Reference:
        Mescheder et al., "Which Training Methods for GANs do actually
        Converge?", ICML 2018, sec. 4.1.
    """

    compile_argument = "r2_penalty"
    interval_argument = "r2_interval"
    images_key = "fake_images"
