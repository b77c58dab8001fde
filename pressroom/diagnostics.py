"""Errors that speak to the user, and the project's logger.

Policy (as in WeasyPrint's logger): ERROR stops the build (a source problem the user must
fix, reported as ``file:line: what is wrong; what to do``); WARNING is a problem the build
survives (collected and printed in the summary); INFO is progress.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

LOGGER = logging.getLogger("pressroom")

#: Exit codes of ``publish.py``.
EXIT_OK = 0
EXIT_PREFLIGHT = 1
EXIT_USER_ERROR = 2
EXIT_INTERNAL = 3  # a fault of Pressroom's own: a report file says what happened


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the source, located as precisely as we can."""

    message: str
    file: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = display_path(self.file)
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class SourceError(Exception):
    """The source cannot be published as it is; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def fail(message: str, file: Path | None = None, line: int | None = None) -> SourceError:
    """Shorthand: ``raise fail("...", path, 3)``."""
    return SourceError(Problem(message, file, line))


def display_path(path: Path) -> str:
    """A path as the user thinks of it: relative to the working directory when inside it."""
    absolute = Path(os.path.abspath(path))  # not resolve(): a link is shown where it is
    try:
        return str(absolute.relative_to(Path(os.path.abspath(Path.cwd()))))
    except ValueError:
        return str(path)


def stopped(error: BaseException, interrupted: str) -> int:
    """Print why a command stopped, in one line per problem (``interrupted`` for Ctrl-C or a
    stop signal), and return its exit code. For KeyboardInterrupt, SourceError and OSError."""
    import sys

    if isinstance(error, KeyboardInterrupt):
        print(interrupted, file=sys.stderr)
        return getattr(error, "exit_code", 130)  # 128 + the signal, for a stop signal
    if isinstance(error, SourceError):
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_USER_ERROR
    where = f"{display_path(Path(error.filename))}: " if getattr(error, "filename", None) else ""
    print(f"error: {where}{getattr(error, 'strerror', None) or error}; check the folder's "
          "permissions and free space", file=sys.stderr)
    return EXIT_USER_ERROR


_stages = ["starting"]  # what the command is doing now, innermost last (see stage())
_failed = {}  # id of an error that left a stage -> that stage (the innermost)


@contextlib.contextmanager
def stage(name: str):
    """Name what the command does within the block, for the report of an internal error."""
    _stages.append(name)
    try:
        yield
    except Exception as error:
        _failed.setdefault(id(error), name)
        raise
    finally:
        _stages.pop()


def internal_error(error: BaseException, folder: Path | None) -> int:
    """Report a fault of Pressroom's own (not of the source) in one line naming the stage and a
    report file holding the whole traceback, written in ``folder`` (the output folder's cache)
    or, when that cannot be written, the temporary folder; :data:`EXIT_INTERNAL`."""
    import datetime as dt
    import platform
    import sys
    import tempfile
    import traceback
    from importlib import metadata

    where = _failed.pop(id(error), _stages[-1])
    versions = []
    for package in ("pressroom", "weasyprint", "pydyf", "pikepdf", "ebooklib", "pillow"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    text = "".join([
        f"Pressroom stopped on an internal error while {where}.\n",
        f"command: {' '.join(sys.argv)}\n",
        f"python {platform.python_version()} on {platform.platform()}; {', '.join(versions)}\n\n",
        *traceback.format_exception(error)])
    name = f"error-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    report = None
    for place in ([folder] if folder is not None else []) + [Path(tempfile.gettempdir())]:
        try:
            place.mkdir(parents=True, exist_ok=True)
            (place / name).write_text(text, encoding="utf-8")
            report = place / name
            break
        except OSError:
            continue
    kept = f"the full report is in {display_path(report)}" if report else \
        "no report could be written"
    message = next(iter(str(error).splitlines()), "")
    print(f"internal error while {where}: {type(error).__name__}: {message}; {kept}; please "
          "send it to Pressroom's maintainers", file=sys.stderr)
    return EXIT_INTERNAL
