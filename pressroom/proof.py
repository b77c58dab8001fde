"""Proof sheets: a PDF's pages as reader spreads on one image, to see a publication at a glance."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageDraw

BACKGROUND = (92, 92, 92)
GAP = 24  # pixels between spreads and around the sheet


def spreads(page_count: int) -> list[tuple[int | None, int | None]]:
    """Pages as a reader sees them: the cover alone on the right, then left/right pairs."""
    rows: list[tuple[int | None, int | None]] = [(None, 0)]
    for left in range(1, page_count, 2):
        rows.append((left, left + 1 if left + 1 < page_count else None))
    return rows if page_count else []


#: A long publication's proof sheet: smaller pages, more spreads a row, so the sheet stays a
#: picture to look at (and a second's work) rather than a 50-megapixel scroll.
LONG = 24  # pages
LONG_PAGE_HEIGHT, LONG_COLUMNS = 200, 6


def proof_sheet(pdf_path: Path, page_height: int | None = None, columns: int | None = None,
                processes: int = 1, thumbnails: Path | None = None) -> Image.Image:
    """Render every page at ``page_height`` pixels and lay the spreads out in a grid (by
    default 360 pixels and 3 spreads a row, or 200 and 6 for a long publication); with
    ``processes`` 2, the second half of the pages is rendered in a second process. With a
    ``thumbnails`` folder, JPEG photos are drawn from small copies kept there (see
    :func:`rendered_pages`)."""
    import pypdfium2

    with pypdfium2.PdfDocument(pdf_path) as pdf:
        count = len(pdf)
    long = count > LONG
    page_height = page_height or (LONG_PAGE_HEIGHT if long else 360)
    columns = columns or (LONG_COLUMNS if long else 3)
    if processes > 1 and count > 1:
        from .background import Background

        half = (count + 1) // 2
        second = Background(rendered_pages, pdf_path, range(half, count), page_height,
                            thumbnails)
        try:
            pages = rendered_pages(pdf_path, range(half), page_height, thumbnails) + \
                second.result()
        finally:
            second.stop()
    else:
        pages = rendered_pages(pdf_path, range(count), page_height, thumbnails)
    page_width = max(p.width for p in pages)
    layout = spreads(len(pages))
    rows = (len(layout) + columns - 1) // columns
    sheet = Image.new("RGB", (GAP + columns * (2 * page_width + GAP),
                              GAP + rows * (page_height + GAP)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for index, (left, right) in enumerate(layout):
        x = GAP + (index % columns) * (2 * page_width + GAP)
        y = GAP + (index // columns) * (page_height + GAP)
        for slot, number in ((0, left), (1, right)):
            if number is None:
                continue
            px = x + slot * page_width
            draw.rectangle((px + 3, y + 3, px + page_width + 3, y + page_height + 3), fill=(60, 60, 60))
            sheet.paste(pages[number], (px, y))
    return sheet


def rendered_pages(pdf_path: Path, indices: range, page_height: int,
                   thumbnails: Path | None = None) -> list[Image.Image]:
    """Pages of a PDF as RGB images ``page_height`` pixels high. With a ``thumbnails`` folder,
    each JPEG photo is first replaced by a copy just large enough for its size on the page,
    made once (decoding a print-resolution JPEG is most of a long book's proof) and kept there
    by the photo's content and that size, uncompressed (PPM: a few hundred kB each)."""
    import pypdfium2

    with pypdfium2.PdfDocument(pdf_path) as pdf:
        pages = []
        for index in indices:
            page = pdf[index]
            scale = page_height / page.get_height()
            if thumbnails is not None:
                for photo in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]):
                    thumbnail = _thumbnail(photo, scale, thumbnails)
                    if thumbnail is not None:
                        matrix = photo.get_matrix()
                        photo.set_bitmap(pypdfium2.PdfBitmap.from_pil(thumbnail), pages=[page])
                        photo.set_matrix(matrix)
            pages.append(page.render(scale=scale).to_pil().convert("RGB"))
            page.close()
        return pages


def _thumbnail(photo, scale: float, folder: Path) -> Image.Image | None:
    """A small copy of an image object that is a plain RGB or greyscale JPEG (others: None):
    at least as large as it is drawn at ``scale``, decoded at 1/2, 1/4 or 1/8 of its size."""
    from .images import to_srgb
    from .atomic import atomic_output

    if photo.get_filters() != ["DCTDecode"]:
        return None
    left, bottom, right, top = photo.get_bounds()
    drawn = max(1, round(max(right - left, top - bottom) * scale))
    data = bytes(photo.get_data(decode_simple=False))
    with Image.open(io.BytesIO(data)) as jpeg:
        if jpeg.format != "JPEG" or jpeg.mode not in ("RGB", "L") or \
                min(jpeg.size) < 2 * drawn:
            return None  # CMYK (Adobe's inverted kind), or nothing to gain
        jpeg.draft(jpeg.mode, (drawn, drawn))
        path = folder / f"{hashlib.sha256(data).hexdigest()[:32]}-{jpeg.width}x{jpeg.height}.ppm"
        try:
            with Image.open(path) as kept:
                return kept.convert("RGB")
        except (OSError, ValueError):  # not made yet (or damaged): make it
            small = to_srgb(jpeg)  # as the PDF's ICC-based colour space shows it
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(path) as tmp:
                small.save(tmp, "PPM")  # no compression: a photo's copy does not shrink much
            return small


def render_page(pdf_path: Path, index: int, width: int) -> Image.Image:
    """One page of a PDF as an RGB image ``width`` pixels wide."""
    import pypdfium2

    with pypdfium2.PdfDocument(pdf_path) as pdf:
        page = pdf[index]
        return page.render(scale=width / page.get_width()).to_pil().convert("RGB")


def write_proof(pdf_path: Path, png_path: Path, processes: int = 1,
                thumbnails: Path | None = None) -> Path:
    """Write the proof sheet of ``pdf_path`` as a PNG (its pages rendered by ``processes``, its
    photos' small copies kept in ``thumbnails``)."""
    from .atomic import atomic_output
    from .interrupt import checkpoint

    image = proof_sheet(pdf_path, processes=processes, thumbnails=thumbnails)
    with atomic_output(png_path) as tmp:
        checkpoint("proof writing")
        image.save(tmp, "PNG", compress_level=3)  # 6: 1.5x the time for 1.5 % less; optimize: 5x
    return png_path
