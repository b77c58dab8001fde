"""Imposition for saddle stitching: printer spreads, two trimmed pages side by side per sheet side.

The pages are placed unchanged as form XObjects (no re-rendering), each clipped to its trim plus
the bleed on the spread's three outer edges; at the spine the two trims touch.

Creep (shingling): folded inside one another, each sheet's fore-edge sticks out beyond the
sheet around it by one caliper, and the trim takes that much more from it. So the pages of
sheet k (0 = the outermost) move toward the spine by ``creep_mm(k, paper)`` and the fore-edges
line up after trimming. The clip's outer edge moves with the page; its spine edge stays at the
spine, so no artwork crosses it (the gutter margin gives up those tenths of a millimetre).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pikepdf

from .marks import MM, Rect, load_font, mark_page, page_boxes, registration_colour_space
from .printers import creep_mm

TOLERANCE = 0.01  # pt: pages whose trims differ by more cannot share a sheet


def saddle_stitch_order(page_count: int, right_to_left: bool = False
                        ) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """For a page count that is a multiple of 4: per sheet,
    (front (left, right), back (left, right)), 1-based page numbers:
    for 8 pages: [((8, 1), (2, 7)), ((6, 3), (4, 5))]. A right-to-left publication is bound on
    the other edge, so each spread is mirrored: [((1, 8), (7, 2)), ((3, 6), (5, 4))]."""
    if page_count <= 0 or page_count % 4:
        advice = f": add {-page_count % 4} blank page(s)" if page_count > 0 else ""
        raise ValueError(f"saddle stitching needs a page count that is a positive multiple of 4, "
                         f"not {page_count}{advice}")
    sheets = []
    for sheet in range(page_count // 4):
        outer, inner = 2 * sheet, 2 * sheet + 1
        sheets.append(((page_count - outer, 1 + outer), (1 + inner, page_count - inner)))
    if right_to_left:
        return [((front[1], front[0]), (back[1], back[0])) for front, back in sheets]
    return sheets


def impose_saddle_stitch(source: Path, target: Path, marks: bool, font: Path,
                         slug: Callable[[str], str], paper: str,
                         save: Callable[[pikepdf.Pdf, Path], None] | None = None) -> None:
    """Write ``target``: one PDF page per sheet side (sheet 1 front, sheet 1 back, sheet 2 front,
    ...), each holding two pages of ``source`` as a spread, moved toward the spine by the creep
    of its sheet on ``paper`` (a paper of :data:`pressroom.printers.PAPERS`). With ``marks``,
    crop marks, fold marks at the spine, registration targets and the slug line
    ``slug("sheet 1 front · pages 8 | 1 · creep 0.00 mm")`` are drawn outside the spread's
    bleed, as :func:`pressroom.marks.add_marks` draws them. The sheets carry the source's
    document information, metadata and output intent; ``save`` writes them (the press target
    makes them the same PDF/X as the pages they place)."""
    with pikepdf.open(source) as src, pikepdf.new() as out:
        order = saddle_stitch_order(len(src.pages), right_to_left(src))
        boxes = [page_boxes(page)[1:] for page in src.pages]
        width, height = boxes[0][0].width, boxes[0][0].height
        for number, (trim, _) in enumerate(boxes, 1):
            if abs(trim.width - width) > TOLERANCE or abs(trim.height - height) > TOLERANCE:
                raise ValueError(f"{source}: page {number} is trimmed to {trim.width:.2f} x "
                                 f"{trim.height:.2f} pt, page 1 to {width:.2f} x {height:.2f} pt; "
                                 f"saddle-stitched pages must all have the same trim size")
        _copy_document_properties(src, out)
        outline = load_font(Path(font)) if marks else None
        colour_space = registration_colour_space(out) if marks else None
        forms: dict[int, pikepdf.Object] = {}

        def form(number: int) -> pikepdf.Object:
            if number not in forms:
                page = src.pages[number - 1]
                xobject = page.as_form_xobject()
                # qpdf bounds the form by the TrimBox: widen it to show the bleed
                xobject.BBox = boxes[number - 1][1].union(boxes[number - 1][0]).array()
                forms[number] = out.copy_foreign(xobject)
            return forms[number]

        for sheet, sides in enumerate(order):
            creep = creep_mm(sheet, paper)
            for side, (left, right) in zip(("front", "back"), sides):
                page = _sheet(out, form(left), form(right), boxes[left - 1], boxes[right - 1],
                              width, height, (left, right), creep * MM)
                if marks:
                    mark_page(page, slug(f"sheet {sheet + 1} {side} · pages {left} | {right} · "
                                         f"creep {creep:.2f} mm"),
                              outline, colour_space, folds=[width])
        if save is not None:
            save(out, target)
        else:
            out.save(target, deterministic_id=True)  # /ID from the content: same source, same bytes


def _sheet(out: pikepdf.Pdf, left_form, right_form, left_boxes: tuple[Rect, Rect],
           right_boxes: tuple[Rect, Rect], width: float, height: float,
           numbers: tuple[int, int], creep: float) -> pikepdf.Page:
    """A sheet side: the spread's trim from (0, 0) to (2 * width, height), spine at x = width;
    each page moved ``creep`` points toward the spine. The boxes are those of the spread without
    creep, alike on every sheet."""
    (left_trim, left_bleed), (right_trim, right_bleed) = left_boxes, right_boxes
    # Where each page shows, in sheet coordinates: its trim, plus bleed on the outer edges only.
    left_clip = Rect(left_bleed.x0 - left_trim.x0, left_bleed.y0 - left_trim.y0,
                     width, height + left_bleed.y1 - left_trim.y1)
    right_clip = Rect(width, right_bleed.y0 - right_trim.y0,
                      2 * width + right_bleed.x1 - right_trim.x1,
                      height + right_bleed.y1 - right_trim.y1)
    bleed = left_clip.union(right_clip)
    left_name, right_name = (f"/Page{n}" for n in numbers)
    content = "\n".join([
        _place(left_name, replace(left_clip, x0=left_clip.x0 + creep),
               creep - left_trim.x0, -left_trim.y0),
        _place(right_name, replace(right_clip, x1=right_clip.x1 - creep),
               width - creep - right_trim.x0, -right_trim.y0), ""])
    trim = Rect(0, 0, 2 * width, height)
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=bleed.array(), TrimBox=trim.array(),
        BleedBox=bleed.array(),
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary({left_name: left_form,
                                                                 right_name: right_form})),
        Contents=out.make_stream(content.encode("ascii")))
    out.pages.append(pikepdf.Page(page))
    return out.pages[-1]


def _place(name: str, clip: Rect, dx: float, dy: float) -> str:
    return (f"q {clip.x0:.6f} {clip.y0:.6f} {clip.width:.6f} {clip.height:.6f} re W n "
            f"1 0 0 1 {dx:.6f} {dy:.6f} cm {name} Do Q")


def right_to_left(pdf: pikepdf.Pdf) -> bool:
    """Whether a PDF says it reads right to left (``/ViewerPreferences /Direction /R2L``)."""
    preferences = pdf.Root.get("/ViewerPreferences")
    return isinstance(preferences, pikepdf.Dictionary) and preferences.get("/Direction") == "/R2L"


def _copy_document_properties(src: pikepdf.Pdf, out: pikepdf.Pdf) -> None:
    """The press file's output intent (so the sheets are read in the same printing condition),
    document information, XMP metadata and reading direction."""
    if right_to_left(src):
        out.Root.ViewerPreferences = pikepdf.Dictionary(Direction=pikepdf.Name.R2L)
    if "/OutputIntents" in src.Root:
        intents = src.Root.OutputIntents
        out.Root.OutputIntents = pikepdf.Array([out.copy_foreign(src.make_indirect(intent))
                                                for intent in intents])
    if isinstance(src.trailer.get("/Info"), pikepdf.Dictionary):
        out.trailer.Info = out.copy_foreign(src.make_indirect(src.trailer.Info))
    if isinstance(src.Root.get("/Metadata"), pikepdf.Stream):
        out.Root.Metadata = out.copy_foreign(src.Root.Metadata)
