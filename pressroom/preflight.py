"""Preflight of a press PDF: does it meet PDF/X-4 or PDF/X-1a:2003, and what printers expect?

Everything is read with pikepdf. Each page is scanned once by ``pdfscan`` (the colour spaces
used, the fonts selected, the transparency met and every image placement with its size on the
page); the checks are small functions over that scan and the file's structure.

Sources for the rules (the ISO texts themselves are not public; these summarise them):
- PDF/X-1a:2003 (ISO 15930-4) is PDF 1.4 or lower; only DeviceCMYK, DeviceGray, Separation and
  DeviceN (and Indexed/Pattern built on them) colour; no ICC-based, CalRGB or Lab colour; no
  transparency; fonts embedded; GTS_PDFXVersion "PDF/X-1a:2003" in the Info dictionary
  (prepressure.com "PDF/X-1a"; noduffstuff.co.uk "What is a PDF/X-1a file?").
- PDF/X-4 (ISO 15930-7:2010) is based on PDF 1.6, so the header may say 1.6 at most
  (printing.org "PDF/X-4 Today and for Tomorrow"; prepressure.com "PDF/X-4 files are regular
  PDF 1.6 files"). It is identified by pdfxid:GTS_PDFXVersion in the XMP metadata (WeasyPrint 70
  writes only that; the Info key is checked when present). ICC-based and Lab colour and live
  transparency are allowed; device-dependent colour must match the output intent: "PDF/X-4
  forbids the use of RGB objects without attached ICC profile (DeviceRGB)" with a CMYK output
  intent (Esko WebCenter wiki, PDF/X-4.0). DeviceGray is allowed in both.
- Both: an output intent /S /GTS_PDFX with an OutputConditionIdentifier and, here, an embedded
  CMYK ICC profile (N 4); /Trapped True or False; TrimBox on every page (BleedBox for bleed).

Limits: those of the scan (see ``pdfscan``); the file is trusted to parse (pikepdf raises if
not).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from .config import BINDINGS, LENGTH_UNITS_MM, PAGE_MULTIPLE, PrintSettings
from .pdfscan import PageScan, scan_page
from .pdfx import MAX_PDF_VERSION, PDFX_NAME
from .printers import PAPERS, PRINTERS, SADDLE_WARN_SHARE, saddle_stitch_limit

#: The checks in report order, with their section titles.
CHECKS = {"pdfx": "PDF/X identification and output intent", "boxes": "Page boxes",
          "pages": "Page count", "fonts": "Fonts", "colour": "Colour",
          "transparency": "Transparency", "overprint": "Overprint",
          "images": "Image resolution"}
LEVELS = ("error", "warning", "info")

MM_PER_PT = LENGTH_UNITS_MM["pt"]
BOX_TOLERANCE_MM = 0.05
PPI_NEEDED, PPI_REFUSED, PPI_WASTED = 300, 200, 600
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class Finding:
    level: str      # "error" | "warning" | "info"
    check: str      # one of CHECKS
    page: int | None
    message: str    # one line a printer understands


@dataclass
class Report:
    file: str
    profile: str                 # "pdf/x-4" | "pdf/x-1a"
    pages: list[dict]            # number, boxes in mm, colour spaces, images with ppi
    fonts: list[dict]            # name, type, embedded, subset, pages
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.level == "error"]

    def count(self, level: str) -> int:
        return sum(finding.level == level for finding in self.findings)

    def to_json(self) -> str:
        data = asdict(self)
        data["passed"] = not self.errors
        data["counts"] = {level: self.count(level) for level in LEVELS}
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def to_text(self) -> str:
        verdict = "FAIL" if self.errors else "PASS"
        counts = (_count(self.count("error"), "error"), _count(self.count("warning"), "warning"),
                  f"{self.count('info')} info")
        lines = [f"{verdict}  {self.file} checked as {PDFX_NAME[self.profile]}, "
                 f"{_count(len(self.pages), 'page')}: {', '.join(counts)}"]
        for check, title in CHECKS.items():
            found = [finding for finding in self.findings if finding.check == check]
            lines += ["", title]
            lines += [f"  {finding.level:<8} {finding.message}" for finding in found] or ["  ok"]
        lines += ["", "Boxes per page (mm: left, bottom, right, top) and colour spaces used"]
        for page in self.pages:
            lines.append(f"  page {page['number']}: trim {_box_text(page['trim_box_mm'])}, "
                         f"bleed {_box_text(page['bleed_box_mm'])}, "
                         f"media {_box_text(page['media_box_mm'])}; colour: "
                         + (", ".join(page["colour_spaces"]) or "none"))
        lines += ["", "Fonts used"]
        lines += [f"  {font['name']} ({font['type']}): "
                  f"{'embedded' if font['embedded'] else 'NOT EMBEDDED'}"
                  f"{', subset' if font['subset'] else ''}" for font in self.fonts] or ["  none"]
        return "\n".join(lines) + "\n"


def preflight(path: Path, profile: str, binding: str, bleed_mm: float,
              image_names: dict | None = None, paper: str = PrintSettings.paper,
              printer: str = PrintSettings.printer) -> Report:
    """Check a press PDF against ``profile`` ("pdf/x-4" or "pdf/x-1a") and the job's binding
    on ``paper`` (a paper of :data:`pressroom.printers.PAPERS`)."""
    if profile not in PDFX_NAME:
        raise ValueError(f"unknown profile {profile!r}; expected one of {sorted(PDFX_NAME)}")
    if binding not in BINDINGS:
        raise ValueError(f"unknown binding {binding!r}; expected one of {list(BINDINGS)}")
    path = Path(path)
    with pikepdf.open(path) as pdf:
        names = image_names or {}
        scans = [scan_page(page, number, names) for number, page in enumerate(pdf.pages, 1)]
        findings = [*check_pdfx(pdf, profile), *check_boxes(pdf, bleed_mm),
                    *check_pages(len(pdf.pages), binding, paper, printer), *check_fonts(scans),
                    *check_font_programs(pdf, profile),
                    *check_colour(scans, profile, output_components(pdf)),
                    *check_transparency(scans, profile), *check_overprint(scans),
                    *check_images(scans, names)]
        pages = [page_summary(page, scan, names) for page, scan in zip(pdf.pages, scans)]
        fonts = font_list(scans)
    return Report(path.name, profile, pages, fonts, findings)


def empty_boxes(path: Path) -> list[str]:
    """The pages of any PDF (the screen PDF too) that show .notdef glyphs, one line each."""
    with pikepdf.open(path) as pdf:
        scans = [scan_page(page, number, {}) for number, page in enumerate(pdf.pages, 1)]
    return [finding.message for finding in check_fonts(scans) if ".notdef" in finding.message]


# --- the checks ------------------------------------------------------------------------------

def pdfx_intents(pdf: pikepdf.Pdf) -> list[Dictionary]:
    return [intent for intent in pdf.Root.get("/OutputIntents", Array())
            if isinstance(intent, Dictionary) and intent.get("/S") == "/GTS_PDFX"]


def output_components(pdf: pikepdf.Pdf) -> int | None:
    """The number of colour components of the one PDF/X output intent's profile, if any."""
    intents = pdfx_intents(pdf)
    icc = intents[0].get("/DestOutputProfile") if len(intents) == 1 else None
    return int(icc.get("/N", 0)) if isinstance(icc, Stream) else None


#: How each PDF/X version identifies itself, as the standards say (ISO 15930-4:2003 §6.6.1 and
#: ISO 15930-7:2010 §6.8, summarised by PRINT.md and the GWG/callas PDF/X references); written
#: here from the standards, not imported from the writer (``pdfx``), so the two can disagree.
STANDARD_KEYS = {"pdf/x-1a": {"/GTS_PDFXVersion": "PDF/X-1:2003",
                              "/GTS_PDFXConformance": "PDF/X-1a:2003"},
                 "pdf/x-4": {"/GTS_PDFXVersion": "PDF/X-4"}}
PDFXID_VERSION = "{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"
#: Annotations a PDF/X file may carry on a page: the printer's own marks and trap networks.
PRESS_ANNOTATIONS = ("/PrinterMark", "/TrapNet")


def check_pdfx(pdf: pikepdf.Pdf, profile: str) -> list[Finding]:
    findings: list[Finding] = []

    def error(message: str, page: int | None = None) -> None:
        findings.append(Finding("error", "pdfx", page, message))

    wanted = PDFX_NAME[profile]
    info = pdf.trailer.get("/Info", Dictionary())
    for key, value in STANDARD_KEYS[profile].items():
        found = str(info[key]) if key in info else None
        if found != value:
            error(f"the Info dictionary's {key[1:]} is {found or 'missing'}; {wanted} needs {value}")
    if profile == "pdf/x-4" and "/GTS_PDFXConformance" in info:
        error("the Info dictionary has a GTS_PDFXConformance; PDF/X-4 has none (it belongs to "
              "PDF/X-1a)")
    xmp_label = pdf.open_metadata().get(PDFXID_VERSION)
    version = STANDARD_KEYS[profile]["/GTS_PDFXVersion"]
    if (profile == "pdf/x-4" or xmp_label is not None) and xmp_label != version:
        error(f"the XMP metadata's pdfxid:GTS_PDFXVersion is {xmp_label or 'missing'}; "
              f"{wanted} needs {version}")
    missing = [key[1:] for key in ("/Title", "/CreationDate", "/ModDate") if key not in info]
    if missing:
        error(f"the Info dictionary has no {', no '.join(missing)}; PDF/X needs them")
    if "/ID" not in pdf.trailer:
        error("the file has no /ID in its trailer; PDF/X needs one")
    for number, page in enumerate(pdf.pages, 1):
        kinds = sorted({str(annotation.get("/Subtype", "/unknown"))[1:]
                        for annotation in page.obj.get("/Annots", Array())
                        if isinstance(annotation, Dictionary)
                        and annotation.get("/Subtype") not in PRESS_ANNOTATIONS})
        if kinds:
            error(f"page {number}: annotations ({', '.join(kinds)}) on the page; PDF/X refuses "
                  "them on the printed area (links belong in the screen PDF)", number)

    header = _version(pdf.pdf_version)
    catalog = _version(str(pdf.Root.Version)[1:]) if "/Version" in pdf.Root else (0, 0)
    limit = MAX_PDF_VERSION[profile]
    if max(header, catalog) > limit:
        error(f"the file is PDF {'.'.join(map(str, max(header, catalog)))}; {wanted} allows "
              f"PDF {'.'.join(map(str, limit))} at most")

    trapped = info.get("/Trapped")
    if trapped not in (Name("/True"), Name("/False")):
        error(f"/Trapped is {trapped or 'missing'}; it must say /True or /False")

    intents = pdfx_intents(pdf)
    if len(intents) != 1:
        error(f"{len(intents) or 'no'} PDF/X output intents (/S /GTS_PDFX); exactly one is needed")
        return findings
    intent = intents[0]
    identifier = str(intent.get("/OutputConditionIdentifier", "")).strip()
    if not identifier:
        error("the output intent has no OutputConditionIdentifier (e.g. FOGRA39)")
    icc = intent.get("/DestOutputProfile")
    if not isinstance(icc, Stream):
        error("the output intent embeds no ICC profile (DestOutputProfile)")
        return findings
    head = icc.read_bytes()[:40]
    if int(icc.get("/N", 0)) != 4 or head[16:20] != b"CMYK" or head[36:40] != b"acsp":
        error(f"the output intent's profile is not a CMYK ICC profile "
              f"(N {icc.get('/N')}, colour space {head[16:20].decode('latin-1')!r})")
    elif identifier:
        condition = str(intent.get("/OutputCondition", intent.get("/Info", ""))).strip()
        findings.append(Finding("info", "pdfx", None, f"output intent {identifier}"
                                + (f" ({condition})" if condition else "")
                                + ", CMYK ICC profile embedded"))
    return findings


def _version(text: str) -> tuple[int, int]:
    major, _, minor = str(text).partition(".")
    return int(major), int(minor or 0)


def check_boxes(pdf: pikepdf.Pdf, bleed_mm: float) -> list[Finding]:
    findings = []
    first_trim = None
    for number, page in enumerate(pdf.pages, 1):
        media = _box(page.mediabox)
        trim, bleed = (_box(page.obj[key]) if key in page.obj else None
                       for key in ("/TrimBox", "/BleedBox"))
        missing = [name for name, box in (("TrimBox", trim), ("BleedBox", bleed)) if box is None]
        if missing:
            findings.append(Finding("error", "boxes", number, f"page {number}: no "
                                    f"{' and no '.join(missing)}; every press page needs both"))
        if trim and bleed:
            sides = [(trim[0] - bleed[0]) * MM_PER_PT, (trim[1] - bleed[1]) * MM_PER_PT,
                     (bleed[2] - trim[2]) * MM_PER_PT, (bleed[3] - trim[3]) * MM_PER_PT]
            if any(abs(side - bleed_mm) > BOX_TOLERANCE_MM for side in sides):
                findings.append(Finding("error", "boxes", number, (
                    f"page {number}: the bleed is {' / '.join(f'{side:.2f}' for side in sides)} mm "
                    f"(left / bottom / right / top) outside the trim; {bleed_mm:g} mm is needed "
                    "on every side")))
        outer = bleed or trim
        if outer and not all((outer[0] >= media[0] - 0.01, outer[1] >= media[1] - 0.01,
                              outer[2] <= media[2] + 0.01, outer[3] <= media[3] + 0.01)):
            findings.append(Finding("error", "boxes", number, f"page {number}: the MediaBox "
                                    f"does not contain the {'BleedBox' if bleed else 'TrimBox'}"))
        if trim:
            size = (round((trim[2] - trim[0]) * MM_PER_PT, 1),
                    round((trim[3] - trim[1]) * MM_PER_PT, 1))
            first_trim = first_trim or size
            if size != first_trim:
                findings.append(Finding("warning", "boxes", number, (
                    f"page {number}: trimmed size {size[0]:g} × {size[1]:g} mm differs from "
                    f"the first page's {first_trim[0]:g} × {first_trim[1]:g} mm")))
    return findings


def _box(array) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(value) for value in array)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def check_pages(count: int, binding: str, paper: str, printer: str = "offset") -> list[Finding]:
    """The page count against the binding: a multiple of what it folds, and, saddle-stitched,
    no thicker a block at the spine than staples close on ``paper``; at least the pages the
    ``printer`` binds (print on demand)."""
    multiple = PAGE_MULTIPLE[binding]
    findings = []
    least = PRINTERS[printer].min_pages
    if binding == "perfect" and count < least:
        findings.append(Finding("error", "pages", None, (
            f"{_count(count, 'page')}: {printer} binds {least} pages at least; add pages or "
            "print with another printer (print.printer in manuscript/publication.yaml)")))
    if count % multiple and binding == "saddle-stitch":
        findings.append(Finding("error", "pages", None, (
            f"{_count(count, 'page')} cannot be saddle-stitched; the page count must be a "
            f"multiple of {multiple}")))
    elif count % multiple:
        findings.append(Finding("warning", "pages", None, (
            f"{count} pages for a {binding} binding; an odd count leaves the last leaf's back "
            f"blank (use a multiple of {multiple})")))
    if binding == "saddle-stitch":
        findings.append(check_saddle_stitch_limit(count, paper))
    return findings


def check_saddle_stitch_limit(count: int, paper: str) -> Finding:
    """An error past the paper's limit, a warning close to it, else the limit as information.
    The limit is a multiple of 4, so a count past it stays past it once padded."""
    limit = saddle_stitch_limit(paper)
    on = f"{_count(count, 'page')} saddle-stitched on {PAPERS[paper].summary} ({paper})"
    advice = "set print.binding: perfect in manuscript/publication.yaml (or a thinner paper)"
    if count > limit:
        return Finding("error", "pages", None,
                       f"{on}: more than the {limit} pages staples hold; {advice}")
    if count > SADDLE_WARN_SHARE * limit:
        return Finding("warning", "pages", None,
                       f"{on}: over {SADDLE_WARN_SHARE:.0%} of the {limit} pages staples hold; "
                       f"past them, {advice}")
    return Finding("info", "pages", None, f"{on}: at most {limit} pages")


def check_fonts(scans: list[PageScan]) -> list[Finding]:
    return [Finding("error", "fonts", font["pages"][0], (
                f"page {font['pages'][0]}: font {font['name']} ({font['type']}) is not embedded; "
                "every font must be embedded"))
            for font in font_list(scans) if not font["embedded"]] + [
        Finding("error", "fonts", scan.number, (
            f"page {scan.number}: {count} glyph{'s' * (count != 1)} of {name} {'are' if count != 1 else 'is'} "
            ".notdef: characters the font lacks print as empty boxes; rebuild with a layout "
            "that has a face for their script"))
        for scan in scans for name, count in scan.notdef.items()]


def check_font_programs(pdf: pikepdf.Pdf, profile: str) -> list[Finding]:
    """Font programs the file's PDF version cannot carry (OpenType in a PDF/X-1a file)."""
    from .pdffonts import font_program_problems
    return [Finding("error", "fonts", None, f"{problem} ({PDFX_NAME[profile]})")
            for problem in font_program_problems(pdf, MAX_PDF_VERSION[profile])]


def font_list(scans: list[PageScan]) -> list[dict]:
    fonts: dict = {}
    for scan in scans:
        for key, font in scan.fonts.items():
            entry = fonts.setdefault(key, {**describe_font(font), "pages": []})
            entry["pages"].append(scan.number)
    return sorted(fonts.values(), key=lambda font: (font["name"], font["type"], font["pages"]))


def describe_font(font: Dictionary) -> dict:
    name = str(font.get("/BaseFont", "/(unnamed)"))[1:]
    kind = str(font.get("/Subtype", "/unknown"))[1:]
    holder = font
    if kind == "Type0":
        descendants = font.get("/DescendantFonts", Array())
        holder = descendants[0] if len(descendants) else Dictionary()
        kind = f"Type0 ({str(holder.get('/Subtype', '/unknown'))[1:]})"
    descriptor = holder.get("/FontDescriptor")
    # Type3 glyphs are content streams inside the file: nothing to embed.
    embedded = kind == "Type3" or (isinstance(descriptor, Dictionary)
                                   and any(key in descriptor for key in FONT_FILES))
    return {"name": name, "type": kind, "embedded": embedded,
            "subset": bool(SUBSET_PREFIX.match(name))}


def colour_problem(base: str, profile: str, components: int | None) -> str | None:
    """Why a base colour space is refused, or None."""
    if base in ("undefined", "unreadable", "unknown"):
        return "a printer's RIP cannot read it"
    if profile == "pdf/x-1a":
        if base in ("DeviceCMYK", "DeviceGray"):
            return None
        return "PDF/X-1a allows only CMYK, grey and spot colours; convert it to CMYK"
    if base == "DeviceRGB" and components != 3:
        return ("PDF/X-4 allows DeviceRGB only with an RGB output intent; convert it to CMYK "
                "or tag it with an ICC profile")
    if base == "DeviceCMYK" and components not in (None, 4):
        return "PDF/X-4 allows DeviceCMYK only with a CMYK output intent"
    return None


def check_colour(scans: list[PageScan], profile: str, components: int | None) -> list[Finding]:
    findings = []
    for scan in scans:
        for use in sorted(scan.colours, key=lambda use: (use.where, use.label)):
            reasons = {colour_problem(base, profile, components) for base in use.bases} - {None}
            for reason in sorted(reasons):
                findings.append(Finding("error", "colour", scan.number, (
                    f"page {scan.number}: {use.where} is {use.label}; {reason}")))
    return findings


def check_transparency(scans: list[PageScan], profile: str) -> list[Finding]:
    level = "error" if profile == "pdf/x-1a" else "info"
    suffix = ("; PDF/X-1a allows no transparency (flatten it)" if level == "error"
              else " (live transparency, allowed in PDF/X-4)")
    return [Finding(level, "transparency", scan.number, f"page {scan.number}: {what}{suffix}")
            for scan in scans for what in sorted(scan.transparency)]


def check_overprint(scans: list[PageScan]) -> list[Finding]:
    """What overprints: the pipeline sets it (OPM 1) for what is painted in 100 % K alone; OPM 0
    on CMYK would let the zero inks of a colour knock out as well, which is seldom meant."""
    pages = [scan.number for scan in scans if scan.overprint]
    findings = [Finding("warning", "overprint", scan.number, (
                    f"page {scan.number}: overprint with OPM 0: the zero inks of a CMYK colour "
                    "knock out too; use OPM 1"))
                for scan in scans if any(mode.endswith("OPM 0") for mode in scan.overprint)]
    if pages:
        findings.append(Finding("info", "overprint", None, (
            f"overprint set on {_count(len(pages), 'page')} ({_ranges(pages)}): 100 % K text "
            "and rules overprint the inks under them")))
    else:
        findings.append(Finding("info", "overprint", None, "no overprint: black knocks out the "
                                "inks under it (a misregistered plate can show a white halo)"))
    return findings


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 -> '1-3, 5'."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def check_images(scans: list[PageScan], names: dict[tuple[int, ...], str]) -> list[Finding]:
    findings = []
    for scan in scans:
        seen = set()
        for placement in scan.placements.values():
            label = placement.label
            ppi = round(placement.ppi)
            if (label, ppi) in seen:
                continue
            seen.add((label, ppi))
            where = f"page {scan.number}: {label} is {ppi} ppi at its placed size"
            if ppi < PPI_REFUSED:
                findings.append(Finding("error", "images", scan.number, f"{where} (needs "
                                        f"{PPI_NEEDED}; below {PPI_REFUSED} is refused)"))
            elif ppi < PPI_NEEDED:
                findings.append(Finding("warning", "images", scan.number,
                                        f"{where} (needs {PPI_NEEDED} for print)"))
            elif ppi > PPI_WASTED:
                findings.append(Finding("info", "images", scan.number, f"{where}; pixels "
                                        f"beyond {PPI_WASTED} ppi are wasted bytes"))
    return findings


def page_summary(page: pikepdf.Page, scan: PageScan, names: dict[tuple[int, ...], str]) -> dict:
    def box_mm(key: str) -> list[float] | None:
        box = page.mediabox if key == "/MediaBox" else page.obj.get(key)
        return None if box is None else [round(value * MM_PER_PT, 2) for value in _box(box)]

    return {
        "number": scan.number,
        "media_box_mm": box_mm("/MediaBox"),
        "trim_box_mm": box_mm("/TrimBox"),
        "bleed_box_mm": box_mm("/BleedBox"),
        "colour_spaces": sorted({use.label for use in scan.colours}),
        "images": [{"name": placement.label,
                    "width_px": placement.width_px, "height_px": placement.height_px,
                    "ppi": round(placement.ppi, 1),
                    "placed_mm": [round(placement.width_pt * MM_PER_PT, 2),
                                  round(placement.height_pt * MM_PER_PT, 2)]}
                   for placement in scan.placements.values()],
    }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _box_text(box: list[float] | None) -> str:
    return "missing" if box is None else " ".join(f"{value:g}" for value in box)
