"""pressroom.code and its use in render.py: code and addresses break only where the Chicago
Manual of Style breaks a URL, never with a hyphen; fenced code highlighted with Pygments."""

from __future__ import annotations

import html as html_module
import re
import xml.etree.ElementTree as ElementTree

import pytest
from hypothesis import given, strategies as st

from pressroom.code import (UnknownLanguage, break_opportunities, breakable, highlight,
                            is_url_text, with_bare_urls)
from pressroom.manuscript import markdown, read_section
from pressroom.pagination import PageStart, alnum_count
from pressroom.render import MARK, BodyRenderer, Medium, source_warnings

PRINT = Medium(name="print", image_url=lambda image: image.name,
               section_url=lambda section: f"#{section.id}",
               anchor_url=lambda section, anchor: f"#{anchor}")
EPUB = Medium(name="epub", image_url=lambda image: f"images/{image.name}",
              section_url=lambda section: f"{section.id}.xhtml",
              anchor_url=lambda section, anchor: f"{section.id}.xhtml#{anchor}")
WEB = Medium(name="web", image_url=lambda image: image.name,
             section_url=lambda section: f"{section.id}.html",
             anchor_url=lambda section, anchor: f"{section.id}.html#{anchor}")


def pieces(text: str) -> list[str]:
    """``text`` cut at its break opportunities."""
    points = [0, *break_opportunities(text), len(text)]
    return [text[start:end] for start, end in zip(points, points[1:])]


# --- the Chicago rule (CMOS 7.42) ---

@pytest.mark.parametrize("text, expected", [
    # after a double slash (not between the colon and it), before a single slash and a period
    ("https://example.org/a", ["https://", "example", ".org", "/a"]),
    # before a tilde, a hyphen, an underline
    ("/~ada/tide-tables_2024", ["/", "~ada", "/tide", "-tables", "_2024"]),
    # before a question mark, a number sign, a percent symbol, a comma
    ("x?q#top%20a,b", ["x", "?q", "#top", "%20a", ",b"]),
    # before and after an equals sign and an ampersand
    ("a=1&b=2", ["a", "=", "1", "&", "b", "=", "2"]),
    # after a colon not followed by a slash
    ("std::vector", ["std::", "vector"]),
    ("urn:isbn:978", ["urn:", "isbn:", "978"]),
    # a run of one mark stays together, the break before it; never at the start
    ("__init__.py", ["__init", "__", ".py"]),
    ("file:///etc/hosts", ["file:///", "etc", "/hosts"]),
    # e-mail addresses: before the at sign
    ("ada@example.org", ["ada", "@example", ".org"]),
    # no break opportunity inside a word, or next to white space
    ("Linearizability", ["Linearizability"]),
    ("x = y / 2", ["x = y / 2"]),
])
def test_break_opportunities_follow_the_chicago_rule(text, expected):
    assert pieces(text) == expected


def test_characters_to_ignore_are_passed_over():
    """A page-break stand-in before a letter changes neither where the breaks are nor what
    the text is."""
    text = f"https://{MARK}example.org/{MARK}a"
    assert [piece.replace(MARK, "") for piece in pieces_ignoring(text)] == [
        "https://", "example", ".org", "/a"]
    assert break_opportunities(f"a{MARK}.b", ignore=MARK) == [2]  # before the period


def pieces_ignoring(text: str) -> list[str]:
    points = [0, *break_opportunities(text, ignore=MARK), len(text)]
    return [text[start:end] for start, end in zip(points, points[1:])]


def strip_tags(html: str) -> str:
    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


@given(st.text(alphabet="ab1 /:._-~?#%=&@,<>\"'\u00e9\u4e2d", max_size=40))
def test_breakable_adds_nothing_a_reader_copies(text):
    html = breakable(text, "<wbr/>")
    assert strip_tags(html) == text
    assert "\u00ad" not in html and "\u2010" not in html
    # every break opportunity is a <wbr/>, and nothing else breaks inside a .nobreak piece
    assert html.count("<wbr/>") == len(break_opportunities(text))
    for piece in re.findall(r'<span class="nobreak">(.*?)</span>', html):
        assert not any(char.isspace() for char in html_module.unescape(piece))


@given(st.text(alphabet="ab/:._-=&", min_size=1, max_size=30))
def test_break_opportunities_lie_inside_the_text_and_never_by_white_space(text):
    for point in break_opportunities(text):
        assert 0 < point < len(text)


def test_breakable_markup():
    assert breakable("net/url_request", "<wbr>") == (
        'net<wbr><span class="nobreak">/url</span><wbr><span class="nobreak">_request</span>')
    assert breakable("Linearizability", "<wbr>") == "Linearizability"
    assert breakable("a<b&c", "<wbr>") == (
        '<span class="nobreak">a&lt;b</span><wbr><span class="nobreak">&amp;</span><wbr>c')


def test_url_texts_and_bare_addresses():
    assert is_url_text("https://example.org/a", "https://example.org/a")
    assert is_url_text("example.org/a", "https://example.org/a")
    assert is_url_text("ada@example.org", "mailto:ada@example.org")
    assert is_url_text("www.example.org/x", "https://elsewhere.org")
    assert not is_url_text("the archive", "https://example.org/archive")
    assert with_bare_urls("See https://a.org/x. Or (www.b.org/y), & more",
                          lambda url: f"[{url}]") == (
        "See [https://a.org/x]. Or ([www.b.org/y]), &amp; more")


# --- highlighting ---

def test_highlight_gives_pygments_short_classes_and_keeps_the_text():
    code = 'def f(x):\n    return "a"  # note\n\n'
    tokens = highlight(code, "python")
    assert "".join(text for _, text in tokens) == code  # nothing stripped or added
    assert ("k", "def") in tokens and ("nf", "f") in tokens and ("s2", '"a"') in tokens
    assert ("c1", "# note") in tokens
    assert all(css == "" or re.fullmatch(r"[a-z0-9]+", css) for css, _ in tokens)


def test_an_unknown_language_suggests_close_names():
    with pytest.raises(UnknownLanguage) as raised:
        highlight("print(1)\n", "pyhton")
    assert raised.value.suggestions[0] == "python"
    assert raised.value.advice().startswith(
        "unknown code language 'pyhton' (did you mean 'python'")
    with pytest.raises(UnknownLanguage) as raised:
        highlight("x", "qqqqqqq")
    assert raised.value.suggestions == []
    assert "did you mean" not in raised.value.advice()


# --- in the rendered sections ---

SECTION = """\
# Code

Read `pressroom.code.break_opportunities` at <https://example.org/a_b?c=d&e=f>, at
[example.org/tide-tables](https://example.org/tide-tables), or at https://www.example.org/x-y.
See [the archive](https://example.org/archive).

```python
def landings(boats: int) -> float:
    return boats * 0.28  # tonnes
```

```pyhton
print("plain")
```

```
no language <here>
```

    indented & plain
"""


@pytest.fixture
def section(tmp_path):
    (tmp_path / "images").mkdir()
    path = tmp_path / "01-code.md"
    path.write_text(SECTION)
    return read_section(path, markdown(), tmp_path / "images")


def render(medium, section, starts=()) -> str:
    return str(BodyRenderer(medium, [section], starts).section_body(section))


def test_a_python_block_is_highlighted_with_classes_and_no_styles(section):
    for medium in (PRINT, EPUB, WEB):
        html = render(medium, section)
        assert ('<pre><code class="language-python"><span class="k">def</span> '
                '<span class="nf">landings</span>') in html
        assert '<span class="c1"># tonnes</span>' in html
        assert "style=" not in html
    # the EPUB's XHTML is well-formed XML
    ElementTree.fromstring(f'<body xmlns:epub="http://www.idpf.org/2007/ops">'
                           f"{render(EPUB, section)}</body>")


def test_blocks_without_a_known_language_are_plain(section):
    html = render(EPUB, section)
    assert '<pre><code class="language-pyhton">print(&quot;plain&quot;)\n</code></pre>' in html
    assert "<pre><code>no language &lt;here&gt;\n</code></pre>" in html
    assert "<pre><code>indented &amp; plain\n</code></pre>" in html


def test_an_unknown_language_is_a_warning_with_file_and_line(section):
    warnings = source_warnings([section])
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{section.source}:12: unknown code language 'pyhton' "
                                  "(did you mean 'python'")


def test_code_and_addresses_break_at_wbr_in_each_medium(section):
    xhtml, web = render(EPUB, section), render(WEB, section)
    assert ('<code>pressroom<wbr /><span class="nobreak">.code</span><wbr />'
            '<span class="nobreak">.break</span>') in xhtml
    assert '<code>pressroom<wbr><span class="nobreak">.code</span>' in web
    # an autolink and a link whose text is an address: class url, broken the same way
    assert re.search(r'<a href="https://example.org/a_b\?c=d&amp;e=f" class="url">'
                     r'<span class="nobreak">https://</span><wbr />example', xhtml)
    assert ('class="url">example<wbr /><span class="nobreak">.org</span><wbr />'
            '<span class="nobreak">/tide</span>') in xhtml
    # an address written as text
    assert ('<span class="url"><span class="nobreak">https://</span><wbr />www<wbr />'
            '<span class="nobreak">.example</span>') in xhtml
    assert '<a href="https://example.org/archive">the archive</a>' in xhtml  # words: as before
    assert "\u00ad" not in xhtml


def test_page_break_markers_fall_on_the_same_letters_in_code(section):
    """The EPUB's markers count letters and digits as print has them: highlighting and break
    opportunities add none."""
    code_block = 2  # the paragraph, then the python block
    offset = alnum_count("def landings(boats: int) -> float:\n    return")
    inline = alnum_count("Read pressroom.code.break")
    html = render(EPUB, section, [PageStart(4, "code/1", inline),
                                  PageStart(5, f"code/{code_block}", offset)])
    marker = '<span epub:type="pagebreak" role="doc-pagebreak" id="page-{}" aria-label="{}"></span>'
    assert f'<span class="nobreak">.break</span><wbr /><span class="nobreak">_{marker.format(4, 4)}opportunities' in html
    assert f'<span class="n">{marker.format(5, 5)}boats</span>' in html
    assert html.count("doc-pagebreak") == 2
