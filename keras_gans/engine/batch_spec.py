"""What `fit` expects of a batch, declared by each model class."""


class BatchSpec:
    """The named parts of a training batch: `(images,)`, `(images, labels)`, `(source, target)`, ...

    `fit` takes batches as tuples in the order of `fields`, or as dicts with
    those keys (`{"images": ..., "labels": ...}`). The data checks read the
    spec to know which parts are images (shape, range, finite values) and
    which are labels. A GAN has no per-example loss weights, so a third
    element (Keras' `sample_weight`) is refused with a `ValueError`.

    Args:
        fields: the names of the parts, in tuple order.
        ignored: names of parts a batch may carry that the model does not use
            (a `GAN` trains on `(images, labels)` data by ignoring the labels).
            Defaults to `()`.
        hint: one sentence on how to make such batches, for error messages.
            Defaults to `""`.

    Example:

    ```python
    BatchSpec(("source", "target"), hint="Load pairs with kg.data.load_pairs(...).")
    ```
    """

    def __init__(self, fields, ignored=(), hint=""):
        self.fields = tuple(fields)
        self.ignored = tuple(ignored)
        self.hint = hint

    @property
    def image_fields(self):
        """The parts that hold images: every field but `labels`."""
        return tuple(field for field in self.fields if field != "labels")

    @property
    def label_field(self):
        return "labels" if "labels" in self.fields else None

    def describe(self):
        """The batch structure in words, e.g. `"(images, labels)"`."""
        return "(" + ", ".join(self.fields) + ")"

    def unpack(self, data):
        """The batch's parts in `fields` order, from a tuple, a list, a dict or one tensor.

        Works on tensors and on element specs alike. Raises a `ValueError`
        naming what was received for a missing part, an unknown dict key, or
        sample weights.
        """
        if isinstance(data, dict):
            return self._from_dict(data)
        if not isinstance(data, (tuple, list)):
            data = (data,)
        data = tuple(data)
        while len(data) > len(self.fields) and data[-1] is None:
            data = data[:-1]  # `train_on_batch(x)` passes `(x, None, None)`
        if len(data) > len(self.fields) + len(self.ignored):
            self._refuse_weights(len(data))
        parts = data[: len(self.fields)]
        missing = [
            field for i, field in enumerate(self.fields) if i >= len(parts) or parts[i] is None
        ]
        if missing:
            raise ValueError(
                f"Each training batch must be {self.describe()}. Received: a batch without "
                f"{' and '.join(missing)}. {self.hint}".strip()
            )
        return parts

    def _from_dict(self, data):
        unknown = sorted(set(data) - set(self.fields) - set(self.ignored))
        missing = [field for field in self.fields if field not in data]
        if unknown or missing:
            raise ValueError(
                f"A batch given as a dict must have the keys {list(self.fields)}. Received: "
                f"keys {sorted(data)}. {self.hint}".strip()
            )
        return tuple(data[field] for field in self.fields)

    def _refuse_weights(self, parts):
        raise ValueError(
            "A GAN has no per-example loss weights: sample_weight, class_weight and batches "
            f"of (x, y, weights) are not supported. Received: a batch of {parts} parts; "
            f"expected {self.describe()}."
        )
