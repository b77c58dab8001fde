"""Press files for printers: ``<out>/press/``.

The screen layout rendered again with the bleed, from CMYK image variants, then finished with
pikepdf: page count padded for the binding, every colour made DeviceCMYK (text black as 100 % K),
the output intent named (FOGRA39) with its profile embedded, printer's marks outside the bleed,
saved as PDF/X-4 or PDF/X-1a. Beside it: the imposed sheets for saddle stitching, the preflight
report that proves the file, and the job ticket a printer reads.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from ..atomic import Staging, atomic_output, made_by_one, staged_outputs
from ..colour import convert_pdf_to_cmyk, image_to_cmyk
from ..cover import Spread, wanted as cover_wanted, write_cover
from ..downsample import downsample_images
from ..folios import folios, number_tree, padded, set_page_labels
from ..config import PAGE_MULTIPLE, padded_page_count
from ..images import made_in_parallel
from ..impose import impose_saddle_stitch
from ..imprint import build_time
from ..interrupt import checkpoint
from ..layouts import Layout
from ..marks import add_marks, load_font
from ..model import Image, Publication
from ..pdfwalk import stable_image_names
from ..pdfx import (OUTPUT_CONDITION, PDFX_NAME, document_id, finish, identify, save,
                    strip_annotations)
from ..preflight import Finding, Report, preflight
from ..printers import creep_mm, saddle_stitch_limit
from ..progress import Progress
from ..vector import svg_file
from . import Built, Job
from .pdf import PRINT_MEDIUM, render_kept

#: Where a layout keeps the CMYK profile of the printing condition (pdfx.OUTPUT_CONDITION).
PROFILE_FILE = "profiles/FOGRA39L-coated.icc"
#: The slug line and marks are drawn as outlines of this layout font (no font resource needed).
MARKS_FONT = "fonts/Inter-Regular.otf"
#: A layout's adjustments for press files (e.g. text colours as one ink), after print.css.
PRESS_STYLESHEET = "press.css"


@dataclass
class PressResult:
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preflight: Report | None = None
    cover_preflight: Report | None = None


def build(job: Job) -> Built:
    """The press folder; the preflights' errors are the target's errors."""
    press = write_press(job.publication, job.layout, job.out / "press",
                        cache=job.cache / "press", key=job.keys["press"],
                        progress=job.progress)
    errors = [str(finding.message) for finding in press.preflight.errors]
    if press.cover_preflight:
        errors += [f"{press.cover_preflight.file}: {finding.message}"
                   for finding in press.cover_preflight.errors]
    return Built(press.outputs, press.warnings, errors)


def write_press(publication: Publication, layout: Layout, folder: Path, cache: Path, key: str,
                progress: Progress | None = None) -> PressResult:
    """Write the press folder; ``cache`` keeps the CMYK image variants between builds, ``key``
    is the content key of everything the files are made from (the build cache's)."""
    from ..engine import write_pdf  # not at the top: ``publish.py check`` reads this module

    progress = progress or Progress()
    settings, press = publication.settings, publication.settings.print
    slug = settings.slug
    profile = layout.path(PROFILE_FILE)
    variants = press_variants(publication, profile, cache, progress)
    stylesheets: list[Path | str] = [output_intent_css(profile)]
    if any((folder / PRESS_STYLESHEET).is_file() for folder in layout.folders):
        stylesheets.append(layout.path(PRESS_STYLESHEET))
    # The screen PDF's HTML, each source image's URL leading to its CMYK variant, with the
    # same page breaks forced for the keep rules as the screen PDF's (the same rounds on the
    # same pages: pressroom.keep)
    document, warnings = render_kept(publication, layout, medium=PRINT_MEDIUM,
                                     bleed_mm=press.bleed_mm, stylesheets=tuple(stylesheets),
                                     progress=progress,
                                     images={image.sha256: variants[image.path]
                                             for image in publication.images})
    read_by_place = document.read_by_place
    result = PressResult(warnings=warnings)

    press_pdf = folder / f"{slug}-press.pdf"
    font = layout.path(MARKS_FONT)
    # The press files are renamed into place together: a stop part-way never leaves a job
    # ticket or a preflight report that describes another press PDF than the one beside it.
    with staged_outputs() as staging:
        tmp, engine = staging(press_pdf), staging.scratch(press_pdf)
        # No identifier from WeasyPrint: it would join the whole file's bytes in memory once
        # more to hash them (the 300-page book's peak); save() has qpdf make it from the content.
        write_pdf(document, engine, press.profile, identifier=False)
        page_folios = folios(document)
        del document
        with pikepdf.open(engine) as pdf:  # read as needed, not held whole in memory
            added = pad_for_binding(pdf, press.binding)
            set_page_labels(pdf, number_tree(padded(page_folios, added)))
            if added:
                result.warnings.append(
                    f"{press_pdf.name}: added {added} blank page{'s' * (added > 1)} before the "
                    f"back cover to make {len(pdf.pages)} pages, a multiple of "
                    f"{PAGE_MULTIPLE[press.binding]} for {press.binding} binding")
            balances = convert_pdf_to_cmyk(pdf, profile, press.ink_limit, press.overprint)
            names = image_names(publication, variants)
            resampled = downsample_images(pdf, press.downsample_above,
                                          min(press.downsample_to, press.downsample_above), names)
            for image in resampled:  # the preflight names the resampled streams as before
                if image.before in names:
                    names[image.after] = names[image.before]
            if read_by_place:  # e.g. an image the layout's CSS names: its name holds its place
                stable_image_names(pdf)
            finish(pdf, profile, press.profile, f"{settings.identifier}#press")
            total = len(pdf.pages)
            if press.marks:
                add_marks(pdf, lambda n: slug_line(publication, f"page {n} of {total}", font), font,
                          balances=balances)
            checkpoint("press writing")
            save(pdf, tmp, press.profile, document_id(key))
        result.outputs.append(press_pdf)
        # The ticket's checksum of the press PDF (hundreds of megabytes for a long book) is
        # taken in a thread (hashlib lets go of Python's lock) while the sheets and preflight go on
        with ThreadPoolExecutor(1) as hashing:
            digests = {press_pdf: hashing.submit(file_sha256, tmp)}
            if press.binding == "saddle-stitch" and total <= saddle_stitch_limit(press.paper):
                imposed = folder / f"{slug}-imposed.pdf"
                sheets = staging(imposed)
                checkpoint("press imposing")
                impose_saddle_stitch(
                    tmp, sheets, marks=press.marks, font=font,
                    slug=lambda sheet: slug_line(publication, sheet, font), paper=press.paper,
                    save=lambda pdf, path: finish_imposed(pdf, path, press.profile,
                                                          settings.identifier, key))
                result.outputs.append(imposed)
            spread = None
            if cover_wanted(press):
                cover = folder / f"{slug}-cover.pdf"
                spread = write_cover(publication, layout, total, staging(cover),
                                     {image.sha256: variants[image.path]
                                      for image in publication.images},
                                     profile, key, font, slug_line(publication, "cover", font))
                result.outputs.append(cover)
                cover_report = preflight(staging.files[cover], press.profile, "none",
                                         press.bleed_mm, names, paper=press.paper)
                cover_report.file = cover.name
                result.cover_preflight = cover_report
                result.outputs += write_reports(cover_report, folder, f"{slug}-cover", staging)

            report = preflight(tmp, press.profile, press.binding, press.bleed_mm, names,
                               paper=press.paper, printer=press.printer)
            report.file = press_pdf.name  # not the temporary file's
            report.findings += [Finding("info", "images", None, (
                f"{image.label} resampled from {image.before_ppi:.0f} ppi ({image.before_px[0]}×"
                f"{image.before_px[1]} px) to {image.after_ppi:.0f} ppi ({image.after_px[0]}×"
                f"{image.after_px[1]} px) at its largest placement")) for image in resampled]
            result.preflight = report
            result.outputs += write_reports(report, folder, slug, staging)
            result.outputs.append(write_job_ticket(publication, folder, press_pdf,
                                                   result.outputs, report, staging, digests,
                                                   spread))
    return result


def finish_imposed(pdf: pikepdf.Pdf, path: Path, variant: str, identifier: str,
                   key: str) -> None:
    """The imposed sheets are a press file too: the same PDF/X version, output intent and
    document information as the pages they place, under their own document ID."""
    identify(pdf, variant, f"{identifier}#imposed")
    strip_annotations(pdf)
    save(pdf, path, variant, document_id(f"{key}:imposed"))


def image_names(publication: Publication, variants: dict[Path, Path]) -> dict:
    """How the preflight names images: by the length in bytes and the pixel size of the press
    variant, which passes into the PDF unchanged (two files alike in both share a label)."""
    from PIL import Image as PILImage

    names: dict[tuple[int, int, int], list[str]] = {}
    for image in publication.images:
        variant = variants[image.path]
        if not image.vector and variant.exists():  # a drawing is paths, no image in the PDF
            with PILImage.open(variant) as opened:  # the header only
                key = (variant.stat().st_size, *opened.size)
            names.setdefault(key, []).append(image.name)
    return {key: " or ".join(sorted(set(found))) for key, found in names.items()}


def press_variants(publication: Publication, profile: Path, cache: Path,
                   progress: Progress | None = None) -> dict[Path, Path]:
    """The CMYK variant of each image: made once per content, profile and ink limit and kept
    in ``cache``; the new ones made in parallel. A vector figure's is its sanitised SVG (in
    ``cache``'s sibling ``vector/``): its colours become CMYK with the rest of the page's."""
    limit = publication.settings.print.ink_limit
    profile_digest = hashlib.sha256(profile.read_bytes()).hexdigest()

    def one(image: Image) -> Path:
        if image.vector:
            return svg_file(image, cache.parent)[0]
        key = hashlib.sha256(f"{image.sha256}:{profile_digest}:{limit}".encode()).hexdigest()[:20]
        path = cache / f"{image.path.stem}-{key}.jpg"
        if not path.exists():
            with made_by_one(path):  # a catalogue's titles share the cache
                if not path.exists():
                    with atomic_output(path) as tmp:
                        checkpoint("press variant writing")
                        tmp.write_bytes(image_to_cmyk(image.path, profile, limit))
        return path

    return made_in_parallel(one, publication.images, progress, "images in CMYK")


def output_intent_css(profile: Path) -> str:
    """WeasyPrint writes the output intent from a declared device-cmyk profile."""
    return ("@color-profile device-cmyk { components: cyan, magenta, yellow, black; "
            f"src: url({profile.as_uri()}); }}")


def pad_for_binding(pdf: pikepdf.Pdf, binding: str) -> int:
    """Blank pages before the back cover until the page count suits the binding."""
    missing = padded_page_count(len(pdf.pages), binding) - len(pdf.pages)
    last = pdf.pages[-1]
    for _ in range(missing):
        blank = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=last.MediaBox,
                                   TrimBox=last.TrimBox, BleedBox=last.BleedBox,
                                   Resources=pikepdf.Dictionary(),
                                   Contents=pdf.make_stream(b"q Q\n"))
        pdf.pages.insert(len(pdf.pages) - 1, pikepdf.Page(blank))
    return missing


def file_sha256(path: Path) -> str:
    with path.open("rb") as file:  # in chunks: a press PDF can be hundreds of megabytes
        return hashlib.file_digest(file, "sha256").hexdigest()


def slug_line(publication: Publication, where: str, font: Path | None = None) -> str:
    """The slug line outside the trim; with the marks ``font``, a title in a script the font
    does not draw (Arabic, Chinese) is named by the publication's slug instead."""
    settings = publication.settings
    title = settings.title
    if font is not None and not load_font(font).covers(title):
        title = settings.slug
    parts = [title, where, settings.date.isoformat() if settings.date else None,
             PDFX_NAME[settings.print.profile], f"trim {settings.print.trim.css}",
             f"bleed {settings.print.bleed_mm:g} mm"]
    return "  ·  ".join(part for part in parts if part)


def write_reports(report: Report, folder: Path, slug: str, staging: Staging) -> list[Path]:
    """The preflight report as JSON and text, as staged outputs."""
    paths = []
    for suffix, text in (("json", report.to_json()), ("txt", report.to_text())):
        path = folder / f"{slug}-preflight.{suffix}"
        staging(path).write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def write_job_ticket(publication: Publication, folder: Path, press_pdf: Path, files: list[Path],
                     report: Report, staging: Staging,
                     digests: dict[Path, Future] | None = None,
                     spread: Spread | None = None) -> Path:
    """What a printer reads first: the job's specification and the checksums of the staged
    files (those ``digests`` holds, as they are taken); the ticket is staged with them."""
    settings, press = publication.settings, publication.settings.print
    digests = digests or {}

    def written(path: Path) -> Path:  # where the file's bytes are now
        return staging.files.get(path, path)

    with pikepdf.open(written(press_pdf)) as pdf:
        pages = len(pdf.pages)
    ticket = {
        "title": settings.title, "publisher": settings.publisher, "identifier": settings.identifier,
        "date": settings.date.isoformat() if settings.date else None,
        "created": build_time().isoformat(),
        "trim_mm": [press.trim.width_mm, press.trim.height_mm], "trim": press.trim.css,
        "bleed_mm": press.bleed_mm, "pages": pages, "binding": press.binding,
        "paper": press.paper,
        **({"creep_mm_per_sheet": [round(creep_mm(sheet, press.paper), 3)
                                   for sheet in range(pages // 4)]}
           if press.binding == "saddle-stitch" else {}),
        "colours": "CMYK (4/4), no spot colours", "ink_limit_percent": press.ink_limit,
        "output_intent": OUTPUT_CONDITION["identifier"], "pdfx": PDFX_NAME[press.profile],
        "marks": press.marks,
        **({"cover": {"file": f"{settings.slug}-cover.pdf", "spine_mm": spread.spine_mm,
                      "spine_text": spread.spine_text, "paper": press.paper,
                      "trim_mm": list(spread.trim_mm),
                      "with_bleed_mm": list(spread.with_bleed_mm)}} if spread else {}),
        "preflight": {"passed": not report.errors, "errors": len(report.errors),
                      "warnings": len([f for f in report.findings if f.level == "warning"])},
        "files": [{"name": path.name, "bytes": written(path).stat().st_size,
                   "sha256": digests[path].result() if path in digests
                   else file_sha256(written(path))}
                  for path in files],
    }
    path = folder / f"{publication.settings.slug}-job.json"
    staging(path).write_text(json.dumps(ticket, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return path
