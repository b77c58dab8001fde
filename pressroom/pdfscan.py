"""What a PDF page really uses: colour spaces, fonts, transparency and image placements.

The content of a page is walked once with pikepdf (form XObjects, tiling patterns, shading
patterns and soft-mask groups recursively, q/Q and cm tracked), collecting the colour spaces used
(labelled, with the base spaces the PDF/X rules apply to), the fonts selected, the transparency
met and every image placement with its size on the page. Judging what was found is the business
of ``preflight``.

Limits: annotation appearances and Type3 glyph procedures are not walked; text drawn in
invisible mode still counts as a font use.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from .pdfwalk import page_resources, resource

DEVICE_SPACES = {"/DeviceGray": "DeviceGray", "/DeviceRGB": "DeviceRGB",
                 "/DeviceCMYK": "DeviceCMYK", "/G": "DeviceGray", "/RGB": "DeviceRGB",
                 "/CMYK": "DeviceCMYK"}
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class ColourUse:
    label: str                # e.g. "Separation All (alternate DeviceCMYK)"
    bases: tuple[str, ...]    # the spaces the rules apply to, e.g. ("DeviceCMYK",)
    where: str                # "text or vector colour", 'figure "x.jpg"', "shading", ...


@dataclass(frozen=True)
class Placement:
    width_px: int
    height_px: int
    width_pt: float
    height_pt: float
    label: str

    @property
    def ppi(self) -> float:
        """Effective resolution at the placed size: the lower of horizontal and vertical."""
        return min(self.width_px / (self.width_pt / 72), self.height_px / (self.height_pt / 72))


@dataclass
class PageScan:
    number: int
    colours: set[ColourUse] = field(default_factory=set)
    fonts: dict[tuple, Dictionary] = field(default_factory=dict)
    placements: dict[tuple, Placement] = field(default_factory=dict)
    transparency: set[str] = field(default_factory=set)
    notdef: dict[str, int] = field(default_factory=dict)  # font name -> .notdef glyphs shown
    overprint: set[str] = field(default_factory=set)  # "fill OPM 1", "stroke OPM 0", ...


def scan_page(page: pikepdf.Page, number: int, names: dict[tuple[int, ...], str]) -> PageScan:
    scan = PageScan(number)
    walker = _Walker(scan, names)
    group, resources = page.obj.get("/Group"), page_resources(page)
    if group is not None:
        walker.group(group, "the page", resources)
    if "/Contents" in page.obj:
        walker.walk(page, resources, IDENTITY)
    return scan


#: The operators the walker interprets (inline images as BI ID EI); qpdf skips the others, which
#: are most of a page: text showing and positioning, paths.
WALKED = "q Q cm g G rg RG k K cs CS scn SCN sh gs Tf Tj TJ ' \" Do BI ID EI"


class _Walker:
    """Interprets content streams far enough to see colour, fonts, images and transparency."""

    def __init__(self, scan: PageScan, names: dict[tuple[int, ...], str]):
        self.scan = scan
        self.names = names
        self.active: set[tuple[int, int]] = set()   # forms being walked, against cycles
        self.glyph_sets: dict[tuple, tuple] = {}  # font -> (its CMap, the CIDs it has glyphs for)

    def walk(self, content, resources, ctm: tuple, in_mask: bool = False) -> None:
        stack, font = [], None
        for instruction in pikepdf.parse_content_stream(content, WALKED):
            op, args = str(instruction.operator), instruction.operands
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop() if stack else ctm
            elif op == "cm" and len(args) == 6:
                ctm = _multiply(tuple(float(value) for value in args), ctm)
            elif op in ("g", "G", "rg", "RG", "k", "K"):
                device = {"g": "/DeviceGray", "rg": "/DeviceRGB", "k": "/DeviceCMYK"}[op.lower()]
                self.colour(Name(device), resources, "text or vector colour")
            elif op in ("cs", "CS") and args:
                self.colour(args[0], resources, "text or vector colour")
            elif op in ("scn", "SCN") and args and isinstance(args[-1], Name):
                self.pattern(resource(resources, "/Pattern", args[-1]), resources, ctm)
            elif op == "sh" and args:
                self.shading(resource(resources, "/Shading", args[0]), resources)
            elif op == "gs" and args:
                self.graphics_state(resource(resources, "/ExtGState", args[0]),
                                    f"graphics state {args[0]}", resources, ctm)
            elif op == "Tf" and args:
                font = resource(resources, "/Font", args[0])
                if font is not None:
                    self.scan.fonts.setdefault(_key(font), font)
            elif op in ("Tj", "TJ", "'", '"') and args and font is not None:
                self.text(font, args[-1])
            elif op == "Do" and args:
                self.xobject(resource(resources, "/XObject", args[0]), resources, ctm, in_mask)
            elif op == "INLINE IMAGE":
                image = instruction.iimage.obj
                self.image(image, resources, ctm, in_mask, key=("inline",))

    def text(self, font, shown) -> None:
        """Count the .notdef glyphs a text operator shows in a composite (Type0, Identity-H)
        font: codes whose glyph the embedded font lacks (CID 0, or a CID past its glyphs, as
        WeasyPrint writes a character no font has) print as empty boxes."""
        if font.get("/Subtype") != "/Type0":
            return
        key = _key(font)
        if key not in self.glyph_sets:
            self.glyph_sets[key] = (code_to_cid(font.get("/Encoding")), cids_with_glyphs(font))
        cids, valid = self.glyph_sets[key]
        if valid is None or cids is False:
            return
        strings = [item for item in shown if isinstance(item, pikepdf.String)] \
            if isinstance(shown, pikepdf.Array) else [shown]
        count = 0
        for string in strings:
            data = bytes(string)
            codes = (data[i] << 8 | data[i + 1] for i in range(0, len(data) - 1, 2))
            count += sum(1 for code in codes
                         if (code if cids is None else cids.get(code, 0)) not in valid)
        if count:
            name = str(font.get("/BaseFont", "/?"))[1:]
            self.scan.notdef[name] = self.scan.notdef.get(name, 0) + count

    def colour(self, space, resources, where: str) -> None:
        label, bases = colour_space(space, resources)
        if label != "Pattern":
            self.scan.colours.add(ColourUse(label, bases, where))

    def xobject(self, xobject, resources, ctm: tuple, in_mask: bool) -> None:
        if not isinstance(xobject, Stream):
            return
        if xobject.get("/Subtype") == "/Image":
            self.image(xobject, resources, ctm, in_mask, key=_key(xobject))
        elif xobject.get("/Subtype") == "/Form":
            self.form(xobject, resources, ctm, in_mask)

    def form(self, form: Stream, resources, ctm: tuple, in_mask: bool) -> None:
        key = _key(form)
        if key in self.active:
            return
        own = form.get("/Resources", resources)
        if "/Group" in form:
            self.group(form.Group, "a form XObject", own)
        matrix = tuple(float(value) for value in form.get("/Matrix", IDENTITY))
        self.active.add(key)
        try:
            self.walk(form, own, _multiply(matrix, ctm), in_mask)
        finally:
            self.active.discard(key)

    def group(self, group: Dictionary, owner: str, resources) -> None:
        if group.get("/S") == "/Transparency":
            self.scan.transparency.add(f"transparency group on {owner}")
            if "/CS" in group:
                self.colour(group.CS, resources, "transparency blending space")

    def image(self, image, resources, ctm: tuple, in_mask: bool, key) -> None:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        name = image_label(image, self.names)
        if not image.get("/ImageMask", False) and "/ColorSpace" in image:
            self.colour(image.ColorSpace, resources, name)
        if isinstance(image.get("/SMask"), Stream) or int(image.get("/SMaskInData", 0)):
            self.scan.transparency.add(f"soft mask (alpha channel) on {name}")
        width_pt, height_pt = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
        if in_mask or not (width and height and width_pt > 1e-6 and height_pt > 1e-6):
            return
        size = (round(width_pt, 1), round(height_pt, 1))
        self.scan.placements.setdefault((key, size), Placement(width, height, width_pt, height_pt,
                                                                         name))

    def pattern(self, pattern, resources, ctm: tuple) -> None:
        if not isinstance(pattern, Dictionary | Stream):
            return
        if int(pattern.get("/PatternType", 0)) == 2:
            self.shading(pattern.get("/Shading"), resources)
            if "/ExtGState" in pattern:
                self.graphics_state(pattern.ExtGState, "a shading pattern's graphics state",
                                    resources, ctm)
        elif isinstance(pattern, Stream) and _key(pattern) not in self.active:
            matrix = tuple(float(value) for value in pattern.get("/Matrix", IDENTITY))
            self.active.add(_key(pattern))
            try:
                self.walk(pattern, pattern.get("/Resources", resources), _multiply(matrix, ctm))
            finally:
                self.active.discard(_key(pattern))

    def shading(self, shading, resources) -> None:
        if isinstance(shading, Dictionary | Stream) and "/ColorSpace" in shading:
            self.colour(shading.ColorSpace, resources, "shading")

    def graphics_state(self, state, label: str, resources, ctm: tuple) -> None:
        if not isinstance(state, Dictionary):
            return
        stroke = state.get("/OP")
        fill = state.get("/op", stroke)  # /op defaults to /OP
        mode = int(state.get("/OPM", 0))
        for what, on in (("fill", fill), ("stroke", stroke)):
            if on is not None and bool(on):
                self.scan.overprint.add(f"{what} OPM {mode}")
        for key, what in (("/CA", "stroke"), ("/ca", "fill")):
            if key in state and float(state[key]) < 1:
                self.scan.transparency.add(f"{label} sets {what} opacity {float(state[key]):g}")
        blend = state.get("/BM")
        modes = [str(mode) for mode in blend] if isinstance(blend, Array) else [str(blend)]
        if blend is not None and modes[0] not in ("/Normal", "/Compatible"):
            self.scan.transparency.add(f"{label} uses blend mode {modes[0][1:]}")
        mask = state.get("/SMask")
        if isinstance(mask, Dictionary):
            self.scan.transparency.add(f"{label} sets a soft mask")
            if isinstance(mask.get("/G"), Stream):
                self.form(mask.G, resources, ctm, in_mask=True)


_CIDCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s+(\d+)")
_CIDRANGE = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]{4})>\s+(\d+)")


def code_to_cid(encoding) -> dict[int, int] | None | bool:
    """A Type0 font's two-byte codes as CIDs: None for Identity-H (code = CID), the mapping of
    an embedded CMap (WeasyPrint maps a character no font has to CID 0), False when the
    encoding is another (not checked)."""
    if isinstance(encoding, Name):
        return None if encoding == "/Identity-H" else False
    if not isinstance(encoding, pikepdf.Stream):
        return False
    data = encoding.read_bytes()
    mapping: dict[int, int] = {}
    for block in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
        for low, high, first in _CIDRANGE.findall(block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = int(first) + offset
    for block in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
        for code, cid in _CIDCHAR.findall(block):
            mapping[int(code, 16)] = int(cid)
    return mapping


def cids_with_glyphs(font) -> set[int] | None:
    """The CIDs of a Type0 font that have a glyph other than .notdef in its embedded font
    program; None when that cannot be told (not embedded, an unreadable program)."""
    import io

    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    try:
        descendant = font["/DescendantFonts"][0]
        descriptor = descendant["/FontDescriptor"]
        if "/FontFile2" in descriptor:                      # TrueType outlines: CID -> GID
            glyphs = TTFont(io.BytesIO(descriptor["/FontFile2"].read_bytes()), lazy=True)
            count = glyphs["maxp"].numGlyphs
            mapping = descendant.get("/CIDToGIDMap", Name("/Identity"))
            if isinstance(mapping, Name):
                return set(range(1, count))
            table = mapping.read_bytes()
            return {cid for cid in range(len(table) // 2)
                    if 0 < (table[2 * cid] << 8 | table[2 * cid + 1]) < count}
        if "/FontFile3" in descriptor:                      # CFF outlines, CID-keyed or not
            data = descriptor["/FontFile3"].read_bytes()
            if descriptor["/FontFile3"].get("/Subtype") == "/OpenType":
                data = TTFont(io.BytesIO(data)).reader["CFF "]
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            top = cff[cff.fontNames[0]]
            if hasattr(top, "ROS"):                         # glyph names are cid00123
                return {int(name[3:]) for name in top.charset if name.startswith("cid")} - {0}
            return set(range(1, len(top.charset)))
    except (KeyError, IndexError, TypeError, ValueError, AssertionError, pikepdf.PdfError):
        return None
    return None


def colour_space(space, resources, depth: int = 0) -> tuple[str, tuple[str, ...]]:
    """A colour space as a readable label and the base spaces the PDF/X rules apply to."""
    if depth > 8:
        return "unreadable colour space", ("unreadable",)
    if isinstance(space, Name):
        if str(space) in DEVICE_SPACES:
            device = DEVICE_SPACES[str(space)]
            default = resource(resources, "/ColorSpace", Name("/Default" + device[6:]))
            if default is not None and depth == 0:   # PDF 8.6.5.6: Default* remaps device colour
                label, bases = colour_space(default, resources, depth + 1)
                return f"{device} (as Default{device[6:]} {label})", bases
            return device, (device,)
        if space == "/Pattern":
            return "Pattern", ()
        found = resource(resources, "/ColorSpace", space)
        if found is None:
            return f"undefined colour space {space}", ("undefined",)
        return colour_space(found, resources, depth + 1)
    if not isinstance(space, Array) or len(space) == 0:
        return "unreadable colour space", ("unreadable",)
    family = str(space[0])
    if len(space) == 1:
        return colour_space(space[0], resources, depth + 1)
    if family == "/ICCBased":
        label = f"ICCBased N={int(space[1].get('/N', 0))}"
        return label, (label,)
    if family in ("/CalRGB", "/CalGray", "/Lab"):
        return family[1:], (family[1:],)
    if family in ("/Indexed", "/I"):
        label, bases = colour_space(space[1], resources, depth + 1)
        return f"Indexed ({label})", bases
    if family == "/Pattern":
        label, bases = colour_space(space[1], resources, depth + 1)
        return f"Pattern ({label})", bases
    if family in ("/Separation", "/DeviceN") and len(space) >= 3:
        names = space[1] if isinstance(space[1], Array) else [space[1]]
        label, bases = colour_space(space[2], resources, depth + 1)
        inks = ", ".join(str(ink)[1:] for ink in names)
        return f"{family[1:]} {inks} (alternate {label})", bases
    return f"unknown colour space {family}", ("unknown",)


def _key(obj) -> tuple:
    return obj.objgen if obj.is_indirect else ("direct", obj.unparse())


def _multiply(m: tuple, n: tuple) -> tuple:
    """``m × n`` for PDF matrices [a b c d e f] (the new CTM is cm × CTM)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)



def image_label(image: Stream, names: dict) -> str:
    """An image by its file name: found by its stream's length in bytes and its pixel size
    (the press images pass into the PDF unchanged; reading a long book's images to hash them
    took a second), else by its pixel size alone; else by its size in pixels."""
    width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    name = names.get((int(image.get("/Length", -1)), width, height)) or names.get((width, height))
    return f'figure "{name}"' if name else f"image {width}×{height} px"

