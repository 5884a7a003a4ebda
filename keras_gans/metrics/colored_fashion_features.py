"""Features of Colored Fashion-MNIST images at any size, from the shipped 32x32 classifier."""

import numpy as np
import tensorflow as tf

from keras_gans.metrics.classifier_features import ClassifierFeatures, shipped_classifier_path

NATIVE_SIZE = 28


class ColoredFashionFeatures(ClassifierFeatures):
    """A `ClassifierFeatures` of 32x32 RGB images that also takes other sizes.

    The shipped `colored_fashion_classifier` was trained on
    `kg.data.load("colored_fashion_mnist")` at its default size, 32x32 (the
    28x28 garments padded by 2 pixels of background). Images of another size
    are brought to that geometry before the classifier sees them:

    - 28x28 (the dataset's native size, unpadded) are padded by 2 pixels on
      each side with the background colour, taken as the median of the
      image's outermost pixels: this gives exactly the 32x32 image whenever
      the garment covers less than half of that ring (most images);
    - any other size (e.g. 64x64, the 32x32 canvas upsampled) is resized to
      32x32, bilinear, antialiased.

    Images must be RGB, at least 8x8.

    Args:
        classifier: a `keras.Model` or the path of a `.keras` file taking
            32x32x3 images. Defaults to the shipped one.
        batch_size: images per forward pass. Defaults to `500`.

    Example:

    ```python
    extractor = ColoredFashionFeatures()
    features, logits = extractor(images_64)  # (n, 64, 64, 3) in [-1, 1] -> (n, 128), (n, 10)
    ```

    Reference:
        Lucic et al., "Are GANs Created Equal? A Large-Scale Study",
        NeurIPS 2018 (a classifier of the dataset as the feature extractor).
    """

    def __init__(self, classifier=None, batch_size=500, **kwargs):
        if classifier is None:
            classifier = shipped_classifier_path("colored_fashion_mnist")
        super().__init__(classifier, batch_size=batch_size, **kwargs)

    def check_image_shape(self, image_shape):
        image_shape = tuple(image_shape)
        if len(image_shape) != 3 or image_shape[-1] != 3 or min(image_shape[:2]) < 8:
            raise ValueError(
                f"{self.name} takes RGB images of at least 8x8, (height, width, 3); they are "
                f"padded (28x28) or resized to {self.image_shape[:2]}. "
                f"Received: image shape {image_shape}"
            )

    def adapt_channels(self, images):
        """The images at the classifier's size (see the class doc), as float32 numpy."""
        height, width = self.image_shape[:2]
        if images.shape[1:3] == (height, width):
            return images
        if images.shape[1:3] == (NATIVE_SIZE, NATIVE_SIZE) and (height, width) == (32, 32):
            ring = np.ones((NATIVE_SIZE, NATIVE_SIZE), bool)
            ring[1:-1, 1:-1] = False
            background = np.median(images[:, ring], axis=1)  # (n, 3)
            padded = np.broadcast_to(background[:, None, None, :], (len(images), 32, 32, 3))
            padded = padded.astype("float32")  # a writable copy
            padded[:, 2:30, 2:30] = images
            return padded
        resized = tf.image.resize(images.astype("float32"), (height, width), antialias=True)
        return np.clip(resized.numpy(), -1.0, 1.0)


def colored_fashion_classifier(batch_size=500):
    """The shipped Colored Fashion-MNIST classifier, named `colored_fashion_classifier`.

    Its test accuracy and how to retrain it are in `saved_models/README.md`.
    """
    return ColoredFashionFeatures(batch_size=batch_size)
