"""The sample EPUB in a real reading engine: epub.js in headless Chromium opens it, paginates
it, renders every section and turns a page (tests/reader/read_epub.mjs drives it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image, ImageStat

from pressroom.build import load_publication
from pressroom.manuscript import plain_text

from ..conftest import REPOSITORY, output

SCRIPT = REPOSITORY / "tests" / "reader" / "read_epub.mjs"
CHROMIUM = Path(os.environ.get("PRESSROOM_CHROMIUM", "/usr/bin/chromium"))
EPUBJS = REPOSITORY / "node_modules" / "epubjs"
VIEWPORT = (600, 800)  # what read_epub.mjs renders at: a phone or small e-reader
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM}"
    if not (EPUBJS / "dist" / "epub.min.js").exists():
        return "node_modules/epubjs is missing"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None,
                                reason=f"{_missing()}: run scripts/setup.sh to install the reader check")


@pytest.fixture(scope="module")
def publication():
    return load_publication(REPOSITORY)[0]


@pytest.fixture(scope="module")
def reading(sample, tmp_path_factory):
    """What epub.js reports about the sample EPUB, with its screenshots in a temporary folder
    (and copied to $PRESSROOM_READER_SHOTS when it is set)."""
    shots = tmp_path_factory.mktemp("reader-shots")
    run = subprocess.run(["node", str(SCRIPT), str(output(sample, ".epub")), str(shots)],
                         cwd=REPOSITORY, capture_output=True, text=True, timeout=90)
    if run.returncode != 0:
        pytest.fail(f"read_epub.mjs failed ({run.returncode}): {run.stderr.strip()}", pytrace=False)
    report = json.loads(run.stdout)
    if os.environ.get("PRESSROOM_READER_SHOTS"):
        keep = Path(os.environ["PRESSROOM_READER_SHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        for shot in shots.glob("*.png"):
            shutil.copy2(shot, keep / shot.name)
    return report


def words(text: str) -> str:
    """Text as the reader shows it, compared without case, soft hyphens or spacing."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip().casefold()


def paragraphs(section) -> list[str]:
    return [plain_text(token.children) for token in section.tokens
            if token.type == "inline" and token.children]


def rendered(reading, section) -> dict:
    return next(each for each in reading["sections"] if each["href"] == f"{section.id}.xhtml")


def test_the_reader_reports_no_errors(reading):
    assert reading["errors"] == []


def test_title_and_language_are_the_publications(reading, publication):
    assert reading["metadata"]["title"] == publication.settings.title
    assert reading["metadata"]["language"] == publication.settings.language


def test_every_section_is_in_the_spine_and_the_contents_in_order(reading, publication):
    expected = [f"{section.id}.xhtml" for section in publication.sections]
    spine = [item["href"] for item in reading["spine"]]
    assert [href for href in spine if href in expected] == expected
    assert spine[0] == "cover.xhtml"  # the sample has a cover, and it comes first
    assert [(item["label"], item["href"]) for item in reading["toc"]] == [
        (section.title, f"{section.id}.xhtml") for section in publication.sections]


def test_every_section_renders_its_heading_and_its_text(reading, publication):
    for section in publication.sections:
        shown = rendered(reading, section)
        text = words(shown["text"])
        assert any(words(section.title) in words(heading) for heading in shown["headings"]), shown["headings"]
        assert words(section.title) in text
        texts = paragraphs(section)
        first = " ".join(texts[0].split()[:8])
        last = " ".join(texts[-1].split()[-8:])
        assert words(first) in text, f"{section.file_name}: {first!r} not rendered"
        assert words(last) in text, f"{section.file_name}: {last!r} not rendered"
        for figure in section.figures:
            assert words(figure.caption) in text, f"{section.file_name}: caption {figure.caption!r}"
        assert [image["alt"] for image in shown["images"]] == [figure.alt for figure in section.figures]
        for image in shown["images"]:
            assert image["loaded"] and image["width"] > 100 and image["height"] > 100, image


def test_the_page_list_reaches_the_reader(reading, sample):
    with zipfile.ZipFile(output(sample, ".epub")) as epub:
        nav = etree.fromstring(epub.read("EPUB/nav.xhtml"))
    lists = [each for each in nav.iter("{http://www.w3.org/1999/xhtml}nav")
             if each.get(EPUB_TYPE) == "page-list"]
    if not lists:
        assert reading["pageList"] == []
        return
    entries = [(int(a.text), a.get("href")) for a in lists[0].iter("{http://www.w3.org/1999/xhtml}a")]
    assert entries and [(item["page"], item["href"]) for item in reading["pageList"]] == entries
    # and every entry's marker is in the document epub.js rendered
    markers = {(each["href"], marker["id"]) for each in reading["sections"] for marker in each["pagebreaks"]}
    for _, href in entries:
        assert tuple(href.split("#")) in markers, href


def test_the_book_is_paginated_and_a_page_turns(reading, publication):
    assert reading["locations"] >= 5
    starts = [each["location"]["location"] for each in reading["sections"]]
    assert starts == sorted(starts) and starts[-1] > starts[0]
    assert max(each["location"]["pages"] for each in reading["sections"]) > 1
    turn = reading["next"]
    first_body = next(section for section in publication.sections if section.kind == "body")
    assert turn["idref"] == first_body.id   # found by the bodymatter landmark
    assert turn["moved"], turn
    assert turn["after"]["href"] == turn["before"]["href"]
    assert turn["after"]["page"] == turn["before"]["page"] + 1
    assert turn["after"]["location"] > turn["before"]["location"]


def test_every_screenshot_shows_something(reading):
    shots = [Path(each["screenshot"]) for each in reading["sections"]] + [Path(reading["next"]["screenshot"])]
    names = [shot.name for shot in shots[:-1]]
    assert names == [f"{i:02d}-{item['idref']}.png" for i, item in enumerate(reading["spine"], 1)]
    for shot in shots:
        with Image.open(shot) as image:
            assert image.format == "PNG" and image.size == VIEWPORT
            grey = image.convert("L")
            assert grey.getextrema()[0] < 128, f"{shot.name}: nothing dark on it"
            assert ImageStat.Stat(grey).stddev[0] > 10, f"{shot.name}: blank"
