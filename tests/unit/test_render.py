"""pressroom.render.BodyRenderer: the same section tokens as print HTML and as EPUB XHTML."""

from __future__ import annotations

import pytest

from pressroom.manuscript import read_sections
from pressroom.render import BodyRenderer, Medium

PRINT = Medium(name="print", image_url=lambda image: image.path.as_uri(),
               section_url=lambda section: f"#{section.id}",
               anchor_url=lambda section, anchor: f"#{anchor}")
EPUB = Medium(name="epub", image_url=lambda image: f"images/{image.name}",
              section_url=lambda section: f"{section.id}.xhtml",
              anchor_url=lambda section, anchor: f"{section.id}.xhtml#{anchor}")

INTRO = """\
# Intro

Text[^a] and more^[An *inline* note]. Again[^a].

See [the sub part](03-next.md#sub), [the next section](03-next.md),
[here](#top) and [the web](https://example.org/03-next.md#sub).

![A <red> photo](photo.jpg "Red & white"){credit="Jo Doe" .half}

[^a]: Note *A*.
"""
NEXT = "# Next\n\n## Sub {#sub}\n\nBody.\n"


@pytest.fixture
def sections(source):
    (source / "manuscript" / "01-intro.md").write_text(INTRO)
    (source / "manuscript" / "03-next.md").write_text(NEXT)
    return read_sections(source)


def body(medium, sections, index=0) -> str:
    return str(BodyRenderer(medium, sections).section_body(sections[index]))


def test_print_footnote_is_inline_at_the_reference(sections):
    html = body(PRINT, sections)
    # a word joiner keeps the call on the line of the word before it
    assert ('Text\u2060<span class="footnote" id="intro-fn1"><span class="footnote-para">'
            "Note <em>A</em>.</span></span> and more") in html
    assert "<aside" not in html and "noteref" not in html


def test_print_second_reference_points_at_the_note(sections):
    assert 'Again<a class="footnote-again" href="#intro-fn1">1</a>.' in body(PRINT, sections)


def test_epub_noterefs(sections):
    html = body(EPUB, sections)
    assert ('Text<a class="noteref" epub:type="noteref" role="doc-noteref" id="intro-fn1-ref" '
            'href="#intro-fn1">1</a>') in html
    assert 'id="intro-fn2-ref" href="#intro-fn2">2</a>' in html
    assert 'id="intro-fn1-ref-1" href="#intro-fn1">1</a>' in html  # the second reference
    assert 'class="footnote"' not in html.split("<aside", 1)[0]


def test_epub_footnotes_follow_the_body_as_asides(sections):
    html = body(EPUB, sections)
    text, _, notes = html.partition("<aside")
    assert "</figure>" in text  # the whole body comes first
    assert notes.count("<aside") == 1
    assert html.count('<aside class="footnote" epub:type="footnote" role="doc-footnote"') == 2
    first = html.index('id="intro-fn1"><span class="footnote-number">1.</span> '
                       "<p>Note <em>A</em>.</p>")
    second = html.index('id="intro-fn2"><span class="footnote-number">2.</span>')
    assert first < second
    assert '<a class="noteback" href="#intro-fn1-ref" role="doc-backlink"' in html


def test_print_links_between_sections(sections):
    html = body(PRINT, sections)
    assert '<a href="#sub">the sub part</a>' in html
    assert '<a href="#next">the next section</a>' in html
    assert '<a href="#top">here</a>' in html
    assert '<a href="https://example.org/03-next.md#sub">the web</a>' in html


def test_epub_links_between_sections(sections):
    html = body(EPUB, sections)
    assert '<a href="next.xhtml#sub">the sub part</a>' in html
    assert '<a href="next.xhtml">the next section</a>' in html
    assert '<a href="intro.xhtml#top">here</a>' in html
    assert '<a href="https://example.org/03-next.md#sub">the web</a>' in html


def test_figure_markup(sections):
    html = body(EPUB, sections)
    assert ('<figure id="fig-photo" class="figure half"><img src="images/photo.jpg" '
            'alt="A &lt;red&gt; photo" width="600" height="400" />'
            '<figcaption><span class="caption">Red &amp; white</span> '
            '<span class="credit">Jo Doe</span></figcaption></figure>') in html


def test_print_figure_uses_the_file_url(sections):
    uri = sections[0].figures[0].image.path.as_uri()
    assert f'<img src="{uri}"' in body(PRINT, sections)


def test_figure_without_caption_has_no_figcaption(source):
    (source / "manuscript" / "01-a.md").write_text("# A\n\n![A photo](photo.jpg)\n")
    html = body(EPUB, read_sections(source))
    assert "<figure" in html and "<figcaption" not in html


def test_inline_image(source):
    (source / "manuscript" / "01-a.md").write_text("# A\n\nAn ![icon](photo.jpg) here.\n")
    html = body(EPUB, read_sections(source))
    assert '<p>An <img src="images/photo.jpg" alt="icon" /> here.</p>' in html


def test_heading_attributes_are_rendered(sections):
    assert '<h2 id="sub">Sub</h2>' in body(PRINT, sections, index=1)


def test_rendering_does_not_mutate_the_tokens(sections):
    def dump():
        return [([t.as_dict() for t in s.tokens],
                 [t.as_dict() for n in s.footnotes.values() for t in n.tokens]) for s in sections]

    snapshot = dump()
    renderer = BodyRenderer(EPUB, sections)
    first = [str(renderer.section_body(s)) for s in sections]
    printed = [body(PRINT, sections, i) for i in range(len(sections))]
    second = [str(renderer.section_body(s)) for s in sections]
    assert first == second
    assert printed == [body(PRINT, sections, i) for i in range(len(sections))]
    assert dump() == snapshot


def test_pull_quote_is_an_aside_in_both_media(tmp_path):
    from pressroom.manuscript import markdown, read_section

    (tmp_path / "images").mkdir()
    md_file = tmp_path / "01-q.md"
    md_file.write_text("# Q\n\n{.pull}\n> Said well.\n\n> An ordinary quotation.\n")
    section = read_section(md_file, markdown(), tmp_path / "images")
    printed = str(BodyRenderer(PRINT, [section]).section_body(section))
    ebook = str(BodyRenderer(EPUB, [section]).section_body(section))
    assert '<aside class="pull" role="doc-pullquote">\n<p>Said well.</p>\n</aside>' in printed
    assert '<aside class="pull" epub:type="pullquote" role="doc-pullquote">' in ebook
    assert "<blockquote>\n<p>An ordinary quotation.</p>\n</blockquote>" in printed


def test_page_references_view_gives_what_pydyf_gives():
    import pydyf

    from pressroom.engine import PageReferences, index_page_references

    pdf = pydyf.PDF()
    for _ in range(5):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    expected = tuple(f"{number} 0 R".encode() for number in pdf.pages["Kids"][::3])
    view = PageReferences(pdf)
    assert [view[i] for i in range(5)] == list(expected) == list(view)
    assert view[-1] == expected[-1] and len(view) == 5
    index_page_references()
    assert tuple(pdf.page_references) == expected and pdf.page_references[2] == expected[2]


def one_section(tmp_path, text: str):
    from pressroom.manuscript import markdown, read_section

    (tmp_path / "images").mkdir(exist_ok=True)
    md_file = tmp_path / "01-s.md"
    md_file.write_text(text)
    return read_section(md_file, markdown(), tmp_path / "images")


def test_definition_lists_in_pandoc_syntax_become_dl_in_every_medium(tmp_path):
    section = one_section(tmp_path, "# Glossary\n\nBleed\n:   Artwork beyond the trim.\n\n"
                                    "Creep\n:   Inner sheets sticking out.\n")
    for medium in (PRINT, EPUB):
        html = str(BodyRenderer(medium, [section]).section_body(section))
        assert "<dl>\n<dt>Bleed</dt>\n<dd>Artwork beyond the trim.</dd>" in html, html
        assert ":" not in html.replace("https:", "")


def test_a_skipped_heading_level_is_a_warning_with_its_line(tmp_path):
    from pressroom.render import source_warnings

    section = one_section(tmp_path, "# Title\n\n## Part\n\nText.\n\n#### Detail\n\nMore.\n\n"
                                    "### Fine\n")
    warnings = source_warnings([section])
    assert warnings == [f"{tmp_path / '01-s.md'}:7: a level-4 heading (####) follows a level-2 "
                        "one: write ###, or add the heading between; accessibility checkers "
                        "refuse skipped levels"]
    assert source_warnings([one_section(tmp_path, "# T\n\n## A\n\n### B\n\n## C\n")]) == []
