"""The Colab tutorials (examples/*.ipynb): their committed real run, and a SMOKE=1 run of each."""

import glob
import os
import re
import subprocess

import nbformat
import pytest

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = sorted(glob.glob(os.path.join(REPOSITORY, "examples", "*.ipynb")))
IDS = [os.path.basename(path) for path in NOTEBOOKS]


def read(path):
    return nbformat.read(path, as_version=4)


def text_outputs(cell):
    return "".join(
        output.get("text", "") or "".join(output.get("data", {}).get("text/plain", ""))
        for output in cell.get("outputs", [])
    )


def install_location(notebook):
    return re.search(
        r'^KERAS_GANS = "git\+https://github.com/([^"]+)"$', notebook.cells[1].source, re.M
    )


def test_there_are_seven_tutorials():
    assert [name[:3] for name in IDS] == ["01_", "02_", "03_", "04_", "05_", "06_", "07_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_badge_install_cell_and_smoke_switch(path):
    notebook = read(path)
    first, install = notebook.cells[0], notebook.cells[1]
    # Every notebook installs from the same place, and its badge opens this very file there.
    assert install.source == read(NOTEBOOKS[0]).cells[1].source
    location = install_location(notebook)
    assert location is not None, install.source
    badge = (
        f"https://colab.research.google.com/github/{location.group(1)}/blob/main/examples/"
        f"{os.path.basename(path)}"
    )
    assert first.cell_type == "markdown" and badge in first.source
    assert "colab-badge.svg" in first.source
    assert 'SMOKE = os.environ.get("SMOKE") == "1"' in install.source
    assert "KERAS_GANS_CHECKOUT" in install.source


def test_install_cell_raises_when_pip_fails(monkeypatch, tmp_path):
    """A failed install stops the notebook at its first cell, not with a printed pip error."""
    install = read(NOTEBOOKS[0]).cells[1].source
    location = install_location(read(NOTEBOOKS[0])).group(0)
    missing = tmp_path / "no-such-checkout"  # pip fails at once, offline
    monkeypatch.delenv("KERAS_GANS_CHECKOUT", raising=False)
    code = install.replace(location, f"KERAS_GANS = {str(missing)!r}")
    with pytest.raises(subprocess.CalledProcessError):
        exec(compile(code, "install cell", "exec"), {})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_outputs_come_from_one_real_run_top_to_bottom(path):
    notebook = read(path)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    # Executed once, in order, in a fresh kernel, without errors.
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    for cell in code:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
    # The last cell prints the real run's time (not a SMOKE run's), which the intro states.
    match = re.match(r"Run: (\d+) s, ", text_outputs(code[-1]))
    assert match is not None, text_outputs(code[-1])
    assert f"({match.group(1)} s" in notebook.cells[0].source
    assert any("image/png" in o.get("data", {}) for cell in code for o in cell.outputs)


@pytest.mark.slow  # 14 to 89 s each, about 4 min 35 s for the six (measured, other jobs running)
@pytest.mark.fashion_mnist
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_top_to_bottom_with_smoke(path, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("SMOKE", "1")
    monkeypatch.setenv("KERAS_GANS_CHECKOUT", REPOSITORY)  # the install cell imports this checkout
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))  # reference statistics cache
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    notebook = read(path)  # a copy: the committed file keeps its real run's outputs
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    try:
        client.execute()  # raises CellExecutionError at the first cell that raises
    finally:
        nbformat.write(notebook, tmp_path / os.path.basename(path))
    last = [cell for cell in notebook.cells if cell.cell_type == "code"][-1]
    assert text_outputs(last).startswith("SMOKE run: ")
