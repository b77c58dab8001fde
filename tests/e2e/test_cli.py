"""publish.py as a user runs it: help, exit codes, one-line errors, outputs kept on failure."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import PUBLICATIONS, REPOSITORY


def publish(*args, cwd=REPOSITORY):
    return subprocess.run([sys.executable, str(REPOSITORY / "publish.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "source"
    shutil.copytree(PUBLICATIONS / "features", folder)
    return folder


def test_help_explains_the_build_command():
    result = publish("build", "--help")
    assert result.returncode == 0
    for option in ("--source", "--out", "--target", "pdf", "epub", "all"):
        assert option in result.stdout


def test_a_build_writes_every_output(source, tmp_path):
    result = publish("build", "--source", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [".cache", "field-notes-onix.xml",
                                                     "field-notes-proof.png", "field-notes.epub",
                                                     "field-notes.pdf", "press", "web"]
    assert (out / "web" / "index.html").is_file()
    assert sorted(p.name for p in (out / "press").iterdir()) == [
        "field-notes-cover-preflight.json", "field-notes-cover-preflight.txt",
        "field-notes-cover.pdf", "field-notes-job.json", "field-notes-preflight.json",
        "field-notes-preflight.txt", "field-notes-press.pdf"]  # perfect: a cover, no sheets


def test_check_reruns_the_preflight_and_exits_1_on_a_refused_file(source, tmp_path):
    out = tmp_path / "out"
    # without the code section, the press file has 10 pages: not a multiple of 4
    (source / "manuscript" / "02b-code.md").unlink()
    assert publish("build", "--source", str(source), "--out", str(out), "--target", "press").returncode == 0
    import pikepdf
    with pikepdf.open(next((out / "press").glob("*-press.pdf"))) as press:
        assert len(press.pages) % 4, "the test needs a page count saddle stitching refuses"
    result = publish("check", "--source", str(source), "--out", str(out))
    assert result.returncode == 0 and result.stdout.startswith("PASS"), result.stdout
    settings = source / "manuscript" / "publication.yaml"
    settings.write_text(settings.read_text().replace("binding: perfect", "binding: saddle-stitch"))
    result = publish("check", "--source", str(source), "--out", str(out))
    assert result.returncode == 1 and result.stdout.startswith("FAIL")
    assert "multiple of 4" in result.stdout


def test_a_source_error_is_one_line_with_file_and_line_and_exit_2(source):
    section = source / "manuscript" / "01-harbour.md"
    section.write_text(section.read_text().replace("harbour.jpg", "harbor.jpg"))
    result = publish("build", "--source", str(source), "--target", "epub")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: {section}:6: image 'harbor.jpg' not found in images/; "
                     "did you mean 'harbour.jpg'?"]


def test_every_settings_problem_is_reported_at_once(source):
    (source / "manuscript" / "publication.yaml").write_text(
        "titel: Typo\nlanguage: english!\nprint:\n  bleed: lots\n")
    result = publish("build", "--source", str(source))
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 4, errors
    assert "publication.yaml:1: unknown key 'titel'; did you mean 'title'?" in errors[0]
    assert "publication.yaml:2:" in errors[1] and "BCP 47" in errors[1]
    assert "publication.yaml:4:" in errors[2] and "print.bleed" in errors[2]
    assert "'title' is required" in errors[3]


def test_a_failed_build_leaves_the_previous_outputs_untouched(source, tmp_path):
    out = tmp_path / "out"
    assert publish("build", "--source", str(source), "--out", str(out)).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # A mistake that is only found while rendering: a broken template in the source's layout.
    shutil.copytree(REPOSITORY / "layouts" / "brochure", source / "layouts" / "brochure")
    template = source / "layouts" / "brochure" / "print.html"
    template.write_text(template.read_text().replace("{{ body(section) }}", "{{ body(section) }"))
    result = publish("build", "--source", str(source), "--out", str(out))
    assert result.returncode == 2
    assert f"{template}:" in result.stderr and "template error" in result.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # same files, same bytes, no half-written leftovers


def test_an_unwritable_output_folder_is_a_clear_error(source, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the output folder should be")
    result = publish("build", "--source", str(source), "--out", str(blocked / "out"), "--target", "epub")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Not a directory; check the folder" in errors[0]


def test_check_runs_epubcheck_and_exits_1_on_a_broken_epub(source, tmp_path):
    import zipfile

    out = tmp_path / "out"
    assert publish("build", "--source", str(source), "--out", str(out), "--target", "epub").returncode == 0
    result = publish("check", "--source", str(source), "--out", str(out))
    assert result.returncode == 0 and "PASS  field-notes.epub checked with EPUBCheck: 0 messages" in result.stdout
    epub = out / "field-notes.epub"
    with zipfile.ZipFile(epub) as original:
        entries = {name: original.read(name) for name in original.namelist()}
    entries["EPUB/content.opf"] = entries["EPUB/content.opf"].replace(b"<dc:title ", b"<dc:titel ").replace(
        b"</dc:title>", b"</dc:titel>")
    with zipfile.ZipFile(epub, "w") as broken:
        for name, data in entries.items():
            broken.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    result = publish("check", "--source", str(source), "--out", str(out))
    assert result.returncode == 1
    assert "FAIL  field-notes.epub checked with EPUBCheck" in result.stdout
    assert "ERROR RSC-005 EPUB/content.opf" in result.stdout


@pytest.mark.parametrize("separate", [False, True], ids=["one-process", "second-process"])
def test_an_internal_error_is_one_line_naming_the_stage_and_a_report(source, tmp_path, capsys,
                                                                     monkeypatch, separate):
    """A fault of Pressroom's own (here: the press PDF's save fails) is no traceback: one line
    naming the stage and the report file that holds the traceback, and exit code 3; the press
    render in a second process reports the same way."""
    from pressroom import cli
    from pressroom.targets import press

    def broken(*args, **kwargs):
        raise RuntimeError("qpdf wrote no static /ID to replace\nsecond line")

    monkeypatch.setattr(press, "save", broken)
    out = tmp_path / "out"
    code = cli.main(["build", "--source", str(source), "--out", str(out), "-q",
                     "--target", "all" if separate else "press"])
    stderr = capsys.readouterr().err
    assert code == 3, stderr
    assert "Traceback" not in stderr
    line, = stderr.strip().splitlines()
    assert line.startswith("internal error while making the press files: RuntimeError: qpdf "
                           "wrote no static /ID to replace; the full report is in "), line
    report = Path(line.split("the full report is in ")[1].split("; please")[0]).resolve()
    assert report.parent == out / ".cache"
    text = report.read_text(encoding="utf-8")
    assert "Traceback" in text and "in broken" in text and "weasyprint" in text
    assert not list(out.rglob("*.part"))


def test_a_reader_that_goes_away_is_no_error(source, tmp_path):
    """``publish.py build --json | head -1``: the report's reader closes the pipe; the build
    ends as a shell's command would (128 + SIGPIPE), without a traceback or an error report."""
    process = subprocess.Popen([sys.executable, str(REPOSITORY / "publish.py"), "build",
                                "--source", str(source), "--out", str(tmp_path / "out"),
                                "--target", "epub", "--json"],
                               cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    process.stdout.close()  # before the report is written
    stderr = process.stderr.read()
    assert process.wait() == 141, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert (tmp_path / "out" / "field-notes.epub").is_file()
