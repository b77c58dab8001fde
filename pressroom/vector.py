"""Vector figures: SVG and single-page PDF drawings, inspected, converted and made safe.

A designer exports a diagram as SVG or as a one-page PDF. :func:`inspect` reads its natural
size (CSS px, 96 per inch) without drawing it. Every output draws it as SVG: a PDF figure is
converted with poppler's ``pdftocairo -svg`` (text becomes outlines), and every SVG, given or
converted, is written again by :func:`sanitise` from an allowlist of SVG presentation elements
and attributes (no scripts, no foreign content, no references outside the picture, no
entities, no animation). Each removal is reported, and the sanitised file, kept in the build
cache by content (:func:`svg_file`), is what every output uses; never the original.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import tempfile
from pathlib import Path

from lxml import etree

from .diagnostics import Problem, SourceError
from .model import Image

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MEDIA_TYPE = "image/svg+xml"
#: The cache's folder for sanitised SVG files, inside ``<out>/.cache/``.
CACHE_FOLDER = "vector"
#: Bump when sanitise() writes different bytes: the cached files are then made anew.
SANITISE_VERSION = 1

#: CSS px per unit (CSS: 96 px to the inch).
PX_PER_UNIT = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4,
               "cm": 96 / 2.54, "in": 96.0, "q": 96 / 101.6}
_LENGTH = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z%]*)\s*$")


def parser() -> etree.XMLParser:
    """lxml's parser as an untrusted file needs it: no network, no entities expanded, no DTD
    loaded, no huge documents; comments and processing instructions dropped."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, remove_comments=True, remove_pis=True)


def is_vector(path: Path, data: bytes) -> bool:
    """Whether the file is a PDF or an SVG (by its first bytes, or an .svg name)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    return (b"%PDF-" in data[:1024] or path.suffix.lower() in (".svg", ".svgz", ".pdf")
            or head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096]))


def inspect(path: Path, data: bytes, file: Path, line: int | None) -> Image:
    """A vector figure's description: format SVG (``original`` SVG or PDF), its natural size
    in CSS px, no resolution. Errors name the figure's file and line."""
    digest = hashlib.sha256(data).hexdigest()
    if b"%PDF-" in data[:1024]:
        width, height = _pdf_size(path, data, file, line)
        original = "PDF"
    else:
        if data[:2] == b"\x1f\x8b":
            raise SourceError(Problem(f"image '{path.name}' is a compressed SVG (.svgz); save "
                                      "it as plain SVG", file, line))
        width, height = svg_size(_parse_svg(path, data, file, line), path, file, line)
        original = "SVG"
    return Image(path=path, width=max(1, round(width)), height=max(1, round(height)),
                 format="SVG", mode="vector", dpi=None, sha256=digest, original=original)


def _parse_svg(path: Path, data: bytes, file: Path, line: int | None) -> etree._Element:
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as error:
        where = f" (its line {error.lineno})" if error.lineno else ""
        raise SourceError(Problem(f"image '{path.name}' is not well-formed SVG{where}: "
                                  f"{error.msg}; fix the file or export it again as SVG",
                                  file, line)) from None
    if etree.QName(root).localname != "svg" or etree.QName(root).namespace not in (SVG_NS, None):
        raise SourceError(Problem(f"image '{path.name}' is XML but not SVG (its root element is "
                                  f"<{etree.QName(root).localname}>); export the figure as SVG",
                                  file, line))
    return root


def length_px(value: str | None) -> float | None:
    """An SVG length (``12mm``, ``3in``, ``40``) in CSS px; None when absent, a percentage,
    or not a length."""
    match = _LENGTH.match(value or "")
    if not match or match[2].lower() not in PX_PER_UNIT:
        return None
    return float(match[1]) * PX_PER_UNIT[match[2].lower()]


def view_box(root: etree._Element) -> tuple[float, float, float, float] | None:
    numbers = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    try:
        box = tuple(float(number) for number in numbers)
    except ValueError:
        return None
    return box if len(box) == 4 and box[2] > 0 and box[3] > 0 else None


def svg_size(root: etree._Element, path: Path, file: Path | None = None,
             line: int | None = None) -> tuple[float, float]:
    """The natural size of an SVG in CSS px: its root's width and height, a missing one
    from the viewBox's proportions, both from the viewBox when neither is given."""
    width, height = length_px(root.get("width")), length_px(root.get("height"))
    box = view_box(root)
    if width is None and height is None and box:
        width, height = box[2], box[3]
    elif width is None and box and height:
        width = height * box[2] / box[3]
    elif height is None and box and width:
        height = width * box[3] / box[2]
    if not width or not height or width <= 0 or height <= 0:
        raise SourceError(Problem(f"image '{path.name}' has no size: give its <svg> element a "
                                  "viewBox (and width and height in mm, cm, in, pt or px)",
                                  file, line))
    return width, height


def _pdf_size(path: Path, data: bytes, file: Path, line: int | None) -> tuple[float, float]:
    """The size of a one-page PDF figure's TrimBox (else CropBox, else MediaBox) in CSS px."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            if pages != 1:
                raise SourceError(Problem(
                    f"image '{path.name}' has {pages} pages; export the figure as a "
                    "single-page PDF or SVG", file, line))
            page = pdf.pages[0]
            x0, y0, x1, y1 = (float(v) for v in page.trimbox)
            rotate = int(page.obj.get("/Rotate", 0)) % 180
    except pikepdf.PasswordError:
        raise SourceError(Problem(f"image '{path.name}' is a PDF protected by a password; "
                                  "export it again without one", file, line)) from None
    except (pikepdf.PdfError, ValueError, TypeError, IndexError) as error:
        reason = str(error).split("\n")[0][:120]
        raise SourceError(Problem(f"image '{path.name}' is not a readable PDF ({reason}); "
                                  "export the figure again as PDF or SVG", file, line)) from None
    width, height = abs(x1 - x0) * 96 / 72, abs(y1 - y0) * 96 / 72
    if not width or not height:
        raise SourceError(Problem(f"image '{path.name}' has an empty page; export the figure "
                                  "again as PDF or SVG", file, line))
    return (height, width) if rotate else (width, height)


# ---------- PDF figures as SVG ----------

def pdf_to_svg(path: Path) -> bytes:
    """The PDF figure's page as SVG, by ``pdftocairo -svg`` (poppler), cropped to the page's
    TrimBox (pdftocairo draws the CropBox). A failure is a SourceError for the caller to
    locate."""
    import pikepdf

    with tempfile.TemporaryDirectory(prefix="pressroom-pdf-") as folder:
        out = Path(folder) / "figure.svg"
        try:
            done = subprocess.run(["pdftocairo", "-svg", "-f", "1", "-l", "1", str(path),
                                   str(out)], capture_output=True, timeout=600)
        except FileNotFoundError:
            raise SourceError(Problem("pdftocairo is not installed; install poppler-utils "
                                      "(scripts/setup.sh does) to use PDF figures")) from None
        if done.returncode != 0 or not out.is_file():
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            raise SourceError(Problem(f"image '{path.name}' could not be converted to SVG "
                                      f"({reason[-1] if reason else 'pdftocairo failed'}); "
                                      "export the figure again as PDF or SVG"))
        data = out.read_bytes()
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        crop = [float(v) for v in page.cropbox]
        trim = [float(v) for v in page.trimbox]
    if trim == crop:
        return data
    root = etree.fromstring(data, parser())
    left, top = min(crop[0], crop[2]), max(crop[1], crop[3])
    x0, x1 = sorted((trim[0], trim[2]))
    y0, y1 = sorted((trim[1], trim[3]))
    root.set("viewBox", f"{x0 - left:g} {top - y1:g} {x1 - x0:g} {y1 - y0:g}")
    root.set("width", f"{x1 - x0:g}pt")
    root.set("height", f"{y1 - y0:g}pt")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# ---------- The sanitised file every output uses ----------

_made: dict[str, tuple[Path, list[str]]] = {}  # this process: cache key -> (file, removals)


def svg_file(image: Image, cache: Path) -> tuple[Path, list[str]]:
    """The sanitised SVG of a vector image, kept in ``cache/vector/`` by content (a PDF
    figure converted first), and what sanitising removed (messages)."""
    from .atomic import atomic_output
    from .sanitise_svg import sanitise

    key = hashlib.sha256(f"{image.sha256}:{SANITISE_VERSION}".encode()).hexdigest()[:24]
    path = cache / CACHE_FOLDER / f"{key}.svg"
    known = _made.get(str(path))
    if known and path.is_file():
        return known
    source = pdf_to_svg(image.path) if image.original == "PDF" else image.path.read_bytes()
    if hashlib.sha256(image.path.read_bytes()).hexdigest() != image.sha256:
        raise SourceError(Problem(f"image '{image.name}' changed during the build; build again"))
    data, removed = sanitise(source)
    if not path.is_file() or path.read_bytes() != data:
        with atomic_output(path) as tmp:
            tmp.write_bytes(data)
    _made[str(path)] = (path, removed)
    return path, removed


_scratch: tempfile.TemporaryDirectory | None = None


def scratch_cache() -> Path:
    """A cache folder for this process alone (removed when it ends), for a render given no
    build cache."""
    global _scratch
    if _scratch is None:
        _scratch = tempfile.TemporaryDirectory(prefix="pressroom-vector-")
    return Path(_scratch.name)


def svg_files(images: list[Image], cache: Path) -> dict[Path, Path]:
    """The sanitised SVG file of each vector image among ``images``, by the image's path."""
    return {image.path: svg_file(image, cache)[0] for image in images if image.vector}


def removals(publication, cache: Path) -> list[str]:
    """What sanitising removes from the publication's vector figures, one warning per removal
    and place (the manuscript file and line of each figure or inline image using it); makes
    the sanitised files. A PDF that pdftocairo cannot convert is a SourceError there."""
    warnings: list[str] = []
    problems: list[Problem] = []
    for section in publication.sections:
        for image, line in _placed_images(section):
            if not image.vector:
                continue
            try:
                _, removed = svg_file(image, cache)
            except SourceError as error:
                problems += [Problem(problem.message, section.source, line)
                             for problem in error.problems]
                continue
            warnings += [str(Problem(f"figure '{image.name}': {message}", section.source, line))
                         for message in removed]
    if problems:
        raise SourceError(problems)
    return list(dict.fromkeys(warnings))


def _placed_images(section):
    """(image, manuscript line) for each figure and inline image of a section."""
    notes = [token for note in section.footnotes.values() for token in note.tokens]
    for token in [*section.tokens, *notes]:
        if token.type == "figure":
            figure = token.meta["figure"]
            yield figure.image, figure.line
        for child in token.children or []:
            if child.type == "image" and child.meta.get("image") is not None:
                yield child.meta["image"], token.map[0] + 1 if token.map else None
