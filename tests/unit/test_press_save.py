"""Saving the finished press PDF: PDF/X-1a as PDF 1.4, and an /ID made from the content key."""

from __future__ import annotations

import random

import pikepdf
import pytest

from pressroom.pdfx import QPDF_STATIC_ID, document_id, save


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


@pytest.mark.parametrize("variant", ["pdf/x-4", "pdf/x-1a"])
def test_the_id_is_found_however_long_the_cross_reference_section(tmp_path, variant):
    """A 1,016-page book's cross-reference stream is larger than the 4 KB the /ID was once
    looked for in; here 6,000 pages, each with its own content stream, make it so."""
    made, lengths = pikepdf.new(), random.Random(17)
    for _ in range(6000):
        made.add_blank_page(page_size=(420, 595))
        # contents of uneven lengths: offsets that do not compress away
        made.pages[-1].Contents = made.make_stream(b"q Q " * lengths.randrange(200))
    # as WeasyPrint writes them: object streams, so a cross-reference stream
    made.save(tmp_path / "engine.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate)
    pdf = pikepdf.open(tmp_path / "engine.pdf")
    path = tmp_path / "long.pdf"
    save(pdf, path, variant, document_id("long"))
    data = path.read_bytes()
    assert QPDF_STATIC_ID not in data
    assert len(data) - data.rfind(b"startxref") < 64
    if variant == "pdf/x-4":  # a cross-reference stream: the /ID is not in the file's tail
        assert len(data) - data.find(document_id("long").hex().encode()) > 4096
    with pikepdf.open(path) as reopened:
        assert not reopened.get_warnings()
        assert [bytes(half) for half in reopened.trailer.ID] == [document_id("long")] * 2
