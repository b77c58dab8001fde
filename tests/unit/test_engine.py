"""pressroom.engine: the one module that knows WeasyPrint and pydyf, and the versions it supports."""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from pathlib import Path

import pytest

from pressroom import engine
from pressroom.cli import main
from pressroom.diagnostics import SourceError

REPOSITORY = Path(__file__).resolve().parent.parent.parent


def fake_versions(monkeypatch, **versions: str) -> None:
    """WeasyPrint or pydyf saying they are ``versions``, and the engine not yet imported, as in
    a fresh process."""
    for name, version in versions.items():
        monkeypatch.setattr(importlib.import_module(name), "__version__", version)
    monkeypatch.delitem(sys.modules, "pressroom.engine")  # put back when the test ends


def test_the_installed_versions_are_supported():
    engine.check_versions()
    assert engine.installed_versions() == dict(zip(("weasyprint", "pydyf"), engine.versions()))
    assert engine.versions() == (importlib.metadata.version("weasyprint"),
                                 importlib.metadata.version("pydyf"))


@pytest.mark.parametrize("installed, named", [
    ({"weasyprint": "71.0", "pydyf": "0.13.0"}, "WeasyPrint 71.0 is installed"),
    ({"weasyprint": "69.2", "pydyf": "0.13.0"}, "WeasyPrint 69.2 is installed"),
    ({"weasyprint": "70.1", "pydyf": "0.14.0"}, "pydyf 0.14.0 is installed"),
    ({"weasyprint": "70.0", "pydyf": None}, "pydyf is not installed"),
])
def test_another_version_is_refused_naming_both(installed, named):
    with pytest.raises(engine.EngineVersionError) as raised:
        engine.check_versions(installed)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(named)
    assert "Pressroom supports WeasyPrint >=70,<71 and pydyf >=0.13,<0.14" in message


def test_a_patch_release_and_a_pre_release_of_the_supported_major_pass():
    engine.check_versions({"weasyprint": "70.2", "pydyf": "0.13.1"})
    engine.check_versions({"weasyprint": "70.0b1", "pydyf": "0.13.0"})


def test_importing_the_engine_with_another_weasyprint_raises(monkeypatch):
    fake_versions(monkeypatch, weasyprint="71.0")
    with pytest.raises(SourceError) as raised:  # the module's own class is made anew
        importlib.import_module("pressroom.engine")
    assert type(raised.value).__name__ == "EngineVersionError"
    assert str(raised.value).startswith("WeasyPrint 71.0 is installed, but Pressroom supports "
                                        "WeasyPrint >=70,<71")
    assert "pressroom.engine" not in sys.modules


def test_a_version_that_fails_to_import_is_named(monkeypatch):
    """Another WeasyPrint may not even import; its metadata still says which it is."""
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: {"weasyprint": "72.0", "pydyf": "0.13.0"}[name])
    monkeypatch.delitem(sys.modules, "pressroom.engine")
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint: ImportError
    with pytest.raises(SourceError, match=r"^WeasyPrint 72\.0 is installed, but Pressroom"):
        importlib.import_module("pressroom.engine")


def test_the_command_line_reports_another_version_in_one_line(monkeypatch, tmp_path, capsys):
    fake_versions(monkeypatch, pydyf="1.0.0")
    code = main(["build", "-q", "--target", "pdf", "--source", str(REPOSITORY),
                 "--out", str(tmp_path / "out")])
    error = capsys.readouterr().err
    assert code == 2
    assert error.splitlines() == [
        "error: pydyf 1.0.0 is installed, but Pressroom supports WeasyPrint >=70,<71 and pydyf "
        ">=0.13,<0.14; install those: .venv/bin/pip install 'weasyprint>=70,<71' "
        "'pydyf>=0.13,<0.14'"]
    assert not (tmp_path / "out" / "people-to-people-diplomacy-enterprises.pdf").exists()


def test_the_package_requires_the_supported_versions():
    import tomllib

    with (REPOSITORY / "pyproject.toml").open("rb") as file:
        dependencies = tomllib.load(file)["project"]["dependencies"]
    for package in engine.SUPPORTED:
        assert f"{package}{engine.supported_range(package)}" in dependencies


# ---------- Chinese and Japanese lines justified between characters ----------

CHINESE = ("今天晚上，很好的月光。我不见他，已是三十多年；今天见了，精神分外爽快。才知道以前的三十多年，"
           "全是发昏；然而须十分小心。不然，那赵家的狗，何以看我两眼呢？我怕得有理。这是iPhone 14和"
           "Windows 11的测试句子，看看拉丁文字如何处理。")


def _line_ends(language: str, text: str) -> tuple[float, list[float]]:
    """The column's right edge and the right edge of each line's last text box (CSS px)."""
    html = (f'<html lang="{language}"><p style="width: 300px; text-align: justify; '
            f'font: 14px \'Noto Serif CJK SC\', \'Charis SIL\'">{text}</p></html>')
    document = engine.render_document(html, REPOSITORY.as_uri() + "/", None, [])
    page = engine.page_boxes(document)[0]
    paragraph = page.children[0].children[0].children[0]
    ends = []
    for line in paragraph.children:
        texts = [box for box in _descendants(line) if engine.is_text(box) and box.text.strip()]
        ends.append(texts[-1].position_x + texts[-1].width)
    return paragraph.content_box_x() + paragraph.width, ends


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def test_chinese_lines_are_justified_between_characters():
    right, ends = _line_ends("zh-Hans", CHINESE)
    assert len(ends) > 3
    for end in ends[:-1]:                       # every line but the last ends flush
        assert end == pytest.approx(right, abs=0.2)
    assert ends[-1] < right - 5                 # the last is not stretched


def test_other_languages_stretch_only_at_spaces():
    # the same characters marked as English: WeasyPrint's own justification (spaces only), so
    # a line without a space stays short of the edge
    right, ends = _line_ends("en", CHINESE)
    assert any(end < right - 1 for end in ends[:-1])


# ---------- Right-to-left first-line indent ----------

ARABIC = ("ولما كان للإدراك العام لهذه الحقوق والحريات الأهمية الكبرى للوفاء التام بهذا التعهد "
          "ولما كان للإدراك العام لهذه الحقوق والحريات")


@pytest.mark.parametrize("align", ["justify", "start", "center", "end"])
def test_a_right_to_left_indent_is_on_the_right(align):
    """text-indent of a right-to-left paragraph: the first line starts 30px in from the RIGHT
    edge (WeasyPrint 70 alone indents it from the left), the others flush; left to right, the
    same paragraph mirrored."""
    def lines(direction):
        html = (f'<html lang="ar" dir="{direction}"><p style="width: 300px; text-indent: 30px; '
                f'text-align: {align}; font: 14px \'Noto Naskh Arabic\'">{ARABIC}</p></html>')
        document = engine.render_document(html, REPOSITORY.as_uri() + "/", None, [])
        paragraph = engine.page_boxes(document)[0].children[0].children[0].children[0]
        left = paragraph.content_box_x()
        extents = []
        for line in paragraph.children:
            texts = [box for box in _descendants(line) if engine.is_text(box) and box.text.strip()]
            extents.append((min(box.position_x for box in texts) - left,
                            max(box.position_x + box.width for box in texts) - left))
        return extents

    rtl, ltr = lines("rtl"), lines("ltr")
    assert len(rtl) == len(ltr) > 1
    for (rtl_start, rtl_end), (ltr_start, ltr_end) in zip(rtl, ltr):
        assert rtl_start == pytest.approx(300 - ltr_end, abs=0.5)
        assert rtl_end == pytest.approx(300 - ltr_start, abs=0.5)
    if align in ("justify", "start"):
        assert rtl[0][1] == pytest.approx(270, abs=0.5) and rtl[1][1] == pytest.approx(300, abs=0.5)
