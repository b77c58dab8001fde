"""Unchanged work is never redone: the build cache (``pressroom.cache``).

A rebuild with nothing changed reads nothing and touches no output; a change rebuilds exactly
the targets that depend on it; a damaged or deleted cache only costs a full build.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from pressroom.build import build

from ..conftest import PUBLICATIONS, REPOSITORY

TARGETS = ("pdf", "epub", "press")


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "source"
    shutil.copytree(PUBLICATIONS / "features", folder)
    return folder


def times(out) -> dict[str, int]:
    """Every output file's modification time (nanoseconds), the cache left out."""
    return {path.relative_to(out).as_posix(): path.stat().st_mtime_ns
            for path in out.rglob("*") if path.is_file() and ".cache" not in path.parts}


def changed(before: dict, after: dict) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def test_a_rebuild_with_nothing_changed_touches_nothing(source, tmp_path):
    out = tmp_path / "out"
    first = build(source, out, TARGETS)
    assert first.rebuilt == list(TARGETS)
    before = times(out)
    again = build(source, out, TARGETS)
    assert again.rebuilt == [] and again.publication is None  # not even read
    assert times(out) == before
    assert again.outputs == first.outputs
    assert again.warnings == first.warnings and again.pages == first.pages


def test_a_changed_section_rebuilds_what_depends_on_it(source, tmp_path):
    out = tmp_path / "out"
    build(source, out, ("proof", "epub"))  # the proof sheet asks for the screen PDF
    section = source / "manuscript" / "01-harbour.md"
    section.write_text(section.read_text() + "\nA sentence added in the last minute.\n")
    before = times(out)
    report = build(source, out, ("proof", "epub"))
    assert report.rebuilt == ["pdf", "proof", "epub"]
    assert changed(before, times(out)) == {"field-notes.pdf", "field-notes-proof.png",
                                           "field-notes.epub"}


def test_a_touched_file_with_the_same_content_rebuilds_nothing(source, tmp_path):
    out = tmp_path / "out"
    build(source, out, ("pdf", "epub"))
    before = times(out)
    (source / "manuscript" / "01-harbour.md").touch()
    (source / "images" / "harbour.jpg").touch()
    report = build(source, out, ("pdf", "epub"))
    assert report.rebuilt == [] and report.publication is not None  # read, found unchanged
    assert times(out) == before


def test_a_change_to_the_epub_stylesheet_rebuilds_only_the_epub(source, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(REPOSITORY / "layouts" / "brochure", source / "layouts" / "brochure")
    build(source, out, TARGETS)
    before = times(out)
    css = source / "layouts" / "brochure" / "epub.css"
    css.write_text(css.read_text() + "\nblockquote { font-style: italic; }\n")
    report = build(source, out, TARGETS)
    assert report.rebuilt == ["epub"]
    assert changed(before, times(out)) == {"field-notes.epub"}
    press_css = source / "layouts" / "brochure" / "press.css"
    press_css.write_text(press_css.read_text() + "\n/* a note for the printer */\n")
    report = build(source, out, TARGETS)
    assert report.rebuilt == ["press"]
    assert {name.split("/")[0] for name in changed(before, times(out))} == {"field-notes.epub",
                                                                           "press"}


def test_a_deleted_or_edited_output_is_made_again(source, tmp_path):
    out = tmp_path / "out"
    build(source, out, ("pdf", "epub"))
    (out / "field-notes.epub").unlink()
    assert build(source, out, ("pdf", "epub")).rebuilt == ["epub"]
    with open(out / "field-notes.pdf", "ab") as pdf:
        pdf.write(b"\n% edited by hand\n")
    assert build(source, out, ("pdf", "epub")).rebuilt == ["pdf"]
    assert (out / "field-notes.epub").is_file()
    assert not (out / "field-notes-proof.png").exists()  # not asked for
    assert build(source, out, ("pdf", "proof")).rebuilt == ["proof"]  # from the current PDF
    (out / "field-notes-proof.png").unlink()
    assert build(source, out, ("proof",)).rebuilt == ["proof"]


def test_a_damaged_cache_costs_a_full_build_and_nothing_else(source, tmp_path):
    out = tmp_path / "out"
    build(source, out, ("epub",))
    (out / ".cache" / "build.json").write_text("{not json")
    assert build(source, out, ("epub",)).rebuilt == ["epub"]
    shutil.rmtree(out / ".cache")
    assert build(source, out, ("epub",)).rebuilt == ["epub"]
    assert json.loads((out / ".cache" / "build.json").read_text())["targets"]["epub"]


def test_warnings_are_reported_again_when_nothing_changed(source, tmp_path):
    out = tmp_path / "out"
    section = source / "manuscript" / "01-harbour.md"
    section.write_text(section.read_text() + "\n<script>alert(1)</script>\n")
    first = build(source, out, ("epub",))
    assert any("script" in warning for warning in first.warnings)
    assert build(source, out, ("epub",)).warnings == first.warnings


def test_an_epub_rebuild_beside_a_current_screen_pdf_does_not_load_the_layout_engine(
        source, tmp_path):
    """The EPUB needs the engine for its page-list (the print pages, laid out anew when the
    screen PDF is not current: an EPUB-only build makes the same book as a full one,
    tests/e2e/test_pagelist.py) and its cover (the layout's cover.html, then cached); rebuilt
    beside a current screen PDF, it takes both from the cache and never loads WeasyPrint."""
    build(source, tmp_path / "out", ("pdf", "epub"))
    for epub in (tmp_path / "out").glob("*.epub"):
        epub.unlink()
    code = ("import sys; from pressroom.cli import main; "
            f"code = main(['build', '-q', '--target', 'epub', '--source', {str(source)!r}, "
            f"'--out', {str(tmp_path / 'out')!r}]); "
            "print(code, 'weasyprint' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPOSITORY, timeout=300)
    assert result.stdout.split() == ["0", "False"], result.stderr


def test_json_report_says_what_was_rebuilt(source, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, str(REPOSITORY / "publish.py"), "build", "--json", "--target",
               "pdf", "--source", str(source), "--out", str(out)]
    first = json.loads(subprocess.run(command, capture_output=True, text=True, check=True,
                                      timeout=300).stdout)
    again = json.loads(subprocess.run(command, capture_output=True, text=True, check=True,
                                      timeout=300).stdout)
    assert first["targets"] == {"pdf": "rebuilt"} and again["targets"] == {"pdf": "unchanged"}
    pdf = next(entry for entry in first["outputs"] if entry["path"].endswith("field-notes.pdf"))
    assert pdf["pages"] >= 4 and pdf["bytes"] == (out / "field-notes.pdf").stat().st_size
    assert first["exit_code"] == 0 and first["timings"]["pdf"] > 0
    assert again["outputs"] == first["outputs"]


def test_the_web_edition_follows_its_own_layout_files_and_its_files(source, tmp_path):
    """web.css and web.html are the web edition's alone; a page of the edition deleted or
    edited by hand is made again, though the report lists only its front page."""
    out = tmp_path / "out"
    shutil.copytree(REPOSITORY / "layouts" / "brochure", source / "layouts" / "brochure")
    first = build(source, out, ("pdf", "epub", "web"))
    assert first.rebuilt == ["pdf", "epub", "web"]
    assert [path for path in first.outputs if "web" in path.parts] == [out / "web" / "index.html"]
    before = times(out)
    css = source / "layouts" / "brochure" / "web.css"
    css.write_text(css.read_text() + "\nblockquote { font-style: italic; }\n")
    assert build(source, out, ("pdf", "epub", "web")).rebuilt == ["web"]
    assert {name.split("/")[0] for name in changed(before, times(out))} == {"web"}
    page = next((out / "web").glob("*.html"))
    page.unlink()
    assert build(source, out, ("web",)).rebuilt == ["web"]
    assert page.is_file()
