"""A catalogue's file and titles read before anything is built; the locks that let builds
share an output folder's cache and a catalogue's content cache."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pressroom.atomic import made_by_one, made_once, output_lock
from pressroom.catalogue import Outcome, exit_code, plan, read_catalogue, table
from pressroom.diagnostics import SourceError

PUBLICATIONS = Path(__file__).resolve().parent.parent / "publications"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_list_of_folders_relative_to_the_file(tmp_path):
    listed = read_catalogue(write(tmp_path / "series.yaml", "# backlist\n- a\n- sub/b\n- /abs\n"))
    assert [(path, where.line) for path, where in listed] == [
        (tmp_path / "a", 2), (tmp_path / "sub" / "b", 3), (Path("/abs"), 4)]
    titles = read_catalogue(write(tmp_path / "t.yaml", "titles:\n  - a\n"))
    assert [path for path, _ in titles] == [tmp_path / "a"]


@pytest.mark.parametrize("text, line, says", [
    ("a: b\n", 1, "YAML list of publication folders"),
    ("", 1, "YAML list"),
    ("- a\n- [b]\n- 3\n", 2, "publication folder's path"),
    ("- a\n-\n", 2, "publication folder's path"),
    ("- a\n - b: [\n", 2, "invalid YAML"),
])
def test_a_wrong_catalogue_names_its_line(tmp_path, text, line, says):
    with pytest.raises(SourceError) as raised:
        read_catalogue(write(tmp_path / "c.yaml", text))
    problem = raised.value.problems[0]
    assert problem.file == tmp_path / "c.yaml" and problem.line == line
    assert says in problem.message


def test_a_missing_catalogue():
    with pytest.raises(SourceError, match="not found; a catalogue is a YAML list"):
        read_catalogue(Path("/nonexistent/catalogue.yaml"))


def test_each_titles_problem_is_its_own(tmp_path):
    (tmp_path / "empty").mkdir()
    catalogue = write(tmp_path / "c.yaml", f"- {PUBLICATIONS / 'ar'}\n- {PUBLICATIONS / 'he'}\n"
                                          f"- empty\n- gone\n- {PUBLICATIONS / 'ar'}\n")
    titles = plan(read_catalogue(catalogue))
    assert [title.problem is None for title in titles] == [True, True, False, False, False]
    assert "c.yaml:3: " in titles[2].problem and "has no manuscript/ folder" in titles[2].problem
    assert "c.yaml:4: " in titles[3].problem and "no such folder" in titles[3].problem
    assert "c.yaml:5: " in titles[4].problem and "listed twice" in titles[4].problem
    assert titles[0].slug != titles[1].slug


def test_two_titles_with_one_slug(tmp_path):
    for name in ("one", "two"):
        write((tmp_path / name / "manuscript").mkdir(parents=True) or
              tmp_path / name / "manuscript" / "publication.yaml",
              "title: Same\nlanguage: en\nslug: same\n")
    first, second = plan([(tmp_path / "one", None), (tmp_path / "two", None)])
    assert first.problem is None
    assert "has the slug 'same' of" in second.problem and "'slug:'" in second.problem


def test_the_worst_exit_code_and_the_table():
    outcomes = [Outcome("part-iv", "/s/a", 0, 12.34, outputs=["a.pdf", "a.epub"]),
                Outcome("part-v", "/s/b", 1, 3.0, outputs=["b.pdf"], errors=["press: 2 errors"],
                        warnings=["w"]),
                Outcome("broken", "/s/c", 2, errors=["c.yaml:3: ..."])]
    assert exit_code(outcomes) == 2 and exit_code(outcomes[:2]) == 1 and exit_code([]) == 0
    assert table(outcomes).splitlines() == [
        "title    result     outputs  warnings  errors  seconds",
        "part-iv  built            2         0       0     12.3",
        "part-v   preflight        1         1       1      3.0",
        "broken   source           0         0       1      0.0"]


def test_one_build_at_a_time_writes_an_output_folder(tmp_path):
    entered, waited = threading.Event(), []

    def second():
        with output_lock(tmp_path, lambda: waited.append(True)):
            entered.set()

    with output_lock(tmp_path):
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)
        assert not entered.is_set()  # it waits while the first build holds the folder
    thread.join(60)
    assert entered.is_set() and waited == [True]


def test_a_shared_cache_entry_is_made_once(tmp_path):
    entry, made = tmp_path / "cache" / "web-abc.woff2", []
    assert made_once(entry, lambda: made.append(1) or b"font") == b"font"
    assert made_once(entry, lambda: made.append(1) or b"other") == b"font"
    assert made == [1]
    # A build that needs an entry another build is making waits for it, then reads it.
    other = tmp_path / "cache" / "press-x.jpg"
    results = []
    with made_by_one(other):
        thread = threading.Thread(target=lambda: results.append(
            made_once(other, lambda: b"made twice")))
        thread.start()
        thread.join(0.5)
        assert not results
        other.write_bytes(b"made by the first")
    thread.join(60)
    assert results == [b"made by the first"]
    assert not list((tmp_path / "cache").glob(".*.lock"))


def test_a_worker_refuses_a_title_it_cannot_build_as_asked(tmp_path):
    from pressroom.cache import code_digest
    from pressroom.catalogue import build_title

    source = str(PUBLICATIONS / "ar")
    other = build_title(source, str(tmp_path / "out"), str(tmp_path / "cache"), "ar", [],
                        str(tmp_path), "0" * 64)
    assert other.exit_code == 2 and not (tmp_path / "out").exists()
    assert "runs another version of Pressroom" in other.errors[0]
    unseen = build_title(str(tmp_path / "elsewhere"), str(tmp_path / "out"),
                         str(tmp_path / "cache"), "x", [], str(tmp_path), code_digest())
    assert unseen.exit_code == 2 and "a shared filesystem" in unseen.errors[0]
    assert unseen.host and unseen.errors[0].startswith(f"{tmp_path / 'elsewhere'}: not found on")


def test_a_build_that_wrote_nothing_leaves_no_output_folder(tmp_path):
    with pytest.raises(RuntimeError):
        with output_lock(tmp_path / "out"):
            raise RuntimeError("the source was refused")
    assert not (tmp_path / "out").exists()
    (tmp_path / "kept" / ".cache").mkdir(parents=True)
    with output_lock(tmp_path / "kept"):
        pass
    assert (tmp_path / "kept" / ".cache").is_dir()  # it was there before


def test_why_a_title_gave_no_outcome():
    from distributed import KilledWorker

    from pressroom.catalogue import _lost

    assert "has no Pressroom installed" in _lost(ModuleNotFoundError("No module named 'pressroom'"))
    assert "the worker building it died" in _lost(KilledWorker("build_title-1", "tcp://w:1", 3))
    assert _lost(FileNotFoundError("python")).startswith("its build could not run: ")
