"""Embedded font programs and the PDF versions that may carry them.

WeasyPrint embeds an OpenType font with CFF outlines (the layouts' Inter, the CJK faces) as
``/FontFile3 /Subtype /OpenType``, which PDF 1.6 introduced; a PDF/X-1a file is PDF 1.3 or 1.4.
The same outlines go into a 1.3 file as bare CFF, the OpenType wrapper's ``CFF `` table alone:
``/CIDFontType0C`` under a CIDFontType0 (a name-keyed CFF there takes each CID as its glyph
index, which is what WeasyPrint's Identity-encoded subsets use), ``/Type1C`` under a simple Type1
font. TrueType outlines in an OpenType wrapper become ``/FontFile2``. The glyphs, their order and
the widths stay as they are; only the wrapper goes.

The versions each program needs are the PDF Reference's (sixth edition, table 5.23 and 5.24).
"""

from __future__ import annotations

import io

import pikepdf
from fontTools.ttLib import TTFont
from pikepdf import Dictionary, Name

#: The PDF version each kind of embedded font program needs.
PROGRAM_VERSION = {("/FontFile", None): (1, 0), ("/FontFile2", None): (1, 1),
                   ("/FontFile3", "/Type1C"): (1, 2), ("/FontFile3", "/CIDFontType0C"): (1, 3),
                   ("/FontFile3", "/OpenType"): (1, 6)}
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def font_descriptors(pdf: pikepdf.Pdf):
    """(font name, font subtype, descriptor) for every font that has a descriptor: simple fonts
    and the CIDFonts under Type0 fonts."""
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.Font:
            continue
        descriptor = obj.get("/FontDescriptor")
        if isinstance(descriptor, Dictionary):
            yield str(obj.get("/BaseFont", "/(unnamed)"))[1:], str(obj.get("/Subtype")), descriptor


def bare_font_programs(pdf: pikepdf.Pdf) -> int:
    """Rewrite, in place, every ``FontFile3 /OpenType`` program as one PDF 1.3 accepts; the
    number rewritten (a program shared by several fonts counts once)."""
    done: set[tuple[int, int]] = set()
    for _, subtype, descriptor in font_descriptors(pdf):
        program = descriptor.get("/FontFile3")
        if not isinstance(program, pikepdf.Stream) or program.get("/Subtype") != Name.OpenType:
            continue
        if program.objgen in done:
            continue
        font = TTFont(io.BytesIO(program.read_bytes()), lazy=True)
        if "CFF " in font:
            program.write(font.getTableData("CFF "))
            program.Subtype = Name.CIDFontType0C if subtype == "/CIDFontType0" else Name.Type1C
        elif "glyf" in font:  # TrueType outlines: the whole file is a FontFile2 program
            data = program.read_bytes()
            del descriptor["/FontFile3"]
            descriptor.FontFile2 = pdf.make_stream(data)
        else:
            continue  # CFF2 or bitmap-only: no PDF 1.4 form; the preflight names it
        done.add(program.objgen)
    return len(done)


def font_program_problems(pdf: pikepdf.Pdf, max_version: tuple[int, int]) -> list[str]:
    """One line per font whose embedded program needs a newer PDF than ``max_version``."""
    problems = []
    for name, _, descriptor in font_descriptors(pdf):
        for key in FONT_FILES:
            program = descriptor.get(key)
            if not isinstance(program, pikepdf.Stream):
                continue
            kind = str(program.get("/Subtype")) if key == "/FontFile3" else None
            needs = PROGRAM_VERSION.get((key, kind), (1, 7))
            if needs > max_version:
                what = f"{key[1:]} {kind[1:]}" if kind else key[1:]
                problems.append(f"font {name} embeds a {what} program, which needs PDF "
                                f"{needs[0]}.{needs[1]}; the file may be "
                                f"{max_version[0]}.{max_version[1]} at most")
    return sorted(set(problems))
