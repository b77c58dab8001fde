"""How press images are encoded: JPEG quality and chroma subsampling, chosen by measurement.

    .venv/bin/python bench/jpeg_quality.py [--width-mm 180] [images/*.jpg]

Each photo is separated to CMYK as the press does it (``colour.separate``: FOGRA39, ink limit
300 %), resampled to 300 ppi at ``--width-mm`` (the brochure's full text width), then encoded at
each quality and subsampling. For each, the worst photo's SSIM (scikit-image's
``structural_similarity``) of what prints (the CMYK seen through the press profile as sRGB) and
of the worst plate (C, M, Y or K alone), and the bytes of all the photos. The press uses the
smallest setting whose printed SSIM is at least 0.98 on every photo (``colour.JPEG_QUALITY``;
``encode_jpeg`` never subsamples).

Measured 2026-12-05 on the sample's eight photos, 2126 px wide (180 mm at 300 ppi):

    quality  4:4:4: SSIM seen, plates,  bytes   4:2:0: SSIM seen, plates,  bytes
    80              0.9551 0.9422  10.84 MB          0.8483 0.7936   4.70 MB
    85              0.9650 0.9550  13.04 MB          0.8585 0.8084   5.70 MB
    90              0.9760 0.9695  16.89 MB          0.8737 0.8299   7.52 MB
    92              0.9806 0.9756  18.77 MB          0.8811 0.8400   8.44 MB
    95              0.9879 0.9848  25.17 MB          0.8930 0.8545  11.48 MB

libjpeg has no colour transform for CMYK, so 4:2:0 halves the magenta and yellow plates
themselves: never. Quality 92 without subsampling is the smallest setting at 0.98; the weight
the press PDF loses comes from downsampling (``pressroom.downsample``), not from quality.
Run again after changing the profile or the ink limit (about 3 minutes).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy
from PIL import Image, ImageCms, ImageOps
from skimage.metrics import structural_similarity

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pressroom.colour import separate  # noqa: E402
from pressroom.paths import BUILTIN_LAYOUTS  # noqa: E402

PROFILE = BUILTIN_LAYOUTS / "brochure" / "profiles" / "FOGRA39L-coated.icc"
QUALITIES = (80, 85, 90, 92, 95)
SUBSAMPLING = {"4:4:4": 0, "4:2:0": 2}


def press_pixels(path: Path, width_px: int) -> Image.Image:
    with Image.open(path) as opened:
        icc = opened.info.get("icc_profile")
        image = ImageOps.exif_transpose(opened)
        cmyk = separate(image, icc, PROFILE, 300.0)
    height = round(cmyk.height * width_px / cmyk.width)
    return cmyk.resize((width_px, height), Image.Resampling.LANCZOS)


_TO_SRGB = ImageCms.buildTransform(str(PROFILE), ImageCms.createProfile("sRGB"), "CMYK", "RGB",
                                   ImageCms.Intent.RELATIVE_COLORIMETRIC)


def measure(image: Image.Image, quality: int, subsampling: int) -> tuple[float, float, int]:
    """SSIM of what prints (the CMYK seen through the press profile, as sRGB), the lowest
    SSIM of the four plates, and the bytes."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, subsampling=subsampling)
    decoded = Image.open(io.BytesIO(out.getvalue())).convert("CMYK")
    seen = structural_similarity(numpy.asarray(_TO_SRGB.apply(image)),
                                 numpy.asarray(_TO_SRGB.apply(decoded)), data_range=255,
                                 channel_axis=2)
    original, plates = numpy.asarray(image), numpy.asarray(decoded)
    plate = min(structural_similarity(original[..., c], plates[..., c], data_range=255)
                for c in range(4))
    return seen, plate, out.tell()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", nargs="*", type=Path)
    parser.add_argument("--width-mm", type=float, default=180.0)
    arguments = parser.parse_args()
    paths = arguments.images or sorted((ROOT / "images").glob("*.jpg"))
    width_px = round(arguments.width_mm / 25.4 * 300)
    photos = [press_pixels(path, width_px) for path in paths]
    print(f"{len(photos)} photos, {width_px} px wide (300 ppi at {arguments.width_mm:g} mm)")
    print("quality  " + "   ".join(f"{name}: SSIM seen, plates,  bytes" for name in SUBSAMPLING))
    for quality in QUALITIES:
        cells = []
        for subsampling in SUBSAMPLING.values():
            results = [measure(photo, quality, subsampling) for photo in photos]
            seen, plate = min(r[0] for r in results), min(r[1] for r in results)
            cells.append(f"       {seen:.4f} {plate:.4f} {sum(r[2] for r in results) / 1e6:6.2f} MB")
        print(f"{quality:<8} " + "   ".join(cells))


if __name__ == "__main__":
    main()
