"""The Python that README.md and docs/ show is run, page by page, in smoke mode.

Every ```python block of README.md and docs/**/*.md runs. A page's blocks share one
namespace and run in order, as a reader pastes them one after the other, in a fresh
working folder (files the blocks write land there; Keras' cache in a fresh
KERAS_HOME). Smoke mode is one documented substitution, nothing else
(`tests/docs_page_runner.py`): `fit` of every model class runs 1 epoch of at most 2
steps, `kg.train` 1 epoch of 2 steps.

Markers, as HTML comments that the site does not show:

- `<!-- skip: reason -->` on the line before a block: the block is not run; each one
  is listed with its reason (a warning), and a marker without a reason fails.
- `<!-- test: slow -->` anywhere in a page: the page's test is marked slow.
- `<!-- test: own-process -->` anywhere in a page: the page runs in a Python process
  of its own (a page that creates a `tf.distribute` strategy: two strategies'
  collective ops clash in one process).
"""

import glob
import os
import re
import shlex
import subprocess
import sys
import warnings

import keras
import pytest
from docs_page_runner import blocks as page_blocks
from docs_page_runner import run_page, smoke_substitutions

import keras_gans as kg
from keras_gans.metrics import registry as metric_registry

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLOW = re.compile(r"<!--\s*test:\s*slow\s*-->")
OWN_PROCESS = re.compile(r"<!--\s*test:\s*own-process\s*-->")


def pages():
    paths = [os.path.join(REPOSITORY, "README.md")]
    paths += sorted(glob.glob(os.path.join(REPOSITORY, "docs", "**", "*.md"), recursive=True))
    return [os.path.relpath(path, REPOSITORY) for path in paths]


def blocks(page):
    """`[(line, code, skip_reason or None)]` of the page's python blocks, in order."""
    return page_blocks(os.path.join(REPOSITORY, page))


def marked(page, marker):
    with open(os.path.join(REPOSITORY, page), encoding="utf-8") as file:
        return bool(marker.search(file.read()))


def page_params():
    return [
        pytest.param(page, id=page, marks=[pytest.mark.slow] if marked(page, SLOW) else [])
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
    for (owner, name), replacement in smoke_substitutions(kg).items():
        monkeypatch.setattr(owner, name, replacement)
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
    if not marked(page, OWN_PROCESS):
        run_page(os.path.join(REPOSITORY, page), page)
        return
    runner = os.path.join(REPOSITORY, "tests", "docs_page_runner.py")
    result = subprocess.run(
        [sys.executable, runner, os.path.join(REPOSITORY, page), page],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


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


def command_lines():
    """`(page, line, argv)` of every `keras-gans ...` command in the bash blocks of the docs."""
    bash = re.compile(r"^```(?:bash|sh|shell)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
    found = []
    for page in pages():
        with open(os.path.join(REPOSITORY, page), encoding="utf-8") as file:
            text = file.read()
        for match in bash.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            pending, first = "", line
            for offset, raw in enumerate(match.group(1).splitlines()):
                if not pending:
                    first = line + offset
                pending += " " + raw.rstrip().rstrip("\\")
                try:  # a command may span lines: a quote or a backslash continues it
                    words = shlex.split(pending, comments=True)
                except ValueError:
                    continue
                if raw.rstrip().endswith("\\"):
                    continue
                pending = ""
                commands, current = [], []
                for word in [*words, "&&"]:
                    if word in ("&&", "||", ";", "|"):
                        commands.append(current)
                        current = []
                    else:
                        current.append(word)
                for command in commands:
                    while command and "=" in command[0]:  # VARIABLE=value before a command
                        command = command[1:]
                    if command[:1] == ["keras-gans"] and len(command) > 1:
                        found.append((page, first, command[1:]))
    return found


def test_every_keras_gans_command_in_the_docs_parses():
    """Flags renamed in the code fail here, not in a reader's terminal."""
    from keras_gans import cli

    lines = command_lines()
    assert len(lines) >= 10, lines
    for page, line, argv in lines:
        if "--help" in argv or "--version" in argv:
            continue
        try:
            cli.build_parser().parse_args(argv)
        except SystemExit as error:
            raise AssertionError(f"{page}:{line}: keras-gans {' '.join(argv)}") from error
