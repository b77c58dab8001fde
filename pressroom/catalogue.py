"""A catalogue: many publications (a series, a backlist) built by one command.

The titles are the ``--source`` folders of the command, or the folders a catalogue file lists
(a YAML list of paths, relative to the file). Each title is built exactly as ``publish.py build``
builds one, in a process of its own, into ``<out>/<slug>/``; the work kept by content (CMYK
separations, e-reader images, fonts, drawings, covers) goes to one cache, ``<out>/.cache/shared``,
so an image that several titles use is separated once. Titles run ``workers`` at a time on this
machine, or as tasks of a Dask distributed cluster (``scheduler``): Dask places them, retries a
title whose worker died on another worker, and reports it failed after the scheduler's
``allowed-failures``. A title's failure never stops the others; its outputs are written as any
build writes them (whole or not at all), so a failed or repeated title never leaves half a file.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .cache import CACHE, code_digest
from .diagnostics import (EXIT_INTERNAL, EXIT_USER_ERROR, LOGGER, Problem, SourceError,
                          display_path)

SHARED_CACHE = CACHE / "shared"  # inside the catalogue's output folder
CONNECT_SECONDS = 10  # how long to try to reach a scheduler, and to wait for its first worker
#: What the command's environment says of a build, passed on to each title's (on a cluster, a
#: worker's environment is its own): the time reproducible builds write.
PASSED_ON = ("SOURCE_DATE_EPOCH",)
#: Set in a title's build process: the process to stop with (see :func:`stop_with_parent`).
PARENT = "PRESSROOM_STOP_WITH_PARENT"


@dataclass
class Title:
    """One publication of the catalogue: its folder, its slug (its output folder's name), where
    the catalogue lists it, and why it cannot be built (found before any build), if it cannot."""

    source: Path
    slug: str
    listed: Problem | None = None  # the catalogue file and line; None for --source
    problem: str | None = None


@dataclass
class Outcome:
    """What building one title gave: the build's exit code and report (``publish.py build
    --json``), its error lines as the build printed them, the seconds and the machine."""

    slug: str
    source: str
    exit_code: int
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    host: str = ""
    report: dict | None = None


def read_catalogue(path: Path) -> list[tuple[Path, Problem]]:
    """The folders a catalogue file lists, each with where it is listed (file and line);
    a SourceError naming the line of every entry that is not a folder's path."""
    from .config import parse_yaml
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(Problem("not found; a catalogue is a YAML list of publication folders, "
                                  "one '- path' a line", path)) from None
    except (UnicodeDecodeError, OSError) as error:
        raise SourceError(Problem(f"cannot be read ({getattr(error, 'strerror', None) or error})",
                                  path)) from None
    node = parse_yaml(text, path)
    if node is not None and isinstance(node, yaml.MappingNode):  # titles: [...]
        entries = [value for key, value in node.value if getattr(key, "value", None) == "titles"]
        node = entries[0] if len(entries) == 1 and len(node.value) == 1 else node
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        line = node.start_mark.line + 1 if node is not None else 1
        raise SourceError(Problem("a catalogue is a YAML list of publication folders, one "
                                  "'- path/to/folder' a line (relative to this file)", path, line))
    titles, problems = [], []
    for item in node.value:
        where = Problem("", path, item.start_mark.line + 1)
        if not isinstance(item, yaml.ScalarNode) or not item.value.strip() or \
                item.tag.endswith((":null", ":bool", ":int", ":float")):
            problems.append(Problem("each entry is a publication folder's path, e.g. "
                                    "'- part-4'", path, where.line))
            continue
        titles.append(((path.parent / Path(item.value).expanduser()).resolve(), where))
    if problems:
        raise SourceError(problems)
    return titles


def plan(sources: list[tuple[Path, Problem | None]]) -> list[Title]:
    """Each source as a :class:`Title`: its slug read from its publication.yaml. A folder that
    is not a publication, a publication.yaml that cannot be read and a slug another title has
    already are that title's problem; the others are built all the same."""
    from .config import load_settings

    titles: list[Title] = []
    taken: dict[str, Title] = {}
    for source, listed in sources:
        title = Title(source, source.name, listed)
        titles.append(title)
        if not (source / "manuscript").is_dir():
            title.problem = _at(title, f"{display_path(source)}: " + (
                "is not a publication (it has no manuscript/ folder)" if source.is_dir() else
                "no such folder") + "; correct the path")
            continue
        try:
            title.slug = load_settings(source / "manuscript" / "publication.yaml").slug
        except SourceError as error:
            title.problem = "\n".join(str(problem) for problem in error.problems)
            continue
        other = taken.setdefault(title.slug, title)
        if other is not title:
            title.problem = _at(title, f"{display_path(source)} has the slug '{title.slug}' of "
                                f"{display_path(other.source)}, and both would be written to "
                                f"<out>/{title.slug}/; give one its own 'slug:' in its "
                                "publication.yaml" if other.source != source else
                                f"{display_path(source)} is listed twice")
    return titles


def _at(title: Title, message: str) -> str:
    """A title's problem, at the catalogue's line that lists it (if a file lists it)."""
    return str(Problem(message, title.listed.file, title.listed.line)) if title.listed \
        else message


def build_catalogue(titles: list[Title], out: Path, options: list[str], workers: int,
                    scheduler: str | None = None, report=None) -> list[Outcome]:
    """Build every title that has no problem into ``out/<slug>/`` (``options``: the build's
    own, e.g. ``--target pdf``), ``workers`` at a time here or on the Dask cluster at
    ``scheduler``; ``report(outcome, done, total)`` as each one ends. The outcomes in the
    catalogue's order, the titles with a problem among them (exit 2, not built)."""
    global _stopping
    _stopping = False
    outcomes: dict[int, Outcome] = {}
    report = report or (lambda outcome, done, total: None)
    shared = out / SHARED_CACHE
    todo = {index: title for index, title in enumerate(titles) if not title.problem}
    digest = code_digest()
    settings = {name: os.environ.get(name) for name in PASSED_ON}
    arguments = {index: (str(title.source), str(out / title.slug), str(shared), title.slug,
                         options, os.getcwd(), digest, settings)
                 for index, title in todo.items()}
    with _executor(workers, scheduler) as executor:  # a cluster out of reach: nothing reported
        for index, title in enumerate(titles):
            if title.problem:
                outcomes[index] = Outcome(title.slug, str(title.source), EXIT_USER_ERROR,
                                          errors=title.problem.splitlines())
                report(outcomes[index], len(outcomes), len(titles))
        futures: dict[Future, int] = {executor.submit(build_title, *arguments[index]): index
                                      for index in todo}
        try:
            for future in as_completed(futures):
                index = futures[future]
                try:
                    outcomes[index] = future.result()
                except Exception as error:  # noqa: BLE001 - e.g. Dask's KilledWorker
                    outcomes[index] = Outcome(titles[index].slug, str(titles[index].source),
                                              EXIT_INTERNAL, errors=[_lost(error)])
                report(outcomes[index], len(outcomes), len(titles))
        except BaseException:  # Ctrl-C or a stop signal: the titles' builds stop as theirs
            for future in futures:
                future.cancel()
            _stop_running()
            raise
    return [outcomes[index] for index in range(len(titles))]


def _lost(error: BaseException) -> str:
    """Why a title gave no outcome at all: its Dask worker died (more often than the cluster
    allows), the cluster failed, or its build process could not be started."""
    name = type(error).__name__
    if isinstance(error, ImportError) and "pressroom" in str(error):
        return "a worker has no Pressroom installed; install it (pip install .) on every worker"
    if name == "KilledWorker":
        return ("the worker building it died, and so did each worker that took it again; "
                "see the workers' logs (memory?)")
    return f"its build could not run: {name}: {error}"


class _executor:
    """Threads of this process, each waiting for one title's build process; or a Dask client's
    executor (``concurrent.futures`` for both)."""

    def __init__(self, workers: int, scheduler: str | None):
        self.workers, self.scheduler, self.client = workers, scheduler, None

    def __enter__(self):
        if self.scheduler is None:
            self.executor = ThreadPoolExecutor(max_workers=self.workers,
                                               thread_name_prefix="title")
            return self.executor
        self.client = connect(self.scheduler)
        self.executor = self.client.get_executor(pure=False)
        return self.executor

    def __exit__(self, *exc):
        try:
            if self.client is None:  # (stopped: waits for the builds to stop)
                self.executor.shutdown(wait=True, cancel_futures=True)
            else:
                self.client.close()
        except Exception:  # noqa: BLE001 - a cluster gone while closing: nothing left to do
            pass


def connect(address: str):
    """A Dask client of the scheduler at ``address`` with at least one worker; a SourceError
    (one line: what to do) when it cannot be reached within :data:`CONNECT_SECONDS`."""
    if "://" not in address:
        raise SourceError(Problem(f"--scheduler {address}: give the scheduler's address as "
                                  "tcp://HOST:PORT (as 'dask scheduler' prints it)"))
    import logging
    import warnings

    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.ERROR)  # its retries are not ours to print
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # version notes: a mismatch of ours is checked
            client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise SourceError(Problem(
            f"cannot reach the Dask scheduler at {address} within {CONNECT_SECONDS} s "
            f"({str(error).splitlines()[0] if str(error) else type(error).__name__}); start "
            "one with 'dask scheduler', or check the address and the firewall")) from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError):
        client.close()
        raise SourceError(Problem(f"the Dask scheduler at {address} has no worker; start one "
                                  f"on each machine with 'dask worker {address}'")) from None
    return client


def build_title(source: str, out: str, shared: str, slug: str, options: list[str], cwd: str,
                digest: str, settings: dict[str, str | None] | None = None) -> Outcome:
    """Build one title as ``publish.py build`` does, in a process of its own (run here, or on a
    Dask worker: then on the worker's machine, which must see ``source`` and ``out`` at the same
    paths), with the command's ``settings`` of :data:`PASSED_ON` (None: unset). The process
    stops if this one dies, so a title retried elsewhere is never written by two builds at
    once."""
    host = socket.gethostname()
    started = time.monotonic()

    def failed(message: str, code: int = EXIT_USER_ERROR) -> Outcome:
        return Outcome(slug, source, code, time.monotonic() - started, errors=[message],
                       host=host)

    if digest != code_digest():
        return failed(f"{display_path(Path(source))}: the worker on {host} runs another version "
                      "of Pressroom than this command; install the same one on every worker")
    if not Path(source, "manuscript").is_dir():
        return failed(f"{source}: not found on {host}; the workers read the sources and write "
                      "the outputs at the same paths as this command (a shared filesystem)")
    command = [sys.executable, "-m", "pressroom", "build", "--source", source, "--out", out,
               "--cache", shared, "--json", "-q", *options]
    with _running_lock:
        if _stopping:
            return failed("not started: the catalogue was stopped", 130)
        environment = {**os.environ, **{name: value for name, value in
                                        (settings or {}).items() if value is not None},
                       PARENT: str(os.getpid())}
        for name in [name for name, value in (settings or {}).items() if value is None]:
            environment.pop(name, None)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, cwd=cwd if os.path.isdir(cwd) else "/",
                                   env=environment)
        _running.add(process)
    try:
        stdout, stderr = process.communicate()
    finally:
        with _running_lock:
            _running.discard(process)
    code = process.returncode if process.returncode >= 0 else 128 - process.returncode
    outcome = Outcome(slug, source, code, time.monotonic() - started, host=host)
    try:
        outcome.report = json.loads(stdout)
    except ValueError:
        pass
    for line in stderr.splitlines():
        if line.startswith("error: "):
            outcome.errors.append(line.removeprefix("error: "))
        elif line.startswith("warning: ") and outcome.report is None:
            outcome.warnings.append(line.removeprefix("warning: "))
        elif outcome.report is None and line.strip() and code:
            outcome.errors.append(line)  # e.g. "interrupted; ..."
    if outcome.report:
        reports = [outcome.report, *outcome.report.get("editions", {}).values()]
        outcome.outputs = [each["path"] for report in reports for each in report["outputs"]]
        outcome.warnings = [warning for report in reports for warning in report["warnings"]]
    if process.returncode < 0:
        outcome.errors.append(f"its build process was killed (signal {-process.returncode}); "
                              "the outputs of its last good build are kept")
    return outcome


_running: set[subprocess.Popen] = set()  # the title builds this process started and waits for
_running_lock = threading.Lock()
_stopping = False


def _stop_running() -> None:
    """Send SIGTERM to the title builds this process runs and start no more: each stops as
    for Ctrl-C (no temporary file, earlier outputs kept). On a cluster, the titles already
    running finish on their workers (Dask does not stop a running task)."""
    global _stopping
    with _running_lock:
        _stopping = True
        for process in _running:
            process.terminate()


def stop_with_parent() -> None:
    """In a title's build process (:data:`PARENT` set): be sent SIGTERM when the process that
    started it dies (a Dask worker killed mid-title); the build then stops as for Ctrl-C,
    leaving the earlier outputs. Linux only; elsewhere nothing."""
    parent = os.environ.pop(PARENT, None)
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if str(os.getppid()) != parent:  # it died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def exit_code(outcomes: list[Outcome]) -> int:
    """The catalogue's exit code: the worst of its titles'."""
    return max((outcome.exit_code for outcome in outcomes), default=0)


def table(outcomes: list[Outcome]) -> str:
    """The summary: a line per title (title, result, outputs, warnings, errors, seconds)."""
    rows = [("title", "result", "outputs", "warnings", "errors", "seconds")]
    for outcome in outcomes:
        rows.append((outcome.slug, result(outcome.exit_code), str(len(outcome.outputs)), str(len(outcome.warnings)),
                     str(len(outcome.errors)), f"{outcome.seconds:.1f}"))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) if column < 2 else cell.rjust(width)
                               for column, (cell, width) in enumerate(zip(row, widths))).rstrip()
                     for row in rows)


def result(code: int) -> str:
    """A title's exit code in a word (the table's result column)."""
    return {0: "built", 1: "preflight", 2: "source", 3: "internal"}.get(
        code, "stopped" if code > 128 else "failed")


def as_json(outcomes: list[Outcome], seconds: float, workers: int, scheduler: str | None) -> dict:
    return {"exit_code": exit_code(outcomes), "seconds": round(seconds, 3),
            "workers": None if scheduler else workers, "scheduler": scheduler,
            "titles": [{**asdict(outcome), "seconds": round(outcome.seconds, 3)}
                       for outcome in outcomes]}


def log_outcome(outcome: Outcome, done: int, total: int) -> None:
    """As each title ends: its errors and warnings on stderr (they name their files), and a
    line saying how it went."""
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in outcome.errors:
        print(f"error: {error}", file=sys.stderr)
    how = result(outcome.exit_code) + (f" (exit {outcome.exit_code})" if outcome.exit_code
                                       else "")
    if outcome.seconds:
        count = len(outcome.outputs)
        how += f" in {outcome.seconds:.1f} s, {count} output{'s' * (count != 1)}"
    if outcome.host and outcome.host != socket.gethostname():
        how += f" on {outcome.host}"
    LOGGER.info("[%d/%d] %s: %s", done, total, outcome.slug, how)
