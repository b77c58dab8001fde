"""pressroom.pdffonts: OpenType font programs rewritten as bare CFF or TrueType for PDF 1.4, the
same glyphs drawn (pdfium) and the same text read before and after."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import ImageChops
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from pikepdf import Name

from pressroom import engine
from pressroom.pdffonts import bare_font_programs, described_fonts, font_program_problems

REPOSITORY = Path(__file__).resolve().parent.parent.parent
FONTS = REPOSITORY / "layouts" / "brochure" / "fonts"
#: pdfium anti-aliases a bare CFF glyph a little differently from the same glyph in its OpenType
#: wrapper (measured: at most 18 of 255 on the edges, glyph boxes identical); a wrong glyph
#: differs by up to 255.
EDGE_TOLERANCE = 32


@pytest.fixture(scope="module")
def opentype_pdf(tmp_path_factory) -> Path:
    """Two pages through the project's render path: Latin in Inter (a name-keyed OpenType-CFF
    font), Chinese in Noto Sans CJK SC (a CID-keyed one, from a .ttc), Latin in Charis SIL
    (TrueType); each font on both pages."""
    css = f"""
      @font-face {{ font-family: Inter; src: url({(FONTS / 'Inter-Regular.otf').as_uri()}) }}
      @font-face {{ font-family: Charis; src: url({(FONTS / 'CharisSIL-Regular.ttf').as_uri()}) }}
      @page {{ size: 100mm 40mm; margin: 5mm }}
      p {{ font-size: 14pt; margin: 0 }}
      .inter {{ font-family: Inter }} .cjk {{ font-family: 'Noto Sans CJK SC' }}
      .charis {{ font-family: Charis }}"""
    page = ("<p class=inter>Quartz glyphs, 1234</p><p class=cjk lang=zh-Hans>学而时习之</p>"
            "<p class=charis>Typeset proofs</p>")
    html = f"<html><body>{page}<div style='break-before: page'>{page}</div></body></html>"
    document = engine.render_document(html, REPOSITORY.as_uri() + "/", None, [css])
    path = tmp_path_factory.mktemp("pdffonts") / "fonts.pdf"
    engine.write_pdf(document, path, "pdf/x-1a")
    return path


def converted(source: Path, folder: Path, prepare=None) -> tuple[Path, int]:
    """``source`` with its programs made bare (after ``prepare``), saved as PDF 1.4."""
    path = folder / "bare.pdf"
    with pikepdf.open(source) as pdf:
        if prepare:
            prepare(pdf)
        count = bare_font_programs(pdf)
        pdf.save(path, force_version="1.4", object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return path, count


def pages(path: Path) -> list:
    document = pypdfium2.PdfDocument(str(path))
    return [page.render(scale=100 / 72).to_pil().convert("L")
            for page in document]


def glyph_boxes(path: Path) -> list[tuple[str, list]]:
    """Each page's text and the box pdfium reads for each glyph from the font program."""
    document, found = pypdfium2.PdfDocument(str(path)), []
    for page in document:
        text = page.get_textpage()
        found.append((text.get_text_range(),
                      [text.get_charbox(i, loose=False) for i in range(text.count_chars())]))
    return found


def assert_same_glyphs(before: Path, after: Path) -> None:
    for old, new in zip(pages(before), pages(after), strict=True):
        assert sum(old.histogram()[:128]) > 1000  # the page has text to compare
        assert ImageChops.difference(old, new).getextrema()[1] <= EDGE_TOLERANCE
    assert glyph_boxes(after) == glyph_boxes(before)


def programs(path: Path) -> dict[str, str]:
    """Font name -> where its program is: the font file key, and a FontFile3's subtype."""
    found = {}
    with pikepdf.open(path) as pdf:
        for font in described_fonts(pdf):
            descriptor = font.FontDescriptor
            key = next(key for key in ("/FontFile2", "/FontFile3") if key in descriptor)
            name = str(font.BaseFont).split("+")[-1]
            found[name] = f"{font.Subtype} {key} {descriptor[key].get('/Subtype', '')}".strip()
    return found


def test_opentype_programs_are_reported_for_pdf_1_4_only(opentype_pdf):
    with pikepdf.open(opentype_pdf) as pdf:
        problems = font_program_problems(pdf, (1, 4))
        assert font_program_problems(pdf, (1, 6)) == []
    assert len(problems) == 2
    assert any("Inter" in line for line in problems)
    assert any("Noto-Sans-CJK-SC" in line for line in problems)
    assert all("OpenType needs PDF 1.6" in line for line in problems)


def test_cff_programs_become_cidfonttype0c_with_the_same_glyphs(opentype_pdf, tmp_path):
    bare, count = converted(opentype_pdf, tmp_path)
    assert count == 2  # each font is on both pages, its program converted once
    assert programs(bare) == {"Inter": "/CIDFontType0 /FontFile3 /CIDFontType0C",
                              "Noto-Sans-CJK-SC": "/CIDFontType0 /FontFile3 /CIDFontType0C",
                              "Charis": "/CIDFontType2 /FontFile2"}
    with pikepdf.open(bare) as pdf:
        assert pdf.pdf_version == "1.4"
        assert font_program_problems(pdf, (1, 4)) == []
        for font in described_fonts(pdf):
            if font.Subtype == Name.CIDFontType0:  # a key of Type 2 CIDFonts only
                assert "/CIDToGIDMap" not in font
    assert_same_glyphs(opentype_pdf, bare)


def test_a_cid_keyed_charset_is_made_the_identity(opentype_pdf, tmp_path):
    """The CJK font's glyphs given CIDs in reverse order: a reader of the bare CFF maps CIDs
    through the charset, so the codes (glyph ids) would show other glyphs unless it is rewritten."""
    def reverse_cids(pdf):
        for font in described_fonts(pdf):
            if "CJK" not in str(font.BaseFont):
                continue
            program = font.FontDescriptor.FontFile3
            opentype = TTFont(io.BytesIO(program.read_bytes()))
            top = opentype["CFF "].cff.topDictIndex[0]
            names = top.charset
            reversed_names = [names[0]] + [f"cid{len(names) - gid:05d}"
                                           for gid in range(1, len(names))]
            strings = top.CharStrings
            strings.charStrings = {new: strings.charStrings[old]
                                   for old, new in zip(names, reversed_names)}
            top.charset = reversed_names
            data = io.BytesIO()
            opentype.save(data)
            program.write(data.getvalue())

    bare, count = converted(opentype_pdf, tmp_path, reverse_cids)
    assert count == 2
    with pikepdf.open(bare) as pdf:
        for font in described_fonts(pdf):
            if "CJK" in str(font.BaseFont):
                fontset = CFFFontSet()
                fontset.decompile(io.BytesIO(font.FontDescriptor.FontFile3.read_bytes()), None)
                charset = fontset.topDictIndex[0].charset
                assert charset[1:] == [f"cid{gid:05d}" for gid in range(1, len(charset))]
    assert_same_glyphs(opentype_pdf, bare)


def test_a_simple_type1_font_gets_type1c(opentype_pdf, tmp_path):
    """A simple font with an OpenType-CFF program (WeasyPrint writes none; other tools do):
    the bare CFF selects glyphs by the names in the font's Differences."""
    source = tmp_path / "simple.pdf"
    with pikepdf.open(opentype_pdf) as pdf:
        inter = next(font for font in described_fonts(pdf) if "Inter" in str(font.BaseFont))
        data = inter.FontDescriptor.FontFile3.read_bytes()
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        names = [cmap[ord(letter)] for letter in "Quartz"]
        descriptor = pdf.make_indirect(pikepdf.Dictionary(dict(inter.FontDescriptor.items())))
        descriptor.FontFile3 = pdf.make_stream(data, Subtype=Name.OpenType)
        simple = pdf.make_indirect(pikepdf.Dictionary(
            Type=Name.Font, Subtype=Name.Type1, BaseFont=inter.BaseFont, FirstChar=65,
            LastChar=64 + len(names), Widths=[600] * len(names), FontDescriptor=descriptor,
            Encoding=pikepdf.Dictionary(Differences=[65, *(Name("/" + n) for n in names)])))
        page = pdf.pages[0]
        page.Resources.Font.Simple = simple
        page.contents_add(pdf.make_stream(
            b"BT /Simple 30 Tf 20 20 Td (" + bytes(range(65, 65 + len(names))) + b") Tj ET"))
        pdf.save(source)
    bare, count = converted(source, tmp_path)
    assert count == 3
    with pikepdf.open(bare) as pdf:
        font = pdf.pages[0].Resources.Font.Simple
        assert font.FontDescriptor.FontFile3.Subtype == Name.Type1C
        assert font_program_problems(pdf, (1, 4)) == []
    assert_same_glyphs(source, bare)


def test_a_truetype_opentype_program_moves_to_fontfile2(opentype_pdf, tmp_path):
    """A TrueType-flavoured OpenType program in FontFile3 (as some writers embed one) is a
    TrueType program: FontFile2, under a CIDFontType2."""
    def wrap_truetype(pdf):
        for font in described_fonts(pdf):
            descriptor = font.FontDescriptor
            if "/FontFile2" in descriptor:
                descriptor.FontFile3 = descriptor.FontFile2
                descriptor.FontFile3.Subtype = Name.OpenType
                del descriptor["/FontFile2"]

    source = tmp_path / "wrapped.pdf"
    with pikepdf.open(opentype_pdf) as pdf:
        wrap_truetype(pdf)
        assert any("Charis" in line for line in font_program_problems(pdf, (1, 4)))
        pdf.save(source)
    bare, count = converted(source, tmp_path)
    assert count == 3
    assert programs(bare)["Charis"] == "/CIDFontType2 /FontFile2"
    assert_same_glyphs(opentype_pdf, bare)
