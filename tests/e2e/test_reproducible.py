"""Reproducible builds: with SOURCE_DATE_EPOCH set, the same source gives the same bytes.

The sample is built, each time in a fresh process, into two new output folders (both with a cold
press image cache), then again into the first (a warm cache), and once more from a copy of the
source in another folder. Every output must be byte for byte the same: the screen PDF, its proof
sheet, the EPUB, the press PDF, the imposed sheets, the preflight reports and the job ticket.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

from ..conftest import REPOSITORY

EPOCH = 1700000000  # 2023-11-14T22:13:20Z
SLUG = "people-to-people-diplomacy-enterprises"
OUTPUTS = {f"{SLUG}.pdf", f"{SLUG}-proof.png", f"{SLUG}.epub", f"press/{SLUG}-press.pdf",
           f"press/{SLUG}-imposed.pdf", f"press/{SLUG}-preflight.json",
           f"press/{SLUG}-preflight.txt", f"press/{SLUG}-job.json"}


def start(source: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
    return subprocess.Popen([sys.executable, str(REPOSITORY / "publish.py"), "build", "-q",
                             "--source", str(source), "--out", str(out)],
                            cwd=REPOSITORY, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(*processes: subprocess.Popen) -> None:
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr


def later(function, *args):
    """Call ``function`` a little more than a second from now, so that a clock time written into a
    file (to the second) differs between two builds started side by side."""
    time.sleep(1.2)
    return function(*args)


#: The build cache's record of what was built when: file times of this folder, not an output.
BUILD_STATE = ".cache/build.json"


def digests(out: Path) -> dict[str, str]:
    """Every file of an output folder, ``.cache`` included (but the build state), by relative
    path: its SHA-256."""
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*"))
            if path.is_file() and path.relative_to(out).as_posix() != BUILD_STATE}


def differences(one: dict[str, str], two: dict[str, str]) -> list[str]:
    return sorted(name for name in one.keys() | two.keys() if one.get(name) != two.get(name))


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Digests of four builds of the sample: cold into folder one, cold into folder two, warm
    into folder one again (its targets rebuilt from the image variants kept in its cache), cold
    from a copy of the source lying elsewhere."""
    root = tmp_path_factory.mktemp("reproducible")
    one, two, moved, elsewhere = root / "one", root / "two", root / "moved", root / "source copy"
    for folder in ("manuscript", "images"):
        shutil.copytree(REPOSITORY / folder, elsewhere / folder)
    finish(start(REPOSITORY, one), later(start, REPOSITORY, two))  # side by side, to save time
    cold = digests(one)
    (one / BUILD_STATE).unlink()  # every target made again, from the image variants kept
    finish(start(REPOSITORY, one), later(start, elsewhere, moved))
    return {"cold": cold, "other folder": digests(two), "warm": digests(one),
            "source elsewhere": digests(moved), "out": one}


def test_every_output_is_there(builds):
    assert OUTPUTS <= builds["cold"].keys()


def test_two_output_folders_get_the_same_bytes(builds):
    assert differences(builds["cold"], builds["other folder"]) == []


def test_a_rebuild_with_a_warm_cache_gives_the_same_bytes(builds):
    assert differences(builds["cold"], builds["warm"]) == []


def test_a_copy_of_the_source_elsewhere_gives_the_same_bytes(builds):
    assert differences(builds["cold"], builds["source elsewhere"]) == []


def test_the_files_carry_source_date_epoch(builds):
    out = builds["out"]
    ticket = json.loads((out / "press" / f"{SLUG}-job.json").read_text(encoding="utf-8"))
    assert ticket["created"] == "2023-11-14T22:13:20+00:00"
    for name in (f"{SLUG}.pdf", f"press/{SLUG}-press.pdf"):
        with pikepdf.open(out / name) as pdf:
            assert str(pdf.docinfo["/ModDate"]).startswith("D:20231114221320"), name
            assert b"2023-11-14T22:13:20" in pdf.Root.Metadata.read_bytes(), name
    with zipfile.ZipFile(out / f"{SLUG}.epub") as epub:
        opf = next(epub.read(name) for name in epub.namelist() if name.endswith(".opf"))
        assert b"2023-11-14T22:13:20Z" in opf
        assert {info.date_time for info in epub.infolist()} == {(2023, 11, 14, 22, 13, 20)}



def test_an_image_the_layout_css_names_gives_the_same_bytes_elsewhere(tmp_path):
    """The source's photos reach WeasyPrint by content (``source-image:``); an image a layout's
    stylesheet names is read by file URL, so the build renames the PDF's images afterwards."""
    from PIL import Image

    sources = [tmp_path / "first" / "source", tmp_path / "second place" / "source"]
    for source in sources:
        for folder in ("manuscript", "images"):
            shutil.copytree(REPOSITORY / folder, source / folder)
        own = source / "layouts" / "brochure"
        own.mkdir(parents=True)
        Image.new("RGB", (1301, 977), (200, 180, 150)).save(own / "texture.png")
        builtin = (REPOSITORY / "layouts" / "brochure" / "print.css").read_text(encoding="utf-8")
        (own / "print.css").write_text(
            builtin + "\n.colophon { background: url(texture.png) center / cover; }\n",
            encoding="utf-8")
    outs = [source.parent / "out" for source in sources]
    finish(*(start(source, out) for source, out in zip(sources, outs)))
    assert differences(digests(outs[0]), digests(outs[1])) == []
    for pdf_path in (outs[0] / f"{SLUG}.pdf", outs[0] / f"press/{SLUG}-press.pdf"):
        # the texture is there (drawn through a pattern; the press PDF may have resampled it,
        # placed small, to 300 ppi: its proportions stay)
        with pikepdf.open(pdf_path) as pdf:
            assert any(isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
                       and abs(int(obj.Width) / int(obj.Height) - 1301 / 977) < 0.01
                       and int(obj.Width) <= 1301 for obj in pdf.objects), pdf_path
