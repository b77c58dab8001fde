"""Embedded font programs a PDF 1.3 or 1.4 reader can use: what PDF/X-1a asks of a press file.

WeasyPrint embeds an OpenType-CFF font (Inter, Noto CJK) whole, as ``/FontFile3`` with
``/Subtype /OpenType``: a PDF 1.6 feature, which a PDF/X-1a file (PDF 1.3 or 1.4) may not hold.
Its 'CFF ' table alone is a program PDF 1.3 knows: ``/CIDFontType0C`` for the descendant of a
Type 0 font, ``/Type1C`` for a simple Type 1 font. A TrueType-flavoured OpenType font is a
TrueType font, ``/FontFile2`` (PDF 1.1).

Each code still shows the same glyph. WeasyPrint writes text as Identity-H codes that are glyph
ids of the subset (its subsetter keeps the font's glyph ids), so every CID is a glyph id, the W
widths are keyed by it, and ``/CIDToGIDMap /Identity`` says so. In a CIDFontType0 with a
name-keyed CFF (Inter) a reader uses the CID as the glyph index directly; with a CID-keyed CFF
(Noto CJK) the CFF's charset maps CIDs to glyphs, so a charset that is not the identity is
rewritten to be one (glyph *n* becomes CID *n*), outlines, widths and FD selection unchanged.
``CIDToGIDMap`` is a key of Type 2 CIDFonts only: the identity one goes from a CIDFontType0.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator

import pikepdf
from fontTools.cffLib.CFF2ToCFF import convertCFF2ToCFF
from fontTools.ttLib import TTFont
from pikepdf import Dictionary, Name, Stream

#: The PDF version that first took each kind of embedded font program (PDF Reference 1.7,
#: table 5.23 "Embedded font organization for various font types" and table 5.24).
PROGRAM_VERSIONS: dict[str, tuple[int, int]] = {
    "/FontFile": (1, 0),  # Type 1
    "/FontFile2": (1, 1),  # TrueType
    "/Type1C": (1, 2),  # bare CFF, simple font
    "/CIDFontType0C": (1, 3),  # bare CFF, CIDFontType0 descendant
    "/OpenType": (1, 6),
}
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def bare_font_programs(pdf: pikepdf.Pdf) -> int:
    """Rewrite in place every embedded OpenType program (``/FontFile3 /OpenType``) as a bare CFF
    or TrueType program, and the font dictionaries that must change with it; the number of
    programs rewritten. A program shared by many fonts is converted once. A CID-keyed CFF under
    a simple font (no such thing in PDF) stays as it is, and the preflight reports it."""
    flavours: dict[tuple[int, int], str | None] = {}  # program -> what it became
    for font in described_fonts(pdf):
        descriptor = font.FontDescriptor
        program = descriptor.get("/FontFile3")
        if not isinstance(program, Stream):
            continue
        if program.objgen not in flavours:
            if program.get("/Subtype") != Name.OpenType:
                continue
            flavours[program.objgen] = bare_program(program, font)
        flavour = flavours[program.objgen]
        if flavour == "cff" and font.get("/Subtype") == Name.CIDFontType0:
            if font.get("/CIDToGIDMap") == Name.Identity:
                del font["/CIDToGIDMap"]
        elif flavour == "truetype":
            descriptor.FontFile2 = program
            del descriptor["/FontFile3"]
            if font.get("/Subtype") == Name.CIDFontType0:  # glyphs were selected by CID directly
                font.Subtype = Name.CIDFontType2
                font.CIDToGIDMap = Name.Identity
    return sum(flavour is not None for flavour in flavours.values())


def bare_program(program: Stream, font: Dictionary) -> str | None:
    """Replace the OpenType data of ``program`` (used by ``font``) with what PDF 1.3 embeds:
    "cff" or "truetype", or None where the program cannot serve that font without it."""
    opentype = TTFont(io.BytesIO(program.read_bytes()), lazy=True)
    if "glyf" in opentype:
        if font.get("/Subtype") not in (Name.CIDFontType0, Name.CIDFontType2, Name.TrueType):
            return None
        data = program.read_bytes()  # an OpenType font with outlines in 'glyf' is TrueType
        del program["/Subtype"]
        program.Length1 = len(data)
        write(program, data)
        return "truetype"
    changed = "CFF2" in opentype  # a variable font's static instance may keep its CFF2 table
    if changed:
        convertCFF2ToCFF(opentype)
    if "CFF " not in opentype:
        return None
    cff = opentype["CFF "].cff
    cid_keyed = hasattr(cff.topDictIndex[0], "ROS")
    if font.get("/Subtype") == Name.CIDFontType0:
        changed = (cid_keyed and identity_charset(cff)) or changed
        subtype = Name.CIDFontType0C
    elif font.get("/Subtype") == Name.Type1 and not cid_keyed:
        subtype = Name.Type1C
    else:
        return None
    if changed:
        compiled = io.BytesIO()
        cff.compile(compiled, opentype)
        data = compiled.getvalue()
    else:  # the table's own bytes, as the subsetter wrote them
        data = opentype.reader["CFF "]
    program.Subtype = subtype
    write(program, data)
    return "cff"


def identity_charset(cff) -> bool:
    """Make glyph *n* of a CID-keyed CFF font CID *n*, as an Identity-H text with glyph ids for
    CIDs expects; whether the charset changed (it may be the identity already)."""
    top = cff.topDictIndex[0]
    names = top.charset
    wanted = [names[0]] + [f"cid{gid:05d}" for gid in range(1, len(names))]
    if names == wanted:
        return False
    strings = top.CharStrings
    index = {name: strings.charStrings[name] for name in names}  # name -> glyph index
    strings.charStrings = {new: index[old] for old, new in zip(names, wanted)}
    top.charset = wanted
    top.CIDCount = max(getattr(top, "CIDCount", 0), len(wanted))
    return True


def write(program: Stream, data: bytes) -> None:
    program.write(zlib.compress(data, 9), filter=Name.FlateDecode)


def font_program_problems(pdf: pikepdf.Pdf, max_version: tuple[int, int]) -> list[str]:
    """One line per font whose embedded program needs a newer PDF than ``max_version``."""
    problems = []
    limit = ".".join(map(str, max_version))
    for font in described_fonts(pdf):
        kind = program_kind(font.FontDescriptor)
        if kind is None:
            continue
        needed = PROGRAM_VERSIONS.get(kind)
        name = str(font.get("/BaseFont", "/(unnamed)"))[1:]
        if needed is None:
            problems.append(f"font {name}: embedded program {kind[1:]} is not a kind of font "
                            f"program PDF {limit} knows")
        elif needed > max_version:
            problems.append(f"font {name}: embedded program {kind[1:]} needs PDF "
                            f"{needed[0]}.{needed[1]}, this file may use PDF {limit} at most")
    return problems


def program_kind(descriptor: Dictionary) -> str | None:
    """``/FontFile``, ``/FontFile2`` or the subtype of a ``/FontFile3`` (None: not embedded)."""
    for key in FONT_FILES:
        program = descriptor.get(key)
        if isinstance(program, Stream):
            return str(program.get("/Subtype", "/(no subtype)")) if key == "/FontFile3" else key
    return None


def described_fonts(pdf: pikepdf.Pdf) -> Iterator[Dictionary]:
    """Every font dictionary with a font descriptor, once: simple fonts and the descendants of
    Type 0 fonts, used or not (an unused font's program is in the file all the same)."""
    seen: set[tuple[int, int]] = set()
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.Font:
            continue
        fonts = obj.get("/DescendantFonts", ()) if obj.get("/Subtype") == Name.Type0 else (obj,)
        for font in fonts:
            if not isinstance(font, Dictionary) or font.objgen in seen:
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            if isinstance(font.get("/FontDescriptor"), Dictionary):
                yield font
