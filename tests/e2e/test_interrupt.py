"""A build stopped part-way (Ctrl-C, SIGTERM) loses nothing.

The sample is built once; then each case copies that source and its outputs into a folder of its
own, edits a section, and runs ``publish.py build`` with ``PRESSROOM_STOP_AT`` naming a stage of
the build (see ``pressroom.interrupt.STAGES``): the build sends itself the signal exactly there,
whatever the speed of the machine (SIGINT to its whole process group, as a terminal's Ctrl-C
does; SIGTERM to its first process, as ``kill`` does). After the stop every output is either
byte for byte the one before or a complete new one that opens, as the stage says; no temporary
file is left anywhere in the output folder; the press files still match their job ticket's
checksums; and the command says so in one line, without a traceback, with exit code 128 + the
signal.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from pressroom.interrupt import STAGES, STOP_AT

from ..conftest import REPOSITORY

SECTION = "manuscript/04-environmental-protection.md"


def publish(*args: str, stop_at: str | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != STOP_AT}
    if stop_at:
        env[STOP_AT] = stop_at
    # A session of its own: a SIGINT to the build's process group reaches nothing else
    return subprocess.run([sys.executable, str(REPOSITORY / "publish.py"), "build", *args],
                          cwd=REPOSITORY, env=env, capture_output=True, text=True,
                          start_new_session=True)


def files(out: Path) -> dict[str, str]:
    """Every file of the output folder (``.cache`` excepted) by relative path: its SHA-256."""
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*"))
            if path.is_file() and ".cache" not in path.relative_to(out).parts}


def temporary_files(out: Path) -> list[str]:
    """Temporary files of ours (``.part``) or of the libraries (pikepdf's ``.pikepdf.*``), in the
    whole output folder, ``.cache`` included."""
    return [str(path.relative_to(out)) for path in out.rglob("*")
            if path.name.endswith(".part") or path.name.startswith((".pikepdf", "tmp"))]


def complete(path: Path) -> None:
    """Fail unless ``path`` is a whole output of its kind."""
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:  # a truncated file fails here, or is repaired with warnings
            assert len(pdf.pages) > 0 and not pdf.get_warnings(), path
    elif path.suffix == ".epub":
        with zipfile.ZipFile(path) as epub:
            assert epub.testzip() is None, path
            assert epub.namelist()[0] == "mimetype", path
    elif path.suffix in (".png", ".jpg"):
        with Image.open(path) as image:
            image.load()
    elif path.suffix == ".woff2":
        assert path.read_bytes().startswith(b"wOF2"), path
    elif path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    else:
        assert path.read_text(encoding="utf-8").strip(), path


def output_of(name: str) -> str:
    """The target an output file belongs to."""
    if name.startswith(("press/", "web/")):
        return name.split("/")[0]
    return {".pdf": "pdf", ".png": "proof", ".epub": "epub"}[Path(name).suffix]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """A copy of the sample's source, built once with every target: (source, out)."""
    folder = tmp_path_factory.mktemp("interrupt-baseline")
    source, out = folder / "source", folder / "out"
    for name in ("manuscript", "images"):
        shutil.copytree(REPOSITORY / name, source / name)
    build = publish("--source", str(source), "--out", str(out), "-q")
    assert build.returncode == 0, build.stderr
    return source, out


@pytest.fixture
def case(baseline, tmp_path):
    """A folder of the case's own: the baseline's source and outputs (times kept, so the build
    cache sees them as built), one section edited. (source, out, the outputs' hashes)."""
    source, out = tmp_path / "source", tmp_path / "out"
    shutil.copytree(baseline[0], source)
    shutil.copytree(baseline[1], out, symlinks=True)
    section = source / SECTION
    section.write_text(section.read_text(encoding="utf-8") + "\nA paragraph added.\n",
                       encoding="utf-8")
    return source, out, files(out)


CASES = [  # (signal, targets, stage, targets surely new, targets surely unchanged)
    (signal.SIGINT, "all", "source read", (), ("pdf", "proof", "epub", "web", "press")),
    (signal.SIGINT, "all", "pdf writing", (), ("pdf", "proof", "epub", "web")),
    (signal.SIGTERM, "pdf", "pdf writing", (), ("pdf",)),  # written by a second process
    (signal.SIGINT, "all", "proof writing", ("pdf",), ("proof", "epub", "web")),
    (signal.SIGINT, "all", "epub writing", ("pdf", "proof"), ("epub", "web")),
    (signal.SIGINT, "all", "web writing", ("pdf", "proof", "epub"), ("web",)),  # all staged
    (signal.SIGTERM, "web", "web writing", (), ("web",)),
    (signal.SIGINT, "all", "press writing", (), ("press",)),  # the press render's own process
    (signal.SIGTERM, "all", "press writing", (), ("press",)),  # only the first process signalled
    (signal.SIGTERM, "press", "press writing", (), ("press",)),
    (signal.SIGINT, "press", "press imposing", (), ("press",)),
    (signal.SIGINT, "press", "press variant writing", (), ("press",)),
    (signal.SIGHUP, "all", "targets written", ("pdf", "proof", "epub", "web", "press"), ()),
]


@pytest.mark.parametrize("signum, target, stage, new, unchanged", CASES,
                         ids=[f"{s.name}-{t}-{stage.replace(' ', '-')}"
                              for s, t, stage, _, _ in CASES])
def test_a_stopped_build_leaves_every_output_whole(case, signum, target, stage, new, unchanged):
    source, out, before = case
    assert stage in STAGES
    if stage == "press variant writing":
        shutil.rmtree(out / ".cache" / "press")  # so that the variants are made again

    process = publish("--source", str(source), "--out", str(out), "--target", target,
                      stop_at=f"{stage}:{signum.name}")

    stderr = process.stderr
    assert process.returncode == 128 + signum, \
        f"exit {process.returncode}: the build did not stop at '{stage}'\n{stderr}"
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted"), stderr
    assert temporary_files(out) == []
    after = files(out)
    assert after.keys() == before.keys(), "outputs appeared or disappeared"
    changed = {name for name, digest in after.items() if digest != before[name]}
    for kind in new:  # (a press file may come out the same: its preflight report)
        assert any(output_of(name) == kind for name in changed), \
            f"no {kind} output was written before '{stage}'"
    for name, digest in after.items():
        if output_of(name) in unchanged:
            assert name not in changed, f"{name} changed, though stopped at '{stage}'"
        if name in changed:  # renamed into place before the stop: a whole new file
            complete(out / name)
    for ticket in (out / "press").glob("*-job.json"):  # the press files still match one another
        for entry in json.loads(ticket.read_text(encoding="utf-8"))["files"]:
            data = (out / "press" / entry["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
    for path in (out / ".cache" / "press").glob("*.jpg"):  # cached variants are whole, too
        with Image.open(path) as image:
            image.load()


def test_the_next_build_after_a_stop_succeeds(case):
    source, out, before = case
    stopped = publish("--source", str(source), "--out", str(out), stop_at="press writing:SIGTERM")
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr

    process = publish("--source", str(source), "--out", str(out), "-q")
    assert process.returncode == 0, process.stderr
    assert temporary_files(out) == []
    after = files(out)
    assert after.keys() == before.keys()
    assert {output_of(name) for name in after if after[name] != before[name]} == \
        {"pdf", "proof", "epub", "web", "press"}
    for name in after:
        complete(out / name)


def test_a_stage_the_build_does_not_reach_is_no_stop(case):
    """An EPUB-only build never writes press files: asked to stop there, it simply finishes."""
    source, out, _ = case
    process = publish("--source", str(source), "--out", str(out), "--target", "epub", "-q",
                      stop_at="press writing:SIGINT")
    assert process.returncode == 0, process.stderr
