"""Proof sheets: reader spreads, rendered from a PDF."""

from __future__ import annotations

import pytest

from pressroom.proof import proof_sheet, spreads


@pytest.mark.parametrize("count, expected", [
    (0, []),
    (1, [(None, 0)]),
    (2, [(None, 0), (1, None)]),
    (4, [(None, 0), (1, 2), (3, None)]),
    (5, [(None, 0), (1, 2), (3, 4)]),
])
def test_spreads_put_the_cover_alone_then_pairs(count, expected):
    assert spreads(count) == expected


def test_proof_sheet_has_one_cell_per_spread(tmp_path):
    pikepdf = pytest.importorskip("pikepdf")
    pdf = pikepdf.new()
    for _ in range(4):
        pdf.add_blank_page(page_size=(420, 595))
    pdf.save(tmp_path / "four.pdf")
    sheet = proof_sheet(tmp_path / "four.pdf", page_height=100, columns=3)
    page_width = round(420 * 100 / 595)
    assert sheet.size == (24 + 3 * (2 * page_width + 24), 24 + 100 + 24)
    # the cover sits on the right of the first spread: white there, background on its left
    assert sheet.getpixel((24 + 5, 24 + 50)) == (92, 92, 92)
    assert sheet.getpixel((24 + page_width + 5, 24 + 50)) == (255, 255, 255)


def photo_pdf(path, mode: str = "RGB"):
    """A one-page PDF whose page is a print-resolution photo (Pillow writes it as a JPEG)."""
    from PIL import Image, ImageDraw

    photo = Image.new("RGB", (1600, 1200), (40, 90, 160))
    ImageDraw.Draw(photo).ellipse((300, 200, 1300, 1000), fill=(230, 200, 40))
    photo.convert(mode).save(path, "PDF", resolution=300)
    return path


def test_photos_are_drawn_from_small_copies_kept_in_the_cache(tmp_path):
    from PIL import Image, ImageChops, ImageStat

    pdf = photo_pdf(tmp_path / "photo.pdf")
    plain = proof_sheet(pdf, page_height=150)
    kept = tmp_path / "thumbnails"
    first = proof_sheet(pdf, page_height=150, thumbnails=kept)
    copies = list(kept.iterdir())
    assert [path.suffix for path in copies] == [".ppm"]
    with Image.open(copies[0]) as copy:
        assert 200 <= copy.width < 1600  # decoded at 1/4 or 1/8 of its size
    assert max(ImageStat.Stat(ImageChops.difference(plain, first)).mean) < 2
    # a second sheet draws the kept copy: one painted red shows
    Image.new("RGB", Image.open(copies[0]).size, (255, 0, 0)).save(copies[0], "PPM")
    second = proof_sheet(pdf, page_height=150, thumbnails=kept)
    page_width = round(150 * 1600 / 1200)
    assert second.getpixel((24 + page_width + page_width // 2, 24 + 75)) == (255, 0, 0)
    assert plain.getpixel((24 + page_width + page_width // 2, 24 + 75)) != (255, 0, 0)


def test_a_cmyk_photo_is_drawn_from_the_pdf_itself(tmp_path):
    pdf = photo_pdf(tmp_path / "cmyk.pdf", "CMYK")
    proof_sheet(pdf, page_height=150, thumbnails=tmp_path / "thumbnails")
    assert not (tmp_path / "thumbnails").exists()
