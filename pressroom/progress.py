"""Progress on long work: the build's stages and their steps (pages laid out, images made).

A build reports through a :class:`Progress`; the command line picks how it shows: a live display
on a terminal (rich), one line per stage otherwise, nothing with ``-q``.
"""

from __future__ import annotations

import contextlib

from .diagnostics import LOGGER


class Progress:
    """Says nothing: the base of the others, and what library callers get."""

    @contextlib.contextmanager
    def stage(self, name: str):
        """A stage of the build (``screen PDF``, ``EPUB``...) for the duration of the block."""
        yield

    def step(self, what: str, done: int, total: int | None = None) -> None:
        """Within the current stage, ``done`` of ``total`` (or of an unknown number) ``what``."""

    @contextlib.contextmanager
    def engine_pages(self):
        """Within the block, the pages WeasyPrint lays out are steps (a live display counts
        them; the others need not listen)."""
        yield


class PlainProgress(Progress):
    """One line per stage, for logs and pipes."""

    @contextlib.contextmanager
    def stage(self, name: str):
        LOGGER.info("%s...", name)
        yield


class LiveProgress(Progress):
    """A live display on the terminal (stderr): each stage with its steps and time, cleared when
    the build ends. Refreshed on each step, never by a thread of its own, so the build can fork
    its press process safely."""

    def __init__(self):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn)

        self.display = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=True,
                                auto_refresh=False)
        self.task = None

    def __enter__(self) -> LiveProgress:
        self.display.start()
        return self

    def __exit__(self, *exc) -> None:
        self.display.stop()

    @contextlib.contextmanager
    def stage(self, name: str):
        previous, self.task = self.task, (self.display.add_task(name, total=None), name)
        self.display.refresh()
        try:
            yield
        finally:
            self.display.update(self.task[0], visible=False)
            self.display.refresh()
            self.task = previous

    def step(self, what: str, done: int, total: int | None = None) -> None:
        if self.task is None:
            return
        task, name = self.task
        self.display.update(task, completed=done, total=total, description=f"{name}: {what}")
        self.display.refresh()

    @contextlib.contextmanager
    def engine_pages(self):
        """Within the block, each page WeasyPrint lays out is a step (``pages laid out``)."""
        from .engine import counting_pages  # loaded by the render that calls this

        with counting_pages(lambda counted: self.step("pages laid out", counted)):
            yield
