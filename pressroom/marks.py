"""Printer's marks outside the bleed: crop marks, registration targets, fold marks and a slug line.

Everything is drawn in registration colour (``/Separation /All``, 100 % of every ink) in a content
stream appended to the page, wrapped in q/Q and marked as an ``/Artifact``. The slug line is drawn
as the glyph outlines of a font (fontTools), so the page gets no font resource: PDF/X wants every
font embedded, and outlines need none. The page's artwork is not touched: the MediaBox grows
outwards around the BleedBox, TrimBox and BleedBox stay where they are.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont

MM = 72 / 25.4
LINE_WIDTH = 0.25  # pt, for crop, fold and registration marks
SLUG_SIZE = 6.5  # pt
MIN_SLUG_SIZE = 4.0  # pt; a slug line too long for the sheet is set smaller, down to this
MARGIN_MM = 3.0  # room beyond the marks, on every side; the slug line sits there at the bottom
FOLD_DASH = (2.0, 1.5)  # pt: fold marks are dashed, crop marks solid
COLOUR_SPACE = "/PressroomRegistration"  # resource name of the registration colour space
ARTIFACT = b"/Artifact <</Type /Page>> BDC"  # production aids outside the document itself


@dataclass(frozen=True)
class Rect:
    """A rectangle in PDF user space, normalised (x0 <= x1, y0 <= y1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def of(cls, box) -> Rect:
        x0, y0, x1, y1 = (float(v) for v in box)
        return cls(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def grow(self, d: float) -> Rect:
        return Rect(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)

    def union(self, other: Rect) -> Rect:
        return Rect(min(self.x0, other.x0), min(self.y0, other.y0),
                    max(self.x1, other.x1), max(self.y1, other.y1))

    def array(self) -> pikepdf.Array:
        return pikepdf.Array([_round(v) for v in (self.x0, self.y0, self.x1, self.y1)])


def _round(value: float) -> float:
    return round(value, 6) + 0.0  # + 0.0 turns -0.0 into 0.0


def _num(value: float, digits: int = 3) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class _OutlinePen(BasePen):
    """A fontTools pen recording PDF path operators with their points; quadratic curves
    (TrueType) arrive here already converted to cubic ones by BasePen."""

    def __init__(self, glyph_set=None):
        super().__init__(glyph_set)
        self.ops: list[tuple[str, tuple]] = []

    def _moveTo(self, pt):
        self.ops.append(("m", (pt,)))

    def _lineTo(self, pt):
        self.ops.append(("l", (pt,)))

    def _curveToOne(self, pt1, pt2, pt3):
        self.ops.append(("c", (pt1, pt2, pt3)))

    def _closePath(self):
        self.ops.append(("h", ()))

    def _endPath(self):
        pass


class OutlineFont:
    """A font whose glyphs are drawn as filled paths (no kerning, no shaping)."""

    def __init__(self, path: Path):
        self.font = TTFont(path)
        self.glyphs = self.font.getGlyphSet()
        self.cmap = self.font.getBestCmap() or {}
        self.advances = self.font["hmtx"].metrics
        self.upem = self.font["head"].unitsPerEm
        os2 = self.font["OS/2"] if "OS/2" in self.font else None
        cap = getattr(os2, "sCapHeight", 0) or 0.7 * self.upem
        descender = getattr(os2, "sTypoDescender", 0) or self.font["hhea"].descent
        self.cap_height = cap / self.upem  # in em
        self.descender = abs(descender) / self.upem  # in em, positive

    def _glyph(self, char: str) -> str:
        name = self.cmap.get(ord(char))
        return name if name in self.glyphs else ".notdef"

    def covers(self, text: str) -> bool:
        """Whether the font has a glyph for every character of ``text`` but spaces."""
        return all(self._glyph(char) != ".notdef" for char in text if not char.isspace())

    def width(self, text: str, size: float) -> float:
        return sum(self.advances[self._glyph(c)][0] for c in text) * size / self.upem

    def path(self, text: str, size: float, x: float, y: float) -> str:
        """Path operators drawing ``text`` with its baseline starting at (x, y); fill with f."""
        scale = size / self.upem
        glyphs = []
        for char in text:
            name = self._glyph(char)
            glyphs.append(self._placed(name, scale, x, y))
            x += self.advances[name][0] * scale
        return "\n".join(glyph for glyph in glyphs if glyph)

    @functools.lru_cache(maxsize=4096)
    def _placed(self, name: str, scale: float, x: float, y: float) -> str:
        """One glyph's path operators at (x, y): the same letters at the same places recur on
        every page's slug line."""
        return "\n".join(" ".join(f"{_num(px * scale + x, 2)} {_num(py * scale + y, 2)}"
                                   for px, py in points) + (" " if points else "") + operator
                          for operator, points in self._outline(name))

    @functools.cache
    def _outline(self, name: str) -> list[tuple[str, tuple]]:
        """A glyph's outline in font units as (operator, points): drawn once per glyph (a CFF
        glyph is a program to run; the slug line of every page repeats the same letters)."""
        pen = _OutlinePen(self.glyphs)
        self.glyphs[name].draw(pen)
        return pen.ops


@functools.lru_cache(maxsize=8)
def load_font(path: Path | str) -> OutlineFont:
    return OutlineFont(Path(path))


def registration_colour_space(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """``[/Separation /All /DeviceCMYK f]`` with f(t) = t t t t: registration colour."""
    function = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0],
                                  C1=[1, 1, 1, 1], N=1)
    return pdf.make_indirect(pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All,
                                            pikepdf.Name.DeviceCMYK, function]))


def marks_extent(offset_mm: float = 3.0, length_mm: float = 10.0) -> float:
    """How far (pt) the MediaBox reaches beyond the BleedBox on every side."""
    return (offset_mm + length_mm + MARGIN_MM) * MM


def marks_content(trim: Rect, bleed: Rect, slug_text: str, font: OutlineFont,
                  offset_mm: float = 3.0, length_mm: float = 10.0, folds: Sequence[float] = (),
                  colour_space: str = COLOUR_SPACE) -> bytes:
    """The marks of one page as a self-contained content stream (q ... Q), every path outside
    ``bleed``: crop marks at the trim corners, registration targets on the middle of each side
    (of each page between folds, on the top and bottom), dashed fold marks at the x positions
    ``folds`` and the slug line below the bottom-left crop marks."""
    o, length = offset_mm * MM, length_mm * MM
    near, far = o, o + length  # distances of the marks band beyond the bleed edge
    lines: list[str] = []

    def line(x0, y0, x1, y1):
        lines.append(f"{_num(x0)} {_num(y0)} m {_num(x1)} {_num(y1)} l")

    # Crop marks: on the trim edges' lines, from `near` to `far` beyond the bleed.
    for x, bx, sx in ((trim.x0, bleed.x0, -1), (trim.x1, bleed.x1, 1)):
        for y, by, sy in ((trim.y0, bleed.y0, -1), (trim.y1, bleed.y1, 1)):
            line(bx + sx * near, y, bx + sx * far, y)
            line(x, by + sy * near, x, by + sy * far)

    # Registration targets, centred in the marks band: a circle and a cross.
    arm, radius = length / 2, length * 0.3
    mid = (near + far) / 2
    xs = [trim.x0, *sorted(folds), trim.x1]
    centres = [((a + b) / 2, bleed.y0 - mid) for a, b in zip(xs, xs[1:])]
    centres += [((a + b) / 2, bleed.y1 + mid) for a, b in zip(xs, xs[1:])]
    middle = (trim.y0 + trim.y1) / 2
    centres += [(bleed.x0 - mid, middle), (bleed.x1 + mid, middle)]
    circles = []
    for cx, cy in centres:
        line(cx - arm, cy, cx + arm, cy)
        line(cx, cy - arm, cx, cy + arm)
        circles.append(_circle(cx, cy, radius))

    folds_ops = []
    for x in folds:
        folds_ops.append(f"{_num(x)} {_num(bleed.y1 + near)} m {_num(x)} {_num(bleed.y1 + far)} l")
        folds_ops.append(f"{_num(x)} {_num(bleed.y0 - near)} m {_num(x)} {_num(bleed.y0 - far)} l")

    # Slug line: in the strip beyond the marks band at the bottom, from the trim's left edge.
    size = SLUG_SIZE
    room = bleed.x1 + far - trim.x0
    width = font.width(slug_text, size)
    if width > room:
        size = max(MIN_SLUG_SIZE, size * room / width)
    strip = MARGIN_MM * MM
    ink = (font.cap_height + font.descender) * size
    baseline = bleed.y0 - far - max(0.0, (strip - ink) / 2) - font.cap_height * size
    slug = font.path(slug_text, size, trim.x0, baseline) if slug_text else ""

    parts = ["q", ARTIFACT.decode(), f"{colour_space} CS 1 SCN {colour_space} cs 1 scn",
             f"{_num(LINE_WIDTH)} w 0 J 0 j [] 0 d", *lines, *circles, "S"]
    if folds_ops:
        parts += [f"[{_num(FOLD_DASH[0])} {_num(FOLD_DASH[1])}] 0 d", *folds_ops, "S", "[] 0 d"]
    if slug:
        parts += [slug, "f"]
    parts += ["EMC", "Q", ""]
    return "\n".join(parts).encode("ascii")


def _circle(cx: float, cy: float, r: float) -> str:
    k = 0.5522847498 * r
    pts = [
        (f"{_num(cx + r)} {_num(cy)} m"),
        f"{_num(cx + r)} {_num(cy + k)} {_num(cx + k)} {_num(cy + r)} {_num(cx)} {_num(cy + r)} c",
        f"{_num(cx - k)} {_num(cy + r)} {_num(cx - r)} {_num(cy + k)} {_num(cx - r)} {_num(cy)} c",
        f"{_num(cx - r)} {_num(cy - k)} {_num(cx - k)} {_num(cy - r)} {_num(cx)} {_num(cy - r)} c",
        f"{_num(cx + k)} {_num(cy - r)} {_num(cx + r)} {_num(cy - k)} {_num(cx + r)} {_num(cy)} c",
        "h",
    ]
    return "\n".join(pts)


def page_boxes(page: pikepdf.Page) -> tuple[Rect, Rect, Rect]:
    """(media, trim, bleed) with the PDF defaults: TrimBox and BleedBox fall back to the CropBox,
    which falls back to the MediaBox."""
    media = Rect.of(_inherited(page.obj, "/MediaBox"))
    crop = _inherited(page.obj, "/CropBox")
    crop = Rect.of(crop) if crop is not None else media
    trim = Rect.of(page.obj.TrimBox) if "/TrimBox" in page.obj else crop
    bleed = Rect.of(page.obj.BleedBox) if "/BleedBox" in page.obj else crop
    return media, trim, bleed


def _inherited(node: pikepdf.Dictionary, key: str):
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _colour_space_name(page: pikepdf.Page, colour_space: pikepdf.Object) -> str:
    """Put the colour space into the page's resources (which WeasyPrint may share between pages)
    under a name that is free or already means it."""
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = _inherited(page.obj, "/Resources")
        page.obj.Resources = resources if resources is not None else pikepdf.Dictionary()
        resources = page.obj.Resources
    if "/ColorSpace" not in resources:
        resources.ColorSpace = pikepdf.Dictionary()
    spaces = resources.ColorSpace
    name, n = COLOUR_SPACE, 1
    while name in spaces:
        existing = spaces[name]
        if existing.is_indirect and existing.objgen == colour_space.objgen:
            return name
        n += 1
        name = f"{COLOUR_SPACE}{n}"
    spaces[name] = colour_space
    return name


def _wrap_contents(page: pikepdf.Page, balance: tuple[int, int] | None = None) -> None:
    """Enclose the page's own content in q ... Q, closing whatever it leaves open, so its
    graphics state (a WeasyPrint page starts with a flip of the y axis) cannot reach the marks.
    ``balance`` is its (depth left open, most unmatched Q) when known; else it is read."""
    depth, deficit = balance or (0, 0)
    if balance is None:
        for operands, operator in pikepdf.parse_content_stream(page, "q Q"):
            if operator == pikepdf.Operator("q"):
                depth += 1
            else:
                depth -= 1
                deficit = max(deficit, -depth)
    page.contents_add(b"q\n" * (1 + deficit), prepend=True)
    page.contents_add(b"Q\n" * (1 + deficit + depth))


def mark_page(page: pikepdf.Page, slug_text: str, font: OutlineFont, colour_space: pikepdf.Object,
              offset_mm: float = 3.0, length_mm: float = 10.0, folds: Sequence[float] = (),
              balance: tuple[int, int] | None = None) -> None:
    """Grow the page's MediaBox (and CropBox) around its BleedBox and draw its marks there."""
    _, trim, bleed = page_boxes(page)
    media = bleed.grow(marks_extent(offset_mm, length_mm))
    if "/TrimBox" not in page.obj:  # existing boxes stay as they are, to the digit
        page.obj.TrimBox = trim.array()
    if "/BleedBox" not in page.obj:
        page.obj.BleedBox = bleed.array()
    page.obj.MediaBox = media.array()
    page.obj.CropBox = media.array()
    name = _colour_space_name(page, colour_space)
    if "/Contents" in page.obj:
        _wrap_contents(page, balance)
    content = marks_content(trim, bleed, slug_text, font, offset_mm, length_mm, folds, name)
    page.contents_add(content)


def add_marks(pdf: pikepdf.Pdf, slug: Callable[[int], str], font: Path, offset_mm: float = 3.0,
              length_mm: float = 10.0,
              balances: dict[tuple[int, int], tuple[int, int]] | None = None) -> None:
    """Printer's marks on every page, in place, outside each page's BleedBox: crop marks at the
    trim corners (``offset_mm`` beyond the bleed, ``length_mm`` long), registration targets,
    and the slug line ``slug(page_number)`` (1-based) drawn with the outlines of ``font``.
    ``balances``: each page's q/Q balance by object number, as the colour conversion saw it."""
    outline = load_font(Path(font))
    colour_space = registration_colour_space(pdf)
    for number, page in enumerate(pdf.pages, 1):
        mark_page(page, slug(number), outline, colour_space, offset_mm, length_mm,
                  balance=(balances or {}).get(page.obj.objgen))
