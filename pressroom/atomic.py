"""Outputs written whole or not at all: each is written to a temporary ``.part`` file beside
its place and renamed into place only when complete, so a failed or stopped build never leaves
half a file and never destroys a previous good output."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .interrupt import uninterruptible


@contextlib.contextmanager
def atomic_output(path: Path):
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds.

    An error, Ctrl-C or a stop signal (see :func:`interruptible`) part-way leaves the previous
    output untouched and no half file.
    """
    with staged_outputs() as staging:
        yield staging(path)


class Staging:
    """Outputs that belong together, each written to a temporary file beside its place: see
    :func:`staged_outputs`. ``staging(path)`` gives the temporary path for ``path``."""

    def __init__(self):
        self.files: dict[Path, Path] = {}  # final path -> temporary path, in order of staging
        self.scratch_files: list[Path] = []

    def __call__(self, path: Path) -> Path:
        if path not in self.files:
            with uninterruptible():  # made and recorded together, so always removed
                self.files[path] = _temporary(path)
        return self.files[path]

    def scratch(self, path: Path) -> Path:
        """A temporary path beside ``path`` for an intermediate file: removed at the end."""
        with uninterruptible():  # made and recorded together, so always removed
            self.scratch_files.append(_temporary(path))
        return self.scratch_files[-1]


def _temporary(path: Path) -> Path:
    """A new empty ``.part`` file beside ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def staged_outputs():
    """Yield a :class:`Staging`: outputs that must match one another (a press PDF, its imposed
    sheets, the preflight report and the job ticket with their checksums) are written to
    temporary files, then renamed into place together when the block succeeds, with no stop
    signal in between (see :func:`uninterruptible`). On an error or a stop, none is: every
    previous output stays as it was, and still matches the others."""
    staging = Staging()
    try:
        yield staging
        with uninterruptible():
            umask = os.umask(0)
            os.umask(umask)
            for path, tmp in staging.files.items():
                os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 -> what a new file would get
                os.replace(tmp, path)
    finally:
        with uninterruptible():
            for tmp in [*staging.files.values(), *staging.scratch_files]:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)


LOCK = Path(".cache") / "build.lock"  # in the output folder: held while a build writes there


@contextlib.contextmanager
def output_lock(out: Path, waiting=None):
    """Hold the output folder's lock for the block: one build at a time writes into ``out``
    (two commands, or a catalogue's title retried on another machine while the first build
    stops). A second build waits for the first; ``waiting()`` is called once if it must."""
    import fcntl

    (out / LOCK).parent.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting()
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def made_by_one(path: Path):
    """Hold the lock of a cache entry (``path``, whatever its suffix) for the block, so that of
    the builds sharing a cache that need it at once, one makes it and the others wait for it
    and read it (check again inside the block). The lock file goes with the block."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(f".{path.stem}.lock")
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            lock_path.unlink(missing_ok=True)  # a build waiting on it finds the entry made


def made_once(path: Path, make) -> bytes:
    """The bytes of a cache entry: read, or made by ``make()`` (bytes), written whole and kept,
    once whatever the number of builds sharing the cache (see :func:`made_by_one`)."""
    if path.is_file():
        return path.read_bytes()
    with made_by_one(path):
        if path.is_file():
            return path.read_bytes()
        data = make()
        with atomic_output(path) as tmp:
            tmp.write_bytes(data)
        return data
