"""Right-to-left publications: the Arabic test publication mirrored in its PDFs, press sheets,
EPUB and web edition; ``dir:`` in publication.yaml overrides the language's direction."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from pressroom.build import build

from ..conftest import PUBLICATIONS, REPOSITORY, output


def r2l(path: Path) -> bool:
    with pikepdf.open(path) as pdf:
        preferences = pdf.Root.get("/ViewerPreferences")
        return preferences is not None and preferences.get("/Direction") == "/R2L"


@pytest.fixture(scope="module")
def arabic_all(tmp_path_factory):
    return build(PUBLICATIONS / "ar", tmp_path_factory.mktemp("ar-all"))


def with_settings(tmp_path_factory, name: str, source: Path, extra: str) -> Path:
    copy = tmp_path_factory.mktemp(name)
    for folder in ("manuscript", "images"):
        shutil.copytree(source / folder, copy / folder)
    settings = copy / "manuscript" / "publication.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return copy


def test_every_pdf_says_it_reads_right_to_left(arabic_all):
    press = [path for path in arabic_all.outputs if path.parent.name == "press"
             and path.suffix == ".pdf"]
    assert len(press) == 2
    for path in [output(arabic_all, ".pdf"), *press]:
        assert r2l(path), path
    with pikepdf.open(output(arabic_all, ".pdf")) as pdf:  # beside PDF/UA's own preference
        assert pdf.Root.ViewerPreferences.get("/DisplayDocTitle") is True


def test_the_imposed_sheets_pair_page_one_on_the_left_with_the_last(arabic_all):
    imposed = next(path for path in arabic_all.outputs if path.name.endswith("-imposed.pdf"))
    press = next(path for path in arabic_all.outputs if path.name.endswith("-press.pdf"))
    with pikepdf.open(press) as pdf:
        count = len(pdf.pages)
    with pikepdf.open(imposed) as pdf:
        content = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[0]))
    placed = re.findall(r"/Page(\d+) Do", content.decode())
    assert placed == ["1", str(count)]  # drawn left, then right


def folio_sides(pdf_path: Path) -> dict[int, str]:
    """Each page's folio (a number alone in the bottom 15 % of the page): 'left' or 'right'
    half of the page."""
    sides = {}
    pdf = pypdfium2.PdfDocument(pdf_path)
    try:
        for number, page in enumerate(pdf, 1):
            width, height = page.get_size()
            text = page.get_textpage()
            for index in range(text.count_rects()):
                left, bottom, right, top = text.get_rect(index)
                if top < height * 0.15:
                    words = text.get_text_bounded(left, bottom, right, top).strip()
                    if words == str(number):
                        sides[number] = "left" if right < width / 2 else "right"
    finally:
        pdf.close()
    return sides


def test_folios_stand_on_the_outer_edges_of_a_right_to_left_book(arabic_all, sample):
    # right to left, page 1 is a left-hand page: odd folios on the left, even on the right;
    # the English sample is the other way round
    arabic, english = folio_sides(output(arabic_all, ".pdf")), folio_sides(output(sample, ".pdf"))
    assert len(arabic) >= 4 and len(english) >= 4
    assert all(side == ("left" if number % 2 else "right") for number, side in arabic.items())
    assert all(side == ("right" if number % 2 else "left") for number, side in english.items())


def test_the_epub_and_the_web_edition_read_right_to_left(arabic_all):
    with zipfile.ZipFile(output(arabic_all, ".epub")) as epub:
        opf = epub.read("EPUB/content.opf").decode()
        roots = [re.search(r"<html[^>]*>", epub.read(name).decode())[0]
                 for name in epub.namelist() if name.endswith(".xhtml")]
    assert '<spine toc="ncx" page-progression-direction="rtl">' in opf
    assert roots and all('dir="rtl"' in root for root in roots)
    index = output(arabic_all, ".html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="ar" dir="rtl">', index)


def test_dir_in_publication_yaml_overrides_the_language(tmp_path_factory):
    english_rtl = with_settings(tmp_path_factory, "en-rtl", REPOSITORY, "dir: rtl\n")
    report = build(english_rtl, tmp_path_factory.mktemp("en-rtl-out"), ("pdf", "epub"))
    assert r2l(output(report, ".pdf"))
    with zipfile.ZipFile(output(report, ".epub")) as epub:
        assert 'page-progression-direction="rtl"' in epub.read("EPUB/content.opf").decode()
    arabic_ltr = with_settings(tmp_path_factory, "ar-ltr", PUBLICATIONS / "ar", "dir: ltr\n")
    report = build(arabic_ltr, tmp_path_factory.mktemp("ar-ltr-out"), ("pdf", "epub"))
    assert not r2l(output(report, ".pdf"))
    with zipfile.ZipFile(output(report, ".epub")) as epub:
        assert "page-progression-direction" not in epub.read("EPUB/content.opf").decode()
