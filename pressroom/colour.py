"""Colour for the press: images separated to CMYK JPEGs, PDFs made DeviceCMYK in place.

Neutral greys and black become K only (black text is ``0 0 0 1 k``, never rich black); other
vector colours go sRGB -> CMYK profile (relative colorimetric), images perceptually; total ink is
capped by reducing C, M and Y proportionally, keeping K. Pillow writes CMYK JPEGs with an Adobe
APP14 marker and inverted samples, so such JPEGs need ``/Decode [1 0 1 0 1 0 1 0]`` in a PDF.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name, Operator
from PIL import Image, ImageCms, ImageMath, ImageOps

from .pdfwalk import ResourceWalker

JPEG_QUALITY = 92
INVERTED = [1, 0] * 4
PERCEPTUAL = ImageCms.Intent.PERCEPTUAL
RELATIVE = ImageCms.Intent.RELATIVE_COLORIMETRIC
GRAY, RGB, CMYK, ICC_CMYK = ("gray",), ("rgb", None), ("cmyk", (0, 0, 0, 1)), ("cmyk", (0, 0, 0, 0))
DEVICE = {"/DeviceGray": GRAY, "/DeviceRGB": RGB, "/DeviceCMYK": CMYK}
SETTERS = {"g": GRAY, "rg": RGB, "k": CMYK}  # and their stroking upper-case twins
COMPONENTS = {"gray": 1, "rgb": 3, "lab": 3, "cmyk": 4}


# -- images -----------------------------------------------------------------------------------

def image_to_cmyk(path: Path, profile: Path, ink_limit: float = 300.0) -> bytes:
    """A CMYK JPEG for the press: upright (EXIF), converted from the image's embedded ICC profile
    (or sRGB when it has none; CMYK images are re-separated only if over the ink limit) to `profile`
    with perceptual intent, total area coverage capped at ink_limit percent (reduce C, M and Y
    proportionally where C+M+Y+K exceeds it, keep K), quality 92, keeping the source's dpi."""
    with Image.open(path) as opened:
        dpi, icc = opened.info.get("dpi"), opened.info.get("icc_profile")
        jpeg = opened.format == "JPEG" and opened.getexif().get(0x0112, 1) == 1
        image = ImageOps.exif_transpose(opened)
    cmyk = separate(image, icc, profile, ink_limit)
    if cmyk is image and jpeg:
        return Path(path).read_bytes()  # a press-ready CMYK JPEG: no second compression
    return encode_jpeg(cmyk, dpi)


def separate(image: Image.Image, icc: bytes | None, profile: Path, ink_limit: float) -> Image.Image:
    """`image` (any mode; alpha flattened onto white paper) as CMYK within the ink limit."""
    if image.mode == "CMYK":
        if max_ink(image) <= ink_limit * 2.55:
            return image
        source = _profile(icc) if icc else None
        if source is not None and source.profile.xcolor_space.strip() == "CMYK":
            image = _transform(_key(icc), "CMYK", str(profile), PERCEPTUAL).apply(image)
        return cap_ink(image, ink_limit)
    image = _flatten(image)
    source = _profile(icc) if icc else None
    space = source.profile.xcolor_space.strip() if source is not None else "RGB"
    mode = "L" if space == "GRAY" and image.mode == "L" else "RGB"
    if space not in ("RGB", "GRAY") or (space == "GRAY" and mode == "RGB"):
        icc = None  # a profile that does not fit the pixels: assume sRGB
    transform = _transform(_key(icc) if icc else None, mode, str(profile), PERCEPTUAL)
    return cap_ink(transform.apply(image.convert(mode)), ink_limit)


def _flatten(image: Image.Image) -> Image.Image:
    """8-bit L or RGB; transparency composited onto white."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda v: v * (1 / 257)).convert("L")
    if image.mode == "P" or image.mode not in ("L", "RGB", "LA", "RGBA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image.mode in ("LA", "RGBA"):
        paper = Image.new(image.mode, image.size, (255,) * len(image.mode))
        image = Image.alpha_composite(paper, image).convert(image.mode[:-1])
    return image


def max_ink(image: Image.Image) -> int:
    """The highest C+M+Y+K of a CMYK image, in units of 255 per ink."""
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                  **dict(zip("cmyk", image.split())))
    return total.getextrema()[1]


def cap_ink(image: Image.Image, ink_limit: float) -> Image.Image:
    """Reduce C, M and Y proportionally where C+M+Y+K exceeds the limit; K stays."""
    limit = ink_limit * 2.55
    if max_ink(image) <= limit:
        return image
    c, m, y, k = image.split()

    def factor(a):
        cmy = a["float"](a["c"] + a["m"] + a["y"])
        excess = a["max"](cmy + a["k"] - limit, 0.0)
        return a["max"](1.0 - excess / a["max"](cmy, 1e-6), 0.0)

    f = ImageMath.lambda_eval(factor, c=c, m=m, y=y, k=k)
    scaled = [ImageMath.lambda_eval(lambda a: a["x"] * a["f"], x=band, f=f).convert("L")
              for band in (c, m, y)]  # F -> L truncates: never above the limit
    return Image.merge("CMYK", (*scaled, k))


def encode_jpeg(image: Image.Image, dpi=None) -> bytes:
    """Quality 92 and no chroma subsampling: the smallest setting whose print is within SSIM
    0.98 of the unencoded pixels on the sample's photos (bench/jpeg_quality.py)."""
    out = io.BytesIO()
    options = {"dpi": tuple(round(float(d)) for d in dpi)} if dpi else {}
    image.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0, **options)
    return out.getvalue()


def jpeg_is_inverted(data: bytes) -> bool:
    """A CMYK JPEG with an Adobe APP14 marker stores inverted samples (Photoshop, Pillow)."""
    with Image.open(io.BytesIO(data)) as image:
        return image.mode == "CMYK" and "adobe" in image.info


#: The creation date written into the sRGB profile embedded in images (LittleCMS writes the time
#: of the call, so the same image would get different bytes in every build).
SRGB_DATE = (2000, 1, 1, 0, 0, 0)


@lru_cache(maxsize=1)
def srgb_icc() -> bytes:
    """The sRGB ICC profile to embed in images, the same bytes in every build: LittleCMS's
    built-in sRGB with a fixed creation date (header bytes 24-35; the profile ID stays zero)."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = b"".join(value.to_bytes(2, "big") for value in SRGB_DATE)
    if any(data[84:100]):  # an MD5 profile ID would cover the date: drop it (it is optional)
        data[84:100] = bytes(16)
    return bytes(data)


_ICC: dict[str, bytes] = {}  # embedded profiles by digest, for the cached transforms


def _key(icc: bytes) -> str:
    key = hashlib.sha1(icc).hexdigest()
    _ICC[key] = icc
    return key


def _profile(icc: bytes) -> ImageCms.ImageCmsProfile | None:
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return None


@lru_cache(maxsize=64)
def _transform(source: str | None, mode: str, profile: str, intent) -> ImageCms.ImageCmsTransform:
    """`source` is a key of _ICC, None for sRGB, or ``lab:TEMP`` for a Lab space."""
    if source is None:
        src = ImageCms.createProfile("sRGB")
    elif source.startswith("lab:"):
        src = ImageCms.createProfile("LAB", int(source[4:]))
    else:
        src = ImageCms.ImageCmsProfile(io.BytesIO(_ICC[source]))
    dst = ImageCms.createProfile("sRGB") if profile == "sRGB" else ImageCms.getOpenProfile(profile)
    return ImageCms.buildTransform(src, dst, mode, "RGB" if profile == "sRGB" else "CMYK", intent)


# -- vector colours ---------------------------------------------------------------------------

class Separator:
    """Converts colours (cached) and classifies PDF colour spaces into GRAY, RGB, CMYK, Lab."""

    def __init__(self, profile: Path, ink_limit: float):
        self.profile, self.ink_limit = str(profile), ink_limit
        self.cache: dict = {}
        self.icc_keys: dict = {}

    def space(self, cs, resources=None):
        """('gray',), ('rgb', icc key|None), ('cmyk', initial), ('lab', 'lab:TEMP') or None."""
        if isinstance(cs, Name):
            if str(cs) in DEVICE:
                return DEVICE[str(cs)]
            named = resources.get("/ColorSpace", {}) if resources is not None else {}
            return self.space(named[cs], None) if str(cs) in named else None
        if not isinstance(cs, pikepdf.Array) or len(cs) == 0:
            return None
        family = str(cs[0])
        if family == "/ICCBased":
            n = int(cs[1].get("/N", 0))
            return {1: GRAY, 3: ("rgb", self._icc_key(cs[1])), 4: ICC_CMYK}.get(n)
        if family == "/Lab":
            white = float(cs[1].get("/WhitePoint", [0.9642])[0])
            return ("lab", "lab:6504" if abs(white - 0.9505) < 0.005 else "lab:5000")
        return {"/CalRGB": RGB, "/CalGray": GRAY}.get(family)

    def _icc_key(self, stream) -> str:
        ref = stream.objgen if stream.objgen != (0, 0) else id(stream)
        return self.icc_keys.get(ref) or self.icc_keys.setdefault(ref, _key(stream.read_bytes()))

    def colour(self, space, values) -> tuple | None:
        """CMYK operands for `values` in `space`; None for values that do not fit the space."""
        if len(values) != COMPONENTS[space[0]] or \
                not all(isinstance(v, (int, float, Decimal)) for v in values):
            return None
        key = (space, tuple(float(v) for v in values))
        if key not in self.cache:
            self.cache[key] = tuple(_number(v) for v in self._convert(space, key[1]))
        return self.cache[key]

    def _convert(self, space, v):
        kind = space[0]
        if kind == "cmyk":
            return v
        if kind == "gray":
            return (0, 0, 0, 1 - v[0])
        if kind == "lab":
            pixel = (round(v[0] * 2.55), *(min(max(round(x) + 128, 0), 255) for x in v[1:3]))
            mode, source = "LAB", space[1]
            rgb = [x / 255 for x in self._apply(source, "LAB", "sRGB", pixel)]
        else:
            rgb, mode, source = v, "RGB", space[1]
            pixel = tuple(round(min(max(x, 0.0), 1.0) * 255) for x in v)
        if max(rgb) - min(rgb) <= 1 / 255 + 1e-6:
            return (0, 0, 0, 1 - sum(rgb) / 3)
        cmyk = self._apply(source, mode, self.profile, pixel)
        return [x / 255 for x in cap_colour(cmyk, self.ink_limit)]

    @staticmethod
    def _apply(source, mode, profile, pixel):
        transform = _transform(source, mode, profile, RELATIVE)
        return transform.apply(Image.new(mode, (1, 1), pixel)).getpixel((0, 0))


def cap_colour(cmyk, ink_limit: float):
    c, m, y, k = cmyk
    limit, cmy = ink_limit * 2.55, c + m + y
    if cmy + k <= limit or cmy == 0:
        return cmyk
    f = max(1 - (cmy + k - limit) / cmy, 0.0)
    return (int(c * f), int(m * f), int(y * f), k)


def _number(v: float):
    v = round(min(max(float(v), 0.0), 1.0), 4)
    return int(v) if v == int(v) else Decimal(str(v))


# -- PDFs -------------------------------------------------------------------------------------

def convert_pdf_to_cmyk(pdf: pikepdf.Pdf, profile: Path, ink_limit: float = 300.0,
                        overprint: bool = False) -> dict[tuple[int, int], tuple[int, int]]:
    """Make every colour in the PDF DeviceCMYK, in place, for pages and (recursively) form
    XObjects and tiling patterns:

    - colour operators (rg/RG/g/G, cs/CS and sc/scn/SC/SCN in DeviceRGB, DeviceGray, CalRGB,
      CalGray, Lab or ICCBased N=1/3/4) become k/K. Neutrals (R=G=B within 1/255) and greys become
      K only, ``0 0 0 (1-grey) k``, so black text is 100 % K; other colours go to `profile`
      (relative colorimetric) within the ink limit; CMYK values (device-cmyk()) are kept;
    - axial and radial shadings with type 2/3 functions: C0/C1 converted, /DeviceCMYK;
    - RGB, Gray and Indexed images become CMYK JPEGs within the ink limit (Gray as K only); CMYK
      JPEGs with an Adobe APP14 marker (inverted samples) get /Decode [1 0 1 0 1 0 1 0]; soft
      masks are left as they are;
    - transparency groups blend in /DeviceCMYK; converted colour spaces leave the resources;
    - with ``overprint``, whatever is painted in 100 % K alone (text, rules, borders) overprints
      the inks under it (an ExtGState with /op or /OP true and /OPM 1), so a plate out of
      register leaves no white halo round black type; every other colour knocks out.

    Left as they are, for the preflight to catch: Separation, DeviceN and uncoloured-pattern
    colours; function-based and mesh shadings, sampled and PostScript functions; Lab images and
    images pikepdf cannot decode (JBIG2, JPX, malformed: WeasyPrint 70 writes 16-bit grey PNGs
    so); inline images, Type 3 glyph procedures, annotation appearances, and content drawn
    through ExtGState soft masks (luminosity masks stay Gray).

    Returns what the walk saw of each page's q/Q (by the page's object number): the depth its
    content leaves open and the most Q operators it has beyond the q before them, for
    :func:`pressroom.marks.add_marks` (which would otherwise read every page once more)."""
    walker = _ColourWalk(pdf, Separator(profile, ink_limit), overprint)
    walker.walk(pdf)
    for resources in walker.resources:
        _drop_converted_spaces(resources, walker.sep)
    return walker.balances


class _ColourWalk(ResourceWalker):
    def __init__(self, pdf: pikepdf.Pdf, sep: Separator, overprint: bool = False):
        super().__init__()
        self.pdf, self.sep, self.resources, self.overprint = pdf, sep, [], overprint
        self.balances: dict[tuple[int, int], tuple[int, int]] = {}  # page -> (depth, deficit)

    def owner(self, obj, resources, page) -> None:
        """A page, form XObject or tiling pattern: its content and group; its resources are
        remembered, for the colour spaces that conversion leaves unused."""
        source = page if page is not None else obj
        data, balance = rewrite_content(pikepdf.parse_content_stream(source), resources, self.sep,
                                        self.overprint)
        if data is not None and OVERPRINT_STATE in data:
            if resources is None:
                resources = obj.Resources = Dictionary()
            add_overprint_states(self.pdf, resources)
        if page is not None and obj.objgen != (0, 0):
            self.balances[obj.objgen] = balance
        if data is not None and page is not None:
            obj.Contents = self.pdf.make_stream(zlib.compress(data), Filter=Name.FlateDecode)
        elif data is not None:
            obj.write(zlib.compress(data), filter=Name.FlateDecode)
        group = obj.get("/Group")
        if group is not None and "/CS" in group and self.sep.space(group.CS) is not None:
            group.CS = Name.DeviceCMYK
        if resources is not None:
            self.resources.append(resources)

    def image(self, xobjects, name, image, first) -> None:
        if first:
            convert_image(image, self.sep)

    def shading(self, shading) -> None:
        convert_shading(shading, self.sep)


#: Painting operators and which of the current colours each uses (fill, stroke); images and
#: shadings use neither, so they are painted with overprint off.
PAINTING = {"f": (True, False), "F": (True, False), "f*": (True, False), "S": (False, True),
            "s": (False, True), "B": (True, True), "B*": (True, True), "b": (True, True),
            "b*": (True, True), "Tj": (True, True), "TJ": (True, True), "'": (True, True),
            '"': (True, True), "sh": (False, False)}
#: The ExtGStates that switch overprint for fill and stroke: /PRop<fill><stroke>, 1 = on.
OVERPRINT_STATE = b"/PRop"
K_ONLY = (0, 0, 0, 1)


def add_overprint_states(pdf: pikepdf.Pdf, resources: Dictionary) -> None:
    """The four overprint states ``rewrite_content`` names, in ``resources``' ExtGState."""
    states = resources.get("/ExtGState")
    if not isinstance(states, Dictionary):
        states = resources.ExtGState = Dictionary()
    for fill in (0, 1):
        for stroke in (0, 1):
            states[f"/PRop{fill}{stroke}"] = pdf.make_indirect(Dictionary(
                Type=Name.ExtGState, op=bool(fill), OP=bool(stroke), OPM=1))


def rewrite_content(instructions, resources, sep: Separator,
                    overprint: bool = False) -> tuple[bytes | None, tuple[int, int]]:
    """The content stream with every colour operator in CMYK, or None when nothing changed; and
    its q/Q balance: (depth left open, most Q beyond the q before them). The colour spaces of
    the source (fill and stroke, saved by q and restored by Q) are tracked. With ``overprint``,
    each painting operator is preceded, when it changes, by the overprint state its colours
    want (on for 100 % K alone); a content stream starts not knowing the state it inherits."""
    state = {False: GRAY, True: GRAY}  # stroking? -> the source's current colour space
    k_only = {False: False, True: False}  # stroking? -> the output colour is 100 % K alone
    painted: tuple | None = None  # the overprint state in force, None: not known here
    stack, out, changed = [], [], False
    depth = deficit = 0
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            if overprint and painted != (False, False):
                out.append(_overprint_state(False, False))
                painted, changed = (False, False), True
            out.append(instruction)
            continue
        operands, op = list(instruction.operands), str(instruction.operator)
        stroking, new = op.isupper(), None
        if op == "q":
            stack.append((dict(state), dict(k_only), painted))
            depth += 1
        elif op == "Q":
            depth -= 1
            deficit = max(deficit, -depth)
            if stack:
                state, k_only, painted = stack.pop()
            else:
                painted = None
        elif op.lower() in SETTERS:
            state[stroking] = SETTERS[op.lower()]
            new = None if op in ("k", "K") else sep.colour(state[stroking], operands)
            if op in ("k", "K"):
                k_only[stroking] = _is_k_only(operands)
        elif op in ("cs", "CS"):
            space = state[stroking] = sep.space(operands[0], resources)
            k_only[stroking] = False
            if space is not None:  # the space's initial colour: black, or no ink for ICC CMYK
                new = sep.colour(space, space[1]) if space[0] == "cmyk" else (0, 0, 0, 1)
        elif op in ("sc", "scn", "SC", "SCN"):
            k_only[stroking] = False
            if state[stroking] is not None:
                new = sep.colour(state[stroking], operands)
        elif op == "gs":
            painted = None  # a layout's own ExtGState may set overprint
        elif overprint and (op in PAINTING or op == "Do"):
            uses = PAINTING.get(op, (False, False))
            wanted = (uses[0] and k_only[False], uses[1] and k_only[True])
            if op in ("Tj", "TJ", "'", '"'):
                wanted = (k_only[False], k_only[True])
            if painted != wanted:
                out.append(_overprint_state(*wanted))
                painted, changed = wanted, True
        if new is not None:
            k_only[stroking] = _is_k_only(new)
            instruction, changed = pikepdf.ContentStreamInstruction(
                list(new), Operator("K" if stroking else "k")), True
        out.append(instruction)
    return pikepdf.unparse_content_stream(out) if changed else None, (depth, deficit)


def _is_k_only(values) -> bool:
    try:
        return tuple(float(v) for v in values) == K_ONLY
    except (TypeError, ValueError):
        return False


def _overprint_state(fill: bool, stroke: bool) -> pikepdf.ContentStreamInstruction:
    name = Name(f"{OVERPRINT_STATE.decode()}{int(fill)}{int(stroke)}")
    return pikepdf.ContentStreamInstruction([name], Operator("gs"))


def convert_shading(shading, sep: Separator) -> None:
    """Axial/radial shadings whose functions are of type 2 or 3: endpoints converted. A function
    whose colours do not fit the space is read by its count (WeasyPrint 70 writes sRGB stops
    into /DeviceCMYK shadings once a CMYK profile is declared)."""
    space = sep.space(shading.get("/ColorSpace"))
    function = shading.get("/Function")
    if space is None or shading.get("/ShadingType") not in (2, 3) or not _simple(function):
        return
    _convert_function(function, space, sep)
    if "/Background" in shading:  # optional, and ignored by sh: dropped when it does not convert
        background = sep.colour(_fit(space, shading.Background), shading.Background)
        if background is None:
            del shading["/Background"]
        else:
            shading.Background = pikepdf.Array(background)
    shading.ColorSpace = Name.DeviceCMYK


def _fit(space, values):
    if len(values) == COMPONENTS[space[0]]:
        return space
    return {1: GRAY, 3: RGB}.get(len(values), CMYK)


def _simple(function) -> bool:
    if not isinstance(function, pikepdf.Dictionary | pikepdf.Stream):
        return False
    if function.get("/FunctionType") == 2:
        return all(len(function.get(key, ())) in (1, 3, 4) and
                   all(isinstance(v, (int, float, Decimal)) for v in function[key])
                   for key in ("/C0", "/C1"))
    return function.get("/FunctionType") == 3 and all(_simple(f) for f in function.Functions)


def _convert_function(function, space, sep: Separator) -> None:
    if function.FunctionType == 3:
        for sub in function.Functions:
            _convert_function(sub, space, sep)
        return
    for key in ("/C0", "/C1"):
        function[key] = pikepdf.Array(sep.colour(_fit(space, function[key]), function[key]))


def convert_image(image: pikepdf.Stream, sep: Separator) -> None:
    """RGB, Gray and Indexed images become CMYK JPEGs; CMYK JPEGs get /Decode when inverted."""
    if image.get("/ImageMask") or "/ColorSpace" not in image:
        return
    cs = image.ColorSpace
    base = cs[1] if isinstance(cs, pikepdf.Array) and cs[0] == Name.Indexed else cs
    space = sep.space(base)
    if space is not None and space[0] == "cmyk":
        image.ColorSpace = Name.DeviceCMYK
        if image.get("/Filter") == Name.DCTDecode and "/Decode" not in image \
                and jpeg_is_inverted(image.read_raw_bytes()):
            image.Decode = pikepdf.Array(INVERTED)
        return
    if space is None or space[0] == "lab" or isinstance(image.get("/Mask"), pikepdf.Array):
        return  # left for the preflight to report
    try:
        pil = pikepdf.PdfImage(image).as_pil_image()
    except (NotImplementedError, pikepdf.PdfError, ValueError):
        return  # JBIG2, JPX, malformed data: left for the preflight to report
    if space is GRAY and pil.mode in ("1", "L"):
        k = ImageOps.invert(pil.convert("L"))
        blank = Image.new("L", pil.size, 0)
        cmyk = Image.merge("CMYK", (blank, blank, blank, k))
    else:
        icc = _ICC.get(space[1]) if space[0] == "rgb" and space[1] else None
        cmyk = separate(pil, icc, Path(sep.profile), sep.ink_limit)
    image.write(encode_jpeg(cmyk), filter=Name.DCTDecode)
    if "/DecodeParms" in image:
        del image["/DecodeParms"]
    image.ColorSpace, image.BitsPerComponent = Name.DeviceCMYK, 8
    image.Decode = pikepdf.Array(INVERTED)  # Pillow's CMYK JPEGs carry the Adobe marker


def _drop_converted_spaces(resources, sep: Separator) -> None:
    spaces = resources.get("/ColorSpace")
    if spaces is None:
        return
    for name in [n for n, cs in spaces.items() if sep.space(cs) is not None]:
        del spaces[name]
    if len(spaces) == 0:
        del resources["/ColorSpace"]
