"""Cross-references and numbering (pressroom.crossref), table captions and pandoc attributes
(pressroom.manuscript), as print HTML and EPUB XHTML (pressroom.render)."""

from __future__ import annotations

import pytest

from pressroom.assemble import assemble
from pressroom.config import load_settings
from pressroom.crossref import Numbering
from pressroom.diagnostics import SourceError
from pressroom.layouts import find_layout
from pressroom.manuscript import read_sections
from pressroom.render import BodyRenderer, Medium

PRINT = Medium(name="print", image_url=lambda image: image.name,
               section_url=lambda section: f"#{section.id}",
               anchor_url=lambda section, anchor: f"#{anchor}")
EPUB = Medium(name="epub", image_url=lambda image: f"images/{image.name}",
              section_url=lambda section: f"{section.id}.xhtml",
              anchor_url=lambda section, anchor: f"{section.id}.xhtml#{anchor}")

SETTINGS = "title: T\nauthors: [A]\nlanguage: {language}\ndate: 2024-01-01\n"
INTRO = """\
# Intro

As @fig-photo shows and @tbl-counts counts ([-@tbl-counts] again, and -@tbl-counts), see @sec-method,
@sec-closer.look, and write to ada@fig-host.org.

![A red photo.](photo.jpg "A red field"){#fig-photo}

| Month | Boats |
|-------|------:|
| Jan   |    12 |

: Boats *by* month {#tbl-counts}

## Closer look {#sec-closer.look}

![Again, unnumbered.](photo.jpg "Not counted"){#fig-again .unnumbered}
"""
METHOD = """\
---
id: sec-method
---
# Method

Back to @fig-photo; see @fig-second.

![Another red photo.](photo.jpg "Second"){#fig-second}

Table: Before its table {#tbl-before}

| a | b |
|---|---|
| 1 | 2 |
"""


def publication(source, numbering=Numbering(), language="en-GB", **files):
    (source / "manuscript" / "publication.yaml").write_text(SETTINGS.format(language=language))
    for name, text in (files or {"01-intro.md": INTRO, "02-method.md": METHOD}).items():
        (source / "manuscript" / name).write_text(text, encoding="utf-8")
    settings = load_settings(source / "manuscript" / "publication.yaml")
    words = find_layout("brochure", source).words(language)
    return assemble(settings, source, read_sections(source), numbering, words)


def html(medium, pub, index=0) -> str:
    words = find_layout("brochure", pub.root).words(pub.settings.language)
    return str(BodyRenderer(medium, pub.sections, words=words).section_body(pub.sections[index]))


def test_references_read_figure_table_and_section_and_link_to_them(source):
    pub = publication(source)
    intro = html(PRINT, pub)
    assert ('As <a class="xref" href="#fig-photo">Figure\u00a01</a> shows and '
            '<a class="xref" href="#tbl-counts">Table\u00a01</a> counts '
            '(<a class="xref" href="#tbl-counts">1</a> again, and '
            '<a class="xref" href="#tbl-counts">1</a>), see '
            '<a class="xref" href="#sec-method">Section\u00a0II</a>,\n'
            '<a class="xref" href="#sec-closer.look">Closer look</a>, and write to '
            'ada@fig-host.org.') in intro
    epub = html(EPUB, pub, 1)
    assert ('Back to <a class="xref" href="intro.xhtml#fig-photo">Figure\u00a01</a>; see '
            '<a class="xref" href="sec-method.xhtml#fig-second">Figure\u00a02</a>.') in epub


def test_figures_and_tables_are_labelled_in_their_captions(source):
    pub = publication(source)
    intro, method = html(EPUB, pub), html(EPUB, pub, 1)
    assert ('<figcaption><span class="figure-label">Figure\u00a01</span><span class="label-separator">'
            ': </span><span class="caption">A red field</span></figcaption>') in intro
    assert '<span class="caption">Not counted</span>' in intro
    assert intro.count("figure-label") == 1  # .unnumbered: no label
    assert ('<table id="tbl-counts" data-block' not in intro
            and '<table id="tbl-counts">\n<caption><span class="table-label">Table\u00a01</span>'
            '<span class="label-separator">: </span><span class="caption">Boats <em>by</em> '
            'month</span></caption>') in intro
    assert ":" not in intro.split("</table>")[1].split("<h2")[0]  # the caption paragraph is gone
    # pandoc's "Table: ..." before a table is its caption too
    assert ('<table id="tbl-before">\n<caption><span class="table-label">Table\u00a02</span>'
            in method)
    assert "Figure\u00a02" in method and [f.number_text for f in pub.figures] == ["1", "", "2"]


def test_numbering_by_section_as_the_layout_chooses(source):
    pub = publication(source, Numbering(scope="section"))
    assert [f.label for f in pub.figures] == ["Figure\u00a01.1", "", "Figure\u00a02.1"]
    assert [t.label for s in pub.sections for t in s.tables] == ["Table\u00a01.1", "Table\u00a02.1"]
    assert '<a class="xref" href="#fig-second">Figure\u00a02.1</a>' in html(PRINT, pub, 1)


def test_labels_in_the_publications_language(source):
    pub = publication(source, language="zh-Hans")
    assert [f.label for f in pub.figures if f.numbered] == ["图1", "图2"]
    assert '<span class="label-separator">\u3000</span>' in html(PRINT, pub)
    assert '>第II节</a>' in html(PRINT, pub)


def test_a_reference_to_no_id_is_an_error_with_file_line_and_a_suggestion(source):
    with pytest.raises(SourceError) as caught:
        publication(source, **{"01-a.md": "# A\n\nText.\n\nSee @fig-photos and @tbl-nothing.\n\n"
                                           "![Red.](photo.jpg \"R\"){#fig-photo}\n"})
    messages = [str(problem) for problem in caught.value.problems]
    path = source / "manuscript" / "01-a.md"
    assert messages == [
        f"{path}:5: reference @fig-photos: no figure has the id 'fig-photos'; did you mean "
        "@fig-photo?",
        f"{path}:5: reference @tbl-nothing: no table has the id 'tbl-nothing'; give the table "
        "the id: {#tbl-nothing} (a table's id goes on its caption line after it: ': Caption "
        "{#tbl-nothing}')"]


def test_dotted_ids_as_pandoc_writes_them(source):
    pub = publication(source, **{"01-a.md": "# A\n\n## Part {#sec.alpha .wide}\n\n"
                                            "![Red.](photo.jpg \"R\"){#fig.red .half}\n\n"
                                            "See [the part](#sec.alpha) and [the red](#fig.red).\n"})
    out = html(EPUB, pub)
    assert '<h2 id="sec.alpha" class="wide">Part</h2>' in out
    assert '<figure id="fig.red" class="figure half">' in out
    assert "{#" not in out


def test_an_empty_table_caption_is_an_error(source):
    with pytest.raises(SourceError, match=r"01-a.md:7: table caption is empty"):
        publication(source, **{"01-a.md": "# A\n\n| a |\n|---|\n| 1 |\n\n: {#tbl-x}\n"})


def test_a_reference_inside_a_link_is_its_text(source):
    pub = publication(source, **{"01-a.md": "# A\n\n[see @fig-red](#fig-red)\n\n"
                                            "![Red.](photo.jpg \"R\"){#fig-red}\n"})
    assert '<a href="#fig-red">see Figure\u00a01</a>' in html(PRINT, pub)
