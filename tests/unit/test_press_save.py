"""Saving the finished press PDF: PDF/X-1a as PDF 1.4, and an /ID made from the content key."""

from __future__ import annotations

import pikepdf
import pytest

from pressroom.targets.press import QPDF_STATIC_ID, document_id, save


def page_pdf() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(420, 595))
    pdf.trailer.ID = pikepdf.Array([pikepdf.String(b"x" * 16), pikepdf.String(b"y" * 16)])
    return pdf


@pytest.mark.parametrize("variant, version", [("pdf/x-4", None), ("pdf/x-1a", "1.4")])
def test_both_halves_of_the_id_come_from_the_content_key(tmp_path, variant, version):
    ids = []
    for key in ("one", "two", "one"):
        path = tmp_path / f"{key}.pdf"
        save(page_pdf(), path, variant, document_id(key))
        assert QPDF_STATIC_ID not in path.read_bytes()
        with pikepdf.open(path) as pdf:
            assert not pdf.get_warnings()
            first, second = (bytes(half) for half in pdf.trailer.ID)
            assert first == second == document_id(key)
            if version:
                assert pdf.pdf_version == version
        ids.append(first)
    assert ids[0] != ids[1] and ids[0] == ids[2]
    assert len(ids[0]) == 16
