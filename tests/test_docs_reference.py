"""Every public module of keras_gans has an API reference page (docs/_hooks/reference_pages.py).

The hook reads the package statically (griffe) so that `mkdocs build` imports no TensorFlow;
these tests hold it to the package as Python imports it: the same public modules (the package,
and recursively every module its `__all__` exports), the same public names on each page.
"""

import importlib.util
import inspect
import os

import pytest
import yaml

import keras_gans

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_hook():
    path = os.path.join(REPOSITORY, "docs", "_hooks", "reference_pages.py")
    spec = importlib.util.spec_from_file_location("reference_pages", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hook = load_hook()
STATIC = hook.public_modules(REPOSITORY)


def public_modules(module):
    """`{name: module}` of `module` and every module its `__all__` exports, recursively."""
    found = {module.__name__: module}
    for name in getattr(module, "__all__", ()):
        value = getattr(module, name)
        if inspect.ismodule(value) and value.__name__ not in found:
            found.update(public_modules(value))
    return found


RUNTIME = public_modules(keras_gans)


def test_every_public_module_has_a_page():
    assert sorted(STATIC) == sorted(RUNTIME)
    assert {"keras_gans", "keras_gans.metrics", "keras_gans.tricks"} <= set(STATIC)


@pytest.mark.parametrize("name", sorted(RUNTIME))
def test_each_page_documents_the_module_and_its_public_names(name):
    module, entries = RUNTIME[name], STATIC[name]
    text = hook.page(name, entries)
    assert f"::: {name}\n" in text
    exported = getattr(module, "__all__", None)
    if exported is None:
        assert entries is None  # the page shows the module's own public members
        return
    assert [entry[0] for entry in entries] == list(exported)
    for export, path, is_module in entries:
        value = getattr(module, export)
        assert is_module == inspect.ismodule(value), export
        if is_module:
            assert f"({value.__name__}.md)" in text
        else:
            assert f"::: {path}\n" in text
            # The documented object is the one Python gives for the public name.
            target_module, _, attribute = path.rpartition(".")
            assert getattr(importlib.import_module(target_module), attribute) is value


def test_the_navigation_lists_every_page():
    with open(os.path.join(REPOSITORY, "mkdocs.yml"), encoding="utf-8") as file:
        config = yaml.load(file, Loader=yaml.BaseLoader)  # the file's own tags stay strings
    config["nav"] = list(config["nav"])
    config = hook.on_config({**config, "docs_dir": os.path.join(REPOSITORY, "docs")})
    (section,) = [item[hook.SECTION] for item in config["nav"] if hook.SECTION in item]
    pages = [list(entry.values())[0] for entry in section]
    assert pages == [f"{hook.FOLDER}/index.md"] + [hook.page_name(name) for name in STATIC]
