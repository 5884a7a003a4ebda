"""One training process per run folder: `run.lock`, held while the process trains."""

import contextlib
import os
import socket

try:
    import fcntl
except ImportError:  # Windows: a lock file checked by PID instead
    fcntl = None

LOCK_FILE = "run.lock"


class RunLock:
    """An exclusive lock on a run folder, held by the process that trains into it.

    The lock is `directory/run.lock`, locked with `flock` and holding the
    holder's PID and host name. A second process asking for it gets a
    `RuntimeError` naming the holder's PID, before it does any work. The
    operating system releases the lock when its holder dies, however it dies
    (SIGKILL included), so the lock file of a dead process is stale and the
    next process simply takes it over. (Where `flock` is missing, the PID in
    the file is checked instead: a live process on this host holds the
    folder.)

    Args:
        directory: the run folder (created if missing).

    Example:

    ```python
    with RunLock("runs/fashion"):
        ...  # train into runs/fashion
    ```
    """

    def __init__(self, directory):
        self.directory = os.fspath(directory)
        self.path = os.path.join(self.directory, LOCK_FILE)
        self._descriptor = None
        self._created = False  # whether acquire made the folder (release removes it if empty)

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc_info):
        self.release()

    def acquire(self):
        """Takes the lock, or raises `RuntimeError` naming the process that holds it."""
        self._created = not os.path.isdir(self.directory)
        os.makedirs(self.directory, exist_ok=True)
        while self._descriptor is None:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                self._lock(descriptor)
            except BaseException:
                os.close(descriptor)
                raise
            # Released and removed by its holder between our open and our lock: retry
            # on the file now at the path, or two processes would hold "the" lock.
            if _same_file(descriptor, self.path):
                self._descriptor = descriptor
            else:
                os.close(descriptor)
        os.ftruncate(self._descriptor, 0)
        os.write(self._descriptor, f"{os.getpid()} {socket.gethostname()}\n".encode())

    def _lock(self, descriptor):
        if fcntl is None:
            holder = _read_holder(self.path)
            if holder and holder[1] == socket.gethostname() and _alive(holder[0]):
                self._refuse(holder)
            return
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._refuse(_read_holder(self.path))

    def _refuse(self, holder):
        who = f"process {holder[0]} on {holder[1]}" if holder else "another process"
        raise RuntimeError(
            f"The run folder {self.directory} is in use by {who} (see {self.path}): two "
            "processes training into one folder would overwrite each other's backups and "
            "history. Wait for it to finish or stop it, or train into another folder "
            "(--out, or directory=...)."
        )

    def release(self):
        """Releases the lock and removes the lock file, and the folder if it made it and
        nothing was written there (a run refused before any work leaves no folder)."""
        if self._descriptor is None:
            return
        with contextlib.suppress(OSError):
            os.remove(self.path)  # while still held: no one can take a file on its way out
        os.close(self._descriptor)
        self._descriptor = None
        if self._created:
            with contextlib.suppress(OSError):  # not empty, or already gone
                os.rmdir(self.directory)


def _same_file(descriptor, path):
    try:
        return os.path.samestat(os.fstat(descriptor), os.stat(path))
    except OSError:
        return False


def _read_holder(path):
    """`(pid, host)` written in a lock file, or None."""
    try:
        with open(path) as f:
            pid, host = f.read().split()
        return int(pid), host
    except (OSError, ValueError):
        return None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
