"""Font programs for PDF 1.3/1.4: OpenType CFF embedded by WeasyPrint becomes bare CFF, the same
glyphs drawn by every renderer, and the preflight's version check sees the difference."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import Image, ImageChops

from pressroom.paths import BUILTIN_LAYOUTS
from pressroom.pdffonts import bare_font_programs, font_program_problems

weasyprint = pytest.importorskip("weasyprint")

INTER = BUILTIN_LAYOUTS / "brochure" / "fonts" / "Inter-Regular.otf"
CHARIS = BUILTIN_LAYOUTS / "brochure" / "fonts" / "CharisSIL-Regular.ttf"
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.fixture(scope="module")
def opentype_pdf(tmp_path_factory) -> Path:
    """A page set in Inter (OpenType CFF), Charis (TrueType) and, where installed, Noto Sans
    CJK (a CFF collection), written by WeasyPrint as PDF/X-1a."""
    folder = tmp_path_factory.mktemp("fonts")
    faces = [("Inter", INTER), ("Charis", CHARIS)] + ([("CJK", CJK)] if CJK.exists() else [])
    css = "".join(f"@font-face {{ font-family: {name}; src: url({path.as_uri()}) }}"
                  for name, path in faces)
    html = (f"<style>{css} @page {{ size: A6 }} p {{ font-size: 14pt }}</style>"
            "<p style='font-family: Inter'>Inter: Typesetting 0123 fi ffl</p>"
            "<p style='font-family: Charis'>Charis: Typesetting</p>"
            "<p style='font-family: CJK'>北京人民对外友好 Beijing</p>")
    path = folder / "opentype.pdf"
    weasyprint.HTML(string=html).write_pdf(path, pdf_variant="pdf/x-1a")
    return path


def bare_copy(source: Path, target: Path) -> int:
    with pikepdf.open(source) as pdf:
        count = bare_font_programs(pdf)
        pdf.save(target, force_version="1.4")
    return count


def test_opentype_programs_become_bare_cff_and_the_version_check_agrees(opentype_pdf, tmp_path):
    with pikepdf.open(opentype_pdf) as pdf:
        before = font_program_problems(pdf, (1, 4))
    assert any("Inter" in line and "FontFile3 OpenType" in line and "PDF 1.6" in line
               for line in before), before
    assert not any("Charis" in line for line in before)  # TrueType: FontFile2, PDF 1.1
    bare = tmp_path / "bare.pdf"
    assert bare_copy(opentype_pdf, bare) == (2 if CJK.exists() else 1)
    with pikepdf.open(bare) as pdf:
        assert font_program_problems(pdf, (1, 4)) == []
        assert font_program_problems(pdf, (1, 2))  # CIDFontType0C is PDF 1.3
        kinds = {str(fd.FontFile3.Subtype) for fd in (obj for obj in pdf.objects
                 if isinstance(obj, pikepdf.Dictionary) and "/FontFile3" in obj)}
        assert kinds == {"/CIDFontType0C"}


def pixels(path: Path) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(path)
    return [page.render(scale=2).to_pil().convert("L") for page in document]


def test_every_glyph_draws_the_same_before_and_after(opentype_pdf, tmp_path):
    bare = tmp_path / "bare.pdf"
    bare_copy(opentype_pdf, bare)
    # pdfium hints the two program kinds a little differently: anti-aliasing only
    for before, after in zip(pixels(opentype_pdf), pixels(bare)):
        difference = ImageChops.difference(before, after)
        assert difference.getextrema()[1] <= 24
        assert sum(difference.histogram()[25:]) == 0
    if shutil.which("pdftoppm"):  # poppler draws them pixel for pixel alike
        renders = []
        for path in (opentype_pdf, bare):
            subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(path),
                            str(tmp_path / path.stem)], check=True)
            renders.append(Image.open(tmp_path / f"{path.stem}.png").convert("L"))
        assert ImageChops.difference(*renders).getbbox() is None
    if shutil.which("pdftotext"):
        text = [subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout for path in (opentype_pdf, bare)]
        assert text[0] == text[1] and "Typesetting" in text[0]
