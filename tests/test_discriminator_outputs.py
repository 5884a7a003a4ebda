"""A discriminator whose last layer squashes its output (sigmoid, softmax, tanh) under the
losses that take logits is refused before training (issue 34, part 2): it trained silently
with d_real about 0.56. Under the losses of raw scores a bounded output is only warned about."""

import warnings

import keras
import pytest
from conftest import IMAGE_SHAPE, LATENT_DIM, tiny_generator, tiny_images

import keras_gans as kg


def discriminator(activation, behind_a_reshape=False):
    layers = [keras.Input(IMAGE_SHAPE), keras.layers.Flatten(), keras.layers.Dense(8)]
    if behind_a_reshape:
        layers += [keras.layers.Dense(1), keras.layers.Activation(activation, name="squash")]
        layers += [keras.layers.Reshape((1,))]
    else:
        layers += [keras.layers.Dense(1, activation=activation, name="squash")]
    return keras.Sequential(layers)


def gan(activation, loss, behind_a_reshape=False):
    keras.utils.set_random_seed(0)
    model = kg.GAN(tiny_generator(), discriminator(activation, behind_a_reshape), LATENT_DIM)
    model.compile(loss=loss, run_eagerly=True)
    return model


@pytest.mark.parametrize(
    "activation, loss, behind_a_reshape",
    [
        ("sigmoid", "non_saturating", False),
        ("tanh", "minimax", True),
        ("softmax", "hinge", False),
    ],
)
def test_a_squashed_discriminator_output_under_a_logit_loss_is_refused(
    activation, loss, behind_a_reshape
):
    model = gan(activation, loss, behind_a_reshape)
    with pytest.raises(ValueError) as error:
        model.fit(tiny_images(16), verbose=0)
    message = str(error.value)
    assert "output must be a raw score (a logit)" in message
    assert f"ending in layer 'squash' ({activation})" in message
    assert "keras.layers.Dense(1) and no activation" in message
    assert int(model.optimizers["generator"].iterations) == 0


def test_a_bounded_output_under_a_loss_of_raw_scores_is_only_warned_about():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # a linear output: nothing to say
        gan("linear", "non_saturating").fit(tiny_images(16), verbose=0)
    model = gan("sigmoid", "least_squares")
    with pytest.warns(UserWarning, match="bounded by a sigmoid, while the 'least_squares' loss"):
        model.fit(tiny_images(16), verbose=0)
    assert int(model.optimizers["generator"].iterations) == 1
