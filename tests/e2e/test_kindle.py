"""The sample's EPUB through calibre, as Kindle users and stores convert it: EPUB -> AZW3 -> EPUB.
The text of every section survives, the cover is the designed cover, no picture changes shape
and no text colour is hard to read on a white page (converters flatten media queries, so a
dark theme's colours would land on white)."""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import tinycss2
import tinycss2.color3
from lxml import html as lxml_html
from PIL import Image, ImageChops, ImageStat

from pressroom.build import build

from ..conftest import REPOSITORY, epub_documents, output

TOOLS = ("ebook-convert", "ebook-meta")


def calibre_or_skip() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        why = (f"{', '.join(missing)} not found: install Debian's calibre package "
               "(apt-get install --no-install-recommends calibre; .ci/run does)")
        if os.environ.get("PRESSROOM_REQUIRE_TOOLS"):
            pytest.fail(f"{why} (PRESSROOM_REQUIRE_TOOLS is set: CI must run the real check)")
        pytest.skip(why)


class Converted:
    """The sample's EPUB, its AZW3 conversion read back as an EPUB, and the AZW3's cover."""

    def __init__(self, folder: Path):
        self.epub = output(build(REPOSITORY, folder / "out", targets=("epub",)), ".epub")
        self.azw3, self.back, self.cover = (folder / "book.azw3", folder / "back.epub",
                                            folder / "cover.jpg")
        for command in (["ebook-convert", self.epub, self.azw3],
                        ["ebook-convert", self.azw3, self.back],
                        ["ebook-meta", self.azw3, f"--get-cover={self.cover}"]):
            done = subprocess.run([str(part) for part in command], capture_output=True,
                                  text=True, timeout=600)
            assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Converted:
    calibre_or_skip()
    return Converted(tmp_path_factory.mktemp("kindle"))  # calibre is slow: once per module


def words_of(markup: str) -> str:
    """A document's body text, letters and digits only, in lower case: calibre re-flows white
    space and may turn punctuation into entities."""
    text = lxml_html.document_fromstring(markup.encode("utf-8")).body.text_content()
    return re.sub(r"[\W_]+", "", text.replace("\u00ad", "")).casefold()


def spine_documents(epub: Path) -> list[str]:
    """The XHTML of an EPUB's documents in reading order."""
    with zipfile.ZipFile(epub) as package:
        container = package.read("META-INF/container.xml").decode()
        opf_name = re.search(r'full-path="([^"]+)"', container)[1]
        opf = package.read(opf_name).decode()
        hrefs = {m["id"]: m["href"] for m in re.finditer(
            r'<item\b(?=[^>]*\bid="(?P<id>[^"]+)")(?=[^>]*\bhref="(?P<href>[^"]+)")[^>]*>', opf)}
        return [package.read(posixpath.join(posixpath.dirname(opf_name), hrefs[idref]))
                .decode("utf-8") for idref in re.findall(r'<itemref\b[^>]*\bidref="([^"]+)"', opf)]


def test_the_text_of_every_section_survives(converted):
    book = "".join(words_of(document) for document in spine_documents(converted.back))
    sections = {name: text for name, text in epub_documents(converted.epub).items()
                if not name.endswith(("/nav.xhtml", "/cover.xhtml"))}
    assert len(sections) >= 4
    for name, text in sections.items():
        words = words_of(text)
        assert len(words) > 200 and words in book, f"{name}: its text did not survive calibre"


def test_the_cover_is_the_designed_cover(converted):
    with zipfile.ZipFile(converted.epub) as package:
        designed = Image.open(io.BytesIO(package.read("EPUB/images/cover.jpg"))).convert("RGB")
    kindle = Image.open(converted.cover).convert("RGB")
    assert abs(kindle.width / kindle.height - 210 / 297) < 0.01 * 210 / 297  # the A4 trim
    difference = ImageStat.Stat(ImageChops.difference(
        kindle, designed.resize(kindle.size)).convert("L")).mean[0]
    assert difference < 6, f"the Kindle cover differs from the designed one ({difference:.1f})"


def pictures(epub: Path) -> dict[str, Image.Image]:
    with zipfile.ZipFile(epub) as package:
        return {name: Image.open(io.BytesIO(package.read(name))).convert("RGB")
                for name in package.namelist()
                if name.lower().endswith((".jpg", ".jpeg", ".png", ".gif"))}


def css_sizes(epub: Path) -> dict[str, tuple[str | None, str | None]]:
    """class -> (width, height) the converted book's stylesheets give it."""
    sizes = {}
    with zipfile.ZipFile(epub) as package:
        for name in package.namelist():
            if not name.endswith(".css"):
                continue
            for rule in tinycss2.parse_stylesheet(package.read(name).decode("utf-8"),
                                                   skip_whitespace=True, skip_comments=True):
                if rule.type != "qualified-rule":
                    continue
                declared = {d.lower_name: tinycss2.serialize(d.value).strip()
                            for d in tinycss2.parse_declaration_list(rule.content, True, True)
                            if d.type == "declaration"}
                for selector in re.findall(r"^\s*\.([\w-]+)\s*$",
                                           tinycss2.serialize(rule.prelude), re.M):
                    sizes[selector] = (declared.get("width"), declared.get("height"))
    return sizes


def test_every_picture_keeps_its_shape(converted):
    originals = {name: image for name, image in pictures(converted.epub).items()
                 if not name.endswith("/cover.jpg")}
    back = pictures(converted.back)
    sizes = css_sizes(converted.back)

    def thumbnail(image):
        return image.resize((32, 32))

    matched = set()
    for document in spine_documents(converted.back):
        for tag in re.findall(r"<img\b[^>]*>", document):
            src = posixpath.basename(re.search(r'\bsrc="([^"]+)"', tag)[1])
            image = next(image for name, image in back.items() if name.endswith("/" + src))
            name, original = min(originals.items(), key=lambda item: sum(ImageStat.Stat(
                ImageChops.difference(thumbnail(item[1]), thumbnail(image))).mean))
            matched.add(name)
            ratio = original.width / original.height
            assert abs(image.width / image.height - ratio) < 0.01 * ratio, (
                f"{name}: {original.size} became {image.size} in the Kindle book")
            # the size the converted page gives it (attributes, or its class's CSS) in shape
            given = dict(re.findall(r'\b(width|height)="(\d+)"', tag))
            classes = re.search(r'\bclass="([^"]+)"', tag)
            for css_class in classes[1].split() if classes else ():
                width, height = sizes.get(css_class, (None, None))
                for side, value in (("width", width), ("height", height)):
                    if value and value.endswith("px"):
                        given[side] = value[:-2]
            if "width" in given and "height" in given:
                shown = float(given["width"]) / float(given["height"])
                assert abs(shown - ratio) < 0.01 * ratio, (
                    f"{name} is shown {given['width']}x{given['height']}: squashed")
    assert matched == set(originals), f"pictures lost: {set(originals) - matched}"


def luminance(colour) -> float:
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(colour.red) + 0.7152 * linear(colour.green) + 0.0722 * linear(colour.blue)


def contrast_on_white(colour) -> float:
    """WCAG 2's contrast ratio of ``colour`` on a white page."""
    return 1.05 / (luminance(colour) + 0.05)


def text_colours(epub: Path):
    """``(where, colour)`` of every ``color`` in the book's stylesheets, style elements and
    style attributes."""
    with zipfile.ZipFile(epub) as package:
        for name in package.namelist():
            text = package.read(name).decode("utf-8", "replace") \
                if name.endswith((".css", ".html", ".xhtml")) else ""
            blocks = [text] if name.endswith(".css") else (
                re.findall(r"<style\b[^>]*>(.*?)</style>", text, re.S)
                + [f"x {{{style}}}" for style in re.findall(r'\bstyle="([^"]*)"', text)])
            for block in blocks:
                for match in re.finditer(r"(?<![\w-])color\s*:\s*([^;}]+)", block):
                    for token in tinycss2.parse_component_value_list(match[1]):
                        colour = tinycss2.color3.parse_color(token)
                        if colour is not None and colour != "currentColor" and colour.alpha > 0:
                            yield f"{name}: color: {match[1].strip()}", colour


def test_no_text_colour_is_faint_on_white(converted):
    assert contrast_on_white(tinycss2.color3.parse_color("#ee8f93")) < 2.5  # the former leak
    for where, colour in text_colours(converted.back):
        assert contrast_on_white(colour) >= 4.5, (
            f"{where}: {contrast_on_white(colour):.1f}:1 on white, below 4.5:1")
