"""A page's printing plates, as Ghostscript's ``tiffsep`` device separates them.

A RIP sees inks, not colours: this module asks a second interpreter (Ghostscript, as in many
RIPs) for the plates of one page, so tests can say "body text is on the Black plate only" or
"total ink stays under 300 %" about what a press would really print. It imports nothing from
``pressroom``.

How ``tiffsep`` represents the plates (checked with Ghostscript 10.00 on a synthetic page, see
``tests/unit/test_pdfx_rules.py``):

- One 8-bit grey TIFF per plate, ``<out>(Cyan).tif``, ``(Magenta)``, ``(Yellow)``, ``(Black)``,
  then one per spot colour named after it (``<out>(PANTONE 185 C).tif``), plus a composite CMYK
  ``<out>.tif`` that is not used here. In the plate files 0 is full ink and 255 is none
  (photometric BlackIsZero, but the values are inverted): :func:`separate` turns them into
  ink amounts, 0 none .. 255 full.
- Overprint: ``tiffsep`` is a separation device, so overprint is honoured by default: a 100 % K
  square drawn with ``/OP true /op true /OPM 1`` over a cyan square leaves the Cyan plate inked
  under it. ``-dOverprint=/enable`` (the default) and ``/simulate`` give the same plates;
  ``-dOverprint=/disable`` knocks the cyan out under the black. No ``-dSimulateOverprint`` is
  needed (that older switch concerns composite devices). Plates here are rendered with the
  default, as a RIP would.
- Registration colour (``/Separation /All``) puts full ink on every plate, spot plates included.
- No anti-aliasing (no ``-dTextAlphaBits``/``-dGraphicsAlphaBits``): edges are hard, so "no ink"
  means exactly 0, and an isolated pixel is a real but tiny mark (a hairline crossing).

Geometry: Ghostscript renders the MediaBox (not the CropBox, without ``-dUseCropBox``); the page
boxes, and any rectangle through ``Separations.pixels``, map to pixel rectangles ``(left, top,
right, bottom)`` on that raster.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image, ImageChops, ImageFilter, ImageMath, ImageStat

PROCESS = ("Cyan", "Magenta", "Yellow", "Black")
Box = tuple[int, int, int, int]


@dataclass
class Separations:
    """The plates of one page (ink 0..255 per pixel), its page boxes in pixels, and the
    MediaBox in points the raster shows."""
    plates: dict[str, Image.Image]
    boxes: dict[str, Box]
    media: tuple[float, float, float, float]

    def pixels(self, rect) -> Box:
        """A PDF rectangle (points, y upwards) as a pixel box on the plates (y downwards)."""
        return to_pixels(rectangle(rect), self.media, self.plates["Black"].size)


def separate(path: Path | str, page: int, resolution: int = 100) -> Separations:
    """The plates of page ``page`` (1-based) of the PDF at ``path``."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "plate.tif"
        result = subprocess.run(
            ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", f"-r{resolution}",
             f"-dFirstPage={page}", f"-dLastPage={page}", f"-sOutputFile={out}", str(path)],
            capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"Ghostscript failed on {path} page {page}: {result.stderr}")
        plates = {}
        for file in Path(folder).glob("plate(*).tif"):
            name = re.fullmatch(r"plate\((.*)\)\.tif", file.name).group(1)
            with Image.open(file) as image:
                plates[name] = ImageChops.invert(image.convert("L"))
    missing = [name for name in PROCESS if name not in plates]
    if missing:
        raise RuntimeError(f"Ghostscript wrote no {', '.join(missing)} plate for {path} page {page}")
    with pikepdf.open(path) as pdf:
        obj = pdf.pages[page - 1].obj
        if int(obj.get("/Rotate", 0)) % 360:
            raise ValueError(f"{path} page {page} is rotated; the box mapping assumes it is not")
        media = rectangle(pdf.pages[page - 1].mediabox)
        boxes = {key[1:]: rectangle(obj[key]) for key in ("/BleedBox", "/TrimBox", "/ArtBox")
                 if key in obj}
    size = plates["Black"].size
    boxes = {name: to_pixels(box, media, size) for name, box in {"MediaBox": media, **boxes}.items()}
    return Separations(plates, boxes, media)


def to_pixels(rect, media, size: tuple[int, int]) -> Box:
    """``rect`` (points) on a raster of ``size`` that shows ``media``, y growing downwards."""
    x0, y0, x1, y1 = rect
    sx = size[0] / (media[2] - media[0])
    sy = size[1] / (media[3] - media[1])
    return (round((x0 - media[0]) * sx), round((media[3] - y1) * sy),
            round((x1 - media[0]) * sx), round((media[3] - y0) * sy))


def rectangle(box) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def total_ink(plates: dict[str, Image.Image], box: Box | None = None) -> Image.Image:
    """Per pixel, the sum of every plate's ink in percent (mode "I"; 400 = four full inks)."""
    images = [plate.crop(box) if box else plate for plate in plates.values()]
    names = {f"p{i}": image for i, image in enumerate(images)}

    def add(args):
        total = args["convert"](args["p0"], "I")
        for name in list(names)[1:]:
            total = total + args["convert"](args[name], "I")
        return total * 100 / 255

    return ImageMath.lambda_eval(add, **names)


def total_ink_max(plates: dict[str, Image.Image], box: Box | None = None,
                  ignore_isolated: bool = True) -> float:
    """The highest total ink (all plates given, in percent) in ``box``. With ``ignore_isolated``,
    a value counts only where the pixels around it (3 x 3) reach it too: a lone pixel where two
    hairlines cross is no ink-limit problem; a patch is."""
    total = total_ink(plates, box)
    if ignore_isolated:
        total = total.filter(ImageFilter.MinFilter(3))
    return float(total.getextrema()[1])


def ink_in(plates: dict[str, Image.Image], plate: str, box: Box | None = None) -> float:
    """The mean ink of one plate in ``box``, in percent of full coverage (0 = the plate is empty)."""
    image = plates[plate].crop(box) if box else plates[plate]
    return ImageStat.Stat(image).mean[0] * 100 / 255
