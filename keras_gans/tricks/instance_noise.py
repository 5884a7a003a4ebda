"""Instance noise (Sønderby et al. 2017; Arjovsky & Bottou 2017): blur D's view, less and less."""

import keras
from keras import ops

from keras_gans.losses import global_batch_mean
from keras_gans.tricks.trick import Option, Trick, check_count


@keras.saving.register_keras_serializable(package="keras_gans")
class InstanceNoise(Trick):
    """Adds Gaussian noise to every discriminator input, real and fake, annealed to 0.

    At training step t the noise has standard deviation
    `sigma_t = weight * max(0, 1 - t / steps)`: it starts at `weight` and falls
    linearly to 0 after `steps` training steps (generator updates). Noise makes
    the supports of the real and the generated distributions overlap, so D
    cannot separate them perfectly and its gradients do not vanish early on.
    The same noise process is applied in the discriminator and the generator
    steps (G is trained against what D sees). t is the generator optimizer's
    iteration count, so the schedule is saved and resumed with the model; the
    noise is drawn from the model's seeded noise. Turned on by
    `compile(instance_noise=stddev, instance_noise_steps=10_000)`; the
    current `instance_noise` stddev is logged.

    Args:
        weight: float >= 0, the initial standard deviation (images in [-1, 1]).
        steps: int >= 1, training steps over which it falls to 0.
            Defaults to `10_000`.

    Reference:
        Sønderby et al., "Amortised MAP Inference for Image Super-resolution",
        ICLR 2017, sec. 3.2; Arjovsky & Bottou, "Towards Principled Methods
        for Training Generative Adversarial Networks", ICLR 2017.
    """

    options = (
        Option("instance_noise", "weight", 0.0, float, "initial stddev of the noise on D's inputs"),
        Option("instance_noise_steps", "steps", 10_000, int, "steps over which it falls to 0"),
    )

    def __init__(self, weight, steps=10_000, **kwargs):
        super().__init__(weight, **kwargs)
        self.steps = check_count(steps, "instance_noise_steps")

    def stddev(self, model):
        """The noise's standard deviation at the model's current training step."""
        t = ops.cast(model.optimizers["generator"].iterations, "float32")
        return self.weight * ops.maximum(0.0, 1.0 - t / self.steps)

    def augment(self, images, model):
        noise = model.draw_for_replica(
            lambda n: keras.random.normal(
                (n, *images.shape[1:]), dtype=images.dtype, seed=model.seed_generator
            ),
            ops.shape(images)[0],
        )
        return images + ops.cast(self.stddev(model), images.dtype) * noise

    def after_generator_step(self, model):
        return {"instance_noise": global_batch_mean(self.stddev(model))}
