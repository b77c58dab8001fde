"""The cover spread a printer binds round the pages: ``press/<slug>-cover.pdf``.

One page holds the back cover, the spine and the front cover, designed by the layout
(``cover.html`` and ``cover.css``); its trim is (2 × the trim width + the spine) × the trim
height, with the bleed round the four outer edges. The spine is as thick as the book block
(``printers.spine_mm``: the leaves × the paper's caliper); a saddle-stitched brochure asked for
a separate cover (``print: cover: true``) folds it round its pages with no spine. The spread is
finished as the pages are (CMYK, output intent, identification, marks, PDF/X version), so a
printer receives one job in one standard.

The same design's front panel is the e-book's cover (:func:`front_cover`): the spread laid
out with no spine and no bleed, its front half rasterised at the size e-book stores ask for.
"""

from __future__ import annotations

import io
import re
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
#: E-book stores ask for a cover about 1600 px wide (1600 × 2400 for a 2:3 page); the height
#: keeps the trim's proportions.
FRONT_WIDTH = 1600
#: Bumped when the front cover's rendering changes (its cached JPEGs are then made again).
FRONT_VERSION = 1


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


def front_cover(publication: Publication, layout: Layout, cache: Path) -> bytes:
    """The layout's front cover (``cover.html`` + ``cover.css``, the design the press spread
    uses) as an sRGB JPEG ``FRONT_WIDTH`` pixels wide, in the trim's proportions: the spread laid
    out without spine or bleed, its front half cut out (the right half, or the left one in a
    right-to-left book). Independent of the page count and of every other target. Kept in
    ``cache`` by content (the cover's HTML, its stylesheet and the files that names), so a
    rebuild neither lays it out nor loads the engine."""
    from .atomic import atomic_output

    kept = cache / f"front-{_front_key(publication, layout)}.jpg"
    if kept.is_file():
        return kept.read_bytes()
    data = _render_front(publication, layout, cache.parent)
    with atomic_output(kept) as tmp:
        tmp.write_bytes(data)
    return data


def _front_key(publication: Publication, layout: Layout) -> str:
    """What the front cover is made of: its HTML (the build time left out), cover.css and the
    files it names (by name and size), the system faces, the code's version of the render."""
    from .cache import Key
    from .fonts import system_key
    from .targets.pdf import PRINT_MEDIUM, print_html

    html = print_html(publication, layout, PRINT_MEDIUM, 0, template=TEMPLATE,
                      spine_mm=0, spine_text=False)
    key = Key(FRONT_VERSION, FRONT_WIDTH, re.sub(r'<meta name="dcterms.modified"[^>]*>', "", html))
    css = layout.path(STYLESHEET)
    text = css.read_text(encoding="utf-8")
    key.add(text)
    for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
        found = layout.locate(css.parent / url)
        key.add(url).add(found.stat().st_size if found and found.is_file() else -1)
    for face in system_key(layout.fonts, set()):
        key.add(face)
    return key.hexdigest()[:32]


def _render_front(publication: Publication, layout: Layout, scratch: Path) -> bytes:
    import pypdfium2

    from .colour import srgb_icc
    from .engine import write_pdf
    from .targets.pdf import PRINT_MEDIUM, render, source_images

    settings = publication.settings
    document, _ = render(publication, layout, PRINT_MEDIUM, 0,
                         images=source_images(publication, scratch), template=TEMPLATE,
                         stylesheet=STYLESHEET, spine_mm=0, spine_text=False)
    pdf_bytes = io.BytesIO()
    write_pdf(document, pdf_bytes, None)
    trim = settings.print.trim
    height = round(FRONT_WIDTH * trim.height_mm / trim.width_mm)
    with pypdfium2.PdfDocument(pdf_bytes.getvalue()) as pdf:
        page = pdf[0]
        # the page is two trims wide: the front's trim width rendered FRONT_WIDTH pixels wide
        image = page.render(scale=2 * FRONT_WIDTH / page.get_width()).to_pil().convert("RGB")
    left = 0 if settings.direction == "rtl" else image.width - FRONT_WIDTH
    front = image.crop((left, 0, left + FRONT_WIDTH, min(height, image.height)))
    if front.height != height:  # a pixel lost to rounding
        front = front.resize((FRONT_WIDTH, height))
    out = io.BytesIO()
    front.save(out, "JPEG", quality=88, optimize=True, dpi=(150, 150),
               icc_profile=srgb_icc())  # fixed bytes: a fresh profile carries the time
    return out.getvalue()
