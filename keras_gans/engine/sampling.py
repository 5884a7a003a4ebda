"""How models sample: `generate` from latent vectors; `translate` images (image-to-image)."""

import numpy as np
from keras import ops

from keras_gans.latent import latent_vectors


class LatentSampling:
    """`generate`, `generate_from_latent`, `call` and `predict` for models that sample from z.

    Mixed into `GAN` and its subclasses, which set `latent_dim` and have a
    `"generator"` network. Everything that samples a latent model (`ImageGrid`,
    the metrics' `Evaluator`, `export_generator`, rejection sampling) uses
    these and `sampling_generator` only.
    """

    @property
    def sampling_generator(self):
        """The generator that samples: its moving average if there is one (`ema_decay`)."""
        return self.sampling_network("generator")

    def sampling_network(self, name):
        """The network `name`, or its moving average when the model keeps one."""
        average = self.ema.get(name)
        return self.networks[name] if average is None else average.generator

    def call(self, inputs, training=False):
        """Runs the sampling generator on latent vectors (and labels, if conditional)."""
        return self.sampling_generator(inputs, training=training)

    def predict(self, x, *args, **kwargs):
        """`keras.Model.predict` on latent vectors (and labels): the images, as `call` gives.

        `x` is an array, a tensor or a `tf.data.Dataset` of `(batch, latent_dim)`
        latent vectors (`[z, labels]` for a conditional model). Images, or
        anything else, raise a `ValueError` saying what `predict` takes, before
        any work. To sample, `generate(n, seed=...)` is simpler.
        """
        z = first_input(x)
        if z is not None and (len(z.shape) != 2 or z.shape[-1] not in (None, self.latent_dim)):
            raise ValueError(
                f"{type(self).__name__}.predict takes latent vectors of shape (batch, "
                f"{self.latent_dim}){self._predict_labels_hint()}. Received: inputs of shape "
                f"{tuple(z.shape)}. To score images with the discriminator, call "
                "model.discriminator.predict(images); to sample, model.generate(n, seed=...)."
            )
        return super().predict(x, *args, **kwargs)

    def _predict_labels_hint(self):
        return ""

    def truncated_generator(self, psi):
        """The sampling generator with the truncation trick at `psi` (style-based generators).

        `kg.networks.truncated(self.sampling_generator, psi)`: a model z ->
        images sharing the generator's weights, every w pulled towards the
        tracked average, `w_avg + psi * (w - w_avg)`. A `ValueError` says so
        for a generator that cannot truncate (one without the mapping network
        and `w_avg` of `kg.networks.style_generator`).
        """
        from keras_gans.networks.style import truncated

        if isinstance(psi, bool) or not isinstance(psi, (int, float, np.floating)):
            raise ValueError(
                f"`truncation_psi` must be a number, e.g. 0.7. Received: truncation_psi={psi!r}"
            )
        generator = self.sampling_generator
        try:
            return truncated(generator, float(psi))
        except ValueError as error:
            raise ValueError(
                "`truncation_psi` needs a style-based generator (kg.networks.style_generator: "
                "a mapping network and the average w it tracks); this "
                f"{type(self).__name__}'s generator {generator.name!r} has no mapping network "
                f"to truncate. Received: truncation_psi={psi!r}. Sample without it."
            ) from error

    def generate_from_latent(self, z, labels=None, batch_size=256, truncation_psi=None):
        """Images for given latent vectors, in inference mode, as a float32 numpy array.

        With `truncation_psi`, through `truncated_generator(truncation_psi)`.
        """
        generator = self.sampling_generator
        if truncation_psi is not None:
            if labels is not None:
                raise ValueError(
                    "`truncation_psi` is for unconditional style-based generators. "
                    f"Received: truncation_psi={truncation_psi!r} with labels."
                )
            generator = self.truncated_generator(truncation_psi)
        images = []
        for start in range(0, len(z), batch_size):
            stop = start + batch_size
            inputs = self.generator_inputs(
                z[start:stop], None if labels is None else labels[start:stop]
            )
            images.append(ops.convert_to_numpy(generator(inputs, training=False)))
        return np.concatenate(images).astype("float32")

    def generate(
        self, num_images=None, labels=None, seed=None, batch_size=256, truncation_psi=None
    ):
        """Generates images in [-1, 1] as a float32 numpy array, in inference mode.

        One signature for every latent model: `gan.generate(16, seed=0)`;
        `cgan.generate(labels=[0, 1, 2], seed=0)` for one image per label, or
        `cgan.generate(30, seed=0)` for classes 0, 1, 2, ... in turn. The latent
        vectors come from `keras_gans.latent.latent_vectors`, the same noise as
        the exported `generate_uint8` signature draws for that seed.

        Args:
            num_images: int > 0, how many images to generate. Optional for a
                conditional model given `labels`.
            labels: int class labels in [0, num_classes), one image each
                (conditional models only). Defaults to `None`.
            seed: int or None. The same seed gives the same images; the
                model's training noise is not touched. Defaults to `None`.
            batch_size: how many images the generator makes per call.
                Defaults to `256`.
            truncation_psi: float or None. The truncation trick (Karras et al.
                2019, sec. 3.3; Brock et al. 2019) for a style-based generator
                (`kg.networks.style_generator`): every w becomes `w_avg + psi *
                (w - w_avg)`, trading variety for typical images (1 is no
                truncation, 0 the average image for every z; StyleGAN uses
                0.5-0.7). Same seed, same z: only w changes. A `ValueError`
                for a generator without a mapping network. Defaults to `None`
                (no truncation).
        """
        labels = self.labels_to_generate(num_images, labels)
        if labels is not None:
            num_images = len(labels)
        elif not isinstance(num_images, (int, np.integer)) or num_images < 1:
            raise ValueError(
                f"`num_images` must be a positive int. Received: num_images={num_images!r}"
            )
        if truncation_psi is not None:
            self.truncated_generator(truncation_psi)  # its errors before any work
        z = latent_vectors(num_images, self.latent_dim, seed)
        return self.generate_from_latent(
            z, labels, batch_size=batch_size, truncation_psi=truncation_psi
        )

    def labels_to_generate(self, num_images, labels):
        """The int32 labels of the images `generate` makes; None for unconditional models."""
        if labels is not None:
            raise ValueError(
                f"`labels` are for conditional models; a {type(self).__name__} takes "
                f"num_images only. Received: labels={labels!r}"
            )
        return None


def first_input(x):
    """The first input of what `predict` was given (an array, a tensor or a dataset's spec)."""
    import tensorflow as tf

    if isinstance(x, tf.data.Dataset):
        x = x.element_spec
    while isinstance(x, (tuple, list)) and x:
        x = x[0]
    return x if hasattr(x, "shape") and getattr(x.shape, "rank", 0) is not None else None
