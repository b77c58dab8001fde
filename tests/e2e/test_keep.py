"""Keep rules held on the written pages: a heading starts the page its matter starts, a figure's
image and caption share a page; the press pages break where the screen pages do.

Each publication is made so that the first layout breaks the rule (asserted: the test cannot
pass without the re-layout), then built, and the written PDF's text is read page by page."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from PIL import Image as PILImage

from pressroom.build import build, load_publication
from pressroom.keep import forced_breaks_css
from pressroom.pagecheck import keep_findings
from pressroom.targets.pdf import render

TEXT = ("The harbour master keeps a ledger of every vessel that enters the port, its cargo and "
        "its crew, and the ledger runs to many volumes over the years of trade.")
HEADING = "Traffic through the port"


def publication(root: Path, layout: str, body: str) -> Path:
    for folder in ("manuscript", "images"):
        (root / folder).mkdir(parents=True)
    for name, colour in (("quay.jpg", "steelblue"), ("crane.jpg", "darkkhaki")):
        PILImage.new("RGB", (1200, 800), colour).save(root / "images" / name, dpi=(300, 300))
    (root / "manuscript" / "publication.yaml").write_text(
        f"title: Harbour guide\nlanguage: en\nlayout: {layout}\nauthors: [A. Writer]\n",
        encoding="utf-8")
    (root / "manuscript" / "01-port.md").write_text("# The port\n\n" + body, encoding="utf-8")
    return root


def filler(words: int) -> str:
    """Four long paragraphs, then one of ``words`` words: moves what follows line by line."""
    all_words = TEXT.split() * 60
    return (f"{TEXT} " * 6 + "\n\n") * 4 + " ".join(all_words[:words]) + ".\n\n"


HALVES = (f'## {HEADING}\n\n'
          '![Ships at the quay](quay.jpg "Ships at the quay"){.half}\n\n'
          '![A crane unloading](crane.jpg "A crane unloading"){.half}\n\n'
          + f"{TEXT} " * 3 + "\n")


def first_layout_findings(source: Path):
    """The keep rules the first layout (no forced break) breaks."""
    document, _ = render(*load_publication(source))
    return keep_findings(document)


def page_texts(pdf: Path) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def top_of(pdf: Path, number: int, text: str) -> float:
    """How high on page ``number`` the first character of ``text`` stands (PDF points)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[number - 1].get_textpage()
        found = page.search(text).get_next()
        assert found is not None, (number, text)
        return page.get_charbox(found[0])[3]
    finally:
        document.close()


def bare(words: str) -> str:
    """Text without spaces, casefolded: small caps and letter spacing come out spaced."""
    return "".join(words.split()).casefold()


def page_of(texts: list[str], text: str) -> int:
    found = [number for number, page in enumerate(texts, 1) if bare(text) in bare(page)]
    assert len(found) == 1, (text, found)
    return found[0]


def test_brochure_heading_and_half_figures_go_to_the_next_page_together(tmp_path):
    # 206 words of filler: the floated .half figures split from their captions in the first
    # layout (WeasyPrint 70 lays a float out as if alone on its page)
    source = publication(tmp_path / "source", "brochure", filler(206) + HALVES)
    first = first_layout_findings(source)
    assert {finding.kind for finding in first} == {"figure-split"}, first
    assert all(finding.keep == '[data-block="port/6"]' for finding in first)  # the heading

    report = build(source, tmp_path / "out", ("pdf",))
    pdf = tmp_path / "out" / "harbour-guide.pdf"
    texts = page_texts(pdf)
    heading = page_of(texts, HEADING)
    # image and caption on one page, the heading above them, nothing of the body above it
    assert page_of(texts, "Ships at the quay") == page_of(texts, "A crane unloading") == heading
    top = top_of(pdf, heading, HEADING)
    assert top > top_of(pdf, heading, "Ships at the quay")
    assert top >= max(top_of(pdf, heading, word) for word in ("The harbour", "vessel"))
    assert texts[heading - 2].endswith(f"many volumes over. {'HARBOUR GUIDE'} {heading - 1}")
    assert not any("split" in warning or "last thing" in warning for warning in report.warnings)


def test_press_pages_break_where_the_screen_pages_do(tmp_path):
    source = publication(tmp_path / "source", "brochure", filler(206) + HALVES)
    report = build(source, tmp_path / "out", ("pdf", "press"))
    screen = page_texts(tmp_path / "out" / "harbour-guide.pdf")
    press = page_texts(tmp_path / "out" / "press" / "harbour-guide-press.pdf")
    assert page_of(press, HEADING) == page_of(screen, HEADING)
    assert page_of(press, "A crane unloading") == page_of(screen, "A crane unloading")
    assert len(press) >= len(screen)  # padded for the binding, never fewer
    assert report.preflight_errors == []


def test_book_keeps_heading_with_its_figure_by_css(tmp_path):
    """The book's figures are in the flow: its CSS alone (break-after: avoid) holds the heading
    with the figure. Without that rule the heading would end page 9 alone (asserted); with it,
    no layout breaks a rule and the heading starts page 10 with its figure."""
    body = filler(175) + f"## {HEADING}\n\n" + '![Ships](quay.jpg "Ships at the quay")\n\n' \
        + f"{TEXT} " * 3 + "\n"
    source = publication(tmp_path / "source", "book", body)
    publication_, layout = load_publication(source)
    loose, _ = render(publication_, layout, stylesheets=("h2 { break-after: auto !important }",))
    assert [finding.kind for finding in keep_findings(loose)] == ["heading-at-page-foot"]
    assert first_layout_findings(source) == []

    build(source, tmp_path / "out", ("pdf",))
    pdf = tmp_path / "out" / "harbour-guide.pdf"
    texts = page_texts(pdf)
    heading = page_of(texts, HEADING)
    assert heading == page_of(texts, "Ships at the quay") == 10
    assert bare(texts[heading - 1]).startswith(bare(HEADING))  # the page's first words
    assert bare(texts[heading - 2]).endswith(bare("many volumes. The port 3"))  # running head, folio


def test_forced_breaks_are_css_on_the_blocks():
    assert forced_breaks_css(('[data-block="port/6"]',)) == (
        '[data-block="port/6"] { break-before: page !important; }\n')
    assert forced_breaks_css(()) == ""


def test_a_rule_no_break_can_hold_is_a_warning_naming_the_line(tmp_path):
    caption = " ".join([TEXT] * 40)  # a caption longer than the page under its image
    body = (filler(206) + f"## {HEADING}\n\n"
            f'![Ships at the quay](quay.jpg "{caption}"){{.half}}\n\n' + f"{TEXT}\n")
    source = publication(tmp_path / "source", "brochure", body)
    assert {finding.kind for finding in first_layout_findings(source)} == {"figure-split"}
    report = build(source, tmp_path / "out", ("pdf",))
    held = [warning for warning in report.warnings if "fig-quay" in warning]
    assert len(held) == 1, report.warnings
    assert "manuscript/01-port.md:15)" in held[0]  # the figure's line
    assert "could not be kept whole even at the top of a page" in held[0]
    assert "scale the image down or shorten its caption" in held[0]
