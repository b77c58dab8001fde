"""publish.py new: a publication in each layout that builds at once, without a warning, and
passes the printers' preflight and EPUBCheck; a folder that is not empty is refused untouched."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from pressroom.cli import main
from pressroom.config import load_settings
from pressroom.diagnostics import display_path
from pressroom.ebookcheck import epubcheck
from pressroom.scaffold import LAYOUTS

pytestmark = pytest.mark.filterwarnings("error")  # a library's warning is a warning too


def run(*argv: str) -> tuple[int, str]:
    """``publish.py ARGV`` in this process: the exit code and what it printed on stderr."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(list(argv))
    return code, stderr.getvalue()


@pytest.fixture(scope="module", params=LAYOUTS)
def built(request, tmp_path_factory):
    """``new`` into a fresh folder, then ``build`` of every target, quietly."""
    parent = tmp_path_factory.mktemp(request.param)
    folder = parent / "mybook"
    made = run("new", str(folder), "--layout", request.param, "-q")
    assert [path.name for path in parent.iterdir()] == ["mybook"]  # no temporary folder left
    return folder, made, run("build", "--source", str(folder), "-q")


def test_a_new_publication_builds_every_output_without_a_warning(built):
    folder, made, (code, stderr) = built
    assert made == (0, "")
    assert (code, stderr) == (0, "")
    out = folder / "output"
    for name in ("mybook.pdf", "mybook-proof.png", "mybook.epub", "press/mybook-press.pdf",
                 "press/mybook-job.json"):
        assert (out / name).stat().st_size > 0, name
    preflight = json.loads((out / "press" / "mybook-preflight.json").read_text())
    assert preflight["passed"] and preflight["counts"]["warning"] == 0, preflight["findings"]


@pytest.mark.parametrize("built", ["brochure"], indirect=True)  # the book's EPUB is the brochure's
def test_the_new_epub_passes_epubcheck(built):
    folder, _, _ = built
    assert epubcheck(folder / "output" / "mybook.epub") == []


def test_the_placeholder_images_are_the_same_every_time(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    assert run("new", str(first), "-q") == run("new", str(second), "-q") == (0, "")
    for image in (first / "images").iterdir():
        assert image.read_bytes() == (second / "images" / image.name).read_bytes()


def test_new_refuses_a_folder_that_is_not_empty_and_leaves_it_unchanged(tmp_path):
    folder = tmp_path / "mybook"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes")
    code, stderr = run("new", str(folder))
    assert code == 2
    assert stderr.splitlines() == [
        f"error: {display_path(folder)}: is not empty; choose an empty or new folder"]
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "my notes"
    assert [path.name for path in tmp_path.iterdir()] == ["mybook"]


def test_title_comes_from_the_option_or_the_folder_name(tmp_path):
    titled = tmp_path / "titled"
    title = 'Ships: "The Sea" & the #1 Port'  # YAML would misread it unquoted
    assert run("new", str(titled), "--title", title, "-q") == (0, "")
    settings = load_settings(titled / "manuscript" / "publication.yaml")
    assert (settings.title, settings.slug) == (title, "ships-the-sea-the-1-port")
    assert (titled / "README.md").read_text().startswith(f"# {title}\n")

    empty = tmp_path / "field-notes"
    empty.mkdir()  # an existing empty folder is filled in place
    code, stderr = run("new", str(empty), "--layout", "book")
    assert code == 0
    assert stderr.splitlines()[-1] == f"next: publish.py build --source {display_path(empty)}"
    settings = load_settings(empty / "manuscript" / "publication.yaml")
    assert (settings.title, settings.layout, settings.slug) == ("Field Notes", "book", "field-notes")
    assert sorted(path.name for path in empty.iterdir()) == ["README.md", "images", "manuscript"]


def test_an_empty_title_is_refused(tmp_path):
    assert run("new", str(tmp_path / "x"), "--title", " ") == (
        2, "error: --title must be a non-empty text\n")
    assert not (tmp_path / "x").exists()


def test_a_failure_leaves_nothing_half_made(tmp_path, monkeypatch):
    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pressroom.scaffold.placeholder", disk_full)
    code, stderr = run("new", str(tmp_path / "mybook"))
    assert code == 2
    assert stderr == ("error: No space left on device; check the folder's permissions and free "
                      "space\n")
    assert list(tmp_path.iterdir()) == []
