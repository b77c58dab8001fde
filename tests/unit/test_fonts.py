"""The faces a layout gives each script (layout.yaml, fonts:), their stacks and their checks."""

import re
from pathlib import Path

import pytest

from pressroom.diagnostics import SourceError
from pressroom.fonts import (check_installed, faces_table, installed, script_code, script_name,
                             stacks, stacks_css, system_key)
from pressroom.layouts import find_layout

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def brochure():
    return find_layout("brochure", REPOSITORY)


def test_the_publications_script_comes_first_then_latin(brochure):
    text = stacks(brochure.fonts, "zh-Hans")["text"]
    assert text[:2] == ("Noto Serif CJK SC", "Charis SIL")
    # the other CJK faces come last: they never set a Chinese publication's Han characters
    assert text[-3:] == ("Noto Serif CJK TC", "Noto Serif CJK JP", "Noto Serif CJK KR")
    assert stacks(brochure.fonts, "zh-TW")["text"][0] == "Noto Serif CJK TC"
    assert stacks(brochure.fonts, "ja")["display"][0] == "Noto Sans CJK JP"
    assert stacks(brochure.fonts, "ar")["text"][:2] == ("Noto Naskh Arabic", "Charis SIL")
    assert stacks(brochure.fonts, "he")["display"][0] == "Noto Sans Hebrew"
    english = stacks(brochure.fonts, "en")
    assert english["text"][0] == "Charis SIL" and english["display"][0] == "Inter"
    assert "Noto Serif CJK SC" in english["text"]  # a quotation in Chinese still has its face
    assert stacks_css(brochure.fonts, "en").startswith('--font-text: "Charis SIL", ')


def test_the_book_overrides_latin_and_inherits_the_other_scripts():
    book = find_layout("book", REPOSITORY)
    roles = stacks(book.fonts, "en")
    assert roles["text"][0] == "Garamond Text" and roles["small"][0] == "Garamond Notes"
    assert roles["label"][0] == "Inter"
    chinese = stacks(book.fonts, "zh-Hans")
    # a script without a small or label face uses its text and display faces there
    assert chinese["small"][0] == "Noto Serif CJK SC" and chinese["label"][0] == "Noto Sans CJK SC"


def test_every_package_a_builtin_layout_names_is_installed_by_setup():
    setup = (REPOSITORY / "scripts" / "setup.sh").read_text()
    packages = set(re.search(r"DEBIAN_PACKAGES=\(([^)]*)\)", setup)[1].split())
    for name in ("brochure", "book"):
        named = {faces.package for faces in find_layout(name, REPOSITORY).fonts.values()}
        assert named - {None} <= packages


def test_every_face_of_the_builtin_layouts_is_installed_here(brochure):
    # scripts/setup.sh installs them; a missing one would stop a build (next test)
    check_installed(brochure.fonts, {"Charis SIL", "Inter"}, "brochure", None)
    assert installed("Noto Serif CJK SC")
    key = system_key(brochure.fonts, {"Charis SIL", "Inter"})
    assert any("NotoSerifCJK" in face for face in key) and all(face.count("|") == 4 for face in key)


def test_a_face_not_installed_stops_the_build_naming_its_package(tmp_path):
    fonts = faces_table({"Hans": {"text": "Nowhere Serif SC", "package": "fonts-nowhere"},
                         "Latn": {"text": "Charis SIL"}})
    with pytest.raises(SourceError) as raised:
        check_installed(fonts, {"Charis SIL"}, "mine", tmp_path / "layout.yaml")
    message = str(raised.value)
    assert "layout 'mine' sets Simplified Chinese in 'Nowhere Serif SC', which is not installed" \
        in message and "install the Debian package fonts-nowhere" in message


def test_layout_yaml_fonts_are_checked(tmp_path):
    layout = tmp_path / "layouts" / "mine"
    layout.mkdir(parents=True)
    (layout / "layout.yaml").write_text("extends: brochure\nfonts:\n  Klingon: {text: X}\n"
                                        "  Hans: {display: Y}\n  Arab: {text: 'A\"; B'}\n")
    with pytest.raises(SourceError) as raised:
        find_layout("mine", tmp_path)
    message = str(raised.value)
    assert "Klingon" in message and "text" in message and "font family name" in message
    assert "layout.yaml:3" in message or "layout.yaml:2" in message


def test_scripts_of_characters():
    assert script_code("\u5317", "ja") == "Jpan" and script_code("\u5317", "en") == "Hans"
    assert script_code("\u3042", "zh-Hans") == "Jpan" and script_code("\uac00", "en") == "Kore"
    assert script_name("\u05d0", "en") == "Hebrew" and script_name("\u2603", "en") == "symbols"
    assert script_name("\u1200", "en") == "Ethiopic"
