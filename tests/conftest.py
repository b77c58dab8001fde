"""Shared fixtures: builds of the sample and the test publications, made once per session."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from pressroom.build import build

REPOSITORY = Path(__file__).resolve().parent.parent
PUBLICATIONS = Path(__file__).resolve().parent / "publications"


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """The repository's sample publication, built into a temporary folder."""
    return build(REPOSITORY, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def features(tmp_path_factory):
    """The test publication that uses every feature of the source contract."""
    return build(PUBLICATIONS / "features", tmp_path_factory.mktemp("features"))


@pytest.fixture(scope="session")
def sample_book(tmp_path_factory):
    """The repository's sample, with ``layout: book`` and the layout's trim (A5)."""
    source = in_book_layout(REPOSITORY, tmp_path_factory.mktemp("sample-book-source"))
    return build(source, tmp_path_factory.mktemp("sample-book"), targets=("pdf",))


def in_book_layout(original: Path, source: Path, print_keys: tuple[str, ...] = ("trim",)) -> Path:
    """A copy of ``original``'s manuscript/ and images/ in ``source`` with ``layout: book``;
    the ``print:`` settings named in ``print_keys`` are dropped, so the book layout's apply."""
    for folder in ("manuscript", "images"):
        shutil.copytree(original / folder, source / folder)
    settings = source / "manuscript" / "publication.yaml"
    keys = "|".join(print_keys)
    text = re.sub(rf"^(layout|\s+(?:{keys})):.*\n", "", settings.read_text(encoding="utf-8"),
                  flags=re.M)
    settings.write_text(text + "layout: book\n", encoding="utf-8")
    return source


@pytest.fixture(scope="session")
def chinese(tmp_path_factory):
    """The Simplified Chinese test publication (the Analects), its screen PDF."""
    return build(PUBLICATIONS / "zh-hans", tmp_path_factory.mktemp("zh-hans"), targets=("pdf",))


@pytest.fixture(scope="session")
def arabic(tmp_path_factory):
    """The Arabic test publication (the Universal Declaration of Human Rights), its PDF."""
    return build(PUBLICATIONS / "ar", tmp_path_factory.mktemp("ar"), targets=("pdf",))


def output(report, suffix: str) -> Path:
    return next(path for path in report.outputs if path.suffix == suffix)


def epub_documents(path: Path) -> dict[str, str]:
    """The XHTML documents of an EPUB, by name inside the package."""
    with zipfile.ZipFile(path) as epub:
        return {name: epub.read(name).decode("utf-8") for name in epub.namelist()
                if name.endswith(".xhtml")}
