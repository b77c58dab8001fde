"""The press cover spread: one page, back + spine + front, the spine as thick as the book block,
the same PDF/X as the pages; read back from the files with pikepdf and pdfium."""

from __future__ import annotations

import json
import shutil

import pikepdf
import pypdfium2
import pytest
from PIL import ImageStat

from pressroom.build import build, load_publication
from pressroom.cover import spread, write_cover
from pressroom.printers import spine_mm
from pressroom.targets.press import MARKS_FONT, PROFILE_FILE

from ..conftest import PUBLICATIONS

MM = 72 / 25.4


def press_file(report, suffix: str):
    return next(p for p in report.outputs if p.parent.name == "press" and p.name.endswith(suffix))


def box_mm(page, key: str) -> list[float]:
    return [float(value) / MM for value in page.obj[key]]


def text_boxes(path) -> list[tuple[str, float, float]]:
    """(text, left, right) in mm of every text run pdfium finds on the page."""
    page = pypdfium2.PdfDocument(path)[0]
    text = page.get_textpage()
    found = []
    for index in range(text.count_rects()):
        left, bottom, right, top = text.get_rect(index)
        found.append((text.get_text_bounded(left, bottom, right, top), left / MM, right / MM))
    return found


def test_perfect_binding_gets_a_cover_spread_whose_spine_follows_the_page_count(features):
    cover, pages_pdf = press_file(features, "-cover.pdf"), press_file(features, "-press.pdf")
    settings = features.publication.settings.print
    with pikepdf.open(pages_pdf) as pages, pikepdf.open(cover) as spread_pdf:
        count = len(pages.pages)
        assert len(spread_pdf.pages) == 1
        page = spread_pdf.pages[0]
        trim, bleed = box_mm(page, "/TrimBox"), box_mm(page, "/BleedBox")
        width = 2 * settings.trim.width_mm + spine_mm(count, settings.paper, settings.printer)
        assert trim[2] - trim[0] == pytest.approx(width, abs=0.1)
        assert trim[3] - trim[1] == pytest.approx(settings.trim.height_mm, abs=0.1)
        assert [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]] \
            == pytest.approx([settings.bleed_mm] * 4, abs=0.05)
        for key in ("/GTS_PDFXVersion", "/GTS_PDFXConformance"):
            assert spread_pdf.docinfo[key] == pages.docinfo[key]
        assert spread_pdf.pdf_version == pages.pdf_version
    ticket = json.loads(press_file(features, "-job.json").read_text())
    assert ticket["cover"]["spine_mm"] == pytest.approx(spine_mm(count, settings.paper), abs=0.01)
    assert ticket["cover"]["trim_mm"] == pytest.approx([width, settings.trim.height_mm], abs=0.01)
    assert any(f["name"] == cover.name for f in ticket["files"])
    assert json.loads(press_file(features, "-cover-preflight.json").read_text())["passed"]


def test_the_front_is_on_the_right_and_the_barcode_on_the_back(features):
    cover = press_file(features, "-cover.pdf")
    settings = features.publication.settings
    middle = settings.print.trim.width_mm  # the spine starts here, from the trim's left edge
    boxes = text_boxes(cover)
    bleed = settings.print.bleed_mm
    subtitle = [left for text, left, _ in boxes if "test of every" in text]
    isbn = [right for text, _, right in boxes if "148410" in text]
    assert subtitle and all(left - bleed > middle for left in subtitle)
    assert isbn and all(right - bleed < middle for right in isbn)


def test_a_saddle_stitched_brochure_has_no_cover_unless_asked(sample):
    assert not any(p.name.endswith("-cover.pdf") for p in sample.outputs)


@pytest.fixture(scope="module")
def arabic_book(tmp_path_factory):
    """The Arabic publication, perfect-bound: a right-to-left cover spread."""
    source = tmp_path_factory.mktemp("ar-source")
    shutil.copytree(PUBLICATIONS / "ar", source, dirs_exist_ok=True)
    settings = source / "manuscript" / "publication.yaml"
    text = settings.read_text(encoding="utf-8").replace("binding: saddle-stitch", "binding: perfect")
    settings.write_text(text, encoding="utf-8")
    return build(source, tmp_path_factory.mktemp("ar-out"), targets=("press",))


def darkness(path, box: tuple[float, float, float, float]) -> float:
    """Mean darkness (0 white, 255 black) of a part of the page, as fractions of its size."""
    image = pypdfium2.PdfDocument(path)[0].render(scale=0.5).to_pil().convert("L")
    w, h = image.size
    part = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    return 255 - ImageStat.Stat(part).mean[0]


def test_right_to_left_puts_the_front_on_the_left(arabic_book, features):
    """The brochure's front is its dark panel, the back its light tint: the dark half is the
    front, on the right of a left-to-right spread and on the left of a right-to-left one."""
    left, right = (0.1, 0.3, 0.4, 0.7), (0.6, 0.3, 0.9, 0.7)
    rtl, ltr = press_file(arabic_book, "-cover.pdf"), press_file(features, "-cover.pdf")
    assert darkness(rtl, left) > darkness(rtl, right) + 100
    assert darkness(ltr, right) > darkness(ltr, left) + 100


@pytest.mark.parametrize("pages, text", [(60, False), (400, True)])
def test_the_spine_carries_the_title_only_when_wide_enough(tmp_path, pages, text):
    publication, layout = load_publication(PUBLICATIONS / "features")
    measures = spread(publication.settings.print, pages)
    assert measures.spine_text is text
    path = tmp_path / "cover.pdf"
    write_cover(publication, layout, pages, path, {image.sha256: image.path
                                                   for image in publication.images},
                layout.path(PROFILE_FILE), "key", layout.path(MARKS_FONT), "slug")
    with pikepdf.open(path) as pdf:
        trim = box_mm(pdf.pages[0], "/TrimBox")
    spine = (publication.settings.print.trim.width_mm + trim[0],
             publication.settings.print.trim.width_mm + trim[0] + measures.spine_mm)
    on_spine = [t for t, left, right in text_boxes(path)
                if left >= spine[0] - 0.5 and right <= spine[1] + 0.5 and t.strip()]
    assert bool(on_spine) is text


def spine_runs(path, spine: tuple[float, float]) -> list[tuple[str, float, float, float, float]]:
    """(text, left, right, bottom, top) in mm of the text runs pdfium finds on the spine."""
    text = pypdfium2.PdfDocument(path)[0].get_textpage()
    runs = []
    for index in range(text.count_rects()):
        left, bottom, right, top = text.get_rect(index)
        found = text.get_text_bounded(left, bottom, right, top).strip()
        if found and left / MM >= spine[0] - 0.5 and right / MM <= spine[1] + 0.5:
            runs.append((found, left / MM, right / MM, bottom / MM, top / MM))
    return runs


def cover_of(source, tmp_path, pages: int):
    """The cover spread of ``source`` for ``pages`` pages, perfect-bound: its file, the spine's
    left and right edges from the trim's left edge, the trim height and the runs on the spine."""
    publication, layout = load_publication(source)
    measures = spread(publication.settings.print, pages)
    path = tmp_path / "cover.pdf"
    write_cover(publication, layout, pages, path, {image.sha256: image.path
                                                   for image in publication.images},
                layout.path(PROFILE_FILE), "key", layout.path(MARKS_FONT), "slug")
    width = publication.settings.print.trim.width_mm
    spine = (width, width + measures.spine_mm)
    return publication, spine_runs(path, spine), spine


def test_a_thin_spine_keeps_its_type_clear_of_the_folds_and_the_head_and_tail(tmp_path):
    """The narrowest spine with text (5 mm): the type shrinks to keep 1.6 mm from each fold,
    and a line longer than the spine stops 5 mm or more inside the trim."""
    publication, runs, spine = cover_of(PUBLICATIONS / "features", tmp_path, 100)
    height = publication.settings.print.trim.height_mm
    assert spine[1] - spine[0] == pytest.approx(5.0, abs=0.01) and runs
    visible = [run for run in runs if run[3] > 0 and run[4] < height]  # clipped runs: outside
    for text, left, right, bottom, top in visible:
        assert left - spine[0] >= 1.6 - 0.05 and spine[1] - right >= 1.6 - 0.05, text
        assert bottom >= 5 and top <= height - 5, text


def test_a_right_to_left_spine_reads_from_the_head(tmp_path):
    """An Arabic line turned as a left-to-right one would start at the tail; the title, first
    on the line, is nearer the head than the authors."""
    source = tmp_path / "source"
    shutil.copytree(PUBLICATIONS / "ar", source)
    settings = source / "manuscript" / "publication.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "binding: saddle-stitch", "binding: perfect"), encoding="utf-8")
    _, runs, _ = cover_of(source, tmp_path, 400)
    tops = {text: top for text, _, _, _, top in runs}
    title_top = max(top for text, top in tops.items() if "لحقوق" in text)
    author_top = max(top for text, top in tops.items() if "المتحدة" in text)
    assert title_top > author_top
