"""Runs the python blocks of one docs page in smoke mode: `python tests/docs_page_runner.py PAGE`.

Used by tests/test_docs_code.py, in-process for most pages and in a process of
its own for pages marked `<!-- test: own-process -->` (those that create a
`tf.distribute` strategy: two strategies' collective ops clash in one process).
Smoke mode is one documented substitution, nothing else: `fit` of every model
class (`kg.engine.AdversarialModel.fit`) runs 1 epoch of at most `SMOKE_STEPS`
steps (`validation_steps` 1); `kg.train` runs 1 epoch of `SMOKE_STEPS` steps.
"""

import os
import re
import sys

SMOKE_STEPS = 2
BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
SKIP = re.compile(r"<!--\s*skip\s*:?(.*?)-->\s*$")


def blocks(path):
    """`[(line, code, skip_reason or None)]` of the page's python blocks, in order."""
    with open(path, encoding="utf-8") as file:
        text = file.read()
    found = []
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = SKIP.search(before)
        found.append((line, match.group(1), skip.group(1).strip() if skip else None))
    return found


def smoke_substitutions(kg):
    """`{(owner, name): replacement}`: `fit` and `kg.train` cut to a few steps."""
    fit = kg.engine.AdversarialModel.fit
    train = kg.train

    def smoke_fit(self, *args, **kwargs):
        kwargs["epochs"] = 1
        kwargs["steps_per_epoch"] = min(kwargs.get("steps_per_epoch") or SMOKE_STEPS, SMOKE_STEPS)
        if kwargs.get("validation_data") is not None:
            kwargs["validation_steps"] = 1
        return fit(self, *args, **kwargs)

    def smoke_train(*args, **kwargs):
        return train(*args, **{**kwargs, "epochs": 1, "steps_per_epoch": SMOKE_STEPS})

    return {(kg.engine.AdversarialModel, "fit"): smoke_fit, (kg, "train"): smoke_train}


def run_page(path, label=None):
    """Runs the page's blocks in order in one namespace; an `AssertionError` names a failing one."""
    label = label or path
    namespace = {"__name__": "__docs__"}
    for line, code, reason in blocks(path):
        if reason is not None:
            continue
        try:
            exec(compile(code, f"{label}:{line}", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"The block at {label}:{line} failed: {error!r}") from error


if __name__ == "__main__":
    import keras_gans as kg

    for (owner, name), replacement in smoke_substitutions(kg).items():
        setattr(owner, name, replacement)
    page, label = sys.argv[1], sys.argv[2]
    run_page(os.path.abspath(page), label)
