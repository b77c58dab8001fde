"""Output targets: each reads the finished model and writes its files, nothing else."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import tempfile
import threading
from pathlib import Path

from ..diagnostics import SourceError

#: The signals that stop a build cleanly (every temporary file removed), as Ctrl-C does.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """A stop signal (SIGINT, SIGTERM, SIGHUP) arrived during a build. A KeyboardInterrupt, so
    it unwinds like Ctrl-C and runs every ``finally``; ``exit_code`` is 128 + the signal."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_deferred = threading.local()  # .depth: inside uninterruptible(); .pending: a signal held back


@contextlib.contextmanager
def interruptible():
    """Within the block, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread.

    Python's default for SIGTERM and SIGHUP ends the process at once, leaving every temporary
    ``.part`` file behind; raised as an exception, they unwind through ``atomic_output``, which
    removes its file. Renaming an output into place and removing a temporary file are not
    interrupted (see :func:`uninterruptible`). Outside the main thread this does nothing (Python
    only lets the main thread set signal handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        if getattr(_deferred, "depth", 0):
            _deferred.pending = signum
            return
        raise Interrupted(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


@contextlib.contextmanager
def uninterruptible():
    """A stop signal that arrives within the block is raised when it ends (under
    :func:`interruptible`), so a rename or a clean-up is never left half done."""
    _deferred.depth = getattr(_deferred, "depth", 0) + 1
    try:
        yield
    finally:
        _deferred.depth -= 1
        pending = getattr(_deferred, "pending", None)
        if pending is not None and _deferred.depth == 0:
            _deferred.pending = None
            raise Interrupted(pending)


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


class Background:
    """``function(*args)`` in a forked process; :meth:`result` waits for its return value (or
    raises its source error). Forked, not spawned: the child has the model already, and nothing
    is imported twice. A stop of the build stops the child, which removes its temporary files."""

    def __init__(self, function, *args):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=self._run, args=(sender, function, args),
                                       daemon=True)
        with uninterruptible():  # a signal inside fork()'s handlers would be lost, not raised
            self.process.start()
        sender.close()

    @staticmethod
    def _run(sender, function, args) -> None:
        _deferred.depth, _deferred.pending = 0, None  # forked inside uninterruptible()
        try:
            with interruptible():
                sender.send(("ok", function(*args)))
        except KeyboardInterrupt:
            os._exit(130)
        except SourceError as error:  # not picklable as it is
            sender.send(("source", error.problems))
        except BaseException as error:  # noqa: BLE001 - raised again in the parent
            try:
                sender.send(("raise", error))  # an OSError keeps its file name and reason
            except Exception:  # noqa: BLE001 - not picklable: its type and message
                sender.send(("error", f"{type(error).__name__}: {error}"))

    def result(self):
        try:
            kind, value = self.receiver.recv()
        except EOFError:
            self.process.join()
            raise RuntimeError("a build process stopped without a result") from None
        # Not joined when the wait is interrupted: a child still sending a large result would
        # wait for a reader forever; stop() ends it.
        self.process.join()
        if kind == "source":
            raise SourceError(value)
        if kind == "raise":
            raise value
        if kind == "error":
            raise RuntimeError(f"a build process failed: {value}")
        return value

    def stop(self) -> None:
        """Stop the child if it still runs (the build failed or was interrupted) and wait for
        it to clean up."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receiver.close()


def build_time() -> dt.datetime:
    """The build's timestamp: SOURCE_DATE_EPOCH when set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
