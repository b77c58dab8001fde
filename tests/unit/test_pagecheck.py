"""The proofreader's page checks, each on a tiny document that must trigger it and a clean twin."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image as PILImage
from weasyprint import HTML

from pressroom.pagecheck import Finding, check_pages, font_face_families

FONTS = Path(__file__).resolve().parents[2] / "layouts" / "brochure" / "fonts"
LAYOUT_FONTS = {"Charis SIL", "Inter"}

# A7 pages (74 x 105 mm) with 10 mm margins: a live area of 54 x 85 mm. Lines are 16 px high, so
# a page holds 20.08 lines (85 mm = 321.26 px) and a spacer of N lines leaves the rest.
STYLE = f"""
@font-face {{ font-family: "Charis SIL"; src: url({(FONTS / "CharisSIL-Regular.ttf").as_uri()}); }}
@font-face {{ font-family: "Inter"; src: url({(FONTS / "Inter-Regular.otf").as_uri()}); }}
@font-face {{ font-family: "Inter"; font-weight: 700;
              src: url({(FONTS / "Inter-Bold.otf").as_uri()}); }}
@page {{ size: A7; margin: 10mm; @top-center {{ content: "Running head much wider than any live area";
                                                font: 8px Inter; white-space: nowrap; }} }}
html {{ font: 12px/16px "Charis SIL"; hyphens: none; }}
body {{ margin: 0; }}
p {{ margin: 0; }}
h2 {{ font: 700 12px/16px Inter; margin: 0; }}
figure {{ margin: 0; }}
figure img {{ display: block; width: 100%; height: 30mm; }}
figcaption {{ font: 8px/12px Inter; }}
.lines {{ height: calc(var(--n) * 16px); }}
"""


def render(body: str, style: str = ""):
    return HTML(string=f"<html lang=en><head><style>{STYLE}{style}</style></head>"
                       f"<body>{body}</body></html>").render()


def findings(body: str, style: str = "", kind: str | None = None,
             layout_fonts=LAYOUT_FONTS) -> list[Finding]:
    found = check_pages(render(body, style), layout_fonts)
    return [f for f in found if kind is None or f.kind == kind]


def spacer(lines: float) -> str:
    """A block taking ``lines`` lines of the page."""
    return f'<div class="lines" style="--n: {lines}"></div>'


def lines(count: int, word: str = "line") -> str:
    return "<br>".join(f"{word} {n}" for n in range(1, count + 1))


PNG = "data:image/png;base64," + base64.b64encode(
    (lambda buffer: (PILImage.new("RGB", (60, 40), "red").save(buffer, "PNG"), buffer)[1])(
        io.BytesIO()).getvalue()).decode()


def figure(id_: str = "fig", caption: str = "A red square", style: str = "") -> str:
    return (f'<figure id="{id_}" style="{style}"><img src="{PNG}" alt="">'
            f"<figcaption>{caption}</figcaption></figure>")


def test_findings_are_one_based_and_name_the_page():
    found = findings(spacer(25) + "<p>" + "x" * 400 + "</p>", kind="outside-live-area")
    assert [f.page for f in found] == [2]
    assert found[0].message.startswith("page 2: ")


# ---------- outside-live-area ----------

def test_unbreakable_word_runs_past_the_right_edge():
    found = findings("<p>" + "x" * 400 + "</p>", kind="outside-live-area")
    assert len(found) == 1
    assert "right edge" in found[0].message and '"xxxx' in found[0].message


def test_table_wider_than_the_page_runs_past_the_right_edge():
    table = ("<table style='width: 120mm; border-collapse: collapse'><tr>"
             + "".join(f"<td>cell {n}</td>" for n in range(6)) + "</tr></table>")
    found = findings(table, kind="outside-live-area")
    assert len(found) == 1 and "a table reaches" in found[0].message  # once per table
    assert "right edge" in found[0].message and "drop columns" in found[0].message


def test_long_word_in_a_footnote_runs_past_the_right_edge():
    html = "<p>Text.<span style='float: footnote'>" + "y" * 300 + "</span></p>"
    found = findings(html, kind="outside-live-area")
    assert len(found) == 1 and '"yyyy' in found[0].message and "right edge" in found[0].message


def test_image_taller_than_the_page_runs_past_the_bottom_edge():
    found = findings(f'<img src="{PNG}" style="display: block; width: 54mm; height: 95mm">',
                     kind="outside-live-area")
    assert len(found) == 1 and "image" in found[0].message and "bottom edge" in found[0].message


def test_text_inside_the_live_area_and_running_heads_pass():
    assert findings("<p>" + "word " * 200 + "</p>" + figure(), kind="outside-live-area") == []


def test_full_bleed_cover_and_zero_margin_pages_are_exempt():
    word = "x" * 400
    assert findings(f'<div class="full-bleed"><p>{word}</p></div>'
                    f'<section class="cover"><p>{word}</p></section>') == []
    assert findings(f"<p>{word}</p>", "@page { margin: 0 }", kind="outside-live-area") == []


# ---------- heading-at-page-foot ----------

HEADING_AT_FOOT = spacer(18) + "<h2>Stranded</h2><p style='break-inside: avoid'>" + lines(4) + "</p>"


def test_heading_left_at_the_page_foot():
    found = findings(HEADING_AT_FOOT, "h2 { break-after: auto }", kind="heading-at-page-foot")
    assert [(f.page, f.message) for f in found] == [
        (1, 'page 1: heading "Stranded" is the last thing on the page; it should start the next page')]


def test_heading_kept_with_its_text_passes():
    assert findings(HEADING_AT_FOOT, "h2 { break-after: avoid }", kind="heading-at-page-foot") == []
    assert findings(spacer(5) + "<h2>Last words</h2>", kind="heading-at-page-foot") == []


# ---------- figure-split ----------

def test_figure_split_between_image_and_caption():
    # the image (30 mm) fits below 10 lines, its caption does not
    found = findings(spacer(12.5) + figure(style="break-inside: auto"), kind="figure-split")
    assert len(found) == 1 and found[0].page == 1
    assert "#fig" in found[0].message and "image is on page 1 and its caption on page 2" in (
        found[0].message)


def test_figure_kept_whole_passes():
    html = spacer(12.5) + figure(style="break-inside: avoid")
    assert findings(html, kind="figure-split") == []
    assert findings(html, kind="figure-far-from-reference") == []


# ---------- widow / orphan ----------

PARAGRAPH = "<p>" + lines(5) + "</p>"


def test_single_first_line_at_the_page_foot_is_an_orphan():
    found = findings(spacer(19) + PARAGRAPH, "p { orphans: 1; widows: 1 }")
    assert [(f.kind, f.page) for f in found] == [("orphan", 1)]
    assert '"line 1' in found[0].message


def test_single_last_line_at_the_page_top_is_a_widow():
    found = findings(spacer(16) + PARAGRAPH, "p { orphans: 1; widows: 1 }")
    assert [(f.kind, f.page) for f in found] == [("widow", 2)]


def test_paragraph_split_two_and_three_passes():
    assert findings(spacer(18) + PARAGRAPH, "p { orphans: 2; widows: 2 }") == []
    assert findings(spacer(16) + PARAGRAPH, "p { orphans: 2; widows: 2 }") == []


# ---------- figure-far-from-reference ----------

BREAK = '<div style="break-before: page"></div>'


def test_reference_two_pages_before_its_figure():
    html = f'<p>See <a href="#fig">the figure</a>.</p>{BREAK}<p>More.</p>{BREAK}' + figure()
    found = findings(html, kind="figure-far-from-reference")
    assert [f.page for f in found] == [3]
    assert "referred to on page 1" in found[0].message


def test_reference_after_its_figure():
    found = findings(figure() + f'{BREAK}<p>As <a href="#fig">the figure</a> showed.</p>',
                     kind="figure-far-from-reference")
    assert len(found) == 1 and "referred to on page 2" in found[0].message


def test_figure_two_pages_after_the_text_it_follows():
    html = "<p>Before the figure.</p>" + figure(style="break-before: right")
    found = findings(html, kind="figure-far-from-reference")
    assert [f.page for f in found] == [3]
    assert "ends on page 1" in found[0].message


def test_reference_on_the_page_before_its_figure_passes():
    html = (f"<p>Filler.</p>{BREAK}<p>See <a href='#fig'>the figure</a>.</p>"
            + figure(style="break-before: page") + '<p>And <a href="#fig">again</a>.</p>')
    assert findings(html, kind="figure-far-from-reference") == []


# ---------- missing-glyph / fallback-font ----------

def test_symbol_outside_the_layout_fonts_is_a_fallback_symbol():
    # Charis SIL and Inter lack U+263A (DejaVu Sans, for one, has it): a warning, not an error
    found = findings("<p>Smile \u263a and smile.</p>")
    assert [f.kind for f in found] == ["fallback-symbol"]
    assert found[0].message.startswith('page 1: "\u263a" (U+263A) has no glyph in the layout\'s '
                                       "faces; Pango used ")
    assert "a face for symbols" in found[0].message
    assert not any(name in found[0].message.split("used ", 1)[1].split(";")[0]
                   for name in LAYOUT_FONTS)


def test_cjk_ideograph_outside_the_layout_fonts_names_its_script():
    found = findings("<p>Beijing \u5317\u4eac</p>")
    assert [f.kind for f in found] in (["fallback-font"], ["missing-glyph"])
    assert "U+5317, U+4EAC" in found[0].message
    assert "give the layout a face for Simplified Chinese (layout.yaml, fonts:)" in found[0].message
    assert "a face for Japanese" in check_pages(render("<p>\u5317\u4eac</p>"), LAYOUT_FONTS,
                                                language="ja")[0].message


def test_glyph_findings_name_the_manuscript_line():
    html = '<p data-block="s/1">Arabic \u0633\u0644\u0627\u0645 word</p>'
    found = check_pages(render(html), LAYOUT_FONTS, {"s/1": "manuscript/01-x.md:7"})
    assert [f.kind for f in found] in (["fallback-font"], ["missing-glyph"])
    assert found[0].message.startswith("manuscript/01-x.md:7: page 1: ")
    assert "a face for Arabic" in found[0].message


def test_character_no_font_has_is_a_missing_glyph():
    found = findings("<p>Unassigned \u0378 here</p>", layout_fonts=None)
    assert [f.kind for f in found] == ["missing-glyph"]
    assert "U+0378" in found[0].message and "empty box" in found[0].message


def test_layout_fonts_only_pass():
    html = "<h2>Inter heading</h2><p>Charis text with “quotes” — and dashes, café, naïve.</p>"
    assert findings(html) == []
    assert findings("<p>Done \u2713</p>") == []                    # Charis SIL has U+2713
    assert findings("<p>Smile \u263a</p>", layout_fonts=None) == []  # fallback not checked



def test_layout_fonts_come_from_the_font_face_rules():
    assert font_face_families(STYLE) == LAYOUT_FONTS
    assert font_face_families("@font-face { font-family: Charis SIL; src: url(a.ttf) }"
                              "/* @font-face { font-family: X } */ p { font-family: Y }") == {
        "Charis SIL"}
    brochure = FONTS.parent / "print.css"
    assert LAYOUT_FONTS <= font_face_families(brochure.read_text())


FOOTNOTE_PAGE = """<style>
@page { margin: 0; size: 100px; @footnote { margin-top: 0 } }
html { font-size: 10px; line-height: 1; } body { margin: 0; }
div { break-before: avoid; } span { float: footnote; }
</style>"""


def test_a_footnote_moved_to_the_page_after_its_call():
    """WeasyPrint moves notes 3 and 4 to page 2 to keep the block's lines together."""
    html = FOOTNOTE_PAGE + ("<div>a<br>b<br>c<br>d<br>e</div><div>f<span>1</span><span>2</span>"
                            "<span>3</span><span>4</span><br>g<br>h<br>i</div>")
    found = check_pages(HTML(string=html).render())
    assert [(f.kind, f.page) for f in found] == [("footnote-moved", 2), ("footnote-moved", 2)]
    assert 'footnote "3" is printed a page after its call on page 1' in found[0].message


def test_footnotes_on_the_page_of_their_call_pass():
    html = FOOTNOTE_PAGE + "<div>a<span>1</span><br>b<span>2</span></div>"
    assert check_pages(HTML(string=html).render()) == []
