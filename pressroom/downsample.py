"""Images no printer needs at their size: resampled in the finished press PDF.

A photo's effective resolution is known only once the page is laid out: the sample's photos are
placed at up to 907 ppi, three times what a plate holds. After the colour conversion, each image
placed above ``print.downsample_above`` (450 ppi by default) at its least resolved placement is
resampled (Lanczos) so that placement gets ``print.downsample_to`` (300 ppi), and re-encoded as
the press encodes photos (``colour.encode_jpeg``). An image drawn twice is sized for its larger
use; an image inside a form XObject is found through the form. Only JPEG images (every photo
after the CMYK conversion) are resampled; others are left as they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from PIL import Image

from .colour import INVERTED, encode_jpeg, jpeg_is_inverted
from .pdfscan import scan_page


@dataclass(frozen=True)
class Downsampled:
    label: str                    # the image's name (its file), or its pixel size
    before: tuple[int, int, int]  # stream length in bytes, width and height (how images are
    after: tuple[int, int, int]   # named: pressroom.pdfscan.image_label), before and after
    before_px: tuple[int, int]
    after_px: tuple[int, int]
    before_ppi: float             # at its least resolved placement
    after_ppi: float


def least_resolved(pdf: pikepdf.Pdf, names: dict | None = None) -> dict[tuple[int, int], tuple]:
    """Each placed image's lowest effective ppi over every page: object id -> (ppi, label)."""
    lowest: dict[tuple[int, int], tuple[float, str]] = {}
    for number, page in enumerate(pdf.pages, 1):
        for (key, _), placement in scan_page(page, number, names or {}).placements.items():
            if isinstance(key, tuple) and key != (0, 0):
                ppi = placement.ppi
                if key not in lowest or ppi < lowest[key][0]:
                    lowest[key] = (ppi, placement.label)
    return lowest


def downsample_images(pdf: pikepdf.Pdf, above_ppi: float = 450.0, to_ppi: float = 300.0,
                      names: dict | None = None) -> list[Downsampled]:
    """Resample, in place, every JPEG image whose least resolved placement is above
    ``above_ppi`` so that placement is at ``to_ppi``; what was done, image by image."""
    done = []
    for key, (ppi, label) in sorted(least_resolved(pdf, names).items()):
        if ppi <= above_ppi:
            continue
        image = pdf.get_object(key)
        if image.get("/Filter") != pikepdf.Name.DCTDecode or "/SMask" in image:
            continue
        scale = to_ppi / ppi
        before = (int(image.Width), int(image.Height))
        after = (max(1, round(before[0] * scale)), max(1, round(before[1] * scale)))
        length = int(image.get("/Length", -1))
        with Image.open(io.BytesIO(image.read_raw_bytes())) as opened:
            resized = opened.resize(after, Image.Resampling.LANCZOS)
        data = encode_jpeg(resized)
        image.write(data, filter=pikepdf.Name.DCTDecode)
        image.Width, image.Height = after
        if resized.mode == "CMYK" and jpeg_is_inverted(data):
            image.Decode = pikepdf.Array(INVERTED)
        elif "/Decode" in image:
            del image["/Decode"]
        done.append(Downsampled(label, (length, *before), (len(data), *after), before, after,
                                ppi, ppi * after[0] / before[0]))
    return done
