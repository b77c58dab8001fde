"""publish.py import, then build: a Word document becomes a publication whose screen PDF holds
its headings, caption and table, and whose EPUB passes EPUBCheck; what is no .docx, or would
overwrite a manuscript, is refused in one line."""

from __future__ import annotations

import contextlib
import io

import pypdfium2
import pytest

from pressroom.build import build
from pressroom.cli import main
from pressroom.ebookcheck import epubcheck
from tests import worddocs


def run(*argv: str) -> tuple[int, str]:
    """``publish.py ARGV`` in this process: the exit code and what it printed on stderr."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(list(argv))
    return code, stderr.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    parent = tmp_path_factory.mktemp("import")
    document = worddocs.manuscript(parent / "harbour.docx")
    code, stderr = run("import", str(document), "--source", str(parent / "harbour"))
    report = build(parent / "harbour", parent / "out", targets=("pdf", "epub"))
    return parent, code, stderr, report


def test_the_import_says_what_it_left_out_and_what_to_do_next(built):
    parent, code, stderr, _ = built
    lines = stderr.splitlines()
    assert code == 0
    assert [line.split(": ", 2)[2][:30] for line in lines if line.startswith("warning: ")] == [
        "1 comment (by Ada Lovelace) le", "tracked changes by Charles Bab"]
    assert lines[-2].endswith("harbour: 2 sections, 1 picture, 1 table, 1 note")
    assert lines[-1].startswith("next: publish.py build --source ")
    assert sorted(p.name for p in parent.iterdir()) == ["harbour", "harbour.docx", "out"]


def test_the_imported_publication_builds_a_pdf_with_the_documents_text(built):
    parent, _, _, report = built
    assert report.warnings == []
    pdf = next(path for path in report.outputs if path.suffix == ".pdf")
    document = pypdfium2.PdfDocument(pdf)
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    for expected in ("The Harbour at Dawn", "On the Quay", "The Catch in Numbers",
                     "Boats in the harbour at dawn", "February | March", "Landings by month",
                     "5*3 % at the *old* quay_side [sic] <tag> {x} & more -- see #7.",
                     "1. This line is not a list.", "Most boats are under twelve metres long."):
        assert expected in text, expected


def test_the_imported_publications_epub_passes_epubcheck(built):
    _, _, _, report = built
    epub = next(path for path in report.outputs if path.suffix == ".epub")
    assert epubcheck(epub) == []


def test_a_file_that_is_no_docx_is_refused_in_one_line(tmp_path):
    notes = tmp_path / "notes.docx"
    notes.write_text("These are plain-text notes, not a Word document.\n")
    code, stderr = run("import", str(notes), "--source", str(tmp_path / "pub"))
    assert code == 2
    assert stderr.splitlines() == [f"error: {notes}: is not a Word document (.docx) or is "
                                   "damaged; open it in Word and save it as 'Word Document "
                                   "(.docx)'"]
    assert not (tmp_path / "pub").exists()


def test_an_existing_manuscript_is_refused_without_force(tmp_path):
    document = worddocs.manuscript(tmp_path / "harbour.docx")
    folder = tmp_path / "pub"
    assert run("import", str(document), "--source", str(folder), "-q")[0] == 0
    before = {p.name: p.read_bytes() for p in (folder / "manuscript").iterdir()}
    (folder / "manuscript" / "01-the-harbour-at-dawn.md").write_text("# Edited by hand\n")
    code, stderr = run("import", str(document), "--source", str(folder))
    assert code == 2
    assert stderr.splitlines() == [f"error: {folder}: already holds a manuscript; import into "
                                   "a new folder, or add --force to replace manuscript/"]
    assert (folder / "manuscript" / "01-the-harbour-at-dawn.md").read_text() == \
        "# Edited by hand\n"
    assert run("import", str(document), "--source", str(folder), "--force", "-q")[0] == 0
    after = {p.name: p.read_bytes() for p in (folder / "manuscript").iterdir()}
    assert after.keys() == before.keys()
    assert after["01-the-harbour-at-dawn.md"] == before["01-the-harbour-at-dawn.md"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
