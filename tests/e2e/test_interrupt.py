"""A build stopped part-way (Ctrl-C, SIGTERM) loses nothing.

The sample is built once; then, again and again, a section is edited and ``publish.py build`` is
started and stopped at a chosen moment: while a temporary ``.part`` file of a given output exists
(so the signal lands while that file is being written), or after a delay. After each stop every
output is either byte for byte the one before or a complete new one that opens, no temporary
file is left anywhere in the output folder, the press files still match their job ticket's
checksums, and the command says so in one line, without a traceback, with exit code 128 + the
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
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from ..conftest import REPOSITORY

SECTION = "manuscript/04-environmental-protection.md"
PROMPT_EXIT = 15.0  # seconds from the signal to the end of the process, at most
TIMEOUT = 240.0


def publish(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPOSITORY / "publish.py"), "build", *args],
                            cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def files(out: Path) -> dict[str, str]:
    """Every file of the output folder (``.cache`` excepted) by relative path: its SHA-256."""
    return {str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
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
    elif path.suffix == ".png":
        with Image.open(path) as image:
            image.load()
    elif path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    else:
        assert path.read_text(encoding="utf-8").strip(), path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the sample's source, built once with every target: (source, out, state), where
    ``state["files"]`` holds the hashes of the last complete set of outputs."""
    source = tmp_path_factory.mktemp("interrupt-source")
    for folder in ("manuscript", "images"):
        shutil.copytree(REPOSITORY / folder, source / folder)
    out = tmp_path_factory.mktemp("interrupt-out")
    build = publish("--source", str(source), "--out", str(out), "-q")
    _, stderr = build.communicate(timeout=TIMEOUT)
    assert build.returncode == 0, stderr
    return source, out, {"files": files(out), "round": 0}


def wait_for(process: subprocess.Popen, out: Path, moment: str | float) -> bool:
    """Wait until ``moment``: a glob (relative to ``out``) that a file must match, or seconds.
    False if the build ended first."""
    if isinstance(moment, float):
        deadline = time.monotonic() + moment
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            time.sleep(0.01)
        return True
    folder, pattern = (out / moment).parent, Path(moment).name
    while process.poll() is None:
        try:
            if any(Path(entry.name).match(pattern) for entry in os.scandir(folder)):
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.002)
    return False


MOMENTS = [  # (signal, targets, when: a temporary file to wait for, or seconds into the build)
    (signal.SIGINT, "all", 0.5),  # still importing and reading the source
    (signal.SIGINT, "all", "*.pdf.*.part"),  # WeasyPrint writing the screen PDF
    (signal.SIGINT, "all", "*.epub.*.part"),  # the screen PDF is new, the EPUB being zipped
    (signal.SIGINT, "all", "press/.*-press.pdf.*.part"),  # PDF and EPUB new, the press file not
    (signal.SIGINT, "press", "press/.*-imposed.pdf.*.part"),  # press file new, sheets not
    (signal.SIGINT, "press", ".cache/press/*.part"),  # a CMYK variant being cached
    (signal.SIGTERM, "all", "*.pdf.*.part"),
    (signal.SIGTERM, "press", "press/.*-press.pdf.*.part"),  # pikepdf finishing the press file
    (signal.SIGTERM, "all", 1.5),  # late: the sample builds in about 2 to 4 s
]


@pytest.mark.parametrize("signum, target, moment", MOMENTS,
                         ids=[f"{s.name}-{t}-{m}" for s, t, m in MOMENTS])
def test_a_stopped_build_leaves_every_output_whole(built, signum, target, moment):
    source, out, state = built
    state["round"] += 1
    section = source / SECTION
    section.write_text(section.read_text(encoding="utf-8")
                       + f"\nA paragraph added in round {state['round']}.\n", encoding="utf-8")
    if "cache" in str(moment):
        shutil.rmtree(out / ".cache" / "press")  # so that the variants are made again
    before = state["files"]

    process = publish("--source", str(source), "--out", str(out), "--target", target)
    if not wait_for(process, out, moment):
        _, stderr = process.communicate(timeout=TIMEOUT)
        pytest.fail(f"the build ended (exit {process.returncode}) before {moment}:\n{stderr}")
    process.send_signal(signum)
    signalled = time.monotonic()
    try:
        _, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    took = time.monotonic() - signalled

    assert process.returncode == 128 + signum, (process.returncode, stderr)
    assert took < PROMPT_EXIT, f"{took:.1f} s from the signal to the exit"
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted"), stderr
    assert temporary_files(out) == []
    after = files(out)
    assert after.keys() == before.keys(), "outputs appeared or disappeared"
    for name, digest in after.items():
        if digest != before[name]:  # renamed into place before the signal: a whole new file
            complete(out / name)
    for ticket in (out / "press").glob("*-job.json"):  # the press files still match one another
        for entry in json.loads(ticket.read_text(encoding="utf-8"))["files"]:
            data = (out / "press" / entry["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
    for path in (out / ".cache" / "press").glob("*.jpg"):  # cached variants are whole, too
        with Image.open(path) as image:
            image.load()
    state["files"] = after


def test_the_next_build_after_the_stops_succeeds(built):
    source, out, state = built
    process = publish("--source", str(source), "--out", str(out), "-q")
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr
    assert temporary_files(out) == []
    after = files(out)
    assert after.keys() == state["files"].keys()
    for name in after:
        complete(out / name)
