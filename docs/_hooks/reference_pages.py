"""MkDocs hook: one API reference page per public module of keras_gans, made at build time.

The public modules are the package and, recursively, every module its `__all__`
exports (read statically with griffe, so the build imports no TensorFlow). Each
page shows the module's docstring and every other name of its `__all__`; a module
without `__all__` shows its public members. A new public module gets its page and
its place in the navigation with no edit here; tests/test_docs_reference.py checks
that this list matches the package as Python imports it.
"""

import glob
import os

import griffe
from mkdocs.structure.files import File

PACKAGE = "keras_gans"
# Files of the repository that the pages link to, published beside them at the same paths
# (the benchmarks' raw logs, the examples), so that a link to a missing one fails the build.
REPOSITORY_FILES = (
    "benchmarks/results/*.txt",
    "examples/*.py",
    "examples/*.ipynb",
    "examples/images/*.png",
)
SECTION = "API reference"  # the nav entry (mkdocs.yml) that the generated pages fill
FOLDER = "reference"


def _load(search_path="."):
    return griffe.load(PACKAGE, search_paths=[search_path], resolve_aliases=False)


def _target(module, name):
    """The path of the object that `module.name` is at run time.

    A name imported into the module is what the import says, so a function that
    shadows its submodule (`keras_gans.train`) is the function.
    """
    return module.imports.get(name, f"{module.path}.{name}")


def _object(collection, path):
    obj = collection.get_member(path)
    while obj.is_alias:
        obj = collection.get_member(obj.target_path)
    return obj


def public_modules(search_path="."):
    """`{module path: [(name, object path, is_module), ...]}` of every public module.

    The list of a module is its `__all__` in order, or None when it has none.
    """
    package = _load(search_path)
    collection = package.modules_collection
    modules = {}

    def visit(module):
        if module.path in modules:
            return
        exports = module.exports
        if exports is None:
            modules[module.path] = None
            return
        entries = []
        for name in exports:
            path = _target(module, name)
            obj = _object(collection, path)
            entries.append((name, obj.path if obj.is_module else path, obj.is_module))
        modules[module.path] = entries
        for _, path, is_module in entries:
            if is_module:
                visit(_object(collection, path))

    visit(package)
    return modules


def page_name(module_path):
    return f"{FOLDER}/{module_path}.md"


def page(module_path, entries):
    """The Markdown of one module's page."""
    lines = [f"# `{module_path}`", ""]
    if entries is None:  # no __all__: the module's own public members
        lines += [f"::: {module_path}", "    options:", "      show_root_heading: false", ""]
        return "\n".join(lines)
    lines += [f"::: {module_path}", "    options:", "      members: false",
              "      show_root_heading: false", ""]  # fmt: skip
    submodules = [(name, path) for name, path, is_module in entries if is_module]
    if submodules:
        lines += ["Public submodules:", ""]
        lines += [f"- [`{path}`]({path}.md)" for _, path in submodules]
        lines.append("")
    for name, path, is_module in entries:
        if not is_module:
            lines += [f"::: {path}", "    options:", f'      heading: "{name}"',
                      "      show_root_heading: true", "      heading_level: 2", ""]  # fmt: skip
    return "\n".join(lines)


def index(modules):
    lines = ["# API reference", "",
             "One page per public module, generated from the docstrings.", ""]  # fmt: skip
    lines += [f"- [`{path}`]({path}.md)" for path in modules]
    return "\n".join(lines) + "\n"


_MODULES = {}


def on_config(config):
    _MODULES.clear()
    _MODULES.update(public_modules(os.path.dirname(os.path.abspath(config["docs_dir"]))))
    entries = [{"Overview": f"{FOLDER}/index.md"}]
    entries += [{path: page_name(path)} for path in _MODULES]
    for position, item in enumerate(config["nav"]):
        if isinstance(item, dict) and SECTION in item:
            config["nav"][position] = {SECTION: entries}
            break
    else:
        config["nav"].append({SECTION: entries})
    return config


def on_files(files, config):
    root = os.path.dirname(os.path.abspath(config["docs_dir"]))
    for pattern in REPOSITORY_FILES:
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            uri = os.path.relpath(path, root).replace(os.sep, "/")
            files.append(File(uri, root, config["site_dir"], config["use_directory_urls"]))
    files.append(File.generated(config, f"{FOLDER}/index.md", content=index(_MODULES)))
    for path, entries in _MODULES.items():
        files.append(File.generated(config, page_name(path), content=page(path, entries)))
    return files
