"""The corpus (tests/corpus/): excerpts of real, openly licensed documents, a book chapter with
figures and footnotes, a report with a wide table and a chart, and a Russian technical text,
each built once per layout (brochure and book) into a screen PDF and an EPUB.

Asserted: the build has no error (no character printed as an empty box or in a face of another
script); EPUBCheck reports nothing; the PDF's text holds each section's title and the opening
words of each section, in reading order; the page checks' warnings name a page and a file of
the manuscript. The warnings themselves are not required to be none: they are the corpus's
finding, printed by ``test_the_page_check_warnings_name_page_and_source`` (``pytest -rP``).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdfium2
import pytest

from pressroom.build import build
from pressroom.ebookcheck import epubcheck
from pressroom.preflight import empty_boxes

from ..conftest import in_book_layout, output

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
EXCERPTS = ("crawler", "platform-maturity", "rust-cargo-ru")
LAYOUTS = ("brochure", "book")


def source_in(tmp_path_factory, name: str, layout: str) -> Path:
    """The excerpt itself (brochure), or a copy with ``layout: book`` and the book's trim."""
    if layout == "brochure":
        return CORPUS / name
    return in_book_layout(CORPUS / name, tmp_path_factory.mktemp(f"{name}-book-source"),
                          ("trim", "binding"))


@pytest.fixture(scope="session", params=[(name, layout) for name in EXCERPTS for layout in LAYOUTS],
                ids=lambda param: f"{param[0]}-{param[1]}")
def edition(request, tmp_path_factory):
    name, layout = request.param
    source = source_in(tmp_path_factory, name, layout)
    report = build(source, tmp_path_factory.mktemp(f"corpus-{name}-{layout}"), ("pdf", "epub"))
    return name, layout, report


# --- what the manuscript says each section starts with ----------------------------------------

def sections(name: str) -> list[tuple[str, str]]:
    """(title, opening words of its first paragraph) of each section file, in file order."""
    found = []
    for path in sorted((CORPUS / name / "manuscript").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = re.match(r"^---\n(.*?)\n---\n", text, flags=re.S)
        body = text[front.end():] if front else text
        title = re.search(r"^title: (.*)$", front.group(1), flags=re.M).group(1) if front \
            and "title:" in front.group(1) else re.match(r"# (.*)\n", body).group(1)
        found.append((title, _opening_words(body)))
    return found


def _opening_words(body: str) -> str:
    """The first eight words of the first paragraph of running text (not a heading, list,
    figure, code, table or raw HTML), without Markdown; in a section of only a table, those of
    the second cell of its first row of data."""
    body = re.sub(r"^```.*?^```", "", body, flags=re.S | re.M)
    blocks = [block.strip() for block in body.split("\n\n") if block.strip()]
    for block in blocks:
        if not block.startswith(("#", "!", ">", "-", "*", "|", "<", "[^", ":", "1.")):
            return _plain(block)
    table = next(block for block in blocks if block.startswith("|"))
    return _plain(table.split("\n")[2].split("|")[2])


def _plain(markdown: str) -> str:
    text = re.sub(r"\[\^[^\]]*\]", "", markdown)                    # footnote calls
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)         # links: their text
    text = re.sub(r"[_*`]", "", text)
    return " ".join(text.split()[:8])


def _comparable(text: str) -> str:
    """Text as both the manuscript and the PDF give it: no spaces, hyphens or line breaks (the
    layout hyphenates and justifies), straight quotes and dashes, case folded (headings may be
    set in capitals)."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"',
                                         "»": '"', "–": "-", "—": "-"}))
    return re.sub(r"[\s\-\u2010\u00ad\x02]+", "", text).casefold()


def pdf_text(path: Path) -> str:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


# --- the checks ----------------------------------------------------------------------------------

def test_the_build_has_no_error_and_no_empty_box(edition):
    name, layout, report = edition
    assert report.preflight_errors == []
    assert empty_boxes(output(report, ".pdf")) == []


def test_the_epub_passes_epubcheck(edition):
    name, layout, report = edition
    assert epubcheck(output(report, ".epub")) == []


def test_the_pdf_holds_each_section_in_reading_order(edition):
    name, layout, report = edition
    text = _comparable(pdf_text(output(report, ".pdf")))
    cursor = 0
    for title, opening in sections(name):
        title_at = text.find(_comparable(title), cursor)
        assert title_at >= 0, f"section title {title!r} not found after position {cursor}"
        opening_at = text.find(_comparable(opening), title_at)
        assert opening_at >= 0, f"{opening!r} not found after the title {title!r}"
        cursor = opening_at


def test_the_page_check_warnings_name_page_and_source(edition):
    """Each warning names its page and, where it points into the manuscript, a file and line of
    this excerpt. The list is printed: it is what the corpus finds in the layouts."""
    name, layout, report = edition
    print(f"\n{name} ({layout}): {len(report.warnings)} warnings")
    for warning in report.warnings:
        print("  " + warning)
    manuscript = CORPUS / name / "manuscript"
    for warning in report.warnings:
        assert re.match(r"page \d+: ", warning), warning
        for file, line in re.findall(r"manuscript/([\w.-]+\.md):(\d+)", warning):
            lines = (manuscript / file).read_text(encoding="utf-8").split("\n")
            assert 1 <= int(line) <= len(lines), warning
