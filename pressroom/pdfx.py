"""PDF/X, the standard press files follow: how a press file is finished, identified and saved.

A publication's ``print.profile`` is one of :data:`PROFILES`. The press PDF, its imposed sheets
and its cover are all finished here, so the three are the same PDF/X version with the same
output intent and metadata. ``preflight`` checks the result against the standard's own strings
(its table is written from the standard, not imported from here).

Identification (ISO 15930-4:2003 for PDF/X-1a:2003, ISO 15930-7:2010 for PDF/X-4):
- PDF/X-1a:2003: Info ``/GTS_PDFXVersion (PDF/X-1:2003)`` and ``/GTS_PDFXConformance
  (PDF/X-1a:2003)``; PDF 1.3 or 1.4; XMP optional, but when present it says the same.
- PDF/X-4: ``pdfxid:GTS_PDFXVersion`` = ``PDF/X-4`` in XMP (required), the same in Info; up to
  PDF 1.6; the XMP carries xmp:CreateDate, xmp:ModifyDate, dc:title, xmpMM:DocumentID,
  xmpMM:VersionID and xmpMM:RenditionClass (``default``: the file is the document itself).
- Both: Title, CreationDate and ModDate in Info, /Trapped True or False, a trailer /ID, one
  output intent /S /GTS_PDFX, no annotations on the printed area (a press file carries none).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

import pikepdf

#: The profiles a publication may name, the default first, with the name people use for each.
PDFX_NAME = {"pdf/x-4": "PDF/X-4", "pdf/x-1a": "PDF/X-1a:2003"}
PROFILES = tuple(PDFX_NAME)
#: The highest PDF version each allows (its header and the catalog's /Version).
MAX_PDF_VERSION = {"pdf/x-4": (1, 6), "pdf/x-1a": (1, 4)}


@dataclass(frozen=True)
class Identification:
    version: str                 # GTS_PDFXVersion
    conformance: str | None      # GTS_PDFXConformance, for the X-1 family only


IDENTIFICATION = {"pdf/x-4": Identification("PDF/X-4", None),
                  "pdf/x-1a": Identification("PDF/X-1:2003", "PDF/X-1a:2003")}

#: The CMYK characterisation every press file targets (the layout's profiles/FOGRA39L-coated.icc).
OUTPUT_CONDITION = {
    "identifier": "FOGRA39",
    "condition": "Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 "
                 "= coated art, 115 g/m2, tone value increase curves A (CMY) and B (K)",
    "registry": "http://www.color.org",
    "info": "FOGRA39L coated (made with ArgyllCMS from FOGRA39 characterisation data)",
}

PDFXID = "http://www.npes.org/pdfx/ns/id/"
PDFX = "http://ns.adobe.com/pdfx/1.3/"
XMPMM = "http://ns.adobe.com/xap/1.0/mm/"
XMP = "http://ns.adobe.com/xap/1.0/"
PDF_NS = "http://ns.adobe.com/pdf/1.3/"
#: The /ID second half qpdf writes with ``static_id`` (its first half is kept from the trailer).
QPDF_STATIC_ID = b"<31415926535897932384626433832795>"


def finish(pdf: pikepdf.Pdf, profile: Path, variant: str, document: str) -> int:
    """Make ``pdf`` a press file of ``variant``: its output intent, its identification, font
    programs its PDF version allows, and no annotations. ``document`` names the document in every build (e.g. the publication's
    identifier and the file's part: ``...#press``). Returns the annotations removed."""
    name_output_intent(pdf, profile)
    identify(pdf, variant, document)
    if variant == "pdf/x-1a":
        flatten_opaque_groups(pdf)
    if MAX_PDF_VERSION[variant] < (1, 6):
        from .pdffonts import bare_font_programs
        bare_font_programs(pdf)  # OpenType font programs are PDF 1.6
    return strip_annotations(pdf)


def flatten_opaque_groups(pdf: pikepdf.Pdf) -> int:
    """Remove the transparency group of each form XObject that paints nothing transparent (no
    opacity below 1, soft mask or blend mode in its resources or in the forms and patterns it
    draws, no image with an alpha channel): WeasyPrint wraps every SVG gradient in such a
    group, which PDF/X-1a forbids though it changes no pixel. A form with real transparency
    keeps its group (and the preflight reports it). Returns the groups removed."""
    removed = 0
    for obj in pdf.objects:
        if (isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Form
                and isinstance(obj.get("/Group"), pikepdf.Dictionary)
                and obj.Group.get("/S") == pikepdf.Name.Transparency
                and _opaque(obj.get("/Resources"), set())):
            del obj["/Group"]
            removed += 1
    return removed


def _opaque(resources, seen: set) -> bool:
    """Whether what ``resources`` name (and, through forms and patterns, what they name)
    paints nothing transparent."""
    if not isinstance(resources, pikepdf.Dictionary):
        return True
    if resources.is_indirect:
        if resources.objgen in seen:
            return True
        seen.add(resources.objgen)
    states = resources.get("/ExtGState")
    for state in (states.values() if isinstance(states, pikepdf.Dictionary) else ()):
        if any(key in state and float(state[key]) != 1 for key in ("/CA", "/ca")):
            return False
        if state.get("/SMask", pikepdf.Name("/None")) != pikepdf.Name("/None"):
            return False
        if state.get("/BM", pikepdf.Name.Normal) not in (pikepdf.Name.Normal,
                                                          pikepdf.Name.Compatible):
            return False
    inner = []
    for kind in ("/XObject", "/Pattern"):
        named = resources.get(kind)
        inner += list(named.values()) if isinstance(named, pikepdf.Dictionary) else []
    for obj in inner:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == pikepdf.Name.Image:
            if "/SMask" in obj or obj.get("/SMaskInData", 0) != 0:
                return False
            continue
        if obj.objgen in seen:
            continue
        seen.add(obj.objgen)
        if not _opaque(obj.get("/Resources"), seen):
            return False
    return True


def name_output_intent(pdf: pikepdf.Pdf, profile: Path) -> None:
    """A registered printing condition (FOGRA39) with the profile embedded."""
    icc = pdf.make_stream(Path(profile).read_bytes(), N=4)
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=OUTPUT_CONDITION["identifier"],
        OutputCondition=OUTPUT_CONDITION["condition"], RegistryName=OUTPUT_CONDITION["registry"],
        Info=OUTPUT_CONDITION["info"], DestOutputProfile=icc)])


def identify(pdf: pikepdf.Pdf, variant: str, document: str) -> None:
    """The standard's keys in Info and XMP, the same in both; dates and title completed."""
    wanted = IDENTIFICATION[variant]
    if not isinstance(pdf.trailer.get("/Info"), pikepdf.Dictionary):
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary())
    info = pdf.docinfo
    info["/GTS_PDFXVersion"] = wanted.version
    if wanted.conformance:
        info["/GTS_PDFXConformance"] = wanted.conformance
    elif "/GTS_PDFXConformance" in info:
        del info["/GTS_PDFXConformance"]
    info["/Trapped"] = pikepdf.Name("/False")
    modified = str(info.get("/ModDate", "")) or None
    if modified is None:
        from .imprint import build_time
        modified = build_time().strftime("D:%Y%m%d%H%M%SZ")
        info["/ModDate"] = modified
    if "/CreationDate" not in info:
        info["/CreationDate"] = modified
    if "/Title" not in info:
        info["/Title"] = document
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp[f"{{{PDFXID}}}GTS_PDFXVersion"] = wanted.version
        xmp[f"{{{PDFX}}}GTS_PDFXVersion"] = wanted.version
        if wanted.conformance:
            xmp[f"{{{PDFX}}}GTS_PDFXConformance"] = wanted.conformance
        elif f"{{{PDFX}}}GTS_PDFXConformance" in xmp:
            del xmp[f"{{{PDFX}}}GTS_PDFXConformance"]
        xmp[f"{{{PDF_NS}}}Trapped"] = "False"
        xmp[f"{{{XMPMM}}}DocumentID"] = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, document)}"
        xmp[f"{{{XMPMM}}}VersionID"] = "1"
        xmp[f"{{{XMPMM}}}RenditionClass"] = "default"
        if "dc:title" not in xmp:
            xmp["dc:title"] = str(info["/Title"])
        for key, date in ((f"{{{XMP}}}CreateDate", info["/CreationDate"]),
                          (f"{{{XMP}}}ModifyDate", info["/ModDate"])):
            if key not in xmp:
                xmp[key] = xmp_date(str(date))


def xmp_date(pdf_date: str) -> str:
    """``D:20240315`` or ``D:20240315101500Z`` as XMP's ISO 8601."""
    digits = pdf_date.removeprefix("D:")
    date = f"{digits[0:4]}-{digits[4:6] or '01'}-{digits[6:8] or '01'}"
    if len(digits) >= 14:
        date += f"T{digits[8:10]}:{digits[10:12]}:{digits[12:14]}Z"
    return date


def strip_annotations(pdf: pikepdf.Pdf) -> int:
    """Remove every annotation (links on the contents page, ...) from every page: PDF/X
    checkers refuse them on the printed area, and paper cannot follow a link. The screen PDF
    keeps its links; its outline (bookmarks) is no annotation and stays."""
    removed = 0
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is not None:
            removed += len(annotations)
            del page.obj["/Annots"]
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
    return removed


def document_id(key: str) -> bytes:
    """The file's /ID: 16 bytes of the digest of its content key and the versions of the
    libraries that write it, so the same inputs give the same bytes and other inputs another
    /ID (qpdf's own deterministic /ID hashes the whole written file: half a second more for a
    300-page book's 380 MB)."""
    from .engine import versions

    made_by = [key, *versions(), pikepdf.__version__, pikepdf.__libqpdf_version__]
    return hashlib.sha256(":".join(made_by).encode()).digest()[:16]


def save(pdf: pikepdf.Pdf, path: Path, variant: str, identifier: bytes) -> None:
    """Save as ``variant`` allows: X-1a:2003 as PDF 1.4 without object or cross-reference
    streams. Both halves of the /ID are ``identifier``: qpdf keeps the first from the trailer
    and writes its static second half, which is then replaced in the written file by the same
    number of bytes, found in the trailer that ``startxref`` points to (or, for a classic
    cross-reference table, the trailer after it), however large the file."""
    pdf.trailer.ID = pikepdf.Array([pikepdf.String(identifier), pikepdf.String(identifier)])
    if variant == "pdf/x-1a":
        pdf.save(path, force_version="1.4", object_stream_mode=pikepdf.ObjectStreamMode.disable,
                 static_id=True)
    else:  # PDF/X-4 is PDF 1.6 (an imposed file made with pikepdf.new() would say 1.3)
        pdf.save(path, min_version="1.6", static_id=True)
    with Path(path).open("r+b") as file:
        at = trailer_id_offset(file)
        file.seek(at)
        file.write(b"<" + identifier.hex().encode("ascii") + b">")


def trailer_id_offset(file) -> int:
    """Where qpdf's static /ID stands: in the cross-reference stream's dictionary at the offset
    ``startxref`` names, or in the ``trailer`` dictionary that ends a classic file."""
    end = file.seek(0, 2)
    file.seek(max(0, end - 1024))
    tail = file.read()
    marker = tail.rfind(b"startxref")
    if marker < 0:
        raise ValueError(f"{file.name}: no startxref; the file is not a complete PDF")
    offset = int(tail[marker + 9:].split()[0])
    file.seek(offset)
    head = file.read(4096)  # an xref stream's dictionary, or the start of an xref table
    found = head.find(QPDF_STATIC_ID)
    if found >= 0 and not head.startswith(b"xref"):
        return offset + found
    trailer = tail.rfind(b"trailer")
    found = tail.find(QPDF_STATIC_ID, max(trailer, 0))
    if trailer < 0 or found < 0:
        raise ValueError(f"{file.name}: qpdf wrote no static /ID in its trailer")
    return end - len(tail) + found
