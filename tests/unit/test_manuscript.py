"""pressroom.manuscript: Markdown files -> Sections (front matter, figures, footnotes, headings)."""

from __future__ import annotations

import pytest

from pressroom.diagnostics import SourceError
from pressroom.manuscript import markdown, plain_text, read_section, read_sections


def write(source, text: str, name: str = "01-intro.md"):
    path = source / "manuscript" / name
    path.write_text(text, encoding="utf-8")
    return path


def read(source, text: str, name: str = "01-intro.md"):
    return read_section(write(source, text, name), markdown(), source / "images")


def error(source, text: str, name: str = "01-intro.md") -> SourceError:
    with pytest.raises(SourceError) as caught:
        read(source, text, name)
    return caught.value


def inlines(section) -> list:
    return [t for t in section.tokens if t.type == "inline"]


def headings(section) -> list:
    return [(t, section.tokens[i + 1]) for i, t in enumerate(section.tokens)
            if t.type == "heading_open"]


# --- sections, titles, front matter ---

def test_sections_in_file_name_order(source):
    write(source, "# Third\n", "10-c.md")
    write(source, "# First\n", "01-a.md")
    write(source, "# Second\n", "02-b.md")
    (source / "manuscript" / "notes.txt").write_text("not a section")
    sections = read_sections(source)
    assert [s.title for s in sections] == ["First", "Second", "Third"]
    assert [s.id for s in sections] == ["a", "b", "c"]


def test_no_sections_is_an_error(source):
    with pytest.raises(SourceError, match="no sections found"):
        read_sections(source)


def test_problems_of_several_files_reported_together(source):
    write(source, "no title here\n", "01-a.md")
    write(source, "", "02-b.md")
    with pytest.raises(SourceError) as caught:
        read_sections(source)
    assert [p.file.name for p in caught.value.problems] == ["01-a.md", "02-b.md"]


def test_front_matter_title_id_kind(source):
    section = read(source, "---\ntitle: Preface\nid: the-preface\nkind: front\n---\nHello.\n")
    assert (section.title, section.id, section.kind) == ("Preface", "the-preface", "front")
    assert [t.content for t in inlines(section)] == ["Hello."]


def test_defaults_id_from_file_name_and_kind_body(source):
    section = read(source, "# Intro\n\nText.\n", "03_Getting Started.md")
    assert section.id == "getting-started"
    assert section.kind == "body"


def test_title_from_first_heading_is_removed_from_body(source):
    section = read(source, "# The *Title*\n\nBody text.\n")
    assert section.title == "The Title"
    assert not any(t.type == "heading_open" for t in section.tokens)
    assert [t.content for t in inlines(section)] == ["Body text."]


def test_title_heading_attributes_are_not_part_of_the_title(source):
    assert read(source, "# Intro {#start}\n\nText.\n").title == "Intro"


def test_missing_title(source):
    problem = error(source, "Just text, no heading.\n## Sub\n").problems[0]
    assert "has no title" in problem.message
    assert (problem.file.name, problem.line) == ("01-intro.md", 1)


def test_empty_file(source):
    problem = error(source, "\n  \n").problems[0]
    assert "is empty" in problem.message
    assert problem.line == 1


def test_non_utf8_file_reports_the_line(source):
    path = source / "manuscript" / "01-intro.md"
    path.write_bytes(b"# Title\n\nCaf\xe9 au lait.\n")
    with pytest.raises(SourceError) as caught:
        read_section(path, markdown(), source / "images")
    problem = caught.value.problems[0]
    assert "is not UTF-8" in problem.message
    assert (problem.file, problem.line) == (path, 3)


def test_utf8_bom_and_crlf_are_accepted(source):
    path = source / "manuscript" / "01-intro.md"
    path.write_bytes("\ufeff---\r\ntitle: T\r\n---\r\nCaf\u00e9.\r\n".encode("utf-8"))
    section = read_section(path, markdown(), source / "images")
    assert section.title == "T"
    assert [t.content for t in inlines(section)] == ["Caf\u00e9."]


def test_unknown_front_matter_key(source):
    problem = error(source, "---\nkynd: front\ntitle: T\n---\nText.\n").problems[0]
    assert "unknown key 'kynd'; did you mean 'kind'?" in problem.message
    assert (problem.file.name, problem.line) == ("01-intro.md", 2)  # front matter starts at 2


def test_invalid_front_matter_yaml(source):
    problem = error(source, "---\ntitle: T\nid: a: b\n---\nText.\n").problems[0]
    assert problem.message.startswith("invalid YAML")
    assert (problem.file.name, problem.line) == ("01-intro.md", 3)


# --- figures and images ---

def test_lone_image_becomes_a_figure(source):
    section = read(source, '# T\n\n![A red photo](photo.jpg "The caption")'
                           '{#fig-red .half credit="Jo Doe"}\n')
    assert [t.type for t in section.tokens] == ["figure"]
    figure = section.figures[0]
    assert section.tokens[0].meta["figure"] is figure
    assert figure.alt == "A red photo"
    assert figure.caption == "The caption"
    assert figure.credit == "Jo Doe"
    assert figure.classes == ("half",)
    assert figure.id == "fig-red"
    assert figure.line == 3
    assert (figure.image.name, figure.image.width, figure.image.height) == ("photo.jpg", 600, 400)
    assert figure.image.dpi == 300


def test_figure_defaults(source):
    figure = read(source, "# T\n\n![A photo](images/photo.jpg)\n").figures[0]
    assert figure.id == "fig-photo"
    assert (figure.caption, figure.credit, figure.classes) == ("", None, ())


def test_figure_line_counts_front_matter(source):
    figure = read(source, "---\ntitle: T\n---\n\n![A photo](photo.jpg)\n").figures[0]
    assert figure.line == 5


def test_image_in_running_text_stays_inline(source):
    section = read(source, "# T\n\nSome text ![icon](photo.jpg) inline.\n")
    assert section.figures == []
    children = inlines(section)[0].children
    image = next(c for c in children if c.type == "image")
    assert image.meta["image"].name == "photo.jpg"


def test_missing_image_names_the_file_and_line(source):
    problem = error(source, "# T\n\nFirst paragraph.\n\n![A photo](phot.jpg)\n").problems[0]
    assert "image 'phot.jpg' not found in images/; did you mean 'photo.jpg'?" in problem.message
    assert (problem.file.name, problem.line) == ("01-intro.md", 5)


@pytest.mark.parametrize("src", ["../secret.jpg", "/etc/hosts"])
def test_image_outside_images_folder_is_rejected(source, make_image, src):
    make_image(source / "secret.jpg")
    problem = error(source, f"# T\n\n![A photo]({src})\n").problems[0]
    assert "is outside images/" in problem.message
    assert problem.line == 3


def test_url_image_is_rejected(source):
    problem = error(source, "# T\n\n![A photo](https://example.com/a.jpg)\n").problems[0]
    assert "is a URL" in problem.message


def test_figure_without_alt_text(source):
    problem = error(source, "# T\n\n![](photo.jpg)\n").problems[0]
    assert "figure 'photo.jpg' has no alt text" in problem.message
    assert problem.line == 3


def test_figure_with_two_placements(source):
    problem = error(source, "# T\n\n![A photo](photo.jpg){.half .full-width}\n").problems[0]
    assert "more than one placement" in problem.message


def test_all_problems_of_a_file_reported_together(source):
    found = error(source, "# T\n\n![](photo.jpg)\n\n![A photo](nope.jpg)\n").problems
    assert sorted(p.line for p in found) == [3, 5]


# --- footnotes ---

def test_footnotes_numbered_in_order_of_reference(source):
    section = read(source, "# T\n\nOne[^b] two[^a] three^[An inline note].\n\n"
                           "[^a]: Note A.\n[^b]: Note B.\n")
    notes = sorted(section.footnotes.values(), key=lambda n: n.number)
    assert [n.number for n in notes] == [1, 2, 3]
    assert [n.label for n in notes[:2]] == ["b", "a"]
    assert [n.id for n in notes[:2]] == ["intro-fn1", "intro-fn2"]
    assert [plain_text(n.tokens[1].children) for n in notes] == ["Note B.", "Note A.",
                                                                 "An inline note"]
    assert not any(t.type.startswith("footnote") for t in section.tokens)
    refs = [c.meta["id"] for c in inlines(section)[0].children if c.type == "footnote_ref"]
    assert [section.footnotes[r].number for r in refs] == [1, 2, 3]


def test_footnote_ids_are_unique_with_inline_and_numbered_notes(source):
    section = read(source, "# T\n\nA^[inline] B[^1].\n\n[^1]: Labelled.\n")
    ids = [n.id for n in section.footnotes.values()]
    assert len(set(ids)) == len(ids)


# --- headings and typography ---

def test_heading_attributes_set_id_and_class(source):
    section = read(source, "# T\n\n## Sub {#sub .x}\n\nText.\n")
    (heading, inline), = headings(section)
    assert heading.attrs == {"id": "sub", "class": "x"}
    assert plain_text(inline.children) == "Sub"


def test_other_headings_get_unique_ids(source):
    section = read(source, "# T\n\n## Other\n\n## Other\n\n### A *b* c\n")
    assert [h.attrs["id"] for h, _ in headings(section)] == [
        "intro-other", "intro-other-2", "intro-a-b-c"]


def test_typographic_quotes_and_dashes(source):
    section = read(source, "# T\n\nShe said \"yes\" --- and 'no' -- twice.\n")
    text = plain_text(inlines(section)[0].children)
    assert text == "She said \u201cyes\u201d \u2014 and \u2018no\u2019 \u2013 twice."


def test_headings_in_any_script_get_readable_ids(tmp_path):
    from pressroom.manuscript import heading_slug, markdown, read_section

    assert heading_slug("Landings by Month") == "landings-by-month"
    assert heading_slug("Café au lait") == "cafe-au-lait"  # Latin ids as before
    assert heading_slug("学而 第一") == "学而-第一"
    assert heading_slug("Ψυχή") == "ψυχή" and heading_slug("!!!") == "heading"
    (tmp_path / "images").mkdir()
    path = tmp_path / "01-lunyu.md"
    path.write_text("# 论语\n\n## 学而第一\n\n子曰。\n\n## 为政第二\n\n子曰。\n", encoding="utf-8")
    section = read_section(path, markdown(), tmp_path / "images")
    ids = [token.attrs["id"] for token in section.tokens if token.type == "heading_open"]
    assert ids == ["lunyu-学而第一", "lunyu-为政第二"]


def test_a_character_reference_to_a_control_character_is_an_error_with_its_line(source):
    """``&#12;`` decodes to U+000C (the one C0 control markdown-it keeps; it replaces the others
    by U+FFFD), which no XML output (the EPUB) can hold."""
    problem = error(source, "# 0 &#12; 0\n\nText.\n\nMore &#xC; here.\n").problems
    assert [(p.line, p.message) for p in problem] == [
        (1, "a character reference stands for U+000C, a control character no output can hold; "
            "delete it"),
        (5, "a character reference stands for U+000C, a control character no output can hold; "
            "delete it")]
