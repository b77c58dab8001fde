"""Visual regression: chosen pages, rendered to PNG, compared with golden images.

A page that changes beyond the tolerance fails, and the actual page and a diff image (changed
pixels in red over a faded page) are written to ``tests/visual/failures/``. After a deliberate
design change, look at those images, then refresh the goldens:

    PRESSROOM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/visual
"""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops

from ..conftest import output

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
FAILURES = HERE / "failures"
DPI = 50
#: A pixel counts as changed when a channel differs by more than this (anti-aliasing noise).
PIXEL_THRESHOLD = 40
#: A page fails when more than this share of its pixels changed.
CHANGED_SHARE = 0.002

PAGES = {  # golden name -> (build fixture, page number)
    "brochure-cover": ("sample", 1),
    "brochure-editors-note": ("sample", 2),
    "brochure-contents": ("sample", 3),
    "brochure-opener-half-figures": ("sample", 4),
    "brochure-pull-quote": ("sample", 5),
    "brochure-back-cover": ("sample", -1),
    "brochure-a5-footnotes": ("features", 3),
    "brochure-a5-full-bleed": ("features", 7),
    "book-title-page": ("sample_book", 3),
    "book-contents": ("sample_book", 5),
    "book-chapter-opener": ("sample_book", 9),
    "book-text-page": ("sample_book", 12),
    "chinese-contents": ("chinese", 3),
    "chinese-text-page": ("chinese", 7),
    "arabic-contents": ("arabic", 2),
    "arabic-text-page": ("arabic", 6),
}


def render(pdf_path: Path, number: int) -> Image.Image:
    pdf = pypdfium2.PdfDocument(pdf_path)
    try:
        page = pdf[number - 1 if number > 0 else len(pdf) + number]
        return page.render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        pdf.close()


def changed_share(actual: Image.Image, golden: Image.Image) -> tuple[float, Image.Image]:
    difference = ImageChops.difference(actual, golden).convert("L")
    mask = difference.point(lambda value: 255 if value > PIXEL_THRESHOLD else 0)
    share = sum(mask.histogram()[255:]) / (mask.width * mask.height)
    faded = Image.blend(actual, Image.new("RGB", actual.size, "white"), 0.7)
    faded.paste(Image.new("RGB", actual.size, (220, 0, 0)), mask=mask)
    return share, faded


@pytest.mark.parametrize("name", PAGES)
def test_page_matches_golden(name, request):
    fixture, number = PAGES[name]
    actual = render(output(request.getfixturevalue(fixture), ".pdf"), number)
    golden_path = GOLDEN / f"{name}.png"
    if os.environ.get("PRESSROOM_UPDATE_GOLDEN") or not golden_path.exists():
        if not os.environ.get("PRESSROOM_UPDATE_GOLDEN"):
            pytest.fail(f"no golden image {golden_path}; run with PRESSROOM_UPDATE_GOLDEN=1 to make it")
        actual.save(golden_path, optimize=True)
        return
    golden = Image.open(golden_path).convert("RGB")
    if golden.size != actual.size:
        share, diff = 1.0, actual
    else:
        share, diff = changed_share(actual, golden)
    if share > CHANGED_SHARE:
        FAILURES.mkdir(exist_ok=True)
        actual.save(FAILURES / f"{name}-actual.png")
        diff.save(FAILURES / f"{name}-diff.png")
        pytest.fail(f"page '{name}' changed: {share:.2%} of its pixels differ (tolerance "
                    f"{CHANGED_SHARE:.2%}); see {FAILURES / name}-diff.png and -actual.png")


def test_a_changed_page_is_caught_and_explained(tmp_path):
    """The comparison itself: a small edit is found and drawn; identical pages pass."""
    page = Image.new("RGB", (200, 280), "white")
    assert changed_share(page, page.copy())[0] == 0
    edited = page.copy()
    edited.paste((0, 0, 0), (20, 20, 60, 40))  # a word's worth of black
    share, diff = changed_share(edited, page)
    assert share == pytest.approx(800 / (200 * 280))
    assert diff.getpixel((30, 30)) == (220, 0, 0) and diff.getpixel((150, 200)) == (255, 255, 255)
