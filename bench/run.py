"""Pressroom's benchmark: build times and peak memory of long books, against the engine floor.

    .venv/bin/python bench/run.py [--rounds 3] [--pages 30,100,300] [--long 1000] [--quick]

Generates the books once (bench/.books/, see longbook.py), then runs every measurement as its
own subprocess, all of them once per round, round after round (so a slow spell of the machine
touches every measurement alike), and once more in a last round that samples the peak memory of
each process tree (sampling slows what it watches, so timed runs are not sampled). Reports
medians, ratios and peaks, checks them against the goals, and writes the table to
bench/results.md. See README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import importlib.metadata
import os
import platform
import shutil
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
PYTHON = ROOT / ".venv" / "bin" / "python"
WEASYPRINT = ROOT / ".venv" / "bin" / "weasyprint"
EPUB_CSS = Path("layouts") / "book" / "epub.css"  # a source-local copy overrides the layout's
SLUG = "longbook"             # longbook.py's slug: the output file names
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1704067200"}  # 2024-01-01: the same bytes each run
POLL = 0.05                   # seconds between memory samples
MB = 1e6

sys.path.insert(0, str(BENCH))
from longbook import make_book  # noqa: E402  (bench/ is not a package)


@dataclass
class Run:
    seconds: float
    peak: int       # bytes: the highest sum of PSS over the process tree (0: not sampled)


@dataclass
class Case:
    """One measurement: ``prepare`` (untimed) before each run of ``command``."""

    name: str
    command: list[str]
    out: Path | None = None  # the output folder of a build
    prepare: Callable[[], None] = lambda: None
    after: Callable[[], None] = lambda: None
    runs: list[Run] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)  # from the memory round

    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def peak(self) -> float:
        return statistics.median(self.peaks)


@dataclass
class Book:
    source: Path
    pages: int      # asked for
    images: int


def main() -> None:
    arguments = parse_arguments()
    books = [book_for(pages, max(1, round(pages / 3))) for pages in arguments.pages]
    code = code_state()
    cjk = book_for(arguments.pages[-1], max(1, round(arguments.pages[-1] / 3)), "zh-Hans")
    long = book_for(arguments.long, max(1, round(arguments.long / 3))) if arguments.long else None
    bench = Benchmark(books[-1], books[:-1], cjk, long)
    for number in range(1, arguments.rounds + 1):
        for case in bench.cases:
            case.prepare()
            case.runs.append(measure(case.command))
            case.after()
            progress(f"round {number}/{arguments.rounds}  {case.name:<18} "
                     f"{case.runs[-1].seconds:7.2f} s")
    for case in bench.cases:  # the memory round: its times are not used
        case.prepare()
        case.peaks.append(measure(case.command, sample=True).peak)
        case.after()
        progress(f"memory round  {case.name:<18} {case.peaks[-1] / MB:6.0f} MB")
    report = bench.report(arguments.rounds)
    if code_state() != code:
        report += ("\n**Pressroom's code or layouts changed during the run**: the measurements "
                   "mix versions (and builds after the change started from an invalid cache). "
                   "Run again.\n")
    (WORK / "results-quick.md" if arguments.quick else RESULTS).write_text(report,
                                                                          encoding="utf-8")
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
    parser.add_argument("--quick", action="store_true", help="a smoke run on small books")
    arguments = parser.parse_args()
    if arguments.long is None:
        arguments.long = 0 if arguments.quick else 1000
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


# ---- Measuring -------------------------------------------------------------------------------

WARNINGS: dict[str, str] = {}  # what the measured commands printed on stderr -> which command


def measure(command: list[str], sample: bool = False) -> Run:
    """Run ``command`` to its end: wall-clock time and, with ``sample``, the peak memory of its
    process tree. Reading every process's smaps_rollup each 50 ms walks its page tables: that
    slowed a three-process build by about 10 % and the single-process floor less, so timed
    runs are not sampled."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=ENV, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    sampler = PeakMemory(process.pid) if sample else None
    _, errors = process.communicate()
    seconds = time.perf_counter() - started
    if sampler:
        sampler.stop()
    if process.returncode:
        sys.exit(f"{' '.join(map(str, command))} failed (exit {process.returncode}):\n{errors}")
    tool = "publish.py" if command[0] == str(PYTHON) else Path(command[0]).name
    for line in filter(None, map(str.strip, errors.splitlines())):
        WARNINGS.setdefault(line, tool)
    return Run(seconds, sampler.peak if sampler else 0)


class PeakMemory:
    """Samples the summed proportional set size (PSS) of a process and all its descendants
    every POLL seconds, from /proc, in a thread. PSS, not RSS: the build forks its second and
    third process, which share most of their pages with the first; a shared page counts once,
    split between the processes that share it."""

    def __init__(self, pid: int):
        self.pid, self.peak = pid, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _poll(self) -> None:
        while True:
            self.peak = max(self.peak, sum(pss_bytes(pid) for pid in tree(self.pid)))
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


# ---- The measurements ------------------------------------------------------------------------

class Benchmark:
    """The cases, each with its own copy of the source and its own output folder."""

    def __init__(self, book: Book, smaller: list[Book], cjk: Book, long: Book | None = None):
        shutil.rmtree(WORK, ignore_errors=True)
        self.book, self.smaller, self.cjk, self.long = book, smaller, cjk, long
        self.changes: dict[str, dict[str, str]] = {}  # case -> output file -> how it changed
        self.pandoc_images = 0
        self.cases = [
            self.engine_floor(),
            self.warm("pdf warm", "pdf"), self.cold("pdf cold", "pdf"),
            self.warm("all warm", "all", watch=True), self.cold("all cold", "all"),
            self.pandoc(), self.warm("epub warm", "epub"), self.cold("epub cold", "epub"),
            self.warm("no-op", "all", edit=None), self.epub_css(),
            *(self.cold(f"all cold {small.pages}", "all", small) for small in smaller),
            self.engine_floor(cjk, "cjk floor"), self.cold("cjk pdf cold", "pdf", cjk),
            *([self.cold("all cold long", "all", long)] if long else [])]

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
        """The results as Markdown: machine and books, the table, output changes, stderr."""
        c = self.case
        floor, pandoc = c("engine floor"), c("pandoc epub")
        rows = [
            row("a", "engine floor: `weasyprint` on the pipeline's HTML", floor),
            row("b", "`--target pdf`, one section changed", c("pdf warm"), floor, 1.15),
            row("b", "`--target pdf`, cold", c("pdf cold"), floor, 1.15),
            row("c", "`--target all`, one section changed", c("all warm"), floor, 1.4),
            row("c", "`--target all`, cold", c("all cold"), floor, 1.4),
            row("d", "`pandoc` EPUB of the same Markdown", pandoc),
            row("d", "`--target epub`, one section changed", c("epub warm"), pandoc, 3),
            row("d", "`--target epub`, cold", c("epub cold"), pandoc, 8),
            row("e", "no-op rebuild (`--target all`, nothing changed)", c("no-op"),
                seconds_goal=0.5),
            row("f", "one section changed, `--target all` (= c)", c("all warm")),
            row("f", "source-local `epub.css` changed, `--target all`", c("epub.css")),
            *self.scale_rows(),
            row("h", "engine floor on the Chinese book", c("cjk floor")),
            row("h", "`--target pdf`, cold, Chinese book", c("cjk pdf cold"), c("cjk floor"), 1.15),
            *self.long_rows()]
        big = self.book
        return "\n".join([
            f"# Pressroom benchmark, {datetime.date.today().isoformat()}", "", *machine(),
            f"- books: {self.describe_books()}",
            f"- {rounds} round{'s' * (rounds != 1)}: times are medians of wall-clock seconds, "
            "memory the peak of one more run each, sampled (PSS summed over the process tree, "
            "every 50 ms; the timed runs are not sampled)", "",
            "| | measurement | median | runs (s) | peak memory | ratio | goal | result |",
            "|---|---|--:|---|--:|---|---|---|", *rows, "",
            "What the last run of each f measurement did to the output files (rewritten; touched: "
            "same bytes, new time; unchanged):", "",
            *(f"- {name}: {summary(changes)}" for name, changes in self.changes.items()), "",
            f"pandoc's EPUB holds {self.pandoc_images} JPEG files for the {big.images} photos: "
            f"{verdict(self.pandoc_images >= big.images)}.", "",
            "Printed on stderr by the measured commands (once each):", "",
            *([f"- {tool}: `{line}`" for line, tool in WARNINGS.items()] or ["- nothing"])]) + "\n"

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
        """Each book: pages asked for, pages of its screen PDF, photos."""
        return "; ".join(f"{book.pages} pages asked, "
                         f"{pdf_pages(self.case(name).out / f'{SLUG}.pdf')} built, "
                         f"{book.images} photos" for name, book in self.sizes()) + (
            f"; the Chinese book (pseudo-Chinese, `longbook.py --language zh-Hans`): "
            f"{pdf_pages(self.case('cjk pdf cold').out / f'{SLUG}.pdf')} pages, "
            f"{self.cjk.images} photos") + (
            f"; the long book: {self.long.pages} pages asked, "
            f"{pdf_pages(self.case('all cold long').out / f'{SLUG}.pdf')} built, "
            f"{self.long.images} photos" if self.long else "")


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
    return [f"- machine: {cpu}, {os.cpu_count()} cores, {memory / 2**30:.1f} GiB RAM",
            f"- Python {platform.python_version()}, WeasyPrint "
            f"{importlib.metadata.version('weasyprint')}, {pandoc.splitlines()[0]}, "
            f"Pressroom at {commit or 'unknown commit'}"]


if __name__ == "__main__":
    main()
