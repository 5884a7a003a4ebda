"""`resume.json`: what a run is and how far it got, so that it is only ever resumed as itself."""

import json
import os

from keras_gans import __version__
from keras_gans.runs import atomic_files

RESUME_FILE = "resume.json"

# What makes two runs the same run, beside the compile options (`describe_run`).
_MODEL_OPTIONS = ("preset", "latent_dim", "num_classes", "ema_decay", "spectral_norm")


def describe_run(config, preset, model, seed):
    """What a `kg.train` run is: every option that changes the trained model.

    Args:
        config: the run's `TrainingConfig`.
        preset: its `Preset`.
        model: the built and compiled model.
        seed: the run's seed (given, or chosen by `kg.train`).

    Returns:
        A JSON-ready dict: the model class, the preset, the latent size, the
        image shapes of the batch's parts, the paired task and direction of a
        translator, the classes, the loss, the batch size, the seed, the
        compile options (label smoothing, augmentation, every trick's), the
        steps per epoch and the precision.
    """
    run = {name: config.model[name] for name in _MODEL_OPTIONS}
    run["num_classes"] = getattr(model, "num_classes", None)
    run.update(
        {
            "model": type(model).__name__,
            # {"images": shape} for a GAN, {"source": .., "target": ..} or {"a": .., "b": ..}
            "image_shapes": {part: list(shape) for part, shape in model.data_shapes().items()},
            "task": config.data.get("task"),
            "direction": config.data.get("direction"),
            "loss": model.adversarial_loss.name,
            "batch_size": config.data["batch_size"] or preset.batch_size,
            "steps_per_epoch": config.data["steps_per_epoch"],
            "seed": seed,
            "precision": config.run["precision"],
        }
    )
    compile_options = {k: v for k, v in config.compile.items() if k != "loss"}
    run["compile"] = json.loads(json.dumps(compile_options, default=_describe_value))
    return run


def _describe_value(value):
    """An option given as an object (e.g. `augment=kg.augment.ADA(...)`), by class and config."""
    config = value.get_config() if hasattr(value, "get_config") else None
    return {"class": type(value).__name__, "config": config}


def differences(recorded, current):
    """`["name: recorded -> current", ...]` for every option of `current` that differs."""
    found = []
    for name in sorted(set(recorded) | set(current)):
        if name == "compile":
            found += [
                f"{key}: {old!r} -> {new!r}"
                for key, old, new in _changed(recorded.get(name) or {}, current.get(name) or {})
            ]
        elif recorded.get(name) != current.get(name):
            found.append(f"{name}: {recorded.get(name)!r} -> {current.get(name)!r}")
    return found


def _changed(old, new):
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            yield key, old.get(key), new.get(key)


class RunRecord:
    """The run folder's `resume.json`: `{"run": describe_run(...), "epochs_done": n,
    "finished": bool, "keras_gans_version": ...}`, always replaced whole.

    Args:
        path: the file.
    """

    def __init__(self, path):
        self.path = os.fspath(path)

    def read(self):
        """The record as a dict, `{}` if there is none; a `ValueError` if it is unreadable."""
        if not os.path.exists(self.path):
            return {}
        try:
            with open(self.path) as f:
                record = json.load(f)
        except ValueError as error:
            raise ValueError(
                f"The run record {self.path} is not readable ({error}). Received: a damaged "
                "file. Start over with --fresh (fresh=True), or restore the file."
            ) from None
        if not isinstance(record, dict):
            raise ValueError(f"The run record {self.path} is not a JSON object. Received: {record}")
        return record

    def write(self, **values):
        """Replaces the record by the current one updated with `values`."""
        record = {**self.read(), **values, "keras_gans_version": __version__}
        atomic_files.write_json(self.path, record)

    def remove(self):
        if os.path.exists(self.path):
            os.remove(self.path)
