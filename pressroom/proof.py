"""Proof sheets: a PDF's pages as reader spreads on one image, to see a publication at a glance."""

from __future__ import annotations

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


def proof_sheet(pdf_path: Path, page_height: int | None = None,
                columns: int | None = None, processes: int = 1) -> Image.Image:
    """Render every page at ``page_height`` pixels and lay the spreads out in a grid (by
    default 360 pixels and 3 spreads a row, or 200 and 6 for a long publication); with
    ``processes`` 2, the second half of the pages is rendered in a second process."""
    import pypdfium2

    with pypdfium2.PdfDocument(pdf_path) as pdf:
        count = len(pdf)
    long = count > LONG
    page_height = page_height or (LONG_PAGE_HEIGHT if long else 360)
    columns = columns or (LONG_COLUMNS if long else 3)
    if processes > 1 and count > 1:
        from .targets import Background

        half = (count + 1) // 2
        second = Background(rendered_pages, pdf_path, range(half, count), page_height)
        try:
            pages = rendered_pages(pdf_path, range(half), page_height) + second.result()
        finally:
            second.stop()
    else:
        pages = rendered_pages(pdf_path, range(count), page_height)
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


def rendered_pages(pdf_path: Path, indices: range, page_height: int) -> list[Image.Image]:
    """Pages of a PDF as RGB images ``page_height`` pixels high."""
    import pypdfium2

    with pypdfium2.PdfDocument(pdf_path) as pdf:
        pages = []
        for index in indices:
            page = pdf[index]
            pages.append(page.render(scale=page_height / page.get_height()).to_pil().convert("RGB"))
            page.close()
        return pages


def render_page(pdf_path: Path, index: int, width: int) -> Image.Image:
    """One page of a PDF as an RGB image ``width`` pixels wide."""
    import pypdfium2

    with pypdfium2.PdfDocument(pdf_path) as pdf:
        page = pdf[index]
        return page.render(scale=width / page.get_width()).to_pil().convert("RGB")


def write_proof(pdf_path: Path, png_path: Path, processes: int = 1) -> Path:
    """Write the proof sheet of ``pdf_path`` as a PNG (its pages rendered by ``processes``)."""
    from .targets import atomic_output

    image = proof_sheet(pdf_path, processes=processes)
    with atomic_output(png_path) as tmp:
        image.save(tmp, "PNG", compress_level=3)  # 6: 1.5x the time for 1.5 % less; optimize: 5x
    return png_path
