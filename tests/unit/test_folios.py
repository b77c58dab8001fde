"""pressroom.folios: the folios a laid-out document prints, and the PDF page labels of them."""

from __future__ import annotations

import pikepdf
import pypdfium2
import pytest
from weasyprint.urls import URLFetcher

from pressroom.engine import render_document
from pressroom.folios import Folio, folios, inferred_styles, number_tree, padded, set_page_labels
from pressroom.pagination import anchors

#: Three prelims without folios, two roman front pages, a body restarting at 1, a blank verso.
BOOK = """<style>
  @page { size: A7; margin: 12mm; @bottom-center { content: counter(page) } }
  @page prelims { @bottom-center { content: none } }
  @page front { @bottom-center { content: counter(page, lower-roman) } }
  @page main:nth(1 of main) { counter-reset: page 1 }
  @page :blank { @bottom-center { content: none } }
  .prelims { page: prelims; break-after: page } .front { page: front; break-after: page }
  .main { page: main; break-before: right }
</style>
<div class="prelims">Half-title</div><div class="prelims">Title</div><div class="prelims">©</div>
<div class="front">Contents</div><div class="front">Preface</div>
<div class="main"><p>One</p><p style="break-before: page">Two</p><p style="break-before: page">
Three</p></div>"""


def rendered(html: str):
    return render_document(html, "file:///nonexistent/", URLFetcher(), [])


def folio(value, style="decimal", printed=True, label=None):
    return Folio(value, style, label or str(value), printed)


def test_the_engine_reads_the_printed_folios_and_names_the_others():
    found = folios(rendered(BOOK))
    assert [f.label for f in found] == ["i", "ii", "iii", "iv", "v", "vi", "1", "2", "3"]
    assert [f.printed for f in found] == [False] * 3 + [True, True, False] + [True] * 3
    assert [f.style for f in found][:6] == ["lower-roman"] * 6


def test_roman_front_matter_and_an_arabic_body_make_two_ranges():
    found = folios(rendered(BOOK))
    assert number_tree(found) == [(0, {"S": "r"}), (6, {"S": "D"})]


def test_a_range_starts_where_the_numbers_do_not_run_on():
    pages = [folio(1), folio(2), folio(5), folio(6), folio(3, "upper-roman", label="III")]
    assert number_tree(pages) == [(0, {"S": "D"}), (2, {"S": "D", "St": 5}),
                                  (4, {"S": "R", "St": 3})]


def test_a_style_a_pdf_cannot_write_is_the_label_itself():
    pages = [folio(1, "arabic-indic", label="١"), folio(2, "arabic-indic", label="٢"), folio(3)]
    assert number_tree(pages) == [(0, {"P": "١"}), (1, {"P": "٢"}), (2, {"S": "D", "St": 3})]
    assert number_tree([folio(0)]) == [(0, {"P": "0"})]


def test_pages_without_a_folio_take_the_style_of_the_pages_around_them():
    assert inferred_styles([None, None, "lower-roman", None, "decimal", None]) == [
        "lower-roman", "lower-roman", "lower-roman", "lower-roman", "decimal", "decimal"]
    assert inferred_styles([None, None]) == ["decimal", "decimal"]


def test_blank_pages_padded_before_the_back_cover_number_on():
    pages = [folio(1, printed=False), folio(2), folio(3, printed=False)]
    assert [(f.value, f.printed) for f in padded(pages, 2)] == [
        (1, False), (2, True), (3, False), (4, False), (5, False)]
    assert padded(pages, 0) == pages


def test_marker_ids_stay_unique_and_valid():
    assert anchors(["vii", "1", "2"]) == ["page-vii", "page-1", "page-2"]
    assert anchors(["1", "2", "1"]) == ["page-1-s1", "page-2", "page-1-s3"]
    assert anchors(["١", "A.3"]) == ["page-x-s1", "page-A3-s2"]


def test_the_number_tree_is_what_a_pdf_reader_shows(tmp_path):
    pdf = pikepdf.new()
    for _ in range(9):
        pdf.add_blank_page()
    set_page_labels(pdf, [(0, {"S": "r"}), (6, {"S": "D"}), (8, {"P": "x-1"})])
    pdf.save(tmp_path / "labelled.pdf")
    document = pypdfium2.PdfDocument(tmp_path / "labelled.pdf")
    assert [document.get_page_label(i) for i in range(9)] == [
        "i", "ii", "iii", "iv", "v", "vi", "1", "2", "x-1"]


@pytest.mark.parametrize("bad", ["", "@page { @bottom-center { content: counter(page, none) } }"])
def test_a_document_without_folios_counts_its_pages(bad):
    found = folios(rendered(f"<style>{bad}</style><p>a</p><p style='break-before: page'>b</p>"))
    assert [(f.label, f.printed) for f in found] == [("1", False), ("2", False)]
