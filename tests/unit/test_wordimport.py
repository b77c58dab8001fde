"""publish.py import: a Word document's body as the manuscript's Markdown, its pictures in
images/, its properties in publication.yaml, and what could not be carried over reported."""

from __future__ import annotations

import zipfile

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings, strategies as st
from PIL import Image

from pressroom.diagnostics import SourceError
from pressroom.manuscript import markdown, plain_text
from pressroom.wordimport import import_document
from pressroom.wordimport.markdown import escape, escape_line_start
from tests import worddocs


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("word")
    document = worddocs.manuscript(folder / "Harbour report.docx")
    result = import_document(document, folder / "harbour")
    return result, folder / "harbour"


def section(folder, number: int) -> str:
    return next((folder / "manuscript").glob(f"{number:02d}-*.md")).read_text(encoding="utf-8")


def test_one_section_per_heading_1_named_after_it(imported):
    result, folder = imported
    names = sorted(path.name for path in (folder / "manuscript").iterdir())
    assert names == ["01-the-harbour-at-dawn.md", "02-the-catch-in-numbers.md",
                     "publication.yaml"]
    assert section(folder, 1).startswith("# The Harbour at Dawn\n")
    assert "\n## On the Quay\n" in section(folder, 1)
    assert (result.sections, result.pictures, result.tables, result.notes) == (2, 1, 1, 1)


def test_the_properties_become_publication_yaml(imported):
    _, folder = imported
    settings = yaml.safe_load((folder / "manuscript" / "publication.yaml").read_text())
    assert settings == {"title": "Harbour Notes", "subtitle": "A field report",
                        "authors": ["Ada Lovelace", "Charles Babbage"], "language": "en-GB",
                        "description": "How the harbour works, season by season.",
                        "layout": "brochure"}


def test_inline_formatting_notes_links_and_lists(imported):
    _, folder = imported
    text = section(folder, 1)
    assert "The boats come back **before sunrise**, *every day*.[^1]\n" in text
    assert text.rstrip().endswith("[^1]: Most boats are under twelve metres long.")
    assert "Read the [harbour archive](https://example.org/harbour) online." in text
    assert ("- Nets are mended on the quay.\n- Crates are stacked by size.\n"
            "  - Small crates first.\n\n1. Unload the catch.\n2. Weigh it.") in text


def test_word_text_that_looks_like_markdown_is_escaped(imported):
    _, folder = imported
    text = section(folder, 1)
    assert ("Prices went up by 5\\*3 % at the \\*old\\* quay\\_side \\[sic\\] \\<tag\\> "
            "\\{x\\} \\& more -\\- see \\#7.\\\nA second line.") in text
    assert "\n1\\. This line is not a list.\n" in text
    assert "\n\\# Neither is this a heading.\n" in text
    assert "\n\\: nor a definition\n" in text


def test_the_picture_is_a_figure_with_its_description_and_caption(imported):
    _, folder = imported
    assert ('![Fishing boats moored along a stone quay.](fishing-boats-moored-along-a-stone-'
            'quay.png "Boats in the harbour at dawn")') in section(folder, 1)
    with Image.open(folder / "images" / "fishing-boats-moored-along-a-stone-quay.png") as image:
        assert (image.format, image.size) == ("PNG", (2000, 1333))


def test_the_table_is_a_pipe_table_with_its_caption_after_it(imported):
    _, folder = imported
    assert ("| Month | Catch (t) |\n|---|---|\n| January | 3.4 |\n"
            "| February \\| March | 2.9 |\n\n: Landings by month\n") in section(folder, 2)


def test_comments_and_tracked_changes_are_reported_and_the_changes_accepted(imported):
    result, folder = imported
    assert "Landings rose sharply in March." in section(folder, 2)
    assert "Check with the harbour master" not in section(folder, 2)
    comment, changes = result.report
    assert comment.startswith("1 comment (by Ada Lovelace) left out")
    assert changes.startswith("tracked changes by Charles Babbage: 1 insertion kept, "
                              "1 deletion carried out")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab 1.)-+=:*_#>[]()<>{}|`\\!&~^$'\"?,c"), min_size=1))
def test_escaped_text_reads_the_same_after_the_markdown(text):
    text = " ".join(text.split())
    if not text:
        return
    tokens = markdown().parse(escape_line_start(escape(text)))
    assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    rendered = plain_text(tokens[1].children)
    assert rendered.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"') \
        == text


def test_a_picture_without_description_takes_its_caption_and_is_reported(tmp_path):
    document = worddocs.without_caption_or_description(tmp_path / "pictures.docx")
    result = import_document(document, tmp_path / "out")
    text = section(tmp_path / "out", 1)
    assert "![](figure-1.png)" in text
    assert '![The blue one](figure-2.png "The blue one")' in text
    assert [line for line in result.report if "no description" in line] == [
        f"picture {n} has no description; its caption stands in as alt text (or it has none): "
        "describe the picture for readers who cannot see it in the ![...] of its figure"
        for n in (1, 2)]


def test_a_missing_title_comes_from_the_title_paragraph_and_is_reported(tmp_path):
    document = worddocs.manuscript(tmp_path / "untitled.docx", title=None)
    result = import_document(document, tmp_path / "out")
    settings = yaml.safe_load((tmp_path / "out" / "manuscript" / "publication.yaml").read_text())
    assert settings["title"] == "Harbour Notes"
    assert any(line.startswith("the document's properties have no title: used its first "
                               "Title paragraph, 'Harbour Notes'") for line in result.report)


def test_the_language_falls_back_to_the_default_language_else_is_asked_for(tmp_path):
    document = worddocs.manuscript(tmp_path / "a.docx", language=None)  # Word's en-US default
    import_document(document, tmp_path / "a")
    assert yaml.safe_load((tmp_path / "a" / "manuscript" / "publication.yaml").read_text())[
        "language"] == "en-US"

    document = Document()
    document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr")).find(qn("w:lang")).getparent().remove(document.styles.element.find(
            qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang")))
    document.add_heading("Only", level=1)
    document.save(tmp_path / "b.docx")
    with pytest.raises(SourceError) as error:
        import_document(tmp_path / "b.docx", tmp_path / "b")
    assert str(error.value).endswith("b.docx: names no language (neither in its properties nor "
                                     "as its default language); give the text's language with "
                                     "--language TAG, e.g. --language en-GB")
    assert not (tmp_path / "b").exists()
    import_document(tmp_path / "b.docx", tmp_path / "b", language="fr")
    assert "language: fr" in (tmp_path / "b" / "manuscript" / "publication.yaml").read_text()


def test_text_boxes_equations_and_headers_are_reported(tmp_path):
    document = Document()
    document.core_properties.title, document.core_properties.language = "Boxes", "en"
    document.add_heading("Boxes", level=1)
    paragraph = document.add_paragraph("See the box.")
    worddocs.text_box(paragraph, "Boxed remark")
    worddocs.equation(document.add_paragraph("Energy: "))
    worddocs.header_text(document, "Harbour Authority — internal")
    document.save(tmp_path / "boxes.docx")
    result = import_document(tmp_path / "boxes.docx", tmp_path / "out")
    assert result.report[0] == ("1 text box (the first: 'Boxed remark') placed as ordinary "
                                "paragraphs where they are anchored; move the text where it "
                                "belongs in the section")
    assert result.report[1].startswith("1 equation (the first: 'E=mc2') left out")
    assert result.report[2].startswith("the headers' text ('Harbour Authority — internal') "
                                       "left out")
    assert len(result.report) == 3
    assert "Boxed remark" in section(tmp_path / "out", 1)


def test_an_existing_manuscript_is_replaced_only_with_force(tmp_path, imported):
    folder = tmp_path / "pub"
    (folder / "manuscript").mkdir(parents=True)
    (folder / "manuscript" / "01-mine.md").write_text("# Mine\n")
    document = worddocs.manuscript(tmp_path / "w.docx")
    with pytest.raises(SourceError, match="already holds a manuscript; import into a new "
                                          "folder, or add --force"):
        import_document(document, folder)
    assert [p.name for p in (folder / "manuscript").iterdir()] == ["01-mine.md"]
    import_document(document, folder, force=True)
    assert not (folder / "manuscript" / "01-mine.md").exists()
    assert (folder / "manuscript" / "01-the-harbour-at-dawn.md").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("content, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "is a Word 97-2003 document (.doc)"),
    (b"just some text", "is not a Word document (.docx) or is damaged"),
    ("zip", "is a zip file but not a Word document"),
])
def test_a_file_that_is_no_docx_is_one_clear_line(tmp_path, content, message):
    path = tmp_path / "report.docx"
    if content == "zip":
        with zipfile.ZipFile(path, "w") as package:
            package.writestr("hello.txt", "hi")
    else:
        path.write_bytes(content)
    with pytest.raises(SourceError) as error:
        import_document(path, tmp_path / "out")
    assert len(error.value.problems) == 1 and message in str(error.value)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "out").exists()


def test_a_corrupt_docx_is_one_clear_line(tmp_path):
    good = worddocs.manuscript(tmp_path / "good.docx")
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 200] = b"\0" * 200
    (tmp_path / "bad.docx").write_bytes(bytes(data))
    with pytest.raises(SourceError) as error:
        import_document(tmp_path / "bad.docx", tmp_path / "out")
    assert "bad.docx: " in str(error.value) and "\n" not in str(error.value)
    assert not (tmp_path / "out").exists()


def test_text_before_the_first_chapter_and_links_to_headings(tmp_path):
    result = import_document(worddocs.cross_references(tmp_path / "links.docx"), tmp_path / "out")
    folder = tmp_path / "out"
    assert section(folder, 1) == ("---\ntitle: Links\nkind: front\n---\n\n"
                                  "A short abstract before any chapter.\n\n"
                                  "> Said by someone wise.\n")
    assert "## Details Here {#first-chapter-details-here}\n" in section(folder, 2)
    assert ("See [the details](02-first-chapter.md#first-chapter-details-here) and nowhere\n"
            in section(folder, 3))
    assert result.report == [
        "the link 'and nowhere' to a place inside the document that is no heading became "
        "plain text; link it again as [text](NN-section.md#heading-id)"]


def test_words_caption_numbers_are_left_to_the_layout(tmp_path):
    result = import_document(worddocs.numbered_caption(tmp_path / "n.docx"), tmp_path / "out")
    assert ('![A blue rectangle.](a-blue-rectangle.png "Boats at dawn")'
            in section(tmp_path / "out", 1))
    assert result.report == ["caption numbers such as 'Figure 1:' left out: the layout numbers "
                             "figures and tables itself"]
