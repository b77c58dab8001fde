"""pressroom.pagination and the EPUB's page-break markers: where print pages start."""

from __future__ import annotations

from weasyprint import HTML

from pressroom.engine import is_text, page_boxes
from pressroom.manuscript import read_sections
from pressroom.pagination import PageStart, alnum_count, page_starts
from pressroom.render import BodyRenderer, Medium

EPUB = Medium(name="epub", image_url=lambda image: f"images/{image.name}",
              section_url=lambda section: f"{section.id}.xhtml",
              anchor_url=lambda section, anchor: f"{section.id}.xhtml#{anchor}")

WORDS = " ".join(f"w{n:03d}" for n in range(1, 301))  # 4 letters and digits a word
PAGES = f"""<style>@page {{ size: A7; margin: 10mm; @bottom-center {{ content: counter(page) }} }}
  body {{ font: 10pt/1.3 serif; orphans: 1; widows: 1 }}</style>
<h1>Not a block</h1><p data-block="s/1">First short paragraph.</p>
<p data-block="s/2">{WORDS}</p><p data-block="s/3">Third.</p>"""


def first_text(page_box) -> str:
    stack = [page_box.children[0]]
    while stack:
        box = stack.pop()
        if is_text(box) and box.text.strip():
            return box.text
        stack.extend(reversed(getattr(box, "children", ())))
    return ""


def test_page_starts_count_the_letters_of_a_split_paragraph_on_earlier_pages():
    document = HTML(string=PAGES).render()
    starts = page_starts(document)
    assert len(document.pages) >= 3
    assert starts[0] == PageStart(1, "s/1", 0, "1", "page-1")  # the heading has no data-block
    assert [start.page for start in starts] == list(range(1, len(document.pages) + 1))
    second = starts[1]
    assert second.block == "s/2" and second.offset > 0
    word = first_text(page_boxes(document)[1]).split()[0]   # e.g. "w042": 41 words before it
    assert second.offset == (int(word[1:]) - 1) * 4
    assert all(start.block == "s/2" and start.offset % 4 == 0 for start in starts[1:-1])


def test_page_starts_skip_pages_without_block_text():
    document = HTML(string="<p>Cover.</p><p data-block='a/1' style='break-before: page'>"
                           "Body.</p><p style='break-before: page'>Back.</p>").render()
    assert page_starts(document) == [PageStart(2, "a/1", 0, "2", "page-2")]


def epub_body(source, text: str, starts) -> str:
    """The EPUB body of a section (its "# title" is not a block: the template shows it)."""
    (source / "manuscript" / "01-intro.md").write_text(text)
    sections = read_sections(source)
    return str(BodyRenderer(EPUB, sections, starts).section_body(sections[0]))


def marker(page: int) -> str:
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{page}" '
            f'aria-label="{page}"></span>')


def test_a_marker_splits_a_block_before_the_right_word(source):
    text = "# Intro\n\nFish & *chips* are 42 good.\n\nNext paragraph.\n"
    offset = alnum_count("Fish chips are")
    html = epub_body(source, text, [PageStart(3, "intro/1", offset), PageStart(4, "intro/2", 0)])
    assert f"<p>Fish &amp; <em>chips</em> are {marker(3)}42 good.</p>" in html
    assert f"{marker(4)}<p>Next paragraph.</p>" in html
    assert html.count('epub:type="pagebreak"') == 2


def test_a_marker_inside_emphasis_and_code(source):
    text = "# Intro\n\nSay *hello world* and `x = 1` now.\n"
    html = epub_body(source, text, [PageStart(5, "intro/1", alnum_count("Say hello")),
                                    PageStart(6, "intro/1", alnum_count("Say hello world and x"))])
    assert f"<em>hello {marker(5)}world</em>" in html
    assert f"<code>x = {marker(6)}1</code>" in html


def test_without_page_starts_there_are_no_markers(source):
    assert "pagebreak" not in epub_body(source, "# Intro\n\nText.\n", [])


def test_markers_are_named_by_the_folio_the_page_prints(source):
    html = epub_body(source, "# Intro\n\nFirst.\n\nSecond.\n",
                     [PageStart(7, "intro/1", 0, "vii", "page-vii"),
                      PageStart(9, "intro/2", 0, "1", "page-1")])
    assert ('<span epub:type="pagebreak" role="doc-pagebreak" id="page-vii" aria-label="vii">'
            '</span><p>First.</p>') in html
    assert 'id="page-1" aria-label="1"' in html and 'page-9' not in html
