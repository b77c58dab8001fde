"""The forms manuscripts really use (tests/publications/forms): cross-references, a captioned
table, a definition list, an SVG figure, a 300 px sketch, long inline code and a URL, built in
both layouts into every output, and read back from each: the references read "Figure 1" and
lead to their figure, the table keeps its caption, the sketch is not blown up."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from pressroom.build import build
from pressroom.ebookcheck import epubcheck

from ..conftest import PUBLICATIONS, in_book_layout, output

FORMS = PUBLICATIONS / "forms"


@pytest.fixture(scope="module", params=["brochure", "book"])
def forms(request, tmp_path_factory):
    source = FORMS
    if request.param == "book":
        source = in_book_layout(FORMS, tmp_path_factory.mktemp("forms-book-source"))
    targets = ("pdf", "epub", "web") if request.param == "book" else ("all",)
    return request.param, build(source, tmp_path_factory.mktemp(f"forms-{request.param}"), targets)


def pdf_text(path: Path) -> str:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_the_references_read_as_numbers_in_the_pdf(forms):
    layout, report = forms
    assert report.preflight_errors == []
    assert not [w for w in report.warnings if "@" in w or "{#" in w], report.warnings
    text = " ".join(pdf_text(output(report, ".pdf")).split())
    first, second = ("1", "2") if layout == "brochure" else ("1.1", "2.1")
    assert f"Figure {first} shows the harbour" in text
    assert f"Table {first} lists the berths" in text
    assert "the method is in Section II" in text and "defined under Terms" in text
    assert f"measuring it (Figure {second})" in text
    assert f"the lengths in table {first} were taped" in text
    assert f"Figure {first}: Plan of the harbour" in text
    assert f"Table {first}: Berths counted in the survey" in text
    assert "@fig" not in text and "@tbl" not in text and "{#" not in text


def test_the_references_are_links_to_their_targets_in_the_pdf(forms):
    """Each reference is a link annotation to a named destination on its target's page: the
    page that prints the target's caption."""
    _, report = forms
    path = output(report, ".pdf")
    document = pypdfium2.PdfDocument(path)
    texts = [" ".join(document[i].get_textpage().get_text_range().split())
             for i in range(len(document))]
    document.close()
    with pikepdf.open(path) as pdf:
        page_of = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
        dests = {str(name): dest for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        linked = {str(annot.Dest) for page in pdf.pages for annot in page.get("/Annots", [])
                  if "/Dest" in annot}
    for anchor, caption in (("fig-plan", "Plan of the harbour"),
                            ("tbl-berths", "Berths counted in the survey"),
                            ("fig-sketch", "A surveyor’s sketch of the North berth")):
        assert anchor in linked, sorted(linked)
        dest = dests[anchor]
        dest = dest.D if isinstance(dest, pikepdf.Dictionary) else dest
        assert caption in texts[page_of[dest[0].objgen] - 1], (anchor, page_of[dest[0].objgen])


def test_the_epub_and_web_edition_link_references_to_their_figures(forms):
    layout, report = forms
    epub = output(report, ".epub")
    assert epubcheck(epub) == []
    with zipfile.ZipFile(epub) as package:
        method = package.read("EPUB/sec-method.xhtml").decode()
        survey = package.read("EPUB/sec-survey.xhtml").decode()
        assert "image/svg+xml" in package.read("EPUB/content.opf").decode()
    number = "2" if layout == "brochure" else "2.1"
    assert f'<a class="xref" href="sec-method.xhtml#fig-sketch">Figure\u00a0{number}</a>' in method
    assert 'href="sec-survey.xhtml#fig-plan"' in method
    assert '<table id="tbl-berths"' in survey and "<caption>" in survey
    assert "<dl>" in survey and "<dt>Berth</dt>" in survey
    if layout_has_web(report):
        page = (output_folder(report) / "web" / "sec-method.html").read_text(encoding="utf-8")
        assert f'<a class="xref" href="sec-method.html#fig-sketch">Figure\u00a0{number}</a>' in page
        assert 'href="sec-survey.html#fig-plan"' in page


def output_folder(report) -> Path:
    return output(report, ".pdf").parent


def layout_has_web(report) -> bool:
    return (output_folder(report) / "web" / "index.html").is_file()


def test_the_sketch_prints_at_its_given_width_and_the_drawing_stays_vector(forms):
    """{width=38mm}: the 300 px sketch is drawn 38 mm wide (200 ppi), not at the column's
    width; the SVG plan is paths, not an image."""
    _, report = forms
    document = pypdfium2.PdfDocument(output(report, ".pdf"))
    try:
        placed = [(obj.get_px_size(), obj.get_bounds())
                  for page in document for obj in page.get_objects(
                      filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE], max_depth=3)]
    finally:
        document.close()
    assert [size for size, _ in placed] == [(300, 200)], placed  # the plan is not an image
    (_, (left, _, right, _)), = placed
    assert (right - left) / 72 * 25.4 == pytest.approx(38, abs=0.5)


def test_a_long_table_runs_on_with_its_caption_first_and_its_header_on_every_page(forms):
    layout, report = forms
    document = pypdfium2.PdfDocument(output(report, ".pdf"))
    try:
        texts = [" ".join(document[i].get_textpage().get_text_range().split())
                 for i in range(len(document))]
    finally:
        document.close()
    number = "2" if layout == "brochure" else "3.1"
    pages = [i for i, text in enumerate(texts) if re.search(r"\b\d\d:\d\d \d\.\d\d\b", text)]
    assert len(pages) >= 2, "the 72-row table should run over pages"
    assert f"Table {number}: Tide readings at the North berth Time Height (m) 06:00" in texts[pages[0]]
    for page in pages:
        assert "Time Height (m)" in texts[page], page + 1
    assert "07:45" in " ".join(texts[page] for page in pages) and "23:45" in texts[pages[-1]]
