"""Publications in Chinese, Japanese, Korean, Arabic and Hebrew (tests/publications/, real and
openly licensed texts; see each SOURCE.md), built in both layouts: no character printed as an
empty box or in a face of another script, the text set in the faces of its own script, the
right direction, and e-books EPUBCheck and DAISY Ace pass."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from pressroom.build import build
from pressroom.ebookcheck import AceUnavailable, ace, epubcheck
from pressroom.preflight import empty_boxes

from ..conftest import PUBLICATIONS, output

#: publication folder -> (language, the text face, the display face), as PDF font names
LANGUAGES = {
    "zh-hans": ("zh-Hans", "Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC"),
    "ja": ("ja", "Noto-Serif-CJK-JP", "Noto-Sans-CJK-JP"),
    "ko": ("ko", "Noto-Serif-CJK-KR", "Noto-Sans-CJK-KR"),
    "ar": ("ar", "Noto-Naskh-Arabic", "Noto-Sans-Arabic"),
    "he": ("he", "Noto-Serif-Hebrew", "Noto-Sans-Hebrew"),
}
#: The faces any of these publications may also use: the layouts' Latin ones (numbers, names)
LATIN = ("Charis-SIL", "Inter", "EB-Garamond", "EBGaramond", "Garamond", "DejaVu-Sans-Mono")


def source_in(tmp_path_factory, name: str, layout: str) -> Path:
    """The publication itself (brochure), or a copy with ``layout: book`` and the book's trim."""
    if layout == "brochure":
        return PUBLICATIONS / name
    source = tmp_path_factory.mktemp(f"{name}-book-source")
    for folder in ("manuscript", "images"):
        shutil.copytree(PUBLICATIONS / name / folder, source / folder)
    settings = source / "manuscript" / "publication.yaml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"^(layout|\s+trim|\s+binding):.*\n", "", text, flags=re.M)
    settings.write_text(text + "layout: book\n", encoding="utf-8")
    return source


@pytest.fixture(scope="module", params=[(name, layout) for name in LANGUAGES
                                        for layout in ("brochure", "book")],
                ids=lambda param: f"{param[0]}-{param[1]}")
def edition(request, tmp_path_factory):
    name, layout = request.param
    source = source_in(tmp_path_factory, name, layout)
    targets = ("pdf", "epub", "web") if layout == "brochure" else ("pdf",)
    report = build(source, tmp_path_factory.mktemp(f"{name}-{layout}"), targets)
    return name, layout, report


def fonts_of(pdf_path: Path) -> set[str]:
    """The fonts a PDF's pages use, without the subset tag (ABCDEF+)."""
    names = set()
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
                names.add(str(font.get("/BaseFont", "/?"))[1:].split("+")[-1])
    return names


def test_no_empty_box_and_no_face_of_another_script(edition):
    name, layout, report = edition
    assert report.preflight_errors == []
    assert not [warning for warning in report.warnings if "glyph" in warning], report.warnings
    assert empty_boxes(output(report, ".pdf")) == []


def test_the_text_is_set_in_the_faces_of_its_script(edition):
    name, layout, report = edition
    _, text_face, display_face = LANGUAGES[name]
    fonts = fonts_of(output(report, ".pdf"))
    assert any(font.startswith(text_face) for font in fonts), fonts
    if layout == "brochure":  # the book sets its headings in its text face
        assert any(font.startswith(display_face) for font in fonts), fonts
    others = [font for font in fonts
              if not font.startswith((text_face, display_face, *LATIN))]
    assert others == []  # no face of another script, no fallback (DejaVu Sans...)
    assert not any("Oblique" in font or "Italic" in font for font in fonts
                   if font.startswith(text_face))  # no synthesised or Latin italic


def test_the_pdf_text_is_the_manuscripts(edition, request):
    """What a reader copies out of the PDF is the manuscript's text (words of the first
    paragraph of the first section), in logical order.

    Right to left, two things the PDF readers (pdfium, poppler) do are left out of the
    comparison: they drop Hebrew points (niqqud), and they reverse the letters of a lam-alef
    ligature (its ToUnicode entry, لا, is in logical order) when they reorder a line."""
    name, layout, report = edition
    if name == "he":  # a known defect, kept visible: it fails loudly (XPASS) once fixed
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "pointed Hebrew (niqqud) extracts from WeasyPrint 70's PDF with spaces inside words "
            "and stray characters (pdfium and poppler alike); the glyphs print right")))
    first = sorted((PUBLICATIONS / name / "manuscript").glob("*.md"))[0].read_text("utf-8")
    body = re.sub(r"^---\n.*?\n---\n", "", first, flags=re.S)
    paragraph = next(block for block in body.split("\n\n") if block.strip() and not
                     block.lstrip().startswith(("#", "!", ">", "-", "*", "[", "1.")))
    paragraph = _unmarked(re.sub(r"\[\^[^\]]*\]|[*_`\[\]]", "", paragraph))
    pdf = pypdfium2.PdfDocument(output(report, ".pdf"))
    try:
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    flat = _unmarked(re.sub(r"\s+", "", text))
    if name in ("ar", "he"):
        words = [word.strip("،.,:;()«»\"'") for word in paragraph.split()]
        probes = [word for word in words if len(word) >= 3
                  and not re.search("\u0644[\u0622\u0623\u0625\u0627]", word)][:4]
    else:
        probes = [re.sub(r"\s+", "", paragraph)[:12]]
    assert probes and all(probe in flat for probe in probes), probes


def _unmarked(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFC", text)
                   if unicodedata.category(char) != "Mn")


@pytest.fixture(scope="module")
def ebooks(edition):
    name, layout, report = edition
    if layout != "brochure":
        pytest.skip("the book's EPUB is the brochure's")
    return name, output(report, ".epub")


def test_the_epub_passes_epubcheck_and_carries_its_language_and_direction(ebooks):
    name, path = ebooks
    language = LANGUAGES[name][0]
    assert epubcheck(path) == []
    with zipfile.ZipFile(path) as epub:
        documents = {member: epub.read(member).decode() for member in epub.namelist()
                     if member.endswith(".xhtml")}
        opf = epub.read("EPUB/content.opf").decode()
    assert f"<dc:language>{language}</dc:language>" in opf
    rtl = name in ("ar", "he")
    for member, document in documents.items():
        root = re.search(r"<html[^>]*>", document)[0]
        assert f'lang="{language}"' in root, member
        assert ('dir="rtl"' in root) == rtl, member
    assert ('page-progression-direction="rtl"' in opf) == rtl


def test_the_epub_passes_daisy_ace(ebooks):
    name, path = ebooks
    try:
        found = ace(path)
    except AceUnavailable as why:
        if os.environ.get("PRESSROOM_REQUIRE_TOOLS"):
            pytest.fail(f"{why} (PRESSROOM_REQUIRE_TOOLS is set: CI must run the real check)")
        pytest.skip(str(why))
    assert found == []


def test_the_web_edition_serves_the_faces_of_its_script(edition, tmp_path):
    name, layout, report = edition
    if layout != "brochure":
        pytest.skip("built once")
    web = output(report, ".html").parent
    css = (web / "web.css").read_text(encoding="utf-8")
    family = LANGUAGES[name][1].replace("-", " ")
    assert f'font-family: "{family}"' in css
    served = re.findall(r'url\("(fonts/[^"]+\.woff2)"\)', css)
    assert served and all((web / url).is_file() for url in served)
    # subset to the characters used: far smaller than the faces themselves (CJK: 10-20 MB)
    assert max((web / url).stat().st_size for url in served) < 1_500_000
    assert re.search(rf'--font-text: "{family}"', css)  # the publication's script first
    assert list(web.glob("fonts/LICENSE-fonts-noto-*.txt"))


#: Punctuation a CJK line may not start with (closing) or end with (opening).
CLOSING = set("，。、；：？！）」』】〕〉》”’…・ー") | set(",.;:?!)")
OPENING = set("（「『【〔〈《“‘") | set("(")


def test_cjk_lines_break_by_their_rules(edition):
    """No line of a Chinese, Japanese or Korean PDF starts with closing punctuation or ends
    with opening punctuation (kinsoku), and nothing is hyphenated."""
    name, layout, report = edition
    if name not in ("zh-hans", "ja", "ko"):
        pytest.skip("CJK only")
    pdf = pypdfium2.PdfDocument(output(report, ".pdf"))
    try:
        lines = [line.strip() for page in pdf
                 for line in page.get_textpage().get_text_range().splitlines() if line.strip()]
    finally:
        pdf.close()
    assert len(lines) > 40
    assert [line for line in lines if line[0] in CLOSING] == []
    assert [line for line in lines if line[-1] in OPENING] == []
    # a line of text ending in a hyphen would be hyphenation (an identifier may break at one)
    assert not [line for line in lines if line.endswith("-") and re.search("[\u3040-\u9fff\uac00-\ud7af]", line)]
