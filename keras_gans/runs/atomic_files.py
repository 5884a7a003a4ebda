"""Files written whole or not at all: beside the target, synced, then renamed into place.

A process killed at any moment (SIGTERM, SIGKILL, a machine going down) leaves
either the previous file or the new one, never a half-written file: the new
content goes to a temporary file in the same folder, which is flushed to disk
(`os.fsync`) and then renamed over the target (`os.replace`, atomic on POSIX
and Windows file systems), and the folder itself is synced so that the rename
survives a power loss.
"""

import contextlib
import hashlib
import json
import os

PARTIAL = ".partial"  # what temporary files' names contain; left only by a killed writer


def partial_path(path, suffix=""):
    """The temporary path a new version of `path` is written to (`suffix` kept last)."""
    folder, name = os.path.split(os.fspath(path))
    stem = name[: -len(suffix)] if suffix and name.endswith(suffix) else name
    return os.path.join(folder, f".{stem}{PARTIAL}-{os.getpid()}{suffix}")


def sync_file(path):
    """Flushes `path`'s content to disk."""
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def sync_folder(folder):
    """Flushes `folder`'s entries (renames, new files) to disk, where the OS allows it."""
    with contextlib.suppress(OSError):  # Windows cannot open a folder
        descriptor = os.open(folder or ".", os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def replace(source, target):
    """Renames the synced file `source` over `target` in one step, and syncs the folder."""
    sync_file(source)
    os.replace(source, target)
    sync_folder(os.path.dirname(os.fspath(target)))


def write_with(path, write, suffix=""):
    """Writes `path` whole or not at all: `write(temporary_path)`, then `replace`.

    Args:
        path: the file to write.
        write: a function that writes the new content to the path it is given.
        suffix: an ending the temporary file must keep (e.g. `".keras"`,
            which `keras.Model.save` requires). Defaults to `""`.
    """
    temporary = partial_path(path, suffix)
    try:
        write(temporary)
        replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)


def write_text(path, text):
    """Writes the string `text` to `path` whole or not at all."""

    def write(temporary):
        with open(temporary, "w", newline="") as f:
            f.write(text)

    write_with(path, write)


def write_json(path, value):
    """Writes `value` as JSON to `path` whole or not at all."""
    write_text(path, json.dumps(value, indent=1, sort_keys=True) + "\n")


def sha256(path):
    """The SHA-256 of a file's content, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remove_partial_files(folder):
    """Removes the temporary files that killed writers left in `folder`."""
    if not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        if name.startswith(".") and PARTIAL in name:
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, name))
