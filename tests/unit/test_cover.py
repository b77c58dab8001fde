"""The cover spread's measures: when a cover is made, the spine from the pages and the paper."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pressroom.config import PrintSettings, Trim
from pressroom.cover import spread, wanted

A5_PERFECT = PrintSettings(trim=Trim(148.0, 210.0, "A5"), binding="perfect",
                           paper="coated-115gsm", bleed_mm=3.0)


@pytest.mark.parametrize("binding, cover, made", [
    ("perfect", None, True), ("saddle-stitch", None, False), ("saddle-stitch", True, True),
    ("perfect", False, False)])
def test_a_cover_is_made_for_perfect_binding_unless_the_publication_says(binding, cover, made):
    assert wanted(replace(PrintSettings(), binding=binding, cover=cover)) is made


def test_the_spread_is_two_covers_and_a_spine_as_thick_as_the_leaves():
    measures = spread(A5_PERFECT, 200)  # 100 leaves of 0.1 mm
    assert measures.spine_mm == pytest.approx(10.0)
    assert measures.trim_mm == pytest.approx((306.0, 210.0))
    assert measures.with_bleed_mm == pytest.approx((312.0, 216.0))
    assert measures.spine_text


def test_a_thin_spine_has_no_text_and_a_folded_cover_no_spine():
    assert not spread(A5_PERFECT, 60).spine_text  # 3 mm
    folded = spread(replace(A5_PERFECT, binding="saddle-stitch", cover=True), 60)
    assert (folded.spine_mm, folded.spine_text, folded.trim_mm) == (0.0, False, (296.0, 210.0))


def test_a_printer_adds_its_cover_allowance_to_the_spine():
    lulu = spread(replace(A5_PERFECT, printer="lulu", paper="lulu-white"), 200)
    assert lulu.spine_mm == pytest.approx(100 * 2 * 25.4 / 444 + 0.06 * 25.4, abs=0.01)
