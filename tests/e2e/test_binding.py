"""Saddle stitching end to end: a brochure too thick for staples is refused, one within the
limit is imposed with creep.

The publications are made here: one short section a page, A6, on coated 150 g/m² paper
(0.14 mm a leaf, at most 48 pages saddle-stitched), so each build takes seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pikepdf
import pytest

from pressroom import cli
from pressroom.build import build

MM = 72 / 25.4
SETTINGS = """\
title: A Long Brochure
language: en-GB
identifier: urn:uuid:5b0d3c1e-7a51-4c39-9d0e-0c5a3a6f0b01
slug: brochure
print:
  trim: A6
  binding: saddle-stitch
  paper: coated-150gsm
"""
REFUSED = ("60 pages saddle-stitched on coated silk 150 g/m² (coated-150gsm): more than the 48 "
           "pages staples hold; set print.binding: perfect in manuscript/publication.yaml (or a "
           "thinner paper)")


def brochure(folder: Path, sections: int) -> Path:
    """A source of ``sections`` one-page sections, after a cover page and the contents."""
    manuscript = folder / "manuscript"
    manuscript.mkdir(parents=True)
    (manuscript / "publication.yaml").write_text(SETTINGS, encoding="utf-8")
    for n in range(1, sections + 1):
        (manuscript / f"{n:02d}-part-{n}.md").write_text(
            f"# Part {n}\n\nA short section: one page each.\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def refused(tmp_path_factory) -> tuple[int, str, Path]:
    """50 sections: 60 press pages. (exit code, standard error, output folder)."""
    source = brochure(tmp_path_factory.mktemp("thick"), 50)
    out = tmp_path_factory.mktemp("thick-out")
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = cli.main(["build", "--source", str(source), "--out", str(out), "-q"])
    return code, stderr.getvalue(), out


def test_too_many_pages_to_staple_is_a_press_error(refused):
    code, stderr, out = refused
    assert code == 1
    assert f"error: {REFUSED}\n" in stderr
    assert f"error    {REFUSED}\n" in (out / "press" / "brochure-preflight.txt").read_text()


def test_the_other_editions_are_still_written(refused):
    _, _, out = refused
    for name in ("brochure.pdf", "brochure.epub", "web/index.html", "press/brochure-press.pdf",
                 "press/brochure-job.json"):
        assert (out / name).is_file(), name
    assert not (out / "press" / "brochure-imposed.pdf").exists()  # no sheets for staples


@pytest.fixture(scope="module")
def stitched(tmp_path_factory):
    """12 sections: 16 press pages, four sheets."""
    source = brochure(tmp_path_factory.mktemp("thin"), 12)
    return build(source, tmp_path_factory.mktemp("thin-out"), targets=("press",))


def placements(sheet: pikepdf.Page) -> list[float]:
    """The x translation of each page placed on a sheet, left then right."""
    found, move = [], None
    for operands, operator in pikepdf.parse_content_stream(sheet):
        if str(operator) == "cm":
            move = float(operands[4])
        elif str(operator) == "Do":
            found.append(move)
    return found


def test_within_the_limit_the_sheets_are_imposed_with_creep(stitched):
    assert stitched.preflight_errors == []
    press = {path.name: path for path in stitched.outputs}
    ticket = json.loads(press["brochure-job.json"].read_text(encoding="utf-8"))
    assert (ticket["pages"], ticket["paper"]) == (16, "coated-150gsm")
    assert ticket["creep_mm_per_sheet"] == [0.0, 0.14, 0.28, 0.42]
    assert "brochure-imposed.pdf" in [file["name"] for file in ticket["files"]]
    report = json.loads(press["brochure-preflight.json"].read_text(encoding="utf-8"))
    assert [f["message"] for f in report["findings"] if f["check"] == "pages"] == [
        "16 pages saddle-stitched on coated silk 150 g/m² (coated-150gsm): at most 48 pages"]
    with pikepdf.open(press["brochure-imposed.pdf"]) as sheets:
        assert len(sheets.pages) == 8
        outer, inner = placements(sheets.pages[0]), placements(sheets.pages[-1])  # sheets 1, 4
    assert inner[0] - outer[0] == pytest.approx(0.42 * MM)  # the left page, to the right
    assert inner[1] - outer[1] == pytest.approx(-0.42 * MM)  # the right page, to the left
