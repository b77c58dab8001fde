"""PDF/X acceptance rules, written from the standards and not from Pressroom's code.

Pressroom's own preflight once agreed with the wrong identification string its writer used: a
check that shares constants with the writer proves nothing. This module imports nothing from
``pressroom``; every rule names the public summary of ISO 15930-4 (PDF/X-1a:2003) or ISO
15930-7 (PDF/X-4) it was written from. Sources, cited by key beside each rule:

- [callas] the callas technote rule list for PDF/X-1a, as reproduced in
  https://github.com/Padam87/pdfbox-preflight/issues/1 and the rule docstrings of that project
- [prinect] Heidelberg Prinect PDF Toolbox, "PDF/X" tab:
  https://onlinehelp.prinect-lounge.com/Prinect_PDF_Toolbox/Version2020/en/Prinect/PDF_report/PDF_report-6.htm
- [prepressure] PDF/X-1a summary (Laurens Leurs): http://noduffstuff.co.uk/PDF%20x1a.html
- [harlequin] Global Graphics, "Information about PDF/X files":
  https://documentation.globalgraphics.com/hqnc/information-about-pdf-x-files
- [iso-x4] ISO 15930-7 scope (PDF 1.6; colour-managed, CMYK, gray, RGB, spot; transparency):
  https://standards.globalspec.com/std/10326416/nen-iso-15930-7
- [weasyprint-x4] the XMP entries WeasyPrint 70 writes for PDF/X-4 (weasyprint/pdf/metadata.py):
  xmpMM:DocumentID, VersionID, RenditionClass, next to pdfxid:GTS_PDFXVersion
- [pdf-ref] the PDF Reference: font file kinds and the PDF versions that introduced them
  (FontFile3 /Type1C 1.2, /CIDFontType0C 1.3, /OpenType 1.6), page boxes (14.11.2)
- [print-md] /work/shared/PRINT.md, the facts this project checked against RIP checkers

Each finding is one string ``"[rule-id] page N: what is wrong"`` (no page for document rules).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

X1A = "PDF/X-1a:2003"
X4 = "PDF/X-4"
VERSIONS = (X1A, X4)
NONE = pikepdf.Name("/None")

# [pdf-ref] the highest header each standard allows; X-1a files are PDF 1.3 or 1.4 [print-md],
# "pdf-version above 1.4 isn't allowed for PDF/X-1a"; PDF/X-4 is based on PDF 1.6 [iso-x4].
HIGHEST_PDF = {X1A: (1, 4), X4: (1, 6)}
LOWEST_PDF = {X1A: (1, 3), X4: (1, 0)}

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}

# Colour space families that are never CMYK or spot: refused in X-1a [prepressure] "no RGB, LAB",
# [callas] "Only DeviceCMYK and spot colors allowed".
NOT_X1A_COLOUR = {"/DeviceRGB", "/ICCBased", "/Lab", "/CalRGB", "/CalGray"}
# Device spaces and the output intent's colour space (ICC header bytes 16..20) they belong to.
DEVICE_SPACE = {"/DeviceRGB": "RGB ", "/DeviceCMYK": "CMYK"}
# Actions that run code, leave the file or talk to a server ([callas] "Actions and JavaScript
# prohibited"; [prepressure] "should not contain forms or Javascript code").
FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ResetForm", "/ImportData",
                     "/Movie", "/Sound", "/Rendition"}
# Font program kinds and the PDF version that introduced each [pdf-ref].
FONT_PROGRAM_VERSION = {"/FontFile": (1, 0), "/FontFile2": (1, 1), "/Type1C": (1, 2),
                        "/CIDFontType0C": (1, 3), "/OpenType": (1, 6)}


def check_pdfx(path: Path | str, version: str) -> list[str]:
    """Every rule of ``version`` ("PDF/X-1a:2003" or "PDF/X-4") that the file at ``path`` breaks."""
    if version not in VERSIONS:
        raise ValueError(f"unknown PDF/X version {version!r}; expected one of {VERSIONS}")
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return ["[encryption] the file is encrypted with a password"]
    with pdf:
        findings = []
        for rule in DOCUMENT_RULES:
            findings += rule(pdf, version)
        walk = walk_content(pdf)
        for number, page in enumerate(pdf.pages, 1):
            findings += page_boxes(page, number) + annotations(page, number)
        findings += fonts(walk, pdf_version(pdf))
        findings += colour(walk, version, intent_colour_space(pdf))
        if version == X1A:
            findings += transparency(walk)
        return list(dict.fromkeys(findings))  # one line per distinct finding, in order


# ---------- document rules ----------

def pdf_version(pdf: pikepdf.Pdf) -> tuple[int, int]:
    """The header version, raised by the catalog's /Version when that is higher [pdf-ref]."""
    versions = [pdf.pdf_version]
    if "/Version" in pdf.Root:
        versions.append(str(pdf.Root.Version).lstrip("/"))
    return max(tuple(int(part) for part in v.split(".")[:2]) for v in versions)


def identification(pdf: pikepdf.Pdf, version: str) -> list[str]:
    """[print-md], [harlequin]: X-1a:2003 is ``GTS_PDFXVersion (PDF/X-1:2003)`` **and**
    ``GTS_PDFXConformance (PDF/X-1a:2003)``; X-4 is ``PDF/X-4`` in the Info dictionary, where
    present, and in XMP ``pdfxid:GTS_PDFXVersion``, which is required."""
    info = info_strings(pdf)
    if version == X1A:
        found = []
        if info.get("/GTS_PDFXVersion") != "PDF/X-1:2003":
            found.append("[identification] Info /GTS_PDFXVersion is "
                         f"{info.get('/GTS_PDFXVersion')!r}, not 'PDF/X-1:2003'")
        if info.get("/GTS_PDFXConformance") != "PDF/X-1a:2003":
            found.append("[identification] Info /GTS_PDFXConformance is "
                         f"{info.get('/GTS_PDFXConformance')!r}, not 'PDF/X-1a:2003'")
        return found
    found = []
    if "/GTS_PDFXVersion" in info and info["/GTS_PDFXVersion"] != "PDF/X-4":
        found.append(f"[identification] Info /GTS_PDFXVersion is {info['/GTS_PDFXVersion']!r}, "
                     "not 'PDF/X-4'")
    xmp = xmp_values(pdf) or {}
    if xmp.get("pdfxid:GTS_PDFXVersion") != "PDF/X-4":
        found.append("[identification] XMP pdfxid:GTS_PDFXVersion is "
                     f"{xmp.get('pdfxid:GTS_PDFXVersion')!r}, not 'PDF/X-4'")
    return found


def header_version(pdf: pikepdf.Pdf, version: str) -> list[str]:
    """[print-md] X-1a: PDF 1.3 or 1.4; [iso-x4] X-4: PDF 1.6 at most."""
    found = pdf_version(pdf)
    if not LOWEST_PDF[version] <= found <= HIGHEST_PDF[version]:
        low, high = LOWEST_PDF[version], HIGHEST_PDF[version]
        return [f"[pdf-version] PDF {found[0]}.{found[1]}; {version} allows "
                f"{low[0]}.{low[1]} to {high[0]}.{high[1]}"]
    return []


def document_information(pdf: pikepdf.Pdf, version: str) -> list[str]:
    """[callas] "CreationDate, ModDate and Title required", "Trapped key must be True or False";
    [prinect] the same three and the trapping flag."""
    info = pdf.trailer.get("/Info")
    info = info if isinstance(info, pikepdf.Dictionary) else pikepdf.Dictionary()
    found = [f"[info] Info {key} is missing or empty" for key in ("/Title", "/CreationDate", "/ModDate")
             if not str(info.get(key, "")).strip()]
    trapped = info.get("/Trapped")
    if not (isinstance(trapped, pikepdf.Name) and trapped in ("/True", "/False")):
        found.append(f"[trapped] Info /Trapped is {trapped!r}, not /True or /False")
    return found


def file_identifier(pdf: pikepdf.Pdf, version: str) -> list[str]:
    """[callas] "Document ID must be present in PDF trailer"."""
    ids = pdf.trailer.get("/ID")
    if not (isinstance(ids, pikepdf.Array) and len(ids) == 2):
        return ["[id] the trailer has no /ID pair"]
    return []


def encryption(pdf: pikepdf.Pdf, version: str) -> list[str]:
    """[callas] "Encryption prohibited" (also with an empty user password, which opens silently)."""
    return ["[encryption] the file is encrypted"] if pdf.is_encrypted else []


def output_intent(pdf: pikepdf.Pdf, version: str) -> list[str]:
    """[callas] exactly one PDF/X output intent, with an OutputConditionIdentifier; "Destination
    profile must be embedded or Registry Name must be filled out"; "Destination profile must be
    ICC output profile (type 'prtr')". X-4 always embeds it [iso-x4: PDF/X-4p is the variant
    with an external profile]. X-1a prints CMYK; X-4 may characterise CMYK, gray or RGB."""
    intents = [i for i in pdf.Root.get("/OutputIntents", pikepdf.Array()) if i.get("/S") == "/GTS_PDFX"]
    if len(intents) != 1:
        return [f"[output-intent] {len(intents)} /GTS_PDFX output intents, not exactly one"]
    intent = intents[0]
    found = []
    if not str(intent.get("/OutputConditionIdentifier", "")).strip():
        found.append("[output-intent] no /OutputConditionIdentifier")
    profile = intent.get("/DestOutputProfile")
    if profile is None:
        if version == X4:
            found.append("[output-intent] no embedded /DestOutputProfile (required in PDF/X-4)")
        elif not str(intent.get("/RegistryName", "")).strip():
            found.append("[output-intent] neither a /DestOutputProfile nor a /RegistryName")
        return found
    header = profile.read_bytes()[:128]
    spaces = {"CMYK"} if version == X1A else {"CMYK", "GRAY", "RGB "}
    if header[36:40] != b"acsp":
        found.append("[output-intent] /DestOutputProfile is not an ICC profile")
    elif header[12:16] != b"prtr":
        found.append(f"[output-intent] /DestOutputProfile is of class {header[12:16]!r}, "
                     "not an output ('prtr') profile")
    elif header[16:20].decode("latin-1") not in spaces:
        found.append(f"[output-intent] /DestOutputProfile describes {header[16:20]!r}, "
                     f"not {' or '.join(sorted(spaces))}")
    return found


def metadata(pdf: pikepdf.Pdf, version: str) -> list[str]:
    """X-4 carries XMP [print-md]: the identification (checked above), xmp:CreateDate and
    xmp:ModifyDate, dc:title agreeing with Info /Title, pdf:Trapped agreeing with Info /Trapped
    [prinect: title, dates, trapping]; xmpMM:DocumentID, VersionID and RenditionClass
    [weasyprint-x4]. X-1a has no XMP requirement."""
    if version != X4:
        return []
    xmp = xmp_values(pdf)
    if xmp is None:
        return ["[xmp] no XMP metadata stream in the catalog (required in PDF/X-4)"]
    found = [f"[xmp] XMP {key} is missing" for key in (
        "xmp:CreateDate", "xmp:ModifyDate", "dc:title", "xmpMM:DocumentID", "xmpMM:VersionID",
        "xmpMM:RenditionClass") if not xmp.get(key)]
    info = info_strings(pdf)
    if xmp.get("dc:title") and "/Title" in info and xmp["dc:title"] != info["/Title"]:
        found.append(f"[xmp] dc:title {xmp['dc:title']!r} differs from Info /Title {info['/Title']!r}")
    trapped = info.get("/Trapped", "").lstrip("/")
    if xmp.get("pdf:Trapped") and trapped and xmp["pdf:Trapped"] != trapped:
        found.append(f"[xmp] pdf:Trapped {xmp['pdf:Trapped']!r} differs from Info /Trapped {trapped!r}")
    return found


def actions(pdf: pikepdf.Pdf, version: str) -> list[str]:
    """[callas] "Actions and JavaScript prohibited": no document JavaScript, no action that runs
    code, leaves the file or submits it, no additional-actions (/AA) that fire by themselves."""
    found = []
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        found.append("[actions] the document has a /JavaScript name tree")
    for obj in reachable(pdf):
        if "/AA" in obj:
            found.append("[actions] an additional-actions (/AA) dictionary")
        if str(obj.get("/S")) in FORBIDDEN_ACTIONS and ("/Type" not in obj or obj.Type == "/Action"):
            found.append(f"[actions] a {obj.S} action")
    return found


DOCUMENT_RULES = (identification, header_version, document_information, file_identifier,
                  encryption, output_intent, metadata, actions)


# ---------- page rules ----------

def rectangle(box) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def inside(inner, outer, tolerance: float = 0.01) -> bool:
    return (inner[0] >= outer[0] - tolerance and inner[1] >= outer[1] - tolerance
            and inner[2] <= outer[2] + tolerance and inner[3] <= outer[3] + tolerance)


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def page_boxes(page: pikepdf.Page, number: int) -> list[str]:
    """[callas] "Either TrimBox or ArtBox must be present" (pdf-preflight: not both), "Page boxes
    must be nested properly": TrimBox (or ArtBox) within the BleedBox, the BleedBox within the
    MediaBox. TrimBox, ArtBox and BleedBox are not inheritable [pdf-ref], so only the page's own
    dictionary counts."""
    obj = page.obj
    has_trim, has_art = "/TrimBox" in obj, "/ArtBox" in obj
    if has_trim == has_art:
        return [f"[boxes] page {number}: " + ("both a TrimBox and an ArtBox" if has_trim
                                              else "neither a TrimBox nor an ArtBox")]
    media = rectangle(page.mediabox)
    bleed = rectangle(obj.BleedBox) if "/BleedBox" in obj else media
    finished = rectangle(obj.TrimBox if has_trim else obj.ArtBox)
    found = []
    if not inside(bleed, media):
        found.append(f"[boxes] page {number}: the BleedBox {bleed} extends beyond the MediaBox {media}")
    if not inside(finished, bleed):
        name = "TrimBox" if has_trim else "ArtBox"
        found.append(f"[boxes] page {number}: the {name} {finished} extends beyond the BleedBox {bleed}")
    return found


def annotations(page: pikepdf.Page, number: int) -> list[str]:
    """[callas] "Annotation and Acrobat form elements must be outside of TrimBox and BleedBox";
    [print-md] Harlequin's PDFXERR_ANNOT_ON_PAGE. Printer's marks and trap networks are
    prepress annotations [pdf-ref 14.11.3, 14.11.6] and may sit on the page."""
    obj = page.obj
    areas = [rectangle(obj[key]) for key in ("/TrimBox", "/ArtBox", "/BleedBox") if key in obj]
    found = []
    for annot in obj.get("/Annots", pikepdf.Array()):
        if annot.get("/Subtype") in ("/PrinterMark", "/TrapNet") or "/Rect" not in annot:
            continue
        rect = rectangle(annot.Rect)
        if any(overlaps(rect, area) for area in areas):
            found.append(f"[annotations] page {number}: a {annot.get('/Subtype')} annotation at "
                         f"{tuple(round(v, 1) for v in rect)} inside the trim or bleed")
    return found


# ---------- what the content uses: pages, forms, patterns, Type 3 glyphs, appearances ----------

@dataclass
class Owner:
    """A content stream (or a page's) with the resources it draws with and the page it is on."""
    page: int
    content: object
    resources: pikepdf.Dictionary
    group: object = None


@dataclass
class Walk:
    owners: list[Owner] = field(default_factory=list)
    seen: set = field(default_factory=set)

    def visit(self, content, resources, page: int, group=None) -> None:
        resources = resources if isinstance(resources, pikepdf.Dictionary) else pikepdf.Dictionary()
        key = (id_of(content), id_of(resources))
        if key in self.seen:
            return
        self.seen.add(key)
        self.owners.append(Owner(page, content, resources, group))
        for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
            if xobject.get("/Subtype") == "/Form":
                self.visit(xobject, xobject.get("/Resources", resources), page, xobject.get("/Group"))
        for pattern in resources.get("/Pattern", pikepdf.Dictionary()).values():
            if pattern.get("/PatternType") == 1:
                self.visit(pattern, pattern.get("/Resources", resources), page)
        for font in resources.get("/Font", pikepdf.Dictionary()).values():
            for glyph in font.get("/CharProcs", pikepdf.Dictionary()).values():
                self.visit(glyph, font.get("/Resources", resources), page)


def id_of(obj) -> object:
    if isinstance(obj, pikepdf.Page):
        obj = obj.obj
    return obj.objgen if obj.is_indirect else id(obj)


def inherited(page: pikepdf.Page, key: str):
    node = page.obj
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def walk_content(pdf: pikepdf.Pdf) -> Walk:
    walk = Walk()
    for number, page in enumerate(pdf.pages, 1):
        walk.visit(page, inherited(page, "/Resources"), number, page.obj.get("/Group"))
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            for appearance in annot.get("/AP", pikepdf.Dictionary()).values():
                streams = [appearance] if isinstance(appearance, pikepdf.Stream) else appearance.values()
                for stream in streams:
                    if isinstance(stream, pikepdf.Stream):
                        walk.visit(stream, stream.get("/Resources"), number, stream.get("/Group"))
    return walk


def reachable(pdf: pikepdf.Pdf):
    """Every dictionary and stream reachable from the trailer, each once."""
    seen, stack = set(), [pdf.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            yield obj
            stack.extend(obj[key] for key in obj.keys() if key != "/Parent")
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


# ---------- fonts ----------

def font_dictionaries(walk: Walk):
    """Each font dictionary once (with the first page that uses it), descendants included."""
    seen = {}  # key -> the font, kept alive so that id() of a direct font is not reused
    for owner in walk.owners:
        for name, font in owner.resources.get("/Font", pikepdf.Dictionary()).items():
            for each in [font, *font.get("/DescendantFonts", pikepdf.Array())]:
                if id_of(each) not in seen:
                    seen[id_of(each)] = each
                    yield owner.page, name, each


def fonts(walk: Walk, version: tuple[int, int]) -> list[str]:
    """[callas] "Fonts must be embedded" (Type 3 glyphs are content, not a font program);
    [print-md], [pdf-ref] a font program no newer than the file: FontFile3 /OpenType is PDF 1.6."""
    found = []
    for page, name, font in font_dictionaries(walk):
        if font.get("/Subtype") in ("/Type3", "/Type0"):
            continue  # Type 3 has no program; a Type 0 font's program is its descendant's
        base = font.get("/BaseFont", name)
        descriptor = font.get("/FontDescriptor", pikepdf.Dictionary())
        programs = [key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
        if not programs:
            found.append(f"[fonts-embedded] page {page}: font {base} is not embedded")
            continue
        kind = programs[0] if programs[0] != "/FontFile3" else str(descriptor.FontFile3.get("/Subtype"))
        needed = FONT_PROGRAM_VERSION.get(kind)
        if needed is None or needed > version:
            found.append(f"[font-program] page {page}: font {base} embeds a {kind} program, which "
                         f"PDF {version[0]}.{version[1]} does not allow")
    return found


# ---------- colour ----------

def intent_colour_space(pdf: pikepdf.Pdf) -> str | None:
    """The output intent profile's colour space ('CMYK', 'RGB ', 'GRAY'), if one is embedded."""
    for intent in pdf.Root.get("/OutputIntents", pikepdf.Array()):
        if intent.get("/S") == "/GTS_PDFX" and "/DestOutputProfile" in intent:
            return intent.DestOutputProfile.read_bytes()[16:20].decode("latin-1")
    return None


def families(space, resources: pikepdf.Dictionary, depth: int = 0) -> set[str]:
    """Every colour space family in ``space``, with the bases and alternates inside it."""
    if depth > 8:
        return set()
    if isinstance(space, pikepdf.Name):
        named = resources.get("/ColorSpace", pikepdf.Dictionary()).get(space)
        if named is not None and not str(space).startswith("/Device") and space != "/Pattern":
            return families(named, resources, depth + 1)
        return {str(space)}
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])
        inner = {"/Indexed": [1], "/Pattern": [1], "/Separation": [2], "/DeviceN": [2]}.get(family, [])
        result = {family}
        for index in inner:
            if index < len(space):
                result |= families(space[index], resources, depth + 1)
        if family == "/DeviceN" and len(space) > 4:
            for colourant in space[4].get("/Colorants", pikepdf.Dictionary()).values():
                result |= families(colourant, resources, depth + 1)
        return result
    return set()


def colour_uses(owner: Owner):
    """(family, where) for every colour space the owner's resources hold or its content sets."""
    resources = owner.resources
    for name, space in resources.get("/ColorSpace", pikepdf.Dictionary()).items():
        for family in families(space, resources):
            yield family, f"colour space resource {name}"
    for name, xobject in resources.get("/XObject", pikepdf.Dictionary()).items():
        if xobject.get("/Subtype") == "/Image" and not xobject.get("/ImageMask", False):
            space = xobject.get("/ColorSpace")
            if space is None:
                yield "(none: JPX)", f"image {name}"
            for family in families(space, resources):
                yield family, f"image {name}"
    for name, shading in shadings(resources):
        for family in families(shading.get("/ColorSpace"), resources):
            yield family, f"shading {name}"
    if owner.group is not None and "/CS" in owner.group:
        for family in families(owner.group.CS, resources):
            yield family, "transparency group"
    operators = {"rg": "/DeviceRGB", "RG": "/DeviceRGB", "k": "/DeviceCMYK", "K": "/DeviceCMYK",
                 "g": "/DeviceGray", "G": "/DeviceGray"}
    for operands, operator in pikepdf.parse_content_stream(owner.content):
        op = str(operator)
        if op in operators:
            yield operators[op], f"operator {op}"
        elif op in ("cs", "CS"):
            for family in families(operands[0], resources):
                yield family, f"operator {op} {operands[0]}"
        elif op == "INLINE IMAGE":
            image = operands[0].obj
            space = image.get("/CS", image.get("/ColorSpace"))
            if space is not None and not image.get("/IM", image.get("/ImageMask", False)):
                abbreviations = {"/RGB": "/DeviceRGB", "/CMYK": "/DeviceCMYK", "/G": "/DeviceGray",
                                 "/I": "/Indexed"}
                space = pikepdf.Name(abbreviations.get(str(space), str(space))) \
                    if isinstance(space, pikepdf.Name) else space
                for family in families(space, resources):
                    yield family, "inline image"


def shadings(resources: pikepdf.Dictionary):
    for name, shading in resources.get("/Shading", pikepdf.Dictionary()).items():
        yield name, shading
    for name, pattern in resources.get("/Pattern", pikepdf.Dictionary()).items():
        if pattern.get("/PatternType") == 2 and "/Shading" in pattern:
            yield name, pattern.Shading


def colour(walk: Walk, version: str, intent_space: str | None) -> list[str]:
    """X-1a: only DeviceCMYK, DeviceGray, Separation and DeviceN (Indexed and Pattern over them),
    anywhere: content operators, resources, images, shadings, groups ([callas] "Only DeviceCMYK
    and spot colors allowed"; [prepressure] "no RGB, LAB, ... data"); spot alternates are held
    to the same. X-4: colour-managed spaces are allowed [iso-x4], but a device space must be the
    output intent's own: no DeviceRGB when the intent is CMYK, no DeviceCMYK when it is RGB."""
    found = []
    for owner in walk.owners:
        for family, where in colour_uses(owner):
            if version == X1A and (family in NOT_X1A_COLOUR or family.startswith("(none")):
                found.append(f"[colour] page {owner.page}: {family} in {where}")
            elif (version == X4 and family in DEVICE_SPACE and intent_space is not None
                  and DEVICE_SPACE[family] != intent_space):
                found.append(f"[colour] page {owner.page}: {family} in {where} with a "
                             f"{intent_space.strip()} output intent")
    return found


# ---------- transparency (X-1a) ----------

def transparency(walk: Walk) -> list[str]:
    """[callas] "Transparency not allowed" in X-1a: no soft mask other than /None, no constant
    alpha below 1, no blend mode other than Normal or Compatible, no image with /SMask or
    /SMaskInData, no transparency group."""
    found = []
    for owner in walk.owners:
        where = f"page {owner.page}"
        if owner.group is not None and owner.group.get("/S") == "/Transparency":
            found.append(f"[transparency] {where}: a transparency group")
        for name, state in owner.resources.get("/ExtGState", pikepdf.Dictionary()).items():
            if state.get("/SMask", NONE) != NONE:
                found.append(f"[transparency] {where}: ExtGState {name} sets a soft mask")
            for key in ("/CA", "/ca"):
                if float(state.get(key, 1)) < 1:
                    found.append(f"[transparency] {where}: ExtGState {name} sets {key} {float(state[key])}")
            modes = state.get("/BM", pikepdf.Name("/Normal"))
            modes = list(modes) if isinstance(modes, pikepdf.Array) else [modes]
            if any(mode not in ("/Normal", "/Compatible") for mode in modes):
                found.append(f"[transparency] {where}: ExtGState {name} sets blend mode {modes}")
        for name, xobject in owner.resources.get("/XObject", pikepdf.Dictionary()).items():
            if xobject.get("/Subtype") == "/Image" and ("/SMask" in xobject
                                                       or int(xobject.get("/SMaskInData", 0))):
                found.append(f"[transparency] {where}: image {name} has a soft mask")
    return found


# ---------- reading Info and XMP ----------

def info_strings(pdf: pikepdf.Pdf) -> dict[str, str]:
    info = pdf.trailer.get("/Info")
    if not isinstance(info, pikepdf.Dictionary):
        return {}
    return {str(key): str(value) for key, value in info.items()}


def xmp_values(pdf: pikepdf.Pdf) -> dict[str, str] | None:
    """The simple XMP properties as ``prefix:name -> text`` (attributes or elements; a title's
    x-default), or None without a metadata stream. Read with ElementTree, not pikepdf's model,
    so the rules do not depend on one library's idea of XMP."""
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return None
    try:
        root = ET.fromstring(stream.read_bytes())
    except ET.ParseError:
        return {}
    prefixes = {uri: prefix for prefix, uri in NS.items()}
    values = {}

    def key_of(tag: str) -> str | None:
        uri, _, local = tag[1:].partition("}")
        return f"{prefixes[uri]}:{local}" if uri in prefixes else None

    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        for attribute, text in description.attrib.items():
            if (key := key_of(attribute)) is not None:
                values[key] = text
        for child in description:
            if (key := key_of(child.tag)) is None:
                continue
            items = list(child.iter(f"{{{NS['rdf']}}}li"))
            values[key] = (items[0].text or "") if items else (child.text or "").strip()
    return values
