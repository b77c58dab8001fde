"""The layout's words and dates in the publication's language: a small publication built in
French and in Simplified Chinese (screen PDF, EPUB, web edition), and in a language the layout
has no words in."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pypdfium2
import pytest
from lxml import etree
from lxml import html as lxml_html
from PIL import Image

from pressroom.build import build

from ..conftest import output

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def make_source(folder: Path, language: str, title: str, publisher: str, chapters) -> Path:
    """A publication of two sections (one with a credited figure and a footnote)."""
    (folder / "manuscript").mkdir(parents=True)
    (folder / "images").mkdir()
    Image.new("RGB", (1200, 800), (40, 90, 140)).save(folder / "images" / "port.jpg", dpi=(300, 300))
    (folder / "manuscript" / "publication.yaml").write_text(
        f'title: "{title}"\nlanguage: {language}\npublisher: "{publisher}"\n'
        f'authors: ["{chapters["author"]}"]\ndate: 2024-03-15\n', encoding="utf-8")
    (folder / "manuscript" / "01-one.md").write_text(
        f'# {chapters["one"]}\n\n{chapters["text"]}[^n]\n\n'
        f'![{chapters["alt"]}](port.jpg "{chapters["caption"]}"){{credit="{chapters["credit"]}"}}\n\n'
        f'[^n]: {chapters["note"]}\n', encoding="utf-8")
    (folder / "manuscript" / "02-two.md").write_text(
        f'# {chapters["two"]}\n\n{chapters["text"]}\n', encoding="utf-8")
    return folder


FRENCH = dict(author="Ada Lovelace", one="Le port", two="La ville", text="Un texte court.",
              alt="Un bassin bleu.", caption="Le bassin", credit="Photo : Archives",
              note="Une note.")
CHINESE = dict(author="张三", one="港口", two="城市", text="一段简短的文字。", alt="蓝色的港池。",
               caption="港池", credit="新华社", note="一条注释。")


def built(tmp_path_factory, name: str, language: str, title: str, publisher: str, chapters):
    root = tmp_path_factory.mktemp(name)
    source = make_source(root / "source", language, title, publisher, chapters)
    return build(source, root / "out", targets=("pdf", "epub", "web"))


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    return built(tmp_path_factory, "words-fr", "fr", "Le Havre", "Éditions du Port", FRENCH)


@pytest.fixture(scope="module")
def chinese(tmp_path_factory):
    return built(tmp_path_factory, "words-zh", "zh-Hans", "港口城市", "外文出版社", CHINESE)


def pdf_text(report) -> str:
    pdf = pypdfium2.PdfDocument(output(report, ".pdf"))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def nav(report):
    with zipfile.ZipFile(output(report, ".epub")) as epub:
        root = etree.fromstring(epub.read("EPUB/nav.xhtml"))
        cover = epub.read("EPUB/cover.xhtml").decode("utf-8")
    navs = {each.get(EPUB_TYPE): each for each in root.iter(f"{XHTML}nav")}
    titles = {kind: navs[kind].findtext(f"{XHTML}h2") for kind in navs}
    landmarks = [a.text for a in navs["landmarks"].iter(f"{XHTML}a")]
    return root.findtext(f"{XHTML}head/{XHTML}title"), titles, landmarks, cover


def web_pages(report) -> dict[str, str]:
    folder = report.outputs[0].parent / "web"
    return {path.name: " ".join(lxml_html.parse(str(path)).getroot().text_content().split())
            for path in folder.glob("*.html")}


def web_root(report, name: str):
    return lxml_html.parse(str(report.outputs[0].parent / "web" / name)).getroot()


def test_french_words_and_dates_in_the_screen_pdf(french):
    text = flat(pdf_text(french))
    for expected in ("Sommaire", "mars 2024", "Publié par Éditions du Port, 15 mars 2024",
                     "Texte : Ada Lovelace", "Figure 1 : Photo : Archives"):
        assert expected in text, expected
    for english in ("Contents", "Published by", "March", "Text:"):
        assert english not in text, english


def test_french_words_in_the_epub_navigation(french):
    title, titles, landmarks, cover = nav(french)
    assert title == "Sommaire" and titles["toc"] == "Sommaire"
    assert titles["landmarks"] == "Repères"
    assert titles.get("page-list") in (None, "Pages")  # the page list when the PDF gave one
    assert landmarks == ["Couverture", "Sommaire", "Début"]
    assert 'aria-label="Couverture"' in cover and "La couverture de Le Havre" in cover


def test_french_words_in_the_web_edition(french):
    pages = web_pages(french)
    index = pages["index.html"]
    for expected in ("Aller au contenu", "Sommaire", "Commencer la lecture\u00a0: Le port"
                     .replace("\u00a0", " "), "Colophon", "Publié par Éditions du Port, 15 mars 2024",
                     "Texte : Ada Lovelace", "Figure 1 : Photo : Archives"):
        assert flat(expected) in flat(index), expected
    one = pages["one.html"]
    assert "Notes" in one and "Suivant" in one and "Précédent" not in one
    assert "Précédent" in pages["two.html"]
    back = web_root(french, "one.html").xpath("//a[@class='noteback']")[0]
    assert back.get("aria-label") == "Retour au texte de la note 1"
    assert web_root(french, "index.html").xpath("//time")[0].text == "15 mars 2024"


def test_chinese_words_and_dates_in_the_screen_pdf(chinese):
    text = "".join(pdf_text(chinese).split())
    for expected in ("目录", "2024年3月", "出版：外文出版社，2024年3月15日", "作者：张三",
                     "图1：新华社"):
        assert expected in text, expected
    assert "Contents" not in text and "Published" not in text


def test_chinese_words_in_the_epub_navigation(chinese):
    title, titles, landmarks, cover = nav(chinese)
    assert title == "目录" and titles["toc"] == "目录" and titles["landmarks"] == "导航"
    assert titles.get("page-list") in (None, "页码")
    assert landmarks == ["封面", "目录", "正文"]
    assert "《港口城市》的封面" in cover
    with zipfile.ZipFile(output(chinese, ".epub")) as epub:
        section = epub.read("EPUB/one.xhtml").decode("utf-8")
    assert 'aria-label="返回正文"' in section


def test_chinese_words_in_the_web_edition(chinese):
    pages = web_pages(chinese)
    index = pages["index.html"]
    for expected in ("跳到正文", "目录", "开始阅读：港口", "版权信息", "出版：外文出版社，2024年3月15日",
                     "作者：张三", "图1：新华社"):
        assert expected in index, expected
    assert "注释" in pages["one.html"] and "下一节" in pages["one.html"]
    assert "上一节" in pages["two.html"]
    assert web_root(chinese, "index.html").xpath("//time")[0].text == "2024年3月15日"
    assert web_root(chinese, "one.html").get("lang") == "zh-Hans"


def test_no_words_in_the_language_is_one_warning_and_english(tmp_path):
    source = make_source(tmp_path / "source", "sw", "Bandari", "Mchapishaji", FRENCH)
    report = build(source, tmp_path / "out", targets=("epub", "web"))
    found = [warning for warning in report.warnings if "has no words in Swahili" in warning]
    assert len(found) == 1 and "words/sw.yaml" in found[0] and "layout 'brochure'" in found[0]
    index = web_pages(report)["index.html"]
    assert "Contents" in index and "15 Machi 2024" in index  # English words, Swahili dates
    # a rebuild with nothing changed reports it again, still once
    again = build(source, tmp_path / "out", targets=("epub", "web"))
    assert again.warnings == report.warnings
