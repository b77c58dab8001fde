"""Pressroom's benchmark: build times and peak memory of long books, against the engine floor.

    .venv/bin/python bench/run.py [--rounds 3] [--pages 30,100,300] [--long 1000] [--titles 12]
                                  [--only LETTERS] [--quick]

Generates the books and the catalogue's series once (bench/.books/, see longbook.py), starts a
Dask cluster of two workers on 127.0.0.1 for the catalogue (untimed), then runs every
measurement as its own subprocess, all of them once per round, round after round (so a slow
spell of the machine touches every measurement alike), and once more in a last round that
samples the peak memory of each process tree (sampling slows what it watches, so timed runs are
not sampled). Reports medians, ratios and peaks, checks them against the goals, and writes the
table to bench/results.md. See README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pypdfium2

from pressroom.build import load_publication
from pressroom.targets.pdf import PRINT_MEDIUM, print_html

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BOOKS = BENCH / ".books"      # generated books, reused while longbook.py is unchanged
WORK = BENCH / ".work"        # each measurement's source copy and output folder
RESULTS = BENCH / "results.md"  # a --quick run's go to WORK / "results-quick.md"
# The checkout's environment; else (a git worktree without one) the one running this script.
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "python").exists() \
    else Path(sys.executable).parent
PYTHON = BIN / "python"
WEASYPRINT = BIN / "weasyprint"
DASK = BIN / "dask"
EPUB_CSS = Path("layouts") / "book" / "epub.css"  # a source-local copy overrides the layout's
SLUG = "longbook"             # longbook.py's slug: the output file names
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1704067200",  # 2024-01-01: the same bytes each run
       # this checkout's Pressroom in every process, the Dask workers' builds included
       "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
LETTERS = "abcdefghij"        # the measurements (see README.md)
NEEDS = {"b": "a", "c": "a", "f": "c", "g": "c", "i": "c"}  # whose cases a row compares with
SERIES_PAGES, SERIES_IMAGES, SERIES_SHARED = 16, 6, 3  # each catalogue title (j)
BUSY_GOAL = 0.9               # j: with 2 local workers, the share of the cores kept busy
DASK_GOAL = 1.1               # j: a Dask cluster of 2 workers / 2 local workers
POLL = 0.05                   # seconds between memory samples
MB = 1e6

sys.path.insert(0, str(BENCH))
from longbook import make_book, make_catalogue  # noqa: E402  (bench/ is not a package)


@dataclass
class Run:
    seconds: float
    peak: int       # bytes: the highest sum of PSS over the process tree (0: not sampled)
    stdout: str = ""
    cpu: float = 0.0  # seconds of CPU (user + system) of the process and the descendants it
    #                   waited for (not the work it hands to a Dask cluster)


@dataclass
class Case:
    """One measurement: ``prepare`` (untimed) before each run of ``command``."""

    name: str
    command: list[str]
    out: Path | None = None  # the output folder of a build
    prepare: Callable[[], None] = lambda: None
    after: Callable[[], None] = lambda: None
    also: Callable[[], list[int]] = list  # more processes whose memory counts (a Dask cluster)
    runs: list[Run] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)  # from the memory round
    last: Run | None = None  # the latest run, timed or not (for ``after``)

    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def peak(self) -> float:
        return statistics.median(self.peaks)


@dataclass
class Book:
    source: Path
    pages: int      # asked for
    images: int


@dataclass
class Catalogue:
    """A generated series (longbook.make_catalogue): the folder of its titles, its file."""

    folder: Path
    titles: int
    pages: int      # asked for, each
    images: int     # each
    shared: int     # of which the same bytes in every title

    @property
    def file(self) -> Path:
        return self.folder / "catalogue.yaml"


def main() -> None:
    arguments = parse_arguments()
    letters = arguments.only
    code = code_state()
    books = cjk = long = catalogue = None
    if set(letters) & set("abcdefgi"):  # the largest book's measurements
        sizes = arguments.pages if "g" in letters else arguments.pages[-1:]
        books = [book_for(pages, max(1, round(pages / 3))) for pages in sizes]
    if "h" in letters:
        cjk = book_for(arguments.pages[-1], max(1, round(arguments.pages[-1] / 3)), "zh-Hans")
    if "i" in letters and arguments.long:
        long = book_for(arguments.long, max(1, round(arguments.long / 3)))
    if "j" in letters:
        catalogue = catalogue_for(arguments.titles)
    bench = Benchmark(letters, books[-1] if books else None, books[:-1] if books else [], cjk,
                      long, catalogue)
    LOAD[:] = load_average()
    try:
        bench.start()
        for number in range(1, arguments.rounds + 1):
            for case in bench.cases:
                case.prepare()
                case.last = measure(case.command)
                case.runs.append(case.last)
                case.after()
                progress(f"round {number}/{arguments.rounds}  {case.name:<18} "
                         f"{case.runs[-1].seconds:7.2f} s")
        for case in bench.cases:  # the memory round: its times are not used
            case.prepare()
            case.last = measure(case.command, sample=True, also=case.also())
            case.peaks.append(case.last.peak)
            case.after()
            progress(f"memory round  {case.name:<18} {case.peaks[-1] / MB:6.0f} MB")
    finally:
        bench.stop()
    report = bench.report(arguments.rounds)
    if code_state() != code:
        report += ("\n**Pressroom's code or layouts changed during the run**: the measurements "
                   "mix versions (and builds after the change started from an invalid cache). "
                   "Run again.\n")
    full = not arguments.quick and letters == LETTERS
    (RESULTS if full else WORK / f"results-{'quick' if arguments.quick else letters}.md"
     ).write_text(report, encoding="utf-8")
    print(report)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, help="rounds of every measurement (default 3; 2 "
                        "with --quick)")
    parser.add_argument("--pages", type=lambda text: sorted(int(n) for n in text.split(",")),
                        help="book sizes, comma-separated (default 30,100,300; 20,40 with "
                        "--quick); the largest is the one most measurements use, images are a "
                        "third of the pages")
    parser.add_argument("--long", type=int, help="the long book's pages, built with every "
                        "target (press files included) for time and memory against the largest "
                        "of --pages (default 1000; 0: none)")
    parser.add_argument("--titles", type=int, help="the catalogue's titles (j; default 12, 4 "
                        "with --quick)")
    parser.add_argument("--only", metavar="LETTERS", help="only these measurements, e.g. j or "
                        "bh (with those they compare with: a for b and c, c for f, g and i); "
                        "the results go to bench/.work/results-LETTERS.md, not results.md")
    parser.add_argument("--quick", action="store_true", help="a smoke run on small books")
    arguments = parser.parse_args()
    if arguments.long is None:
        arguments.long = 0 if arguments.quick else 1000
    arguments.titles = arguments.titles or (4 if arguments.quick else 12)
    only = set(arguments.only or LETTERS)
    if not only <= set(LETTERS):
        parser.error(f"--only: measurements are letters of {LETTERS}")
    while any(NEEDS.get(letter, letter) not in only for letter in only):
        only |= {NEEDS[letter] for letter in only if letter in NEEDS}
    arguments.only = "".join(sorted(only))
    arguments.rounds = arguments.rounds or (2 if arguments.quick else 3)
    arguments.pages = arguments.pages or ([20, 40] if arguments.quick else [30, 100, 300])
    return arguments


def code_state() -> str:
    """A fingerprint of what is measured: Pressroom's code and built-in layouts (file names,
    sizes, modification times)."""
    files = sorted([*(ROOT / "pressroom").rglob("*.py"),
                    *(path for path in (ROOT / "layouts").rglob("*") if path.is_file())])
    return hashlib.sha256(repr([(str(path), path.stat().st_size, path.stat().st_mtime_ns)
                                for path in files]).encode()).hexdigest()


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def book_for(pages: int, images: int, language: str = "en-GB") -> Book:
    """The generated book of this size and language, made once per version of longbook.py
    (the books of other versions are deleted)."""
    version = hashlib.sha256((BENCH / "longbook.py").read_bytes()).hexdigest()[:8]
    for old in BOOKS.glob("*"):
        if not old.name.endswith(f"-{version}"):
            shutil.rmtree(old)
    folder = BOOKS / f"{pages}p-{images}i{'-' + language if language != 'en-GB' else ''}-{version}"
    if not folder.is_dir():
        progress(f"generating a {pages}-page book with {images} photos in {folder}")
        scratch = folder.with_name(folder.name + ".partial")
        shutil.rmtree(scratch, ignore_errors=True)
        make_book(scratch, pages, images, language=language)
        scratch.rename(folder)
    return Book(folder, pages, images)


def catalogue_for(titles: int) -> Catalogue:
    """The generated series of ``titles`` titles (j), made once per version of longbook.py,
    beside the books."""
    version = hashlib.sha256((BENCH / "longbook.py").read_bytes()).hexdigest()[:8]
    folder = BOOKS / (f"catalogue-{titles}t-{SERIES_PAGES}p-{SERIES_IMAGES}i-{SERIES_SHARED}s-"
                      f"{version}")
    if not folder.is_dir():
        progress(f"generating a catalogue of {titles} titles in {folder}")
        scratch = folder.with_name(folder.name + ".partial")
        shutil.rmtree(scratch, ignore_errors=True)
        make_catalogue(scratch, titles, SERIES_PAGES, SERIES_IMAGES, SERIES_SHARED)
        scratch.rename(folder)
    return Catalogue(folder, titles, SERIES_PAGES, SERIES_IMAGES, SERIES_SHARED)


# ---- Measuring -------------------------------------------------------------------------------

WARNINGS: dict[str, str] = {}  # what the measured commands printed on stderr -> which command
LOAD: list[str] = []  # /proc/loadavg before the rounds


def measure(command: list[str], sample: bool = False, also: list[int] = ()) -> Run:
    """Run ``command`` to its end: wall-clock time and, with ``sample``, the peak memory of its
    process tree (and of the trees of the processes ``also``, those of a Dask cluster). Reading
    every process's smaps_rollup each 50 ms walks its page tables: that slowed a three-process
    build by about 10 % and the single-process floor less, so timed runs are not sampled."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=ENV, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    sampler = PeakMemory(process.pid, also) if sample else None
    try:
        output, errors = process.communicate()
    except BaseException:  # Ctrl-C: the measured command stops too (it stops what it started)
        process.terminate()
        process.wait()
        raise
    finally:
        if sampler:
            sampler.stop()
    seconds = time.perf_counter() - started
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime
    if process.returncode:
        sys.exit(f"{' '.join(map(str, command))} failed (exit {process.returncode}):\n{errors}")
    tool = "publish.py" if command[0] == str(PYTHON) else Path(command[0]).name
    for line in filter(None, map(str.strip, errors.splitlines())):
        WARNINGS.setdefault(line, tool)
    return Run(seconds, sampler.peak if sampler else 0, output, cpu)


class PeakMemory:
    """Samples the summed proportional set size (PSS) of a process and all its descendants
    every POLL seconds, from /proc, in a thread. PSS, not RSS: the build forks its second and
    third process, which share most of their pages with the first; a shared page counts once,
    split between the processes that share it."""

    def __init__(self, pid: int, also: list[int] = ()):
        self.pids, self.peak = [pid, *also], 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _poll(self) -> None:
        while True:
            self.peak = max(self.peak, sum(pss_bytes(pid) for root in self.pids
                                           for pid in tree(root)))
            if self._done.wait(POLL):
                return


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (those alive)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                pending += map(int, Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except OSError:  # it ended meanwhile
            pass
    return found


def pss_bytes(pid: int) -> int:
    """The process's proportional set size (Linux's smaps_rollup), 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


# ---- Sources and outputs ---------------------------------------------------------------------

def build_command(source: Path, out: Path, target: str) -> list[str]:
    return [str(PYTHON), str(ROOT / "publish.py"), "build", "-q", "--source", str(source),
            "--out", str(out), "--target", target]


def empty(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def edit_section(source: Path) -> None:
    """Add a sentence to the middle chapter, so no build can skip it."""
    chapters = sorted((source / "manuscript").glob("*-chapter-*.md"))
    with chapters[len(chapters) // 2].open("a", encoding="utf-8") as file:
        file.write(f"\nThe benchmark added this line at {time.time_ns()}.\n")


def edit_epub_css(source: Path) -> None:
    with (source / EPUB_CSS).open("a", encoding="utf-8") as file:
        file.write(f"/* edited by the benchmark at {time.time_ns()} */\n")


def snapshot(out: Path) -> dict[str, tuple[int, str]]:
    """Every output file (not the build cache): its modification time and SHA-256."""
    return {str(path.relative_to(out)): (path.stat().st_mtime_ns,
                                         hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(out.rglob("*"))
            if path.is_file() and path.relative_to(out).parts[0] != ".cache"}


def compare(before: dict, after: dict) -> dict[str, str]:
    """How each output file changed: rewritten, touched, unchanged, new or removed."""
    def how(name: str) -> str:
        if name not in before or name not in after:
            return "new" if name in after else "removed"
        (time_before, digest_before), (time_after, digest_after) = before[name], after[name]
        return ("rewritten" if digest_before != digest_after else
                "touched" if time_before != time_after else "unchanged")
    return {name: how(name) for name in sorted(before.keys() | after.keys())}


def summary(changes: dict[str, str]) -> str:
    """The files by how they changed; only the number of the unchanged ones."""
    groups: dict[str, list[str]] = {}
    for name, how in changes.items():
        groups.setdefault(how, []).append(f"`{name}`")
    return "; ".join(f"{how}: {', '.join(names) if how != 'unchanged' else len(names)}"
                     for how, names in groups.items())


def pdf_pages(path: Path) -> int:
    return len(pypdfium2.PdfDocument(path))


@dataclass
class Separations:
    """After a catalogue build: the CMYK JPEGs in its shared cache (by folder) and in the
    titles' own folders, against the titles' image placements and distinct images."""

    titles: int
    placements: int     # image files the titles use (each is placed: a figure, the cover)
    distinct: int       # of those, different contents
    shared: int
    folders: dict[str, int]
    own: int


def count_separations(out: Path, titles: list[dict]) -> Separations:
    """Count the CMYK separations a catalogue build left in ``out`` (every JPEG whose pixels
    are CMYK; the e-reader and web images are sRGB), against the images of its ``titles``
    (the --json report's: their source folders)."""
    from PIL import Image

    digests = [hashlib.sha256(photo.read_bytes()).hexdigest() for title in titles
               for photo in sorted((Path(title["source"]) / "images").iterdir())]
    shared, folders, own = 0, {}, 0
    for path in sorted(out.rglob("*.jp*g")):
        with Image.open(path) as image:
            if image.mode != "CMYK":
                continue
        parts = path.relative_to(out).parts
        if parts[:2] == (".cache", "shared"):
            shared += 1
            where = "/".join(parts[2:-1]) + "/"
            folders[where] = folders.get(where, 0) + 1
        else:
            own += 1
    return Separations(len(titles), len(digests), len(set(digests)), shared, folders, own)


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 now (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DaskCluster:
    """A Dask scheduler and ``workers`` workers (one thread each, no nanny) on 127.0.0.1,
    started by the benchmark (``dask scheduler``, ``dask worker``, this checkout's Pressroom
    on their PYTHONPATH) and stopped by their own PIDs; their logs in ``folder``. Ready when the
    scheduler has every worker."""

    def __init__(self, folder: Path, workers: int):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.processes, self.logs = folder, [], []
        port = free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        progress(f"starting a Dask scheduler at {self.address} and {workers} workers")
        try:
            self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                        "--no-dashboard")
            for number in range(1, workers + 1):
                self._start(f"worker-{number}", "worker", self.address, "--nthreads", "1",
                            "--no-nanny", "--no-dashboard", "--name", f"bench-{number}",
                            "--local-directory", str(folder / f"worker-{number}"))
            self._wait(workers)
        except BaseException:
            self.stop()
            raise

    def _start(self, name: str, *arguments: str) -> None:
        log = (self.folder / f"{name}.log").open("w")
        self.logs.append(log)
        self.processes.append(subprocess.Popen([str(DASK), *arguments], env=ENV, cwd=self.folder,
                                               stdin=subprocess.DEVNULL, stdout=log,
                                               stderr=subprocess.STDOUT))

    def _wait(self, workers: int, seconds: float = 120) -> None:
        import logging
        import warnings

        from distributed import Client

        logging.getLogger("distributed").setLevel(logging.ERROR)
        deadline = time.monotonic() + seconds
        while True:
            dead = [process.args[1] for process in self.processes if process.poll() is not None]
            if dead:
                raise SystemExit(f"the Dask {', '.join(dead)} stopped; see {self.folder}/*.log")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    with Client(self.address, timeout=10, set_as_default=False) as client:
                        client.wait_for_workers(workers, timeout=max(1.0, deadline
                                                                     - time.monotonic()))
                        return
            except (OSError, TimeoutError) as error:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the Dask cluster at {self.address} was not ready in "
                                     f"{seconds:.0f} s ({error}); see {self.folder}/*.log")

    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def stop(self) -> None:
        """The workers, then the scheduler: SIGTERM to each one's PID, SIGKILL after 30 s."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for log in self.logs:
            log.close()
        self.processes, self.logs = [], []


# ---- The measurements ------------------------------------------------------------------------

class Benchmark:
    """The cases, each with its own copy of the source and its own output folder."""

    def __init__(self, letters: str, book: Book | None, smaller: list[Book], cjk: Book | None,
                 long: Book | None = None, catalogue: Catalogue | None = None):
        shutil.rmtree(WORK, ignore_errors=True)
        self.letters = letters
        self.book, self.smaller, self.cjk, self.long = book, smaller, cjk, long
        self.catalogue, self.cluster = catalogue, None
        self.changes: dict[str, dict[str, str]] = {}  # case -> output file -> how it changed
        self.separations: dict[str, Separations] = {}  # catalogue case -> its shared cache
        self.title_seconds: dict[str, list[float]] = {}  # catalogue case -> each title's
        self.pandoc_images = 0
        groups = {  # each measurement's cases, in the order of a round
            "a": lambda: [self.engine_floor()],
            "b": lambda: [self.warm("pdf warm", "pdf"), self.cold("pdf cold", "pdf")],
            "c": lambda: [self.warm("all warm", "all", watch=True), self.cold("all cold", "all")],
            "d": lambda: [self.pandoc(), self.warm("epub warm", "epub"),
                          self.cold("epub cold", "epub")],
            "e": lambda: [self.warm("no-op", "all", edit=None)],
            "f": lambda: [self.epub_css()],
            "g": lambda: [self.cold(f"all cold {small.pages}", "all", small)
                          for small in smaller],
            "h": lambda: [self.engine_floor(cjk, "cjk floor"),
                          self.cold("cjk pdf cold", "pdf", cjk)],
            "i": lambda: [self.cold("all cold long", "all", long)] if long else [],
            "j": lambda: [self.catalogue_case("catalogue 1", ["--workers", "1"]),
                          self.catalogue_case("catalogue 2", ["--workers", "2"]),
                          self.catalogue_case("catalogue dask", lambda: [
                              "--scheduler", self.cluster.address], dask=True)]}
        self.cases = [case for letter in LETTERS if letter in letters for case in groups[letter]()]

    def start(self) -> None:
        """Untimed, before the rounds: j's Dask cluster (a scheduler and two workers)."""
        if "j" in self.letters:
            self.cluster = DaskCluster(WORK / "dask", workers=2)

    def stop(self) -> None:
        if self.cluster:
            self.cluster.stop()

    def case(self, name: str) -> Case:
        return next(case for case in self.cases if case.name == name)

    def workspace(self, name: str, book: Book | None = None) -> tuple[Path, Path]:
        """A fresh copy of the book's source (photos hard-linked) and an output folder path."""
        book, folder = book or self.book, WORK / name.replace(" ", "-")
        shutil.copytree(book.source / "manuscript", folder / "source" / "manuscript")
        shutil.copytree(book.source / "images", folder / "source" / "images", copy_function=os.link)
        return folder / "source", folder / "out"

    def engine_floor(self, book: Book | None = None, name: str = "engine floor") -> Case:
        """a. WeasyPrint's own command on the exact HTML and stylesheet the pipeline renders
        (h: on the Chinese book)."""
        os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]  # print_html dates the HTML
        publication, layout = load_publication((book or self.book).source)
        folder = WORK / ("floor" if book is None else name.replace(" ", "-"))
        folder.mkdir(parents=True)
        # The pipeline names the source's images source-image: + SHA-256, which its own URL
        # fetcher reads; plain weasyprint gets the same files by file URL.
        medium = dataclasses.replace(PRINT_MEDIUM, image_url=lambda image: image.path.as_uri())
        (folder / "page.html").write_text(print_html(publication, layout, medium),
                                          encoding="utf-8")
        # The pipeline finds a layout's files along its folders (the book's own, then the
        # brochure's it extends: the Inter and DejaVu fonts); plain weasyprint reads one folder,
        # so it gets one with a link to each file the layout would find.
        merged = folder / "layout"
        for source in reversed(layout.folders):  # the most specific folder's files last: they win
            for path in source.rglob("*"):
                if path.is_file():
                    link = merged / path.relative_to(source)
                    link.parent.mkdir(parents=True, exist_ok=True)
                    link.unlink(missing_ok=True)
                    link.symlink_to(path)
        return Case(name, [
            str(WEASYPRINT), "--base-url", merged.as_uri() + "/", "-s", str(merged / "print.css"),
            "--pdf-variant", "pdf/ua-1", str(folder / "page.html"), str(folder / "out.pdf")])

    def cold(self, name: str, target: str, book: Book | None = None) -> Case:
        """A build into a fresh, empty output folder."""
        source, out = self.workspace(name, book)
        return Case(name, build_command(source, out, target), out, prepare=lambda: empty(out))

    def warm(self, name: str, target: str, edit: Callable[[Path], None] | None = edit_section,
             watch: bool = False, workspace: tuple[Path, Path] | None = None) -> Case:
        """A build into the output folder of the previous build, after ``edit`` (if any) of the
        source; with ``watch``, what happened to each output file is kept."""
        source, out = workspace or self.workspace(name)
        before: dict[str, tuple[int, str]] = {}

        def prepare() -> None:
            if not out.is_dir():
                measure(build_command(source, out, target))  # the previous build
            if edit:
                edit(source)
            if watch:
                before.clear()
                before.update(snapshot(out))

        def after() -> None:
            if watch:
                self.changes[name] = compare(before, snapshot(out))
        return Case(name, build_command(source, out, target), out, prepare, after)

    def epub_css(self) -> Case:
        """f. The whole build after an edit of a source-local copy of the layout's epub.css."""
        source, out = self.workspace("epub.css")
        css = source / EPUB_CSS
        css.parent.mkdir(parents=True)
        shutil.copyfile(load_publication(source)[1].path("epub.css"), css)
        return self.warm("epub.css", "all", edit=edit_epub_css, watch=True, workspace=(source, out))

    def catalogue_case(self, name: str, options: list[str] | Callable[[], list[str]],
                       dask: bool = False) -> Case:
        """j. The catalogue built cold (an empty output folder): every title, every target,
        with ``options`` (the local workers, or the Dask scheduler's address once it runs).
        After each run: every title built (the --json report), and the shared cache's CMYK
        separations counted."""
        catalogue, folder = self.catalogue, WORK / name.replace(" ", "-")
        source, out = folder / "source", folder / "out"
        shutil.copytree(catalogue.folder, source, copy_function=lambda old, new: (
            os.link if old.endswith(".jpg") else shutil.copy2)(old, new))  # photos hard-linked
        case = Case(name, [], out, prepare=lambda: empty(out),
                    also=lambda: self.cluster.pids() if dask else [])

        def prepare() -> None:
            empty(out)
            case.command[:] = [str(PYTHON), str(ROOT / "publish.py"), "build", "-q", "--json",
                               "--catalogue", str(source / catalogue.file.name), "--out", str(out),
                               *(options() if callable(options) else options)]

        def after() -> None:
            report = json.loads(case.last.stdout)
            titles = report["titles"]
            failed = [title["slug"] for title in titles if title["exit_code"]]
            if len(titles) != catalogue.titles or failed:
                sys.exit(f"{name}: {len(titles)} titles of {catalogue.titles} built, failed: "
                         f"{', '.join(failed) or 'none'}")
            self.separations[name] = count_separations(out, titles)
            if case.runs and case.last is case.runs[-1]:  # a timed run, not the memory round's
                self.title_seconds[name] = [title["seconds"] for title in titles]
        case.prepare, case.after = prepare, after
        return case

    def pandoc(self) -> Case:
        """d. pandoc's EPUB of the same Markdown files, photos embedded."""
        source, epub = self.book.source, WORK / "pandoc" / "book.epub"
        epub.parent.mkdir(parents=True)

        def after() -> None:
            with zipfile.ZipFile(epub) as package:
                self.pandoc_images = sum(name.endswith(".jpg") for name in package.namelist())
        return Case("pandoc epub", ["pandoc", f"--resource-path={source / 'images'}",
                                    f"--metadata-file={source / 'manuscript' / 'publication.yaml'}",
                                    "-o", str(epub),
                                    *map(str, sorted((source / "manuscript").glob("*.md")))],
                    after=after)

    # ---- The report ----

    def report(self, rounds: int) -> str:
        """The results as Markdown: machine and books, the table, output changes, the shared
        cache's separations, stderr."""
        c = self.case
        sections: dict[str, Callable[[], list[str]]] = {
            "a": lambda: [row("a", "engine floor: `weasyprint` on the pipeline's HTML",
                              c("engine floor"))],
            "b": lambda: [
                row("b", "`--target pdf`, one section changed", c("pdf warm"), c("engine floor"),
                    1.15),
                row("b", "`--target pdf`, cold", c("pdf cold"), c("engine floor"), 1.15)],
            "c": lambda: [
                row("c", "`--target all`, one section changed", c("all warm"), c("engine floor"),
                    1.4),
                row("c", "`--target all`, cold", c("all cold"), c("engine floor"), 1.4)],
            "d": lambda: [
                row("d", "`pandoc` EPUB of the same Markdown", c("pandoc epub")),
                row("d", "`--target epub`, one section changed", c("epub warm"),
                    c("pandoc epub"), 3),
                row("d", "`--target epub`, cold", c("epub cold"), c("pandoc epub"), 8)],
            "e": lambda: [row("e", "no-op rebuild (`--target all`, nothing changed)", c("no-op"),
                              seconds_goal=0.5)],
            "f": lambda: [
                row("f", "one section changed, `--target all` (= c)", c("all warm")),
                row("f", "source-local `epub.css` changed, `--target all`", c("epub.css"))],
            "g": self.scale_rows,
            "h": lambda: [
                row("h", "engine floor on the Chinese book", c("cjk floor")),
                row("h", "`--target pdf`, cold, Chinese book", c("cjk pdf cold"), c("cjk floor"),
                    1.15)],
            "i": self.long_rows,
            "j": self.catalogue_rows}
        rows = [line for letter in self.letters for line in sections[letter]()]
        below: list[str] = []
        if "f" in self.letters:
            below += ["What the last run of each f measurement did to the output files "
                      "(rewritten; touched: same bytes, new time; unchanged):", "",
                      *(f"- {name}: {summary(changes)}" for name, changes in self.changes.items()),
                      ""]
        if "d" in self.letters:
            big = self.book
            below += [f"pandoc's EPUB holds {self.pandoc_images} JPEG files for the {big.images} "
                      f"photos: {verdict(self.pandoc_images >= big.images)}.", ""]
        if "j" in self.letters:
            below += self.separation_lines()
        return "\n".join([
            f"# Pressroom benchmark, {datetime.date.today().isoformat()}", "", *machine(),
            *([f"- books: {self.describe_books()}"] if self.book or self.cjk else []),
            *([f"- catalogue: {self.describe_catalogue()}"] if self.catalogue else []),
            *([f"- measurements: {', '.join(self.letters)} only"] if self.letters != LETTERS
              else []),
            f"- {rounds} round{'s' * (rounds != 1)}: times are medians of wall-clock seconds, "
            "memory the peak of one more run each, sampled (PSS summed over the process tree, "
            "every 50 ms; the timed runs are not sampled)", "",
            "| | measurement | median | runs (s) | peak memory | ratio | goal | result |",
            "|---|---|--:|---|--:|---|---|---|", *rows, "", *below,
            "Printed on stderr by the measured commands (once each):", "",
            *([f"- {tool}: `{line}`" for line, tool in WARNINGS.items()] or ["- nothing"])]) + "\n"

    def catalogue_rows(self) -> list[str]:
        """j. The catalogue, cold: one local worker, two, and a Dask cluster of two workers
        (one thread each) on this machine; the ratios to one local worker."""
        one, two, dask = (self.case(name) for name in
                          ("catalogue 1", "catalogue 2", "catalogue dask"))
        titles, cores = self.catalogue.titles, os.cpu_count() or 1
        busy = statistics.median(run.cpu for run in two.runs) / two.seconds() / min(cores, 2)
        parallel = row("j", f"catalogue of {titles} titles, cold, `--workers 2`", two, one)
        parallel = parallel.rsplit("|", 3)[0].rstrip() + (  # the ratio, and the cores' use
            f"; cores {busy:.0%} busy | ≥ {BUSY_GOAL:.0%} of the cores busy | "
            f"{verdict(busy >= BUSY_GOAL)} |")
        return [row("j", f"catalogue of {titles} titles, cold, `--workers 1`", one), parallel,
                row("j", f"catalogue of {titles} titles, cold, `--scheduler`: Dask, 2 workers "
                    "of 1 thread on 127.0.0.1", dask, two, DASK_GOAL)]

    def separation_lines(self) -> list[str]:
        """Below the table: what the shared cache held after the last cold catalogue build of
        each j case: one CMYK separation per distinct image, none in the titles' own caches."""
        lines = ["CMYK separations after a cold catalogue build (every JPEG in CMYK under the "
                 "output folder; the same image in several titles must be separated once, into "
                 "`.cache/shared/`):", ""]
        for name, found in self.separations.items():
            folders = ", ".join(f"{where}: {count}" for where, count in found.folders.items())
            lines.append(f"- {name}: {found.shared} in the shared cache ({folders or 'none'}), "
                         f"{found.own} in the titles' own folders, for "
                         f"{found.placements} image placements in {found.titles} titles of "
                         f"{found.distinct} distinct images: "
                         f"{verdict(found.shared == found.distinct and not found.own)}")
        lines += ["", "Each title's own seconds in the last timed run (the `--json` report's, in the "
                  "catalogue's order), their sum over the wall-clock time (how many titles were "
                  "built at once on average), and the CPU time of all the build processes (user "
                  "+ system; median of the rounds) over the wall-clock time: how many cores were "
                  "busy on average (a Dask cluster's are the workers', not counted):", ""]
        for name, seconds in self.title_seconds.items():
            case = self.case(name)
            wall, cpu = case.runs[-1].seconds, statistics.median(run.cpu for run in case.runs)
            busy = (f"CPU {cpu:.1f} s in {case.seconds():.1f} s: {cpu / case.seconds():.2f} "
                    "cores busy" if name != "catalogue dask" else "CPU on the workers")
            lines.append(f"- {name}: {' '.join(f'{each:.1f}' for each in seconds)}; sum "
                         f"{sum(seconds):.1f} s in {wall:.1f} s: {sum(seconds) / wall:.2f} at "
                         f"once; {busy}")
        return [*lines, ""]

    def describe_catalogue(self) -> str:
        """The series: titles, pages asked and built (from the 1-worker build), photos."""
        catalogue, out = self.catalogue, self.case("catalogue 1").out
        pages = sorted(pdf_pages(pdf) for pdf in out.glob("*/*.pdf")
                       if pdf.stem == pdf.parent.name)
        built = f"{pages[0]}-{pages[-1]}" if pages and pages[0] != pages[-1] else \
            f"{pages[0] if pages else '?'}"
        return (f"{catalogue.titles} titles (`longbook.py --titles`), {catalogue.pages} pages "
                f"asked, {built} built, {catalogue.images} photos each, of which "
                f"{catalogue.shared} the same in every title (frontispiece and cover, plates); "
                "every target of each")

    def scale_rows(self) -> list[str]:
        """g. The cold full build at each size, the time ratio largest / smallest and the
        largest's peak memory."""
        big, biggest = self.book, self.case("all cold")
        rows = [row("g", f"`--target all`, cold, {book.pages} pages, {book.images} photos"
                    + (" (= c)" if book is big else ""), self.case(name))
                for name, book in self.sizes()]
        if self.smaller:
            small, goal = self.smaller[0], 1.1 * big.pages / self.smaller[0].pages
            ratio = biggest.seconds() / self.case(f"all cold {small.pages}").seconds()
            rows.append(f"| g | time, {big.pages} / {small.pages} pages | | | | {ratio:.2f}x "
                        f"| ≤ {goal:.3g}x | {verdict(ratio <= goal)} |")
        rows.append(f"| g | peak memory, {big.pages} pages | | | {biggest.peak() / MB:.0f} MB | "
                    f"| < 1000 MB | {verdict(biggest.peak() < 1000 * MB)} |")
        return rows

    def long_rows(self) -> list[str]:
        """i. The long book, every target (screen PDF, proof, EPUB, web, press PDF, imposed
        sheets or cover): its time per page against the largest book's (linear: within 10 %)
        and its peak memory (under 2 GB)."""
        if self.long is None:
            return []
        long, big = self.case("all cold long"), self.case("all cold")
        long_pages = pdf_pages(long.out / f"{SLUG}.pdf")
        big_pages = pdf_pages(big.out / f"{SLUG}.pdf")
        ratio = (long.seconds() / long_pages) / (big.seconds() / big_pages)
        return [row("i", f"`--target all`, cold, {long_pages} pages, {self.long.images} photos",
                    long),
                f"| i | time per page, {long_pages} / {big_pages} pages | | | | {ratio:.2f}x "
                f"| ≤ 1.1x | {verdict(ratio <= 1.1)} |",
                f"| i | peak memory, {long_pages} pages | | | {long.peak() / MB:.0f} MB | "
                f"| < 2000 MB | {verdict(long.peak() < 2000 * MB)} |"]

    def sizes(self) -> list[tuple[str, Book]]:
        """The cold full builds by book size: (case name, book)."""
        return [*((f"all cold {book.pages}", book) for book in self.smaller),
                ("all cold", self.book)]

    def describe_books(self) -> str:
        """Each book built cold: pages asked for, pages of its screen PDF, photos."""
        names = {case.name for case in self.cases}
        parts = [f"{book.pages} pages asked, "
                 f"{pdf_pages(self.case(name).out / f'{SLUG}.pdf')} built, {book.images} photos"
                 for name, book in self.sizes() if name in names]
        if self.cjk:
            parts.append("the Chinese book (pseudo-Chinese, `longbook.py --language zh-Hans`): "
                         f"{pdf_pages(self.case('cjk pdf cold').out / f'{SLUG}.pdf')} pages, "
                         f"{self.cjk.images} photos")
        if self.long:
            parts.append(f"the long book: {self.long.pages} pages asked, "
                         f"{pdf_pages(self.case('all cold long').out / f'{SLUG}.pdf')} built, "
                         f"{self.long.images} photos")
        return "; ".join(parts) or "none built cold"


def row(letter: str, what: str, case: Case, against: Case | None = None, goal: float | None = None,
        seconds_goal: float | None = None) -> str:
    """A table row: the case's median and runs, its ratio to ``against`` and the verdict."""
    cells = [letter, what, f"{case.seconds():.2f} s",
             " ".join(f"{run.seconds:.2f}" for run in case.runs), f"{case.peak() / MB:.0f} MB"]
    ratio = f"{case.seconds() / against.seconds():.2f}x {against.name}" if against else ""
    if goal is not None:
        cells += [ratio, f"≤ {goal}x", verdict(case.seconds() <= goal * against.seconds())]
    elif seconds_goal is not None:
        cells += ["", f"< {seconds_goal} s", verdict(case.seconds() < seconds_goal)]
    else:
        cells += [ratio, "", ""]
    return "| " + " | ".join(cells) + " |"


def load_average() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def verdict(passed: bool) -> str:
    return "PASS" if passed else "**FAIL**"


def machine() -> list[str]:
    """The machine and the versions measured, as list items."""
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:"))) * 1024
    pandoc = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return [f"- machine: {cpu}, {os.cpu_count()} cores, {memory / 2**30:.1f} GiB RAM; load "
            f"average before the rounds {' '.join(LOAD)}, at the end {' '.join(load_average())} "
            "(1, 5 and 15 min; each busy process of the benchmark adds up to one, more is other "
            "work)",
            f"- Python {platform.python_version()}, WeasyPrint "
            f"{importlib.metadata.version('weasyprint')}, {pandoc.splitlines()[0]}, "
            f"Pressroom at {commit or 'unknown commit'}"]


if __name__ == "__main__":
    main()
