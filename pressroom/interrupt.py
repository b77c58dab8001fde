"""Stopping a build cleanly: stop signals as exceptions, blocks that finish before a stop is
raised, and the named stages at which a test can stop a build exactly.

A stop signal (Ctrl-C, SIGTERM, SIGHUP) unwinds the build like Ctrl-C, so every temporary file
is removed on the way out (see :mod:`pressroom.atomic`); renames and clean-ups run inside
:func:`uninterruptible` blocks and are never left half done.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

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


#: .depth: inside uninterruptible(); .pending: a signal held back; .stopping: a stop was raised
_deferred = threading.local()


@contextlib.contextmanager
def interruptible():
    """Within the block, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread.

    Python's default for SIGTERM and SIGHUP ends the process at once, leaving every temporary
    ``.part`` file behind; raised as an exception, they unwind through ``atomic_output``, which
    removes its file. Renaming an output into place and removing a temporary file are not
    interrupted (see :func:`uninterruptible`). Once one stop is raised, further stop signals
    are ignored: a second signal (a Ctrl-C to the whole process group, then the build stopping
    its helper processes) must not cut the first one's clean-up short. Outside the main thread
    this does nothing (Python only lets the main thread set signal handlers)."""
    global _build_pid
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _build_pid is None:
        _build_pid = os.getpid()

    def stop(signum, frame):
        if getattr(_deferred, "stopping", False):
            return
        if getattr(_deferred, "depth", 0):
            _deferred.pending = signum
            return
        if _in_finaliser(frame):  # Python would print the stop there and drop it: raised after
            threading.Thread(target=_after_finaliser, args=(signum,), daemon=True).start()
            return
        _deferred.stopping = True
        raise Interrupted(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        _deferred.stopping = False
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _in_finaliser(frame) -> bool:
    """True when ``frame`` runs inside an object's ``__del__`` (e.g. a ZipFile closing)."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _after_finaliser(signum: int) -> None:
    """Send ``signum`` again once the main thread has left the finaliser it is in."""
    main = threading.main_thread().ident
    while _in_finaliser(sys._current_frames().get(main)):
        time.sleep(0.001)
    os.kill(os.getpid(), signum)


def forked() -> None:
    """In a process forked inside :func:`uninterruptible`: start with no block and no held
    signal of the parent's."""
    _deferred.depth, _deferred.pending, _deferred.stopping = 0, None, False


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
            _deferred.pending, _deferred.stopping = None, True
            raise Interrupted(pending)


#: The stages of a build at which ``PRESSROOM_STOP_AT`` can stop it, in build order. A stage
#: named "... writing" is reached when the temporary file of that output exists and is about to
#: be filled.
STAGES = (
    "source read",  # the manuscript and images read and checked; nothing written yet
    "pdf writing",  # the screen PDF's temporary file made, WeasyPrint about to write it
    "proof writing",  # the proof sheet's temporary file made
    "epub writing",  # the EPUB's temporary file made, EbookLib about to zip it
    "web writing",  # the web edition's files staged, not yet renamed into place
    "press variant writing",  # a CMYK image variant's temporary file made (in the cache)
    "press writing",  # the press PDF's temporary file made, pikepdf about to save it
    "press imposing",  # the press PDF saved (not yet renamed), the imposed sheets' file made
    "targets written",  # every output renamed into place, the build state not yet saved
)
#: ``STAGE[:SIGNAL]`` (e.g. ``press writing:SIGTERM``; SIGINT when no signal is named): the
#: build sends itself that signal at that stage, as a user or a supervisor would. For tests.
STOP_AT = "PRESSROOM_STOP_AT"

_build_pid: int | None = None  # the process that started the build (see interruptible())


def checkpoint(stage: str) -> None:
    """Mark that the build reached ``stage`` (one of :data:`STAGES`). When ``PRESSROOM_STOP_AT``
    names it, stop the build there: the signal goes to the build's first process (to its whole
    process group for SIGINT when that process leads one, as a terminal's Ctrl-C does). In that
    process it is raised at once; a forked helper waits where it is until the build stops it."""
    assert stage in STAGES, stage
    wanted = os.environ.get(STOP_AT)
    if not wanted:
        return
    name, _, signame = wanted.partition(":")
    if name != stage:
        return
    signum = getattr(signal, signame or "SIGINT")
    target = _build_pid or os.getpid()
    if signum == signal.SIGINT and os.getpgrp() == target:
        os.killpg(target, signum)
    else:
        os.kill(target, signum)
    if os.getpid() == target:  # raised in the main thread as soon as it runs Python code
        return
    for _ in range(600):  # a forked helper: the build stops it here (should it not, carry on)
        time.sleep(0.1)
