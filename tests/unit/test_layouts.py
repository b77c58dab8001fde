"""pressroom.layouts: finding layouts, rendering their templates, and template errors."""

from __future__ import annotations

import pytest

from pressroom.diagnostics import SourceError
from pressroom.layouts import BUILTIN, find_layout, roman


@pytest.fixture
def own_layout(tmp_path):
    """The source's own ``layouts/brochure/``, with templates written by each test."""
    folder = tmp_path / "layouts" / "brochure"
    folder.mkdir(parents=True)

    def with_templates(**templates: str):
        for name, text in templates.items():
            (folder / f"{name}.html").write_text(text)
        return find_layout("brochure", tmp_path)

    return with_templates


def render_error(layout, template: str, **context):
    with pytest.raises(SourceError) as caught:
        layout.render(template, **context)
    return caught.value.problems[0]


def test_roman():
    samples = {1: "I", 2: "II", 3: "III", 4: "IV", 9: "IX", 14: "XIV", 40: "XL", 90: "XC",
               400: "CD", 1994: "MCMXCIV", 2024: "MMXXIV", 3999: "MMMCMXCIX"}
    assert {number: roman(number) for number in samples} == samples
    assert roman(None) == roman(0) == ""


def test_builtin_brochure_is_found(tmp_path):
    layout = find_layout("brochure", tmp_path)
    assert layout.name == "brochure"
    assert layout.folder == BUILTIN / "brochure"
    assert layout.path("print.html").is_file()


def test_source_layout_wins_over_builtin(tmp_path, own_layout):
    layout = own_layout(page="mine")
    assert layout.folder == tmp_path / "layouts" / "brochure"
    assert layout.render("page.html") == "mine"


def test_unknown_layout_lists_known_layouts(tmp_path):
    (tmp_path / "layouts" / "magazine").mkdir(parents=True)
    with pytest.raises(SourceError) as caught:
        find_layout("newsletter", tmp_path)
    problem = caught.value.problems[0]
    assert "layout 'newsletter' not found; use one of: " in problem.message
    known = problem.message.split("use one of: ")[1].split(" (")[0].split(", ")
    assert {"brochure", "magazine"} <= set(known) and known == sorted(known)
    assert problem.file == tmp_path / "manuscript" / "publication.yaml"


def test_missing_template(own_layout):
    problem = render_error(own_layout(page="x"), "nothing.html")
    assert "has no template nothing.html" in problem.message


def test_an_overriding_layout_keeps_the_built_in_files_it_lacks(tmp_path, own_layout):
    layout = own_layout(page="mine")
    assert layout.folders == (tmp_path / "layouts" / "brochure", BUILTIN / "brochure")
    assert layout.path("print.css") == BUILTIN / "brochure" / "print.css"
    font = tmp_path / "layouts" / "brochure" / "fonts" / "Inter-Regular.otf"
    assert layout.locate(font) == BUILTIN / "brochure" / "fonts" / "Inter-Regular.otf"
    assert layout.locate(tmp_path / "elsewhere.otf") is None


def test_a_layout_extends_another_and_merges_print_defaults(tmp_path):
    mine = tmp_path / "layouts" / "mine"
    mine.mkdir(parents=True)
    (mine / "layout.yaml").write_text("extends: brochure\nprint:\n  trim: A5\n  binding: perfect\n")
    layout = find_layout("mine", tmp_path)
    assert layout.folders == (mine, BUILTIN / "brochure")
    assert layout.print_defaults["binding"] == "perfect"
    assert layout.print_defaults["trim"].name == "A5"
    assert layout.path("print.html") == BUILTIN / "brochure" / "print.html"


def test_a_layout_extending_itself_is_an_error(tmp_path):
    for name, parent in (("a", "b"), ("b", "a")):
        (tmp_path / "layouts" / name).mkdir(parents=True)
        (tmp_path / "layouts" / name / "layout.yaml").write_text(f"extends: {parent}\n")
    with pytest.raises(SourceError, match="extends itself in a loop"):
        find_layout("a", tmp_path)


def test_layout_yaml_is_checked_like_publication_yaml(tmp_path):
    (tmp_path / "layouts" / "mine").mkdir(parents=True)
    (tmp_path / "layouts" / "mine" / "layout.yaml").write_text("print:\n  trim: B7\n")
    with pytest.raises(SourceError) as caught:
        find_layout("mine", tmp_path)
    problem = caught.value.problems[0]
    assert problem.file.name == "layout.yaml" and problem.line == 2 and "print.trim" in problem.message


def test_template_syntax_error_reports_file_and_line(tmp_path, own_layout):
    layout = own_layout(page="<p>one</p>\n<p>two</p>\n<p>{{ title + }}</p>\n<p>four</p>\n")
    problem = render_error(layout, "page.html", title="T")
    assert problem.message.startswith("template error:")
    assert problem.file == tmp_path / "layouts" / "brochure" / "page.html"
    assert problem.line == 3


def test_undefined_variable_is_an_error_with_file_and_line(tmp_path, own_layout):
    layout = own_layout(page="<p>{{ title }}</p>\n<p>ok</p>\n<p>{{ subtitle }}</p>\n")
    problem = render_error(layout, "page.html", title="T")
    assert problem.message == "template error: 'subtitle' is undefined"
    assert problem.file == tmp_path / "layouts" / "brochure" / "page.html"
    assert problem.line == 3


def test_missing_attribute_is_an_error(own_layout):
    layout = own_layout(page="ok\n{{ settings.subtitel }}\n")
    problem = render_error(layout, "page.html", settings={"subtitle": "S"})
    assert "no attribute 'subtitel'" in problem.message
    assert problem.line == 2


def test_undefined_variable_in_an_included_template(tmp_path, own_layout):
    layout = own_layout(page="start\n{% include 'part.html' %}\n", part="a\nb\n{{ missing }}\n")
    problem = render_error(layout, "page.html")
    assert "'missing' is undefined" in problem.message
    assert (problem.file.name, problem.line) == ("part.html", 3)


def test_autoescape(own_layout):
    layout = own_layout(page="<h1>{{ title }}</h1>")
    html = layout.render("page.html", title="<script>alert('x')</script> & co")
    assert html == "<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</h1>"


def test_roman_filter(own_layout):
    assert own_layout(page="{{ n|roman }}").render("page.html", n=14) == "XIV"
