"""Printer presets and papers: spine widths, saddle-stitch limits and presets filling print:."""

from __future__ import annotations

import pytest

from pressroom.config import Settings, with_layout_defaults, PrintSettings
from pressroom.printers import (PAPERS, PRINTERS, creep_mm, saddle_stitch_limit, spine_has_text,
                                spine_mm)


def test_kdp_spine_follows_its_published_per_page_figure():
    # KDP: white paper 0.002252 in per page; 300 pages = 0.6756 in = 17.16 mm
    assert spine_mm(300, "kdp-white", "kdp") == pytest.approx(0.6756 * 25.4, abs=0.01)
    assert spine_mm(300, "kdp-cream", "kdp") == pytest.approx(0.75 * 25.4, abs=0.01)


def test_lulu_adds_its_cover_allowance():
    assert spine_mm(444, "lulu-white", "lulu") == pytest.approx(25.4 + 0.06 * 25.4, abs=0.01)


def test_spine_text_needs_the_printers_page_count_and_a_wide_enough_spine():
    assert not spine_has_text(78, "kdp-white", "kdp") and spine_has_text(100, "kdp-white", "kdp")
    assert not spine_has_text(40, "coated-115gsm")      # 2 mm: too thin for a line of type
    assert spine_has_text(120, "coated-115gsm")         # 6 mm


def test_saddle_stitch_limit_follows_the_paper():
    assert saddle_stitch_limit("uncoated-90gsm") == 60   # 3.5 mm of 0.11 mm leaves
    assert saddle_stitch_limit("coated-115gsm") == 68
    assert saddle_stitch_limit("kdp-white") > saddle_stitch_limit("coated-150gsm")
    assert all(saddle_stitch_limit(paper) % 4 == 0 for paper in PAPERS)


def test_creep_grows_by_one_caliper_per_sheet_folded_around():
    assert creep_mm(0, "coated-130gsm") == 0
    assert creep_mm(3, "coated-130gsm") == pytest.approx(0.36)


def settings(**print_given):
    return Settings(title="T", language="en", print=PrintSettings(**print_given),
                    print_given=frozenset(print_given))


def test_a_preset_fills_what_the_publication_leaves_out_over_the_layouts_defaults():
    filled = with_layout_defaults(settings(printer="kdp"), {"marks": True, "trim": PrintSettings().trim})
    assert filled.print.marks is False and filled.print.profile == "pdf/x-1a"
    assert filled.print.bleed_mm == pytest.approx(3.175) and filled.print.paper == "kdp-white"
    assert filled.print.ink_limit == PAPERS["kdp-white"].ink_limit


def test_the_publication_overrides_the_preset_and_the_paper_sets_the_ink_limit():
    filled = with_layout_defaults(settings(printer="kdp", marks=True, paper="kdp-cream"), {})
    assert filled.print.marks is True and filled.print.paper == "kdp-cream"
    offset = with_layout_defaults(settings(paper="uncoated-80gsm"), {})
    assert offset.print.ink_limit == 260 and offset.print.marks is True
    assert with_layout_defaults(settings(paper="uncoated-80gsm", ink_limit=280.0), {}).print.ink_limit == 280


def test_every_preset_offers_known_papers():
    assert all(paper in PAPERS for printer in PRINTERS.values() for paper in printer.papers)


def test_a_print_on_demand_book_below_the_printers_minimum_is_refused():
    from pressroom.preflight import check_pages
    short = check_pages(20, "perfect", "kdp-white", "kdp")
    assert [f.level for f in short] == ["error"] and "kdp binds 24 pages at least" in short[0].message
    assert check_pages(24, "perfect", "kdp-white", "kdp") == []
    assert check_pages(20, "perfect", "coated-115gsm") == []  # an offset printer binds any
