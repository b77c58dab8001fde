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
from dataclasses import dataclass, field, replace
from pathlib import Path

from .atomic import LOCK
from .cache import CACHE, BuildState, source_stamp, target_keys
from .diagnostics import Problem, SourceError, stage
from .interrupt import checkpoint
from .progress import Progress
from .targets import REGISTRY, Job, Target, wanted


@dataclass
class BuildReport:
    publication: object | None  # the Publication; None when nothing had changed (not read)
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preflight_errors: list[str] = field(default_factory=list)  # press files a printer would refuse
    rebuilt: list[str] = field(default_factory=list)  # the targets made anew; others were current
    pages: dict[Path, int] = field(default_factory=dict)  # page count of each PDF output
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    editions: dict[str, "BuildReport"] = field(default_factory=dict)  # translations, by tag


def load_publication(source: Path, edition: str | None = None):
    """Read and check everything in the source folder and find its layout; nothing is written.
    ``edition``: a translation's tag (translations/<tag>/), else the original. (Publication,
    Layout)."""
    from .assemble import assemble
    from .config import load_settings, with_layout_defaults
    from .editions import check_sections, edition_settings, folder_of
    from .layouts import find_layout
    from .manuscript import read_sections

    settings = load_settings(source / "manuscript" / "publication.yaml")
    if edition:
        settings = edition_settings(source, edition, settings)
        check_sections(source, edition)
    layout = find_layout(settings.layout, source)
    settings = with_layout_defaults(settings, layout.print_defaults)
    sections = read_sections(source, folder_of(source, edition) if edition else None)
    return assemble(settings, source, sections, layout.numbering,
                    layout.words(settings.language)), layout


def build(source: Path, out: Path, targets: tuple[str, ...] = ("all",),
          progress: Progress | None = None, edition: str | None = None,
          cache: Path | None = None) -> BuildReport:
    """Publish ``source`` into ``out``: the targets named in ``targets`` (see
    :data:`pressroom.targets.REGISTRY`; ``all`` for every one), with the targets they need;
    targets whose inputs did not change since the last build into ``out`` are kept as they
    are. A target that renders in a process of its own runs there beside the others.
    ``edition``: build that translation (see :mod:`pressroom.editions`) into ``out``.
    ``cache``: the content cache (see :class:`pressroom.targets.Job`), by default
    ``out/.cache``; the build's own state stays in ``out/.cache`` whatever it is."""
    targets = wanted(targets)
    cache = cache or out / CACHE
    progress = progress or Progress()
    started = time.perf_counter()
    state = BuildState(out)
    stamp = source_stamp(source, out, edition)
    if all(state.current(target.name, stamp=stamp) for target in targets):
        report = _reported(state, None, targets)
        report.timings["total"] = time.perf_counter() - started
        return report

    from . import images, vector
    from .render import source_warnings

    with images.remembering(state.images), stage("reading the source"):
        publication, layout = load_publication(source, edition)
        common = source_warnings(publication.sections)  # what rendering removes: every medium
        common += vector.removals(publication, cache)  # and sanitising, from drawings
    checkpoint("source read")
    report = BuildReport(publication)
    job = Job(publication, layout, out, state, target_keys(publication, layout), progress,
              cache)
    pending = [target for target in targets
               if not state.current(target.name, key=target.key(job))]
    separate = {target.name: _separately(target, job) for target in pending
                if target.separate and len(pending) > 1}
    job.processes = 1 if separate else 2  # the other core renders the separate target
    try:
        for target in targets:
            key = target.key(job)  # (the EPUB's follows the screen PDF built just now)
            if target.name not in separate and state.current(target.name, key=key):
                state.targets[target.name].stamp = stamp  # its inputs did not change
                continue
            with _timed(report, target.name), progress.stage(target.stage), \
                    stage(f"making the {target.stage}"):
                built = separate[target.name].result() if target.name in separate \
                    else target.build(job)
            state.record(target.name, stamp, key, built.outputs, common + built.warnings,
                         built.errors, kept=built.kept)
            report.rebuilt.append(target.name)
        checkpoint("targets written")
    finally:
        for process in separate.values():
            process.stop()
        state.save()  # what was built before a failure is not built again
    report = _reported(state, publication, targets, report)
    report.timings["total"] = time.perf_counter() - started
    return report


def _separately(target: Target, job: Job):
    """Start building ``target`` in a second process; its progress is silent (this process
    shows the stages)."""
    from .background import Background

    return Background(target.build, replace(job, progress=Progress(), processes=1))


def _reported(state: BuildState, publication, targets: tuple[Target, ...],
              report: BuildReport | None = None) -> BuildReport:
    """The report of a build whose targets are all recorded in ``state``."""
    report = report or BuildReport(publication)
    for target in targets:
        record = state.targets[target.name]
        report.outputs += state.outputs(target.name)
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


def build_strict(source: Path, out: Path, targets: tuple[str, ...] = ("all",),
                 progress: Progress | None = None, edition: str | None = None,
                 cache: Path | None = None) -> BuildReport:
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
        report = build(source, scratch, targets, progress, edition, cache)
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
    return [path for path in folder.rglob("*") if path.is_file() and path != folder / LOCK
            and not any(part.startswith(".strict-") for part in path.relative_to(folder).parts)]
