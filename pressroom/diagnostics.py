"""Errors that speak to the user, and the project's logger.

Policy (as in WeasyPrint's logger): ERROR stops the build (a source problem the user must
fix, reported as ``file:line: what is wrong; what to do``); WARNING is a problem the build
survives (collected and printed in the summary); INFO is progress.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

LOGGER = logging.getLogger("pressroom")

#: Exit codes of ``publish.py``.
EXIT_OK = 0
EXIT_PREFLIGHT = 1
EXIT_USER_ERROR = 2


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
