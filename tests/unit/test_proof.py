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
