"""The web edition (pressroom.targets.web): every section's text and figure, links that
resolve, nothing from another host, atomic and deterministic writes; then the Nu HTML Checker
and axe-core in headless Chromium (light and dark, desktop and phone width)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html
from PIL import Image

from pressroom.build import load_publication
from pressroom.layouts import find_layout
from pressroom.manuscript import plain_text
from pressroom.targets import web
from pressroom.targets.web import write_web

from ..conftest import PUBLICATIONS, REPOSITORY

CHROMIUM = Path(os.environ.get("PRESSROOM_CHROMIUM", "/usr/bin/chromium"))
VNU = REPOSITORY / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = REPOSITORY / "tests" / "reader" / "axe_web.mjs"
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")


@dataclasses.dataclass
class Edition:
    publication: object
    folder: Path
    outputs: list[Path]
    warnings: list[str]

    def pages(self) -> dict[str, object]:
        return {path.name: lxml_html.parse(str(path)).getroot()
                for path in sorted(self.folder.glob("*.html"))}


def _build(source: Path, folder: Path, cache: Path, layout=None) -> Edition:
    publication, found = load_publication(source)
    outputs, warnings = write_web(publication, layout or found, folder, cache)
    return Edition(publication, folder, outputs, warnings)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache of image variants and fonts for the module's builds (the first is cold)."""
    return tmp_path_factory.mktemp("web-cache")


@pytest.fixture(scope="module")
def sample_web(tmp_path_factory, cache):
    return _build(REPOSITORY, tmp_path_factory.mktemp("web-sample") / "web", cache)


@pytest.fixture(scope="module")
def features_web(tmp_path_factory, cache):
    return _build(PUBLICATIONS / "features", tmp_path_factory.mktemp("web-features") / "web", cache)


@pytest.fixture(params=["sample", "features"])
def edition(request, sample_web, features_web) -> Edition:
    return {"sample": sample_web, "features": features_web}[request.param]


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_text(root) -> str:
    """The text of a page's main content as a reader gets it: images as their alt text, note
    numbers left out (the model's text has neither)."""
    main = root.find(".//main")
    main = lxml_html.fromstring(lxml_html.tostring(main))  # a copy to change
    for ref in main.xpath('.//a[@class="noteref"] | .//a[@class="noteback"]'):
        ref.drop_tree()
    for img in main.xpath(".//img"):
        img.tail = (img.get("alt") or "") + (img.tail or "")
    return words(main.text_content())


def urls(root) -> list[tuple[str, str]]:
    """(element tag, URL) of every src, href and srcset candidate of a page."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("src", "href"):
            if element.get(attribute) is not None:
                found.append((element.tag, element.get(attribute)))
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                found.append((element.tag, candidate.split()[0]))
    return found


# --- content ---

def test_the_edition_has_an_index_a_page_per_section_and_no_warnings(edition):
    names = {path.name for path in edition.folder.glob("*.html")}
    assert names == {"index.html"} | {f"{s.id}.html" for s in edition.publication.sections}
    assert edition.warnings == []
    assert set(edition.outputs) == {path for path in edition.folder.rglob("*") if path.is_file()}
    assert (edition.folder / "web.css").is_file()


def test_every_section_text_is_on_its_page(edition):
    pages = edition.pages()
    for section in edition.publication.sections:
        root = pages[f"{section.id}.html"]
        assert words(root.find(".//h1").text_content()).endswith(section.title)
        text = page_text(root)
        blocks = [token for token in section.tokens if token.type == "inline"]
        blocks += [token for note in section.footnotes.values() for token in note.tokens
                   if token.type == "inline"]
        assert blocks
        for token in blocks:
            expected = words(plain_text(token.children))
            assert expected in text, f"{section.id}: {expected[:80]!r} missing"


def test_every_figure_is_there_with_its_image_size_alt_caption_and_credit(edition):
    pages = edition.pages()
    for section in edition.publication.sections:
        root = pages[f"{section.id}.html"]
        for figure in section.figures:
            element = root.get_element_by_id(figure.id)
            img = element.find(".//img")
            assert img.get("alt") == figure.alt
            _check_image(edition.folder, img)
            caption = words(element.findtext(".//figcaption/span[@class='caption']") or "")
            assert caption == words(figure.caption)
            if figure.credit:
                assert words(element.findtext(".//span[@class='credit']")) == words(figure.credit)


def test_every_image_has_alt_text_and_the_pixel_size_of_its_file(edition):
    for name, root in edition.pages().items():
        for img in root.iter("img"):
            assert img.get("alt"), f"{name}: {img.get('src')} has no alt text"
            _check_image(edition.folder, img)


def _check_image(folder: Path, img) -> None:
    path = folder / unquote(img.get("src"))
    if path.suffix == ".svg":  # a drawing: its natural size, in CSS px (96 to the inch)
        import xml.etree.ElementTree as ET

        root = ET.parse(path).getroot()
        per = {"mm": 96 / 25.4, "pt": 96 / 72, "in": 96, "cm": 96 / 2.54, "px": 1, "": 1}
        size = []
        for name in ("width", "height"):
            number, unit = re.fullmatch(r"([\d.]+)([a-z]*)", root.get(name)).groups()
            size.append(str(round(float(number) * per[unit])))
        assert [img.get("width"), img.get("height")] == size, path
        assert not img.get("srcset")
        return
    with Image.open(path) as picture:
        assert (img.get("width"), img.get("height")) == (str(picture.width), str(picture.height))
    candidates = [part.split() for part in (img.get("srcset") or "").split(",") if part.strip()]
    for href, width in candidates:
        with Image.open(folder / unquote(href)) as picture:
            assert width == f"{picture.width}w"
            assert abs(picture.height / picture.width - int(img.get("height")) / int(img.get("width"))) < 0.01
    if candidates:
        assert img.get("sizes")


def test_the_index_has_the_cover_title_contents_and_colophon(features_web):
    root = features_web.pages()["index.html"]
    settings = features_web.publication.settings
    cover = root.find_class("cover-image")[0]
    assert cover.get("alt") == features_web.publication.cover_alt
    assert words(root.find(".//h1").text_content()) == "Field Notes on “Typesetting” & Other Crafts"
    contents = [a.get("href") for a in root.get_element_by_id("contents").iter("a")]
    assert contents == [f"{s.id}.html" for s in features_web.publication.sections]
    colophon = words(root.find_class("colophon")[0].text_content())
    for expected in (settings.publisher, settings.rights, "15 March 2024",
                     f"ISBN {settings.identifier}", "Photo: Test Archive"):
        assert expected in colophon


def test_sections_link_to_the_previous_and_next_and_to_the_contents(edition):
    pages = edition.pages()
    sections = edition.publication.sections
    for number, section in enumerate(sections):
        pager = pages[f"{section.id}.html"].find_class("pager")[0]
        links = {a.get("rel"): a.get("href") for a in pager.iter("a")}
        assert links.get("prev") == (f"{sections[number - 1].id}.html" if number else None)
        assert links.get("next") == (f"{sections[number + 1].id}.html"
                                     if number + 1 < len(sections) else None)
        assert "index.html#contents" in [a.get("href") for a in pager.iter("a")]


def test_footnotes_are_linked_both_ways(features_web):
    root = features_web.pages()["harbour.html"]
    refs = root.xpath('//a[@role="doc-noteref"]')
    assert [ref.text for ref in refs] == ["1", "2"]
    for ref in refs:
        note = root.get_element_by_id(ref.get("href")[1:])
        assert note.tag == "li"
        back = note.xpath('.//a[@role="doc-backlink"]')[0]
        assert back.get("href") == f"#{ref.get('id')}"
    assert "Most boats are under twelve metres long." in page_text(root)
    assert "epub:type" not in (features_web.folder / "harbour.html").read_text(encoding="utf-8")


def test_every_page_has_its_language_a_viewport_and_both_colour_schemes(edition):
    for name, root in edition.pages().items():
        assert root.get("lang") == edition.publication.settings.language, name
        assert root.get("dir") is None  # left to right: no settings say otherwise
        assert root.xpath('//meta[@name="viewport"]/@content') == [
            "width=device-width, initial-scale=1"]
        assert root.findtext(".//title")
    css = (edition.folder / "web.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css


def test_a_right_to_left_language_gets_dir(features_web):
    settings = dataclasses.replace(features_web.publication.settings, language="ar")
    assert web.direction(settings) == "rtl"
    assert web.direction(features_web.publication.settings) is None


# --- links and hosts ---

def test_every_internal_link_and_fragment_resolves(edition):
    pages = edition.pages()
    ids = {name: set(root.xpath("//@id")) for name, root in pages.items()}
    for name, root in pages.items():
        for tag, url in urls(root):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue
            target = unquote(parts.path) or name
            assert (edition.folder / target).is_file(), f"{name}: {url} has no file"
            if parts.fragment:
                assert parts.fragment in ids[target], f"{name}: {url}: no such id"


def test_nothing_points_to_another_host(edition):
    """Every src, srcset and url() is a file of the edition; a link (<a href>) leaves the
    edition only where the manuscript links to a web address."""
    allowed = {href for section in edition.publication.sections for _, href in section.links()
               if urlsplit(href).scheme}
    for name, root in edition.pages().items():
        for tag, url in urls(root):
            parts = urlsplit(url)
            if tag == "a" and (parts.scheme or parts.netloc):
                assert url in allowed, f"{name}: a link to {url} the manuscript does not make"
            elif parts.scheme == "data":
                assert tag == "link" and url == "data:,", (name, url)  # the empty favicon
            else:
                assert not parts.scheme and not parts.netloc, f"{name}: {tag} {url}"
    css = re.sub(r"/\*.*?\*/", "", (edition.folder / "web.css").read_text(encoding="utf-8"),
                 flags=re.S)  # without comments
    found = [next(g for g in match.groups() if g is not None) for match in CSS_URL.finditer(css)]
    assert found  # the fonts
    for url in found:
        assert not urlsplit(url).scheme and not url.startswith("//"), url
        assert (edition.folder / url).is_file(), url
        if url.endswith(".woff2"):  # the layout's fonts as WOFF2, with their licences
            assert (edition.folder / url).read_bytes()[:4] == b"wOF2"
    assert (edition.folder / "fonts" / "LICENSE-CharisSIL.txt").is_file()
    assert "@import" not in css


# --- layouts ---

def test_the_book_layout_inherits_the_web_templates(tmp_path, cache):
    publication, _ = load_publication(PUBLICATIONS / "features")
    layout = find_layout("book", PUBLICATIONS / "features")
    write_web(publication, layout, tmp_path / "web", cache)
    assert (tmp_path / "web" / "index.html").is_file()
    assert layout.path("web.html").parent.name == "brochure"


def test_a_source_may_override_web_html(tmp_path, cache):
    source = tmp_path / "source"
    shutil.copytree(PUBLICATIONS / "features", source)
    (source / "layouts" / "brochure").mkdir(parents=True)
    (source / "layouts" / "brochure" / "web.html").write_text(
        '<!DOCTYPE html>\n<html lang="{{ lang }}"><title>{{ settings.title }}</title>'
        "<p>Our own {{ page }} page</p>{{ body }}</html>\n", encoding="utf-8")
    edition = _build(source, tmp_path / "web", cache)
    assert "Our own index page" in (edition.folder / "index.html").read_text(encoding="utf-8")
    assert "Our own section page" in (edition.folder / "harbour.html").read_text(encoding="utf-8")


# --- writing ---

def test_the_same_source_gives_the_same_bytes(features_web, tmp_path):
    """Built again with an empty cache: images and fonts made anew, the same bytes."""
    again = _build(PUBLICATIONS / "features", tmp_path / "web", tmp_path / "cache")
    first = {path.relative_to(features_web.folder): path.read_bytes()
             for path in features_web.outputs}
    second = {path.relative_to(again.folder): path.read_bytes() for path in again.outputs}
    assert first == second


def test_a_failed_build_leaves_the_previous_edition_intact(tmp_path, monkeypatch, cache):
    edition = _build(PUBLICATIONS / "features", tmp_path / "web", cache)
    before = {path: path.read_bytes() for path in edition.folder.rglob("*")
              if path.is_file()}
    real = web.staged_outputs

    class Broken(Exception):
        pass

    import contextlib

    @contextlib.contextmanager
    def failing():
        with real() as staging:
            count = 0

            def stage(path):
                nonlocal count
                count += 1
                if count == 6:
                    raise Broken("disk full")
                return staging(path)
            yield stage

    monkeypatch.setattr(web, "staged_outputs", failing)
    publication, layout = load_publication(PUBLICATIONS / "features")
    publication.sections[1].title = "A New Title"
    with pytest.raises(Broken):
        write_web(publication, layout, edition.folder, cache)
    after = {path: path.read_bytes() for path in edition.folder.rglob("*") if path.is_file()}
    assert after == before  # no file changed, none left half-written


def test_files_an_edition_no_longer_has_are_removed_after_the_new_ones_are_in_place(tmp_path,
                                                                                   cache):
    edition = _build(PUBLICATIONS / "features", tmp_path / "web", cache)
    (edition.folder / "notes-of-my-own.txt").write_text("kept", encoding="utf-8")
    publication, layout = load_publication(PUBLICATIONS / "features")
    catch = next(s for s in publication.sections if s.id == "catch")
    publication = dataclasses.replace(
        publication, sections=[s for s in publication.sections if s is not catch])
    outputs, _ = write_web(publication, layout, edition.folder, cache)
    assert not (edition.folder / "catch.html").exists()
    assert not (edition.folder / "images" / "chart.png").exists()  # only 'catch' showed it
    assert (edition.folder / "images" / "harbour.jpg").exists()
    assert (edition.folder / "notes-of-my-own.txt").read_text(encoding="utf-8") == "kept"
    assert {p for p in edition.folder.rglob("*") if p.is_file()} == set(outputs) | {
        edition.folder / "notes-of-my-own.txt"}
    assert not list(edition.folder.rglob("*.part"))


# --- the Nu HTML Checker and axe-core ---

def _tool_missing(why: str | None) -> None:
    if why is None:
        return
    if os.environ.get("PRESSROOM_REQUIRE_TOOLS"):
        pytest.fail(f"{why} (PRESSROOM_REQUIRE_TOOLS is set: CI must run the real check)")
    pytest.skip(why)


def test_the_nu_html_checker_finds_no_errors(sample_web, features_web):
    _tool_missing("java is not installed" if shutil.which("java") is None else
                  "node_modules/vnu-jar is missing (run scripts/setup.sh)" if not VNU.is_file()
                  else None)
    files = [str(path) for edition in (sample_web, features_web)
             for path in sorted(edition.folder.glob("*.html"))]
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only", *files],
                         capture_output=True, text=True, timeout=180)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    assert [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
            for m in messages] == []
    assert len(files) == len(sample_web.publication.sections) + len(
        features_web.publication.sections) + 2


@pytest.mark.parametrize("which", ["sample", "features"])
def test_axe_finds_no_violations_in_light_and_dark_at_desktop_and_phone_width(
        which, sample_web, features_web):
    _tool_missing("node is not installed" if shutil.which("node") is None else
                  f"Chromium is not installed at {CHROMIUM}" if not CHROMIUM.exists() else
                  "node_modules/axe-core or puppeteer-core is missing (run scripts/setup.sh)"
                  if not ((REPOSITORY / "node_modules" / "axe-core" / "axe.min.js").is_file()
                          and (REPOSITORY / "node_modules" / "puppeteer-core").is_dir())
                  else None)
    edition = {"sample": sample_web, "features": features_web}[which]
    command = ["node", str(AXE_SCRIPT), str(edition.folder)]
    if os.environ.get("PRESSROOM_WEB_SHOTS"):  # screenshots of every page, to look at
        command.append(str(Path(os.environ["PRESSROOM_WEB_SHOTS"]) / which))
    run = subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        pytest.fail(f"axe_web.mjs failed ({run.returncode}): {run.stderr.strip()}", pytrace=False)
    report = json.loads(run.stdout)
    pages = len(list(edition.folder.glob("*.html")))
    assert len(report["runs"]) == pages * 4
    assert {(run["scheme"], run["width"]) for run in report["runs"]} == {
        ("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)}
    assert report["requests"] == []  # nothing asked of another host
    assert report["errors"] == []
    violations = [f"{run['page']} {run['scheme']} {run['width']}px: {v['id']} ({v['impact']}) "
                  f"{v['nodes'][:2]}" for run in report["runs"] for v in run["violations"]]
    assert violations == []
    assert [(run["page"], run["width"], run["overflow"]) for run in report["runs"]
            if run["overflow"] > 0] == []  # nothing wider than a phone
    assert all(image["naturalWidth"] > 0 for run in report["runs"] for image in run["images"])
