"""FID, KID or any registered metric during training: scores in `logs` and a CSV."""

import csv
import os
import time

import keras

from keras_gans.callbacks.summary_writer import SummaryWriter
from keras_gans.metrics.evaluator import Evaluator
from keras_gans.metrics.feature_extractor import FeatureExtractor
from keras_gans.metrics.protocols import Protocol


class GenerativeMetricCallback(keras.callbacks.Callback):
    """Scores the model every few epochs with one registered metric (`FIDCallback`, `KIDCallback`).

    Every `every_n_epochs` epochs it generates `num_images` images (the same
    latent vectors each time, so consecutive scores differ only because the
    generator changed), extracts their features and compares them with the
    real reference. The score goes:

    - into `logs` under the protocol name (`self.name`, e.g.
      `fid_fashion_classifier_2k`), so the callbacks listed *after* this one
      (`keras.callbacks.ModelCheckpoint(monitor=...)`, `EarlyStopping`,
      `TensorBoard`) and the returned `History` see it. In epochs where it is
      not computed the key is absent (those callbacks warn or skip);
    - into `directory/<name>.csv` (columns `epoch`, `<name>`, `seconds`),
      appended to, so a resumed run continues the file;
    - with `log_dir`, into TensorBoard event files as the scalar `<name>` at
      step `epoch - 1` (the step of Keras' `epoch_*` scalars).

    `mode` (`"min"` or `"max"`, from the metric's registered direction) is
    what `ModelCheckpoint` and `EarlyStopping` need to monitor it.

    The reference (whole real split, cached on disk) and the extractor are
    prepared when training starts, so a missing classifier or an image shape
    the extractor cannot take fails before the first step.

    Args:
        metric: the name of a registered metric (`kg.metrics.registered_metrics()`),
            e.g. `"fid"`, `"kid"`, `"precision"`.
        dataset: real data: a dataset name or path (`keras_gans.data.load`),
            or an array of real images in [-1, 1]. Defaults to `"fashion_mnist"`.
        extractor: `"fashion_classifier"`, `"inception"` or a
            `FeatureExtractor`. Defaults to `"fashion_classifier"`.
        num_images: images generated per evaluation. Defaults to `2000`.
        every_n_epochs: evaluate every this many epochs. Defaults to `1`.
        directory: run folder for the CSV, or `None` for no CSV. Defaults to `None`.
        split: real split. Defaults to `"train"`.
        seed: seed of the latent vectors and the real subset, or None for the
            protocols' seed, 0 (see `Evaluator`). Defaults to `None`.
        batch_size: images generated and extracted per batch. Defaults to `500`.
        inception_weights: weights for `extractor="inception"`. Defaults to `"imagenet"`.
        cache_dir: reference cache folder (`"default"`: `~/.keras/keras_gans/reference`;
            `None`: no disk cache). Defaults to `"default"`.
        verbose: print the score when computed. Defaults to `1`.
        log_dir: folder for TensorBoard event files (e.g. the `train` run of a
            `keras.callbacks.TensorBoard` folder), or `None`. Needs
            `pip install keras-gans[tensorboard]`. Defaults to `None`.
    """

    def __init__(
        self,
        metric,
        dataset="fashion_mnist",
        extractor="fashion_classifier",
        num_images=2000,
        every_n_epochs=1,
        directory=None,
        split="train",
        seed=None,
        batch_size=500,
        inception_weights="imagenet",
        cache_dir="default",
        verbose=1,
        log_dir=None,
    ):
        super().__init__()
        if int(every_n_epochs) < 1:
            raise ValueError(
                "`every_n_epochs` must be a positive int. "
                f"Received: every_n_epochs={every_n_epochs}"
            )
        self.metric = metric
        self.dataset = dataset
        self.extractor = extractor
        self.num_images = int(num_images)
        self.every_n_epochs = int(every_n_epochs)
        self.directory = None if directory is None else os.fspath(directory)
        self.split = split
        self.seed = seed
        self.batch_size = batch_size
        self.inception_weights = inception_weights
        self.cache_dir = cache_dir
        self.verbose = verbose
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        self._summaries = None if log_dir is None else SummaryWriter(log_dir)
        extractor_name = (
            extractor.name if isinstance(extractor, FeatureExtractor) else str(extractor)
        )
        self.protocol = Protocol(metric, extractor_name, self.num_images)
        self.name = self.protocol.name
        self.mode = "min" if self.protocol.lower_is_better else "max"
        self._evaluator = None

    @property
    def csv_path(self):
        """`directory/<name>.csv`, or `None` without a directory."""
        return None if self.directory is None else os.path.join(self.directory, f"{self.name}.csv")

    def on_train_begin(self, logs=None):
        if self._evaluator is None:
            extractors = None
            if isinstance(self.extractor, FeatureExtractor):
                extractors = {self.extractor.name: self.extractor}
            self._evaluator = Evaluator(
                [self.name],
                dataset=self.dataset,
                split=self.split,
                extractors=extractors,
                inception_weights=self.inception_weights,
                cache_dir=self.cache_dir,
                seed=self.seed,
                batch_size=self.batch_size,
            )
        self._evaluator.check_model(self.model)
        self._evaluator.prepare()
        if self.directory is not None:
            os.makedirs(self.directory, exist_ok=True)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        start = time.perf_counter()
        value = self.score()
        seconds = time.perf_counter() - start
        if logs is not None:
            logs[self.name] = value
        if self.csv_path is not None:
            self._append_row(epoch + 1, value, seconds)
        if self._summaries is not None:
            self._summaries.scalar(self.name, value, epoch)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: {self.name} = {value:.4f} ({seconds:.1f} s)")

    def on_train_end(self, logs=None):
        if self._summaries is not None:
            self._summaries.close()

    def score(self):
        """The metric for the model as it is now."""
        return self._evaluator.evaluate(self.model)[self.name]

    def _append_row(self, epoch, value, seconds):
        new = not os.path.exists(self.csv_path)
        with open(self.csv_path, "a", newline="") as f:
            writer = csv.writer(f)
            if new:
                writer.writerow(["epoch", self.name, "seconds"])
            writer.writerow([epoch, f"{value:.6g}", f"{seconds:.2f}"])


class FIDCallback(GenerativeMetricCallback):
    """Logs the FID of generated images every few epochs (`fid_<extractor>_<count>`).

    FID compares `num_images` generated images with the statistics of the
    whole real split. It is biased upwards for few images, so compare scores
    with the same `num_images` only; `KIDCallback` is unbiased.

    Args:
        dataset: the real data. Defaults to `"fashion_mnist"` (its train split).
        extractor: the feature extractor. Defaults to `"fashion_classifier"`,
            the shipped classifier.
        **kwargs: `num_images`, `every_n_epochs`, `directory`, `split`, `seed`,
            `batch_size`, `inception_weights`, `cache_dir`, `verbose`, `log_dir`:
            see `GenerativeMetricCallback`. Defaults: 2000 images, every epoch, no CSV.

    Example:

    ```python
    fid = kg.callbacks.FIDCallback(num_images=2000, directory="runs/x")
    gan.fit(ds, epochs=20, callbacks=[
        fid,  # before the callbacks that read its score
        keras.callbacks.ModelCheckpoint("runs/x/best.keras", monitor=fid.name,
                                        mode=fid.mode, save_best_only=True),
        keras.callbacks.EarlyStopping(monitor=fid.name, mode=fid.mode, patience=5),
    ])
    ```

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium", NeurIPS 2017.
    """

    def __init__(self, dataset="fashion_mnist", extractor="fashion_classifier", **kwargs):
        super().__init__("fid", dataset=dataset, extractor=extractor, **kwargs)


class KIDCallback(GenerativeMetricCallback):
    """Logs the KID of generated images every few epochs (`kid_<extractor>_<count>`).

    KID is unbiased in the number of images, so a small `num_images` gives
    scores comparable with larger runs (with more variance); it is compared
    with `num_images` random real images of the split.

    Args:
        dataset: the real data. Defaults to `"fashion_mnist"` (its train split).
        extractor: the feature extractor. Defaults to `"fashion_classifier"`,
            the shipped classifier.
        **kwargs: `num_images`, `every_n_epochs`, `directory`, `split`, `seed`,
            `batch_size`, `inception_weights`, `cache_dir`, `verbose`, `log_dir`:
            see `GenerativeMetricCallback`.

    Example:

    ```python
    kid = kg.callbacks.KIDCallback(num_images=1000, directory="runs/x")
    gan.fit(ds, epochs=20, callbacks=[kid])
    ```

    Reference:
        Bińkowski et al., "Demystifying MMD GANs", ICLR 2018.
    """

    def __init__(self, dataset="fashion_mnist", extractor="fashion_classifier", **kwargs):
        super().__init__("kid", dataset=dataset, extractor=extractor, **kwargs)
