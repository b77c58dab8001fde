"""Printers and papers: what each kind of print shop asks for, and how thick each paper is.

A publication names them in ``print:`` (``printer: kdp``, ``paper: cream``); a preset fills the
print settings the publication leaves out (bleed, marks, PDF/X version, paper), before the
layout's defaults. The paper's caliper gives the cover's spine width and the saddle-stitch
limit and creep. Figures and their sources are in README ("Printers, paper, spine").

Caliper here is the thickness of one leaf (two pages), as paper merchants publish it; print-on-
demand services publish thickness per page (KDP: 0.002252 in per page on white paper), which is
half a leaf.
"""

from __future__ import annotations

from dataclasses import dataclass

IN = 25.4  # mm


@dataclass(frozen=True)
class Paper:
    caliper_mm: float          # one leaf (two pages)
    ink_limit: float           # total area coverage the stock takes, percent
    summary: str


@dataclass(frozen=True)
class Printer:
    summary: str
    settings: dict             # PrintSettings fields this printer asks for
    papers: tuple[str, ...]    # the papers it offers, the default first
    min_pages: int = 0         # fewer pages than this cannot be bound (perfect binding)
    spine_text_from_pages: int = 0  # spine text only from this page count
    cover_allowance_mm: float = 0.0  # added to the spine for the cover board's wrap


PAPERS = {
    # Offset stocks, typical merchant figures (PRINT.md; printers publish their own tables).
    "uncoated-80gsm": Paper(0.100, 260.0, "uncoated offset 80 g/m²"),
    "uncoated-90gsm": Paper(0.110, 260.0, "uncoated offset 90 g/m²"),
    "coated-115gsm": Paper(0.100, 300.0, "coated silk 115 g/m²"),
    "coated-130gsm": Paper(0.120, 300.0, "coated silk 130 g/m²"),
    "coated-150gsm": Paper(0.140, 300.0, "coated silk 150 g/m²"),
    # Print on demand: KDP's per-page figures (white 0.002252 in, cream 0.0025 in) doubled to a
    # leaf; IngramSpark's 50 lb white and creme (444 and 400 pages per inch, its file creation
    # guide) likewise; Lulu's standard white (444 pages per inch, its book creation guide).
    "kdp-white": Paper(2 * 0.002252 * IN, 240.0, "KDP white, black and white interior"),
    "kdp-cream": Paper(2 * 0.0025 * IN, 240.0, "KDP cream"),
    "ingramspark-white": Paper(2 * IN / 444, 240.0, "IngramSpark 50 lb white"),
    "ingramspark-creme": Paper(2 * IN / 400, 240.0, "IngramSpark 50 lb creme"),
    "lulu-white": Paper(2 * IN / 444, 240.0, "Lulu standard white 60 lb"),
}

PRINTERS = {
    "offset": Printer(
        "an offset print shop: 3 mm bleed, marks, PDF/X-4", {},
        ("coated-115gsm", "coated-130gsm", "coated-150gsm", "uncoated-80gsm", "uncoated-90gsm")),
    "kdp": Printer(
        "Amazon KDP paperback: 0.125 in bleed, no marks, PDF/X-1a, at least 24 pages, spine text "
        "from 79 pages",
        {"bleed_mm": 0.125 * IN, "marks": False, "profile": "pdf/x-1a", "binding": "perfect"},
        ("kdp-white", "kdp-cream"), min_pages=24, spine_text_from_pages=79),
    "ingramspark": Printer(
        "IngramSpark paperback: 0.125 in bleed, no marks, PDF/X-1a, at least 18 pages, spine text "
        "from 48 pages",
        {"bleed_mm": 0.125 * IN, "marks": False, "profile": "pdf/x-1a", "binding": "perfect"},
        ("ingramspark-white", "ingramspark-creme"), min_pages=18, spine_text_from_pages=48),
    "lulu": Printer(
        "Lulu paperback: 0.125 in bleed, no marks, PDF/X-1a, at least 32 pages, spine text from "
        "80 pages, 0.06 in added to the spine",
        {"bleed_mm": 0.125 * IN, "marks": False, "profile": "pdf/x-1a", "binding": "perfect"},
        ("lulu-white",), min_pages=32, spine_text_from_pages=80, cover_allowance_mm=0.06 * IN),
}

#: Saddle stitching holds a folded block up to about this thickness at the spine (64 pages of
#: 0.11 mm paper, 96 of thin stock: PRINT.md); past it the staples do not close.
SADDLE_MAX_BLOCK_MM = 3.5
#: A saddle-stitched job past this share of its limit gets a warning.
SADDLE_WARN_SHARE = 0.8
#: Spine text needs a spine at least this wide (one line of 7 pt type and its margins).
SPINE_TEXT_MIN_MM = 5.0


def saddle_stitch_limit(paper: str) -> int:
    """The most pages a saddle-stitched job on ``paper`` can have (a multiple of 4)."""
    leaves = SADDLE_MAX_BLOCK_MM / PAPERS[paper].caliper_mm
    return int(2 * leaves) // 4 * 4


def spine_mm(pages: int, paper: str, printer: str = "offset") -> float:
    """The spine width of a perfect-bound book: its leaves times the paper's caliper, plus the
    printer's allowance for the cover's wrap."""
    return pages / 2 * PAPERS[paper].caliper_mm + PRINTERS[printer].cover_allowance_mm


def spine_has_text(pages: int, paper: str, printer: str = "offset") -> bool:
    """Whether the spine carries the title: wide enough, and as many pages as the printer asks."""
    return (pages >= PRINTERS[printer].spine_text_from_pages
            and spine_mm(pages, paper, printer) >= SPINE_TEXT_MIN_MM)


def creep_mm(sheet: int, paper: str) -> float:
    """How far the pages of ``sheet`` (0 = the outermost) move toward the spine so that the
    trimmed fore-edge is straight: each sheet folded around it pushes it out by one caliper."""
    return sheet * PAPERS[paper].caliper_mm
