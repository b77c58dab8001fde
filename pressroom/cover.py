"""The cover spread a printer binds round the pages: ``press/<slug>-cover.pdf``.

One page holds the back cover, the spine and the front cover, designed by the layout
(``cover.html`` and ``cover.css``); its trim is (2 × the trim width + the spine) × the trim
height, with the bleed round the four outer edges. The spine is as thick as the book block
(``printers.spine_mm``: the leaves × the paper's caliper); a saddle-stitched brochure asked for
a separate cover (``print: cover: true``) folds it round its pages with no spine. The spread is
finished as the pages are (CMYK, output intent, identification, marks, PDF/X version), so a
printer receives one job in one standard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf

from .colour import convert_pdf_to_cmyk
from .config import PrintSettings
from .layouts import Layout
from .marks import add_marks
from .model import Publication
from .pdfx import document_id, finish, save
from .printers import spine_has_text, spine_mm

TEMPLATE, STYLESHEET = "cover.html", "cover.css"


@dataclass(frozen=True)
class Spread:
    """The cover's measures, for the job ticket."""

    spine_mm: float
    spine_text: bool
    trim_mm: tuple[float, float]       # the whole spread, trimmed
    with_bleed_mm: tuple[float, float]


def wanted(press: PrintSettings) -> bool:
    """``print: cover`` when given; else a cover for perfect binding, whose printers need one."""
    return press.cover if press.cover is not None else press.binding == "perfect"


def spread(press: PrintSettings, pages: int) -> Spread:
    spine = round(spine_mm(pages, press.paper, press.printer), 2) \
        if press.binding == "perfect" else 0.0
    width = 2 * press.trim.width_mm + spine
    return Spread(spine, press.binding == "perfect" and spine_has_text(pages, press.paper,
                                                                      press.printer),
                  (round(width, 2), press.trim.height_mm),
                  (round(width + 2 * press.bleed_mm, 2),
                   round(press.trim.height_mm + 2 * press.bleed_mm, 2)))


def write_cover(publication: Publication, layout: Layout, pages: int, path: Path,
                images: dict[str, Path], profile: Path, key: str, marks_font: Path,
                slug: str) -> Spread:
    """Render, finish and save the cover spread to ``path`` for a book of ``pages`` pages;
    ``images`` are the CMYK variants by source digest, as the press pages use them."""
    from .engine import write_pdf
    from .targets.pdf import PRINT_MEDIUM, render
    from .targets.press import output_intent_css

    press = publication.settings.print
    measures = spread(press, pages)
    document, _ = render(publication, layout, PRINT_MEDIUM, press.bleed_mm,
                         (output_intent_css(profile),), images=images, template=TEMPLATE,
                         stylesheet=STYLESHEET, spine_mm=measures.spine_mm,
                         spine_text=measures.spine_text)
    engine = path.with_name(path.name + ".engine")
    try:
        write_pdf(document, engine, press.profile, identifier=False)
        with pikepdf.open(engine) as pdf:
            balances = convert_pdf_to_cmyk(pdf, profile, press.ink_limit, press.overprint)
            finish(pdf, profile, press.profile, f"{publication.settings.identifier}#cover")
            if press.marks:
                add_marks(pdf, lambda n: slug, marks_font, balances=balances)
            save(pdf, path, press.profile, document_id(f"{key}:cover"))
    finally:
        engine.unlink(missing_ok=True)
    return measures
