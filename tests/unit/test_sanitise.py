"""pressroom.sanitise and raw HTML in the manuscript: a small allowlist of book markup,
well-formed XHTML, and a warning with file and line for everything removed."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from pressroom.build import build
from pressroom.manuscript import markdown, read_sections
from pressroom.pagination import PageStart, alnum_count
from pressroom.render import BodyRenderer, Medium, source_warnings
from pressroom.sanitise import (ADVICE, BLOCK_TAGS, EMPTY_TAGS, INLINE_TAGS, VOID_TAGS, Close, Open,
                                Piece, Raw, clean,
                                findings, sanitise)

XHTML = "http://www.w3.org/1999/xhtml"
PRINT = Medium(name="print", image_url=lambda image: image.path.as_uri(),
               section_url=lambda section: f"#{section.id}",
               anchor_url=lambda section, anchor: f"#{anchor}")
EPUB = Medium(name="epub", image_url=lambda image: f"images/{image.name}",
              section_url=lambda section: f"{section.id}.xhtml",
              anchor_url=lambda section, anchor: f"{section.id}.xhtml#{anchor}")


def parse(fragment: str) -> ET.Element:
    """The fragment as XML, as an EPUB reading system parses it (fails if not well-formed)."""
    return ET.fromstring(f'<div xmlns="{XHTML}" xmlns:epub="http://www.idpf.org/2007/ops">'
                         f"{fragment}</div>")


def tags(fragment: str) -> list[str]:
    return [element.tag.split("}")[-1] for element in parse(fragment).iter()][1:]


def messages(html: str, inline: bool = False) -> list[str]:
    return [message for _, message in findings([Raw(html, 1)], inline)]


# ---------- What is kept ----------

@pytest.mark.parametrize("tag", sorted(INLINE_TAGS - {"br", "wbr", "bdo", "time", "rt", "rp"}))
def test_every_allowed_phrasing_element_is_kept_inline(tag):
    html = clean(f"a <{tag}>word</{tag}> b", inline=True)
    assert html == f"a <{tag}>word</{tag}> b"
    assert messages(f"<{tag}>word</{tag}>", inline=True) == []


def test_elements_that_need_an_attribute_are_kept_with_it():
    assert clean('<bdo dir="rtl">abc</bdo>', True) == '<bdo dir="rtl">abc</bdo>'
    assert (clean('<time datetime="2024-03-15">15 March</time>', True)
            == '<time datetime="2024-03-15">15 March</time>')
    assert (clean('<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>', True)
            == '<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>')


def test_the_attributes_books_need_are_kept():
    assert (clean('<abbr title="United Nations">UN</abbr>', True)
            == '<abbr title="United Nations">UN</abbr>')
    assert (clean('<span lang="fr" class="foreign">déjà vu</span>', True)
            == '<span class="foreign" lang="fr">déjà vu</span>')
    assert (clean('<div class="box" lang="de">x</div>') == '<div class="box" lang="de">x</div>')
    table = clean('<table><caption>C</caption><thead><tr><th scope="col" colspan="2">H</th>'
                  '</tr></thead><tbody><tr><td rowspan="2">1</td><td>2</td></tr></tbody></table>')
    assert '<th colspan="2" scope="col">H</th>' in table and '<td rowspan="2">1</td>' in table
    assert tags(table) == ["table", "caption", "thead", "tr", "th", "tbody", "tr", "td", "td"]


@pytest.mark.parametrize("tag", sorted(BLOCK_TAGS - INLINE_TAGS))
def test_block_elements_are_allowed_in_an_html_block_only(tag):
    html = f"<{tag}>x</{tag}>"
    assert tag in tags(clean(f"<ul><li><dl><dt>t</dt><dd><table><tr><td>{html}</td></tr>"
                             "</table></dd></dl></li></ul>")) or tag in tags(clean(
        {"li": "<ol><li>x</li></ol>", "dt": "<dl><dt>x</dt></dl>", "dd": "<dl><dd>x</dd></dl>",
         "tr": "<table><tr><td>x</td></tr></table>", "td": "<table><tr><td>x</td></tr></table>",
         "th": "<table><tr><th>x</th></tr></table>", "tbody": "<table><tbody></tbody></table>",
         "thead": "<table><thead></thead></table>", "tfoot": "<table><tfoot></tfoot></table>",
         "caption": "<table><caption>x</caption></table>"}.get(tag, html)))
    inline = clean(f"a {html} b", inline=True)
    assert tag not in tags(inline) and "x" in inline
    assert any("inside a paragraph" in m for m in messages(f"a {html} b", inline=True))


def test_void_elements_are_written_as_xml():
    html = clean("a<br>b<wbr>c<hr>d")
    assert html == "a<br/>b<wbr/>c<hr/>d"
    parse(html)


def test_entities_become_characters_xml_knows():
    html = clean("<p>a&nbsp;b &copy; &lt;tag&gt; &amp; &quot;q&quot; &#x263A;</p>")
    assert html == "<p>a\u00a0b © &lt;tag&gt; &amp; \"q\" \u263a</p>"
    assert "&nbsp;" not in html and "&copy;" not in html
    assert parse(html).find(f"{{{XHTML}}}p").text == "a\u00a0b © <tag> & \"q\" \u263a"


def test_characters_xml_forbids_are_dropped():
    html = clean("<p>a\x01b\x0bc\x1fd\ufffe</p>")
    assert html == "<p>abcd</p>"
    parse(html)


# ---------- What is removed ----------

@pytest.mark.parametrize("html", [
    "<script>alert('SECRET')</script>",
    "<script src='https://evil.example/x.js'>SECRET</script>",
    "<style>@import url(http://127.0.0.1:1/x.css); body { background: red } SECRET</style>",
    "<noscript>SECRET</noscript>",
    "<template><p>SECRET</p></template>",
    "<iframe src='https://evil.example/'>SECRET</iframe>",
    "<object data='x.swf'>SECRET</object>",
    "<svg><script>SECRET</script><text>SECRET</text></svg>",
    "<svg><foreignObject><p>SECRET</p></foreignObject></svg>",
    "<math><mi>SECRET</mi></math>",
    "<form action='https://evil.example/'><input value='SECRET'>SECRET</form>",
    "<textarea>SECRET</textarea>",
    "<select><option>SECRET</option></select>",
    "<audio src='x.mp3'>SECRET</audio>",
    "<video poster='http://evil/x.png'>SECRET</video>",
    "<title>SECRET</title>",
])
def test_dangerous_elements_go_with_their_content(html):
    for inline in (True, False):
        out = clean(f"before {html} after", inline)
        assert "SECRET" not in out and out.split() == ["before", "after"]
        assert any("removed with its content" in m for m in messages(html, inline))


@pytest.mark.parametrize("html, tag", [
    ("<img src='/etc/passwd' alt='x'>", "img"), ("<img src=x onerror=alert(1)>", "img"),
    ("<embed src='x.swf'>", "embed"), ("<link rel='stylesheet' href='http://x/y.css'>", "link"),
    ("<meta http-equiv='refresh' content='0;url=http://x'>", "meta"),
    ("<base href='http://evil.example/'>", "base"), ("<input type=image src=x>", "input"),
])
def test_elements_that_load_or_change_something_are_removed(html, tag):
    out = clean(f"a {html} b")
    assert out == "a  b"
    assert any(f"<{tag}>" in m and "removed" in m for m in messages(html))


@pytest.mark.parametrize("html", [
    '<a href="javascript:alert(1)">text</a>', '<a href="JaVaScRiPt:alert(1)">text</a>',
    '<a href="java&#x09;script:alert(1)">text</a>', '<a href="data:text/html,<script>">text</a>',
    '<a href="vbscript:msgbox(1)">text</a>', '<a href="https://example.org/">text</a>',
    '<a href="file:///etc/passwd">text</a>', '<span><a href="#x" onclick="x">text</a></span>',
])
def test_raw_links_are_unwrapped_whatever_their_address(html):
    for inline in (True, False):
        out = clean(html, inline)
        assert "text" in out and "<a" not in out and "href" not in out
        for bad in ("javascript", "data:", "vbscript", "file:", "onclick"):
            assert bad not in out.lower()
    assert any("<a> removed (its text kept)" in m for m in messages(html))


@pytest.mark.parametrize("attribute", [
    'onclick="alert(1)"', "onmouseover=alert(1)", 'ONLOAD="x"', 'style="color: red"',
    'style="background: url(http://127.0.0.1:1/x.png)"', 'id="intro"', 'href="javascript:x"',
    'src="x.png"', 'data-x="1"', 'xml:base="http://evil.example/"', 'xmlns="http://x"',
    'epub:type="footnote"', 'role="doc-noteref"', 'tabindex="1"', 'contenteditable',
])
def test_attributes_outside_the_allowlist_are_removed(attribute):
    for html in (f'<span {attribute} class="k">t</span>', f'<div {attribute} lang="fr">t</div>'):
        out = clean(html)
        name = attribute.split("=")[0]
        assert f"{name.lower()}=" not in out.lower() and "<" in out and "t<" in out
        assert ('class="k"' in out) or ('lang="fr"' in out)
        assert any(f"'{name.lower()}' removed from raw HTML" in m for m in messages(html))


@pytest.mark.parametrize("html, message", [
    ('<time datetime="yesterday">x</time>', 'datetime="yesterday" removed'),
    ('<time datetime="2024-13-40">x</time>', 'datetime="2024-13-40" removed'),
    ('<td colspan="0">x</td>', 'colspan="0" removed'),
    ('<th scope="everything">x</th>', 'scope="everything" removed'),
    ('<span lang="not a language">x</span>', 'lang="not a language" removed'),
    ('<span dir="sideways">x</span>', 'dir="sideways" removed'),
])
def test_invalid_attribute_values_are_removed(html, message):
    out = clean(f"<table><tr>{html}</tr></table>" if html.startswith("<t") and "time" not in html
                else html)
    assert message.split("=")[0] + "=" not in out
    assert any(message in m for m in messages(html))


def test_time_and_bdo_without_their_attribute_are_unwrapped():
    assert clean("<time>today</time> <bdo>abc</bdo>", True) == "today abc"
    found = messages("<time>today</time> <bdo>abc</bdo>", True)
    assert any("<time> without datetime" in m for m in found)
    assert any("<bdo> without dir" in m for m in found)


def test_unknown_and_structural_elements_are_unwrapped_with_their_text():
    html = clean("<h2>Title</h2><center>mid</center><font color=red>f</font><pre>code</pre>")
    assert html == "TitlemidfCode".replace("C", "c")
    found = messages("<h2>Title</h2><center>mid</center>")
    assert any("<h2> removed (its text kept); write headings in Markdown" in m for m in found)
    assert any("<center> removed (its text kept)" in m for m in found)


def test_comments_are_dropped_quietly_and_declarations_with_a_warning():
    assert clean("a<!-- a note to the editor -->b") == "ab"
    assert messages("a<!-- a note -->b") == []
    assert clean("<!DOCTYPE html><?php echo 1 ?><![CDATA[x]]>z") == "z"
    assert len(messages("<!DOCTYPE html><?php echo 1 ?>")) == 2


# ---------- Well-formed XHTML, whatever comes in ----------

@pytest.mark.parametrize("html", [
    "<b><i>crossed</b></i>", "<p>a<p>b<div>c", "</span></div>x", "<ul>text<li>a<li>b</ul>",
    "<li>loose</li><dt>t</dt><dd>d</dd><rt>r</rt>", "<span><div>block in a phrase</div></span>",
    "<table><tr>text<td>1</table>", "<table><td>cell", "<dl><p>x</p><dt>t<dd>d</dl>",
    "<p><table><tr><td>x</td></tr></table>", "<em><p>para</p></em>", "<q><ul><li>x</ul>",
    '<span title="a"b">x</span>', "<span title='<script>alert(1)</script>'>x</span>",
    "<<script>script>alert(1)<</script>/script>", "<scr<script>ipt>alert(1)</script>",
    "<div <span>>x</div>", "<span\nclass='a'\n>multi\nline</span>", "<br/><br></br>",
    "<svg><g>never closed", "<!-- never closed", "<div title=\"never closed>x",
    "a < b > c & d", "&unknown; &#0; &#x110000; &#xD800;", "\x00\x01\x02",
])
def test_output_is_always_well_formed_xml(html):
    for inline in (True, False):
        out = clean(html, inline)
        parse(out)
        assert "<script" not in out and "alert(1)</" not in out


def test_random_tag_soup_is_well_formed_and_safe():
    pieces = ["<div>", "</div>", "<p>", "</p>", "<span class='a'>", "</span>", "<ul>", "<li>",
              "</ul>", "<table>", "<tr>", "<td>", "</table>", "<sup>", "</sup>", "<b>", "</i>",
              "<script>", "</script>", "<style>", "</style>", "<svg>", "</svg>", "<br>", "<hr>",
              "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>", "</a>", "text",
              " & ", "<", ">", "\"", "<!--", "-->", "<time datetime='2024'>", "</time>", "\n"]
    rng = random.Random(20240315)
    for _ in range(300):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        for inline in (True, False):
            out = clean(html, inline)
            parse(out)
            lowered = out.lower()
            assert "<script" not in lowered and "<style" not in lowered and "<img" not in lowered
            assert "javascript:" not in lowered and "onerror" not in lowered


# ---------- Raw HTML among the renderer's own parts ----------

def test_a_tag_split_in_parts_stays_balanced():
    result = sanitise([Piece("H"), Raw("<sub>"), Piece("2"), Raw("</sub>"), Piece("O")], True)
    assert result.html == "H<sub>2</sub>O" and result.dropped == []


def test_an_unclosed_raw_element_is_closed_at_the_end_of_its_run():
    assert sanitise([Raw("<sup>"), Piece("2 and more")], True).html == "<sup>2 and more</sup>"
    assert sanitise([Piece("a"), Raw("</sup>"), Piece("b")], True).html == "ab"


def test_markdown_elements_and_raw_html_are_balanced_together():
    # <span>*a</span> b* : Markdown's <em> and the raw <span> cross
    parts = [Raw("<span>"), Open("<em>"), Piece("a"), Raw("</span>"), Piece(" b"), Close("</em>")]
    html = sanitise(parts, True).html
    parse(html)
    assert html.count("<em>") == html.count("</em>") == 1
    assert html.count("<span>") == html.count("</span>") == 1
    assert "a" in html and " b" in html


def test_markdown_inside_a_removed_element_is_removed_with_it():
    parts = [Piece("a "), Raw("<script>"), Piece("alert("), Open("<em>"), Piece("1"),
             Close("</em>"), Piece(")"), Raw("</script>"), Piece(" b")]
    result = sanitise(parts, True)
    assert result.html == "a  b"
    assert result.dropped == [2, 3, 4, 5, 6]


def test_markdown_blocks_inside_a_raw_div_stay_inside_it():
    parts = [Raw('<div class="note">\n'), Open("<p>"), Piece("Markdown"), Close("</p>\n"),
             Raw("</div>\n"), Open("<p>"), Piece("after"), Close("</p>\n")]
    assert (sanitise(parts, False).html
            == '<div class="note">\n<p>Markdown</p>\n</div>\n<p>after</p>\n')


def test_a_markdown_block_closes_a_raw_phrase_around_it():
    parts = [Raw("<span>\n"), Open("<p>"), Piece("para"), Close("</p>"), Raw("</span>")]
    html = sanitise(parts, False).html
    assert html == "<span>\n</span><p>para</p>"
    parts = [Raw("<ul>\n"), Open("<p>"), Piece("para"), Close("</p>"), Raw("</ul>"),
             Piece("<figure>f</figure>", block=True)]
    assert sanitise(parts, False).html == "<ul>\n<li><p>para</p></li></ul><figure>f</figure>"


def test_raw_html_cannot_forge_the_placeholders():
    parts = [Piece('<a href="#x">secret link</a>'), Raw("\ue0010\ue002 <x>\ue000</x> "
                                                         "<pr-0 data-k='0'>y</pr-0>")]
    html = sanitise(parts, True).html
    assert html.count("secret link") == 1 and "\ue000" not in html and "\ue001" not in html
    assert "<pr-" not in html


def test_findings_name_the_line_of_each_removal():
    parts = [Raw('<div class="a">\n<p>ok</p>\n<script>x</script>\n<span onclick="x">y</span>\n'
                 "</div>\n", 10), Open("<p>"), Piece("md"), Close("</p>"),
             Raw("<iframe src=x></iframe>", 20)]
    assert findings(parts, False) == [
        (12, "raw HTML <script> removed with its content; a book cannot run scripts"),
        (13, "attribute 'onclick' removed from raw HTML <span>; a book cannot run scripts"),
        (20, "raw HTML <iframe> removed with its content; embedded content cannot be printed: "
             "give a link [text](https://...) or a picture")]


def test_a_never_closed_container_is_reported():
    found = messages("<svg><g>\nstill inside\n")
    assert any("<svg> is never closed" in m for m in found)
    assert any("comment is never closed" in m for m in messages("<!-- and on"))


# ---------- In the renderer: sections with raw HTML ----------

SECTION = """\
# Raw

Water is H<sub>2</sub>O and the <abbr title="United Nations">UN</abbr> meets.

Click <span onclick="alert(1)" class="x">here</span> <script>alert("SCRIPTED")</script> now.

<div class="box">

A *Markdown* paragraph in a box.

</div>

<table>
<tr><th scope="col">Year</th><td>2024</td></tr>
</table>

A [web link](https://example.org), [an odd one](custom:thing), [a script](javascript:alert(1)),
[an ftp](ftp://example.org/x) and [a section](#raw).

{style="color:red" onclick="x" data-ok="1"}
Styled paragraph.

Note[^n].

[^n]: With <sup>sup</sup> and <div>a block</div>.
"""


@pytest.fixture
def raw_sections(source):
    (source / "manuscript" / "01-raw.md").write_text(SECTION, encoding="utf-8")
    return read_sections(source)


def test_markdown_keeps_raw_html_as_tokens():
    tokens = markdown().parse("a <sup>2</sup>\n\n<div>x</div>\n")
    assert [t.type for t in tokens][3] == "html_block"
    assert [c.type for c in tokens[1].children] == ["text", "html_inline", "text", "html_inline"]


@pytest.mark.parametrize("medium", [PRINT, EPUB])
def test_allowed_markup_renders_and_the_rest_goes(raw_sections, medium):
    html = str(BodyRenderer(medium, raw_sections).section_body(raw_sections[0]))
    parse(html)
    assert "H<sub>2</sub>O" in html and '<abbr title="United Nations">UN</abbr>' in html
    assert '<span class="x">here</span>' in html
    assert "SCRIPTED" not in html and "<script" not in html and "onclick" not in html
    assert re.search(r'<div class="box">\s*<p[^>]*>A <em>Markdown</em> paragraph in a box.</p>'
                     r"\s*</div>", html)
    assert '<th scope="col">Year</th><td>2024</td>' in html
    assert '<a href="https://example.org">web link</a>' in html
    assert "an odd one" in html and "custom:" not in html and "ftp:" not in html
    assert "[a script](javascript:alert(1))" in html  # markdown-it refuses the link: text
    assert 'href="javascript' not in html
    assert "color:red" not in html and 'data-ok="1"' in html
    assert "<sup>sup</sup>" in html and "a block" in html and "<div>a block" not in html


def test_each_removal_is_a_warning_with_file_and_line(raw_sections, monkeypatch):
    monkeypatch.chdir(raw_sections[0].source.parent.parent)
    warnings = source_warnings(raw_sections)
    assert warnings == [
        "manuscript/01-raw.md:5: attribute 'onclick' removed from raw HTML <span>; a book "
        "cannot run scripts",
        "manuscript/01-raw.md:5: raw HTML <script> removed with its content; a book cannot run "
        "scripts",
        "manuscript/01-raw.md:17: link to 'custom:thing' removed (its text kept); a book links "
        "to web (https://), mail (mailto:) or phone (tel:) addresses, or to a section "
        "(02-section.md#id)",
        "manuscript/01-raw.md:18: link to 'ftp://example.org/x' removed (its text kept); a book "
        "links to web (https://), mail (mailto:) or phone (tel:) addresses, or to a section "
        "(02-section.md#id)",
        "manuscript/01-raw.md:21: attribute 'style' removed from a Markdown {...} attribute "
        "list; style it through a class ({.name}) in the layout's CSS",
        "manuscript/01-raw.md:25: raw HTML <div> inside a paragraph or a note removed (its "
        "text kept); block HTML belongs in the main text, on lines of its own with a blank "
        "line before and after",
    ]


def test_a_section_without_raw_html_renders_as_before(source):
    (source / "manuscript" / "01-a.md").write_text("# A\n\nPlain *text* & more.\n")
    sections = read_sections(source)
    assert str(BodyRenderer(EPUB, sections).section_body(sections[0])) == (
        "<p>Plain <em>text</em> &amp; more.</p>\n")
    assert source_warnings(sections) == []


def marker(page: int) -> str:
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{page}" '
            f'aria-label="{page}"></span>')


def test_page_break_markers_survive_raw_html(source):
    text = ("# Intro\n\nFish <sup>2</sup> and <script>gone</script> chips are good.\n\n"
            "Next \ue000 paragraph.\n")
    (source / "manuscript" / "01-intro.md").write_text(text, encoding="utf-8")
    sections = read_sections(source)
    # offsets as print counts them: the script's text is not on the page
    starts = [PageStart(3, "intro/1", alnum_count("Fish2and")),
              PageStart(4, "intro/1", alnum_count("Fish2andchips")),
              PageStart(5, "intro/2", 0)]
    html = str(BodyRenderer(EPUB, sections, starts).section_body(sections[0]))
    parse(html)
    assert [int(n) for n in re.findall(r'id="page-(\d+)"', html)] == [3, 4, 5]
    assert (f"<p>Fish <sup>2</sup> and  {marker(3)}chips {marker(4)}are good.</p>\n"
            f"{marker(5)}<p>Next  paragraph.</p>") in html
    assert "gone" not in html and "\ue000" not in html


def test_allowed_markup_reaches_the_epub_as_xhtml(source, make_image):
    (source / "manuscript" / "publication.yaml").write_text("title: Raw\nlanguage: en\n")
    (source / "manuscript" / "01-raw.md").write_text(SECTION, encoding="utf-8")
    report = build(source, source / "out", targets=("epub",))
    epub = next(path for path in report.outputs if path.suffix == ".epub")
    with zipfile.ZipFile(epub) as package:
        document = package.read("EPUB/raw.xhtml").decode("utf-8")
    root = ET.fromstring(document.encode("utf-8"))  # the whole document is well-formed XML
    found = {element.tag.split("}")[-1]: element for element in root.iter()}
    assert found["sub"].text == "2" and found["abbr"].get("title") == "United Nations"
    assert found["th"].get("scope") == "col"
    assert "SCRIPTED" not in document and "onclick" not in document


# ---------- Messages that tell the truth ----------

@pytest.mark.parametrize("tag", sorted((set(ADVICE) | {"center", "font", "marquee", "details",
                                                      "summary", "nav", "legend", "blink"})
                                       - VOID_TAGS - EMPTY_TAGS))
@pytest.mark.parametrize("inline", [True, False])
def test_each_removal_says_what_happened_to_the_text(tag, inline):
    html = f"<{tag}>WORDS here</{tag}>"
    out = clean(f"before {html} after", inline)
    said = [m for m in messages(html, inline) if f"<{tag}>" in m]
    assert said, f"<{tag}> removed without a word"
    if "WORDS" in out:
        assert "its text kept" in said[0], said[0]
    else:
        assert "removed with its content" in said[0], said[0]
