"""The pipeline as one function: read the source, build the model, write each target."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble
from .config import load_settings, with_layout_defaults
from .diagnostics import LOGGER, Problem, SourceError
from .layouts import Layout, find_layout
from .manuscript import read_sections
from .model import Publication

TARGETS = ("pdf", "epub", "press")
PAGINATION = Path(".cache") / "pagination.json"  # where the screen PDF's pages start (for the EPUB)


@dataclass
class BuildReport:
    publication: Publication
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preflight_errors: list[str] = field(default_factory=list)  # press files a printer would refuse


def load_publication(source: Path) -> tuple[Publication, Layout]:
    """Read and check everything in the source folder and find its layout; nothing is written."""
    settings = load_settings(source / "manuscript" / "publication.yaml")
    layout = find_layout(settings.layout, source)
    settings = with_layout_defaults(settings, layout.print_defaults)
    sections = read_sections(source)
    return assemble(settings, source, sections), layout


def build(source: Path, out: Path, targets: tuple[str, ...] = TARGETS) -> BuildReport:
    """Publish ``source`` into ``out``: the screen PDF (with its proof sheet), the EPUB and the
    press folder (``out/press/``), as ``targets`` asks."""
    publication, layout = load_publication(source)
    report = BuildReport(publication)
    from .render import source_warnings  # what rendering removes (raw HTML...): every medium
    report.warnings += source_warnings(publication.sections)
    slug = publication.settings.slug
    if "pdf" in targets:
        from .targets.pdf import write_pdf
        LOGGER.info("rendering the screen PDF")
        path = out / f"{slug}.pdf"
        report.warnings += write_pdf(publication, layout, path, pagination=out / PAGINATION)
        report.outputs.append(path)
        from .proof import write_proof
        report.outputs.append(write_proof(path, out / f"{slug}-proof.png"))
    if "epub" in targets:
        from .pagination import load
        from .targets.epub import write_epub
        LOGGER.info("writing the EPUB")
        path = out / f"{slug}.epub"
        screen_pdf, pagination = out / f"{slug}.pdf", out / PAGINATION
        changed = None if "pdf" in targets else _last_source_change(source, layout)

        def current(path: Path) -> bool:  # rendered in this build, or after the sources changed
            return changed is None or (path.is_file() and path.stat().st_mtime >= changed)

        report.warnings += write_epub(publication, layout, path,
                                      print_pdf=screen_pdf if current(screen_pdf) else None,
                                      page_starts=load(pagination) if current(pagination) else None)
        report.outputs.append(path)
    if "press" in targets:
        from .targets.press import write_press
        LOGGER.info("making the press files")
        press = write_press(publication, layout, out / "press", cache=out / ".cache" / "press")
        report.outputs += press.outputs
        report.warnings += press.warnings
        report.preflight_errors += [str(finding.message) for finding in press.preflight.errors]
    report.warnings = list(dict.fromkeys(report.warnings))  # the press render repeats the screen's
    return report


def build_strict(source: Path, out: Path, targets: tuple[str, ...] = TARGETS) -> BuildReport:
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
        report = build(source, scratch, targets)
        report.outputs = [out / path.relative_to(scratch) for path in report.outputs]
        report.warnings = [w.replace(str(scratch), str(out)) for w in report.warnings]
        if not report.warnings:
            from .targets import uninterruptible
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


def _last_source_change(source: Path, layout: Layout) -> float:
    """When a manuscript, image or layout file last changed (modification time)."""
    folders = [source / "manuscript", source / "images", *layout.folders]
    return max((path.stat().st_mtime for folder in folders if folder.is_dir()
                for path in folder.rglob("*") if path.is_file()), default=0.0)
