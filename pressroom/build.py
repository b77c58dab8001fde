"""The pipeline as one function: read the source, build the model, write each target.

Unchanged work is not redone (see :mod:`pressroom.cache`): when no source file changed, the
build returns at once with the last build's report; otherwise each target whose inputs did not
change is skipped. With press files and another target to make, the press render runs in a
second process beside the screen PDF and the EPUB.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cache import BuildState, Key, source_stamp, target_keys
from .diagnostics import Problem, SourceError
from .interrupt import checkpoint
from .progress import Progress
from .background import Background

TARGETS = ("pdf", "proof", "epub", "press")
PAGINATION = Path(".cache") / "pagination.json"  # where the screen PDF's pages start (for the EPUB)


@dataclass
class BuildReport:
    publication: object | None  # the Publication; None when nothing had changed (not read)
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preflight_errors: list[str] = field(default_factory=list)  # press files a printer would refuse
    rebuilt: list[str] = field(default_factory=list)  # the targets made anew; others were current
    pages: dict[Path, int] = field(default_factory=dict)  # page count of each PDF output
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


def load_publication(source: Path):
    """Read and check everything in the source folder and find its layout; nothing is written.
    (Publication, Layout)."""
    from .assemble import assemble
    from .config import load_settings, with_layout_defaults
    from .layouts import find_layout
    from .manuscript import read_sections

    settings = load_settings(source / "manuscript" / "publication.yaml")
    layout = find_layout(settings.layout, source)
    settings = with_layout_defaults(settings, layout.print_defaults)
    sections = read_sections(source)
    return assemble(settings, source, sections), layout


def build(source: Path, out: Path, targets: tuple[str, ...] = TARGETS,
          progress: Progress | None = None) -> BuildReport:
    """Publish ``source`` into ``out``: the screen PDF, its proof sheet, the EPUB and the press
    folder (``out/press/``), as ``targets`` asks (the proof sheet is drawn from the screen PDF:
    asking for it asks for that too); targets whose inputs did not change since the last build
    into ``out`` are kept as they are."""
    targets = wanted(targets)
    progress = progress or Progress()
    started = time.perf_counter()
    state = BuildState(out)
    stamp = source_stamp(source, out)
    if all(state.current(target, stamp=stamp) for target in targets):
        report = _reported(state, None, targets)
        report.timings["total"] = time.perf_counter() - started
        return report

    from . import images
    from .render import source_warnings

    with images.remembering(state.images):
        publication, layout = load_publication(source)
        common = source_warnings(publication.sections)  # what rendering removes: every medium
    checkpoint("source read")
    report = BuildReport(publication)
    keys = target_keys(publication, layout)
    keys["proof"] = keys["pdf"]  # drawn from the screen PDF alone
    todo = [target for target in targets
            if target == "epub" or not state.current(target, key=keys[target])]
    press = None
    if "press" in todo and len(todo) > 1:  # press in a second process, beside the others
        # its progress is silent (a plain Progress): this process shows the stages
        press = Background(_press, publication, layout, out, keys["press"], Progress())
    try:
        if "pdf" in todo:
            with _timed(report, "pdf"), progress.stage("screen PDF"):
                outputs, warnings = _pdf(publication, layout, out, progress,
                                         processes=1 if press else 2)
            state.record("pdf", stamp, keys["pdf"], outputs, common + warnings)
            report.rebuilt.append("pdf")
        if "proof" in todo:
            with _timed(report, "proof"), progress.stage("proof sheet"):
                proof = _proof(publication, out, progress, processes=1 if press else 2)
            state.record("proof", stamp, keys["proof"], [proof], [])
            report.rebuilt.append("proof")
        if "epub" in targets:
            _epub(publication, layout, out, state, stamp, keys, common, report, progress)
        if "press" in todo:
            with _timed(report, "press"), progress.stage("press files"):
                outputs, warnings, errors = press.result() if press else \
                    _press(publication, layout, out, keys["press"], progress)
            state.record("press", stamp, keys["press"], outputs, common + warnings, errors)
            report.rebuilt.append("press")
        for target in targets:
            if target not in report.rebuilt:  # current: its inputs did not change
                state.targets[target].stamp = stamp
        checkpoint("targets written")
    finally:
        if press:
            press.stop()
        state.save()  # what was built before a failure is not built again
    report = _reported(state, publication, targets, report)
    report.timings["total"] = time.perf_counter() - started
    return report


def wanted(targets: tuple[str, ...]) -> tuple[str, ...]:
    """``targets`` in build order, with the screen PDF when its proof sheet is asked for."""
    return tuple(target for target in TARGETS
                 if target in targets or (target == "pdf" and "proof" in targets))


def _pdf(publication, layout, out: Path, progress: Progress,
         processes: int = 2) -> tuple[list[Path], list[str]]:
    """The screen PDF and where its pages start (for the EPUB). With two ``processes``, the PDF
    is written in a second process while this one checks the pages; with one (the press render
    has the other core), one after the other."""
    from .pagination import page_starts, save
    from .targets.pdf import check, render, write_pdf

    path = out / f"{publication.settings.slug}.pdf"
    document, warnings = render(publication, layout, progress=progress)
    pages = len(document.pages)
    writer = Background(write_pdf, document, path) if processes > 1 else None
    try:
        progress.step("checking pages", 0, pages)
        warnings += check(document, publication, layout)
        save(page_starts(document), out / PAGINATION)
        progress.step("writing the PDF", 0, pages)
        warnings += writer.result() if writer else write_pdf(document, path)
    finally:
        if writer:
            writer.stop()
    return [path, out / PAGINATION], warnings


def _proof(publication, out: Path, progress: Progress, processes: int = 2) -> Path:
    """The proof sheet of the screen PDF (its pages drawn by ``processes``); the photos'
    thumbnails are kept in the cache."""
    from .proof import write_proof

    slug = publication.settings.slug
    progress.step("drawing the proof sheet", 0, 1)
    return write_proof(out / f"{slug}.pdf", out / f"{slug}-proof.png", processes=processes,
                       thumbnails=out / ".cache" / "proof")


def _epub(publication, layout, out: Path, state: BuildState, stamp: str, keys: dict[str, str],
          common: list[str], report: BuildReport, progress: Progress) -> None:
    """The EPUB, unless its inputs did not change; with the screen PDF's cover and page list
    when the screen PDF is current (built now, or from the same inputs before)."""
    slug = publication.settings.slug
    screen_pdf, pagination = out / f"{slug}.pdf", out / PAGINATION
    print_edition = state.current("pdf", key=keys["pdf"])
    key = Key(keys["epub"])
    if print_edition:  # the cover and page list come from the screen PDF of these inputs
        key.add(keys["pdf"]).add_file(pagination)
    key = key.hexdigest()
    if state.current("epub", key=key):
        return
    from .pagination import load
    from .targets.epub import write_epub

    with _timed(report, "epub"), progress.stage("EPUB"):
        path = out / f"{slug}.epub"
        warnings = write_epub(publication, layout, path,
                              print_pdf=screen_pdf if print_edition else None,
                              page_starts=load(pagination) if print_edition else None,
                              cache=out / ".cache" / "ereader", progress=progress)
    state.record("epub", stamp, key, [path], common + warnings)
    report.rebuilt.append("epub")


def _press(publication, layout, out: Path, key: str, progress: Progress):
    """The press folder: (outputs, warnings, preflight errors)."""
    from .targets.press import write_press

    press = write_press(publication, layout, out / "press", cache=out / ".cache" / "press",
                        key=key, progress=progress)
    return (press.outputs, press.warnings,
            [str(finding.message) for finding in press.preflight.errors])


def _reported(state: BuildState, publication, targets: tuple[str, ...],
              report: BuildReport | None = None) -> BuildReport:
    """The report of a build whose targets are all recorded in ``state``."""
    report = report or BuildReport(publication)
    for target in targets:
        record = state.targets[target]
        report.outputs += [path for path in state.outputs(target)
                           if path.parent.name != ".cache"]
        report.warnings += record.warnings
        report.preflight_errors += record.preflight_errors
        report.pages.update({state.out / name: pages for name, pages in record.pages.items()})
    report.warnings = list(dict.fromkeys(report.warnings))  # the press render repeats the screen's
    return report


class _timed:
    """Add the block's duration to ``report.timings[name]``."""

    def __init__(self, report: BuildReport, name: str):
        self.report, self.name = report, name

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        self.report.timings[self.name] = time.perf_counter() - self.started


def build_strict(source: Path, out: Path, targets: tuple[str, ...] = TARGETS,
                 progress: Progress | None = None) -> BuildReport:
    """:func:`build`, but the outputs replace the previous ones only when the build gave no
    warning: it works in a scratch copy of ``out`` (hard links, so caches cost nothing)."""
    if source.resolve().is_relative_to(out.resolve()):
        raise SourceError(Problem("--strict builds in a copy of the output folder, and this one "
                                  "holds the source; choose another --out", out))
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".strict-", dir=out))
    try:
        for path in _files(out):
            copy = scratch / path.relative_to(out)
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, copy)
            except OSError:  # a file system without hard links
                shutil.copy2(path, copy)
        report = build(source, scratch, targets, progress)
        report.outputs = [out / path.relative_to(scratch) for path in report.outputs]
        report.pages = {out / path.relative_to(scratch): n for path, n in report.pages.items()}
        report.warnings = [w.replace(str(scratch), str(out)) for w in report.warnings]
        if not report.warnings:
            from .interrupt import uninterruptible
            with uninterruptible():  # all outputs in place, or (stopped before) none
                for path in _files(scratch):
                    target = out / path.relative_to(scratch)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, target)
        return report
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _files(folder: Path) -> list[Path]:
    """The files below ``folder``, leaving out scratch folders of strict builds."""
    return [path for path in folder.rglob("*") if path.is_file()
            and not any(part.startswith(".strict-") for part in path.relative_to(folder).parts)]
