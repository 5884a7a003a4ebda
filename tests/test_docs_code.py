"""The Python that README.md and docs/ show is run, page by page, in smoke mode.

Every ```python block of README.md and docs/**/*.md runs. A page's blocks share one
namespace and run in order, as a reader pastes them one after the other, in a fresh
working folder (files the blocks write land there; Keras' cache in a fresh
KERAS_HOME). Smoke mode is one documented substitution, nothing else:

- `fit` of every model class (`kg.GAN.fit`, which the others inherit) runs 1 epoch
  of at most 2 steps (`steps_per_epoch`, `validation_steps` 1);
- `kg.train` runs 1 epoch of 2 steps.

Markers, as HTML comments that the site does not show:

- `<!-- skip: reason -->` on the line before a block: the block is not run. Each
  skipped block is reported as a skipped test with its page, line and reason
  (`pytest -ra` lists them); a marker without a reason fails.
- `<!-- test: slow -->` anywhere in a page: the page's test is marked slow.
"""

import glob
import os
import re
import warnings

import keras
import pytest

import keras_gans as kg
from keras_gans.metrics import registry as metric_registry

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMOKE_STEPS = 2

BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
SKIP = re.compile(r"<!--\s*skip\s*:?(.*?)-->\s*$")
SLOW = re.compile(r"<!--\s*test:\s*slow\s*-->")


def pages():
    paths = [os.path.join(REPOSITORY, "README.md")]
    paths += sorted(glob.glob(os.path.join(REPOSITORY, "docs", "**", "*.md"), recursive=True))
    return [os.path.relpath(path, REPOSITORY) for path in paths]


def blocks(page):
    """`[(line, code, skip_reason or None)]` of the page's python blocks, in order."""
    with open(os.path.join(REPOSITORY, page), encoding="utf-8") as file:
        text = file.read()
    found = []
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = SKIP.search(before)
        found.append((line, match.group(1), skip.group(1).strip() if skip else None))
    return found


def is_slow(page):
    with open(os.path.join(REPOSITORY, page), encoding="utf-8") as file:
        return bool(SLOW.search(file.read()))


def page_params():
    return [
        pytest.param(page, id=page, marks=[pytest.mark.slow] if is_slow(page) else [])
        for page in pages()
        if any(reason is None for _, _, reason in blocks(page))
    ]


def skipped_params():
    return [
        pytest.param(page, line, reason, id=f"{page}:{line}")
        for page in pages()
        for line, _, reason in blocks(page)
        if reason is not None
    ]


@pytest.fixture
def smoke(monkeypatch, tmp_path):
    """A fresh folder and Keras home; `fit` and `kg.train` cut to a few steps."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    fit = kg.GAN.fit

    def smoke_fit(self, *args, **kwargs):
        kwargs["epochs"] = 1
        kwargs["steps_per_epoch"] = min(kwargs.get("steps_per_epoch") or SMOKE_STEPS, SMOKE_STEPS)
        if kwargs.get("validation_data") is not None:
            kwargs["validation_steps"] = 1
        return fit(self, *args, **kwargs)

    train = kg.train

    def smoke_train(*args, **kwargs):
        return train(*args, **{**kwargs, "epochs": 1, "steps_per_epoch": SMOKE_STEPS})

    monkeypatch.setattr(kg.GAN, "fit", smoke_fit)
    monkeypatch.setattr(kg, "train", smoke_train)
    # A page may register a metric: the other tests see the registry as it was.
    metric_registry.registered_metrics()  # the built-in metrics first
    monkeypatch.setattr(metric_registry, "_METRICS", dict(metric_registry._METRICS))
    policy = keras.mixed_precision.global_policy().name
    yield tmp_path
    keras.mixed_precision.set_global_policy(policy)  # a page may set mixed precision
    keras.backend.clear_session()


def test_every_page_with_code_is_found():
    found = {page for page in pages() if blocks(page)}
    assert "README.md" in found and "docs/getting-started.md" in found, sorted(found)


@pytest.mark.fashion_mnist
@pytest.mark.parametrize("page", page_params())
def test_page_code_runs(page, smoke):
    namespace = {"__name__": "__docs__"}
    for line, code, reason in blocks(page):
        if reason is not None:
            continue
        try:
            exec(compile(code, f"{page}:{line}", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"The block at {page}:{line} failed: {error!r}") from error


def test_every_skipped_block_gives_its_reason():
    """A block marked `<!-- skip: reason -->` is not run; each one is listed with its reason."""
    skipped = skipped_params()
    for page, line, reason in skipped:
        assert reason, f"The skip marker before {page}:{line} gives no reason."
    if skipped:
        warnings.warn(
            "Doc blocks not run: "
            + "; ".join(f"{page}:{line} ({reason})" for page, line, reason in skipped),
            stacklevel=1,
        )
