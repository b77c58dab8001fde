"""Translated editions from one source: the Universal Declaration of Human Rights in Korean
(the original, tests/publications/ko) with its Arabic translation (tests/publications/ar) as
translations/ar/: the same section files, the translated fields only."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest

from pressroom.cli import main

from ..conftest import PUBLICATIONS

ARABIC_FIELDS = ("title", "subtitle", "authors", "description", "rights")


def make_source(folder: Path) -> Path:
    """Korean manuscript and images, with translations/ar/ from the Arabic publication."""
    for part in ("manuscript", "images"):
        shutil.copytree(PUBLICATIONS / "ko" / part, folder / part)
    arabic = folder / "translations" / "ar"
    arabic.mkdir(parents=True)
    for section in (PUBLICATIONS / "ar" / "manuscript").glob("*.md"):
        shutil.copy(section, arabic / section.name)
    settings = (PUBLICATIONS / "ar" / "manuscript" / "publication.yaml").read_text("utf-8")
    kept = [line for line in settings.splitlines() if line.split(":")[0] in ARABIC_FIELDS]
    (arabic / "publication.yaml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return folder


def publish(capsys, *args: str) -> tuple[int, dict | None, str]:
    code = main(["build", *args])
    captured = capsys.readouterr()
    data = json.loads(captured.out) if "--json" in args and captured.out.strip() else None
    return code, data, captured.err


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    source = make_source(tmp_path_factory.mktemp("udhr"))
    out = tmp_path_factory.mktemp("udhr-out")
    code = main(["build", "--source", str(source), "--out", str(out), "--target", "epub",
                 "-q"])
    assert code == 0
    return source, out


def epub_package(path: Path) -> str:
    with zipfile.ZipFile(path) as epub:
        return epub.read("EPUB/content.opf").decode()


def test_each_edition_is_built_beside_the_original(built):
    source, out = built
    original, arabic = epub_package(out / "udhr-ko.epub"), epub_package(out / "ar" / "udhr-ko.epub")
    assert "<dc:language>ko</dc:language>" in original
    assert "<dc:language>ar</dc:language>" in arabic
    assert "<dc:title id=\"title_main\">세계인권선언</dc:title>" in original
    assert "<dc:title id=\"title_main\">الإعلان العالمي لحقوق الإنسان</dc:title>" in arabic
    identifiers = [re.search(r'<dc:identifier id="id">([^<]+)<', package)[1]
                   for package in (original, arabic)]
    assert identifiers[0] != identifiers[1] and all(i.startswith("urn:uuid:") for i in identifiers)
    assert 'page-progression-direction="rtl"' in arabic  # the translation's own direction
    assert "page-progression-direction" not in original
    # inherited: the publisher and date of the original
    assert "Pressroom Test Press" in arabic and "2026-12-05" in arabic


def test_an_edition_has_every_output_with_its_own_faces(built, capsys):
    source, out = built
    code, data, _ = publish(capsys, "--source", str(source), "--out", str(out), "--json",
                            "--edition", "ar")
    assert code == 0
    assert set(data["editions"]) == {"ar"} and data["outputs"] == []  # the original not built
    written = {Path(entry["path"]).relative_to(out).as_posix()
               for entry in data["editions"]["ar"]["outputs"]}
    assert {"ar/udhr-ko.pdf", "ar/udhr-ko.epub", "ar/web/index.html",
            "ar/press/udhr-ko-press.pdf", "ar/press/udhr-ko-imposed.pdf"} <= written
    with pikepdf.open(out / "ar" / "udhr-ko.pdf") as pdf:
        fonts = {str(font.get("/BaseFont")) for page in pdf.pages
                 for font in page.Resources.Font.values()}
        assert pdf.Root.ViewerPreferences.Direction == "/R2L"
    assert any("Noto-Naskh-Arabic" in font for font in fonts)
    assert not (out / "udhr-ko.pdf").exists()  # --edition ar built only the translation


def test_a_no_op_rebuild_rebuilds_nothing_and_an_edit_only_its_edition(built, capsys):
    source, out = built
    code, data, _ = publish(capsys, "--source", str(source), "--out", str(out), "--json",
                            "--target", "epub")
    assert code == 0
    assert data["targets"] == {"epub": "unchanged"}
    assert data["editions"]["ar"]["targets"] == {"epub": "unchanged"}
    section = source / "translations" / "ar" / "01-preamble.md"
    section.write_text(section.read_text("utf-8") + "\nفقرة أخيرة.\n", encoding="utf-8")
    code, data, _ = publish(capsys, "--source", str(source), "--out", str(out), "--json",
                            "--target", "epub")
    assert code == 0
    assert data["targets"] == {"epub": "unchanged"}
    assert data["editions"]["ar"]["targets"] == {"epub": "rebuilt"}


@pytest.mark.parametrize("change, message", [
    (lambda source: (source / "translations" / "ar" / "02-articles.md").unlink(),
     "translations/ar/02-articles.md: missing; every file of manuscript/ needs its translation"),
    (lambda source: (source / "translations" / "ar" / "09-extra.md").write_text("# x\n"),
     "translations/ar/09-extra.md: is not in manuscript/"),
    (lambda source: (source / "translations" / "ar" / "publication.yaml").open("a").write(
        "print:\n  trim: A4\n"),
     "translations/ar/publication.yaml:7: 'print' is not translated: every edition takes"),
    (lambda source: (source / "translations" / "Arabic!").mkdir(),
     "'Arabic!' is not a BCP 47 language tag"),
], ids=["missing", "extra", "not-translatable", "bad-tag"])
def test_a_translation_that_does_not_match_is_a_source_error(tmp_path, capsys, change, message):
    source = make_source(tmp_path / "source")
    change(source)
    code, _, err = publish(capsys, "--source", str(source), "--out", str(tmp_path / "out"),
                           "--target", "epub")
    assert code == 2
    assert message in err.replace(str(source) + "/", ""), err
    assert not (tmp_path / "out" / "udhr-ko.epub").exists()


def test_an_unknown_edition_lists_those_there_are(tmp_path, capsys):
    source = make_source(tmp_path / "source")
    code, _, err = publish(capsys, "--source", str(source), "--out", str(tmp_path / "out"),
                           "--edition", "fr")
    assert code == 2
    assert "no edition fr; this source has: ko (the original), ar" in err


def test_an_edition_may_not_share_the_originals_isbn(tmp_path, capsys):
    source = make_source(tmp_path / "source")
    for settings in (source / "manuscript" / "publication.yaml",
                     source / "translations" / "ar" / "publication.yaml"):
        settings.write_text(settings.read_text("utf-8") + "identifier: 978-3-16-148410-0\n",
                            encoding="utf-8")
    code, _, err = publish(capsys, "--source", str(source), "--out", str(tmp_path / "out"),
                           "--target", "epub")
    assert code == 2 and "is the original's; each edition needs its own ISBN" in err
