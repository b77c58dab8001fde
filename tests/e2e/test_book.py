"""The book layout end to end: the sample and a long generated text, as A5 books.

Each publication is built once per module (the long text renders ~120 pages in ~15 s). Page
facts are read back from the PDF: page sizes and link targets with pikepdf, folios, running
heads and the contents' printed page numbers with pypdfium2.
"""

from __future__ import annotations

import io
import re

import pikepdf
import pypdfium2
import pytest
from fontTools.ttLib import TTFont

from pressroom.build import build
from pressroom.layouts import roman
from pressroom.manuscript import typographic

from ..conftest import output
from ..longtext import write_long_publication

MM = 72 / 25.4
FOOT = 22 * MM      # the folio sits in the bottom margin (26 mm); the text block ends above it
HEAD = 18 * MM      # the running head sits in the top margin (20 mm)


@pytest.fixture(scope="module")
def long_book(tmp_path_factory):
    """Twelve generated chapters with notes, figures and tables, in the book layout."""
    source = write_long_publication(tmp_path_factory.mktemp("long-source"), layout="book")
    return build(source, tmp_path_factory.mktemp("long-book"), targets=("pdf",))


@pytest.fixture(scope="module", params=["sample_book", "long_book"])
def book(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def pages(book):
    """The book's PDF, read back once for all the tests."""
    return Pages(book)


class Pages:
    """What the tests read back from a book's PDF."""

    def __init__(self, report):
        self.report, self.path = report, output(report, ".pdf")
        self.sections = report.publication.sections
        with pikepdf.open(self.path) as pdf:
            self.sizes = [tuple(round(float(v), 1) for v in page.MediaBox[2:]) for page in pdf.pages]
            destinations = pikepdf.NameTree(pdf.Root.Names.Dests)
            page_of = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
            self.starts = {s.id: page_of[destinations[s.id][0].objgen] for s in self.sections}
            self.links = [(number, str(a.Dest), [float(v) for v in a.Rect])
                          for number, page in enumerate(pdf.pages, 1)
                          for a in page.get("/Annots", []) if a.Subtype == "/Link" and "/Dest" in a]
            self.fonts = embedded_fonts(pdf)
        document = pypdfium2.PdfDocument(self.path)
        self.folios, self.heads, self.link_texts = [], [], {}
        for number, page in enumerate(document, 1):
            width, height = page.get_size()
            text = page.get_textpage()
            self.folios.append(text.get_text_bounded(left=0, right=width, bottom=0, top=FOOT).strip())
            self.heads.append(squeeze(text.get_text_bounded(left=0, right=width,
                                                           bottom=height - HEAD, top=height)))
            for link_page, target, rect in self.links:
                if link_page == number:
                    self.link_texts[(number, target, tuple(rect))] = text.get_text_bounded(*rect)
        self.main = self.starts[next(s.id for s in self.sections if s.kind != "front")]

    def printed_page_number(self, section_id: str) -> str:
        """The page number the contents print for a section: its rightmost link's text."""
        boxes = [(rect[2], text) for (page, target, rect), text in self.link_texts.items()
                 if target == section_id and text.strip()]
        return max(boxes)[1].strip()

    def expected_folio(self, page: int) -> str:
        return roman(page).lower() if page < self.main else str(page - self.main + 1)


def embedded_fonts(pdf) -> dict[str, str]:
    """Every font used on a page: its PDF name -> the full name inside the embedded file."""
    fonts = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            data = next((descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3")
                         if k in descriptor), None)
            fonts[str(font.BaseFont)] = (TTFont(io.BytesIO(data.read_bytes()))["name"].getDebugName(4)
                                         if data is not None else None)
    return fonts


def squeeze(text: str) -> str:
    """Text without white space (letter-spaced heads come out with spaces inside words)."""
    return re.sub(r"\s", "", text).casefold()


def test_pages_are_a5(pages):
    assert set(pages.sizes) == {(419.5, 595.3)}


def test_every_section_opens_on_a_right_hand_page(pages):
    assert {section.id: pages.starts[section.id] % 2 for section in pages.sections} == {
        section.id: 1 for section in pages.sections}
    assert list(pages.starts.values()) == sorted(pages.starts.values())


def test_contents_page_numbers_match_the_link_targets_and_folios(pages):
    for section in pages.sections:
        printed = pages.printed_page_number(section.id)
        target = pages.starts[section.id]
        assert printed == pages.expected_folio(target) == pages.folios[target - 1], section.id


def test_front_matter_folios_are_roman_and_the_body_starts_at_1(pages):
    assert pages.folios[pages.main - 1] == "1"
    assert pages.main % 2 == 1
    front = pages.folios[: pages.main - 1]
    assert front[:4] == ["", "", "", ""]  # half-title, frontispiece, title page, copyright
    assert any(front) and all(re.fullmatch(r"[ivxl]+", folio) for folio in front if folio)
    for page, folio in enumerate(pages.folios, 1):
        assert folio in ("", pages.expected_folio(page)), page


def test_running_heads_verso_title_recto_chapter_none_on_openers(pages):
    title = squeeze(typographic(pages.report.publication.settings.title))
    for index, section in enumerate(pages.sections):
        start = pages.starts[section.id]
        end = (pages.starts[pages.sections[index + 1].id] if index + 1 < len(pages.sections)
               else len(pages.folios) + 1)
        assert pages.heads[start - 1] == "", f"opener of {section.id} has a running head"
        for page in range(start + 1, end):
            if pages.folios[page - 1]:  # not a blank page
                expected = title if page % 2 == 0 else squeeze(section.title)
                assert pages.heads[page - 1] == expected, (section.id, page)


def test_only_the_layout_fonts_are_embedded(book, pages):
    names = set(pages.fonts.values())
    assert names and None not in names, pages.fonts  # every font embedded
    assert all(name.startswith(("EB Garamond", "Inter")) for name in names), pages.fonts
    assert any(name.startswith("EB Garamond 12") for name in names), pages.fonts  # the text face
    assert any(name.startswith("Inter") for name in names), pages.fonts
    assert not [w for w in book.warnings if "no glyph" in w], book.warnings


def test_pdf_metadata_and_bookmarks(book):
    settings = book.publication.settings
    with pikepdf.open(output(book, ".pdf")) as pdf:
        assert str(pdf.docinfo["/Title"]) == settings.title
        assert str(pdf.docinfo["/Author"]) == ", ".join(settings.authors)
        assert str(pdf.Root.Lang) == settings.language
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
    assert titles[0] == "Contents"
    for section in book.publication.sections:
        label = f"{roman(section.number)}. {section.title}" if section.number else section.title
        assert label in titles


def test_long_text_is_a_long_book(long_book):
    with pikepdf.open(output(long_book, ".pdf")) as pdf:
        assert len(pdf.pages) > 60
    assert sum(s.kind == "body" for s in long_book.publication.sections) == 12
    assert len(long_book.publication.figures) >= 12


#: WeasyPrint 70 sometimes moves a footnote to the page after its call to keep a paragraph's
#: orphans together (GCPM allows it; see WeasyPrint issues #1564 and #2432). The page checks
#: report it; no stylesheet setting removes it, so these tests tolerate that one finding.
MOVED_FOOTNOTE = "is printed a page after its call"


def test_page_checks_find_nothing_else(book):
    """No text outside the live area, stranded heading, split figure, widow, orphan, far figure,
    missing glyph or fallback font."""
    assert [w for w in book.warnings if MOVED_FOOTNOTE not in w] == []


def test_a_long_text_in_the_brochure_layout_passes_the_page_checks(tmp_path):
    source = write_long_publication(tmp_path / "source", chapters=6)
    report = build(source, tmp_path / "out", targets=("pdf",))
    assert len(pypdfium2.PdfDocument(output(report, ".pdf"))) > 20
    assert [w for w in report.warnings if MOVED_FOOTNOTE not in w] == []
