"""Saddle-stitch imposition: page order per sheet and the printer spreads."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from pressroom.impose import impose_saddle_stitch, saddle_stitch_order
from pressroom.marks import MM, marks_extent

INTER = Path(__file__).resolve().parents[2] / "layouts" / "brochure" / "fonts" / "Inter-Regular.otf"
A5 = (419.527559, 595.275591)  # pt
BLEED = 3 * MM
EXPECTED = [(8, 1), (2, 7), (6, 3), (4, 5)]  # sheet 1 front, back, sheet 2 front, back
PAPER = "coated-115gsm"  # 0.10 mm a leaf


def test_order_for_eight_pages():
    assert saddle_stitch_order(8) == [((8, 1), (2, 7)), ((6, 3), (4, 5))]
    assert saddle_stitch_order(4) == [((4, 1), (2, 3))]


def test_right_to_left_spreads_are_mirrored():
    # the first sheet pairs page 1 on the left with the last page on the right
    assert saddle_stitch_order(8, right_to_left=True) == [((1, 8), (7, 2)), ((3, 6), (5, 4))]
    assert saddle_stitch_order(4, right_to_left=True) == [((1, 4), (3, 2))]


@pytest.mark.parametrize("count", [4, 8, 12])
def test_order_every_page_once_pairs_sum(count):
    order = saddle_stitch_order(count)
    assert len(order) == count // 4
    pages = [n for sheet in order for side in sheet for n in side]
    assert sorted(pages) == list(range(1, count + 1))
    for front, back in order:
        assert sum(front) == sum(back) == count + 1
        assert front[1] % 2 == 1 and back[0] % 2 == 0  # odd pages on the right of the front
    assert order[0][0] == (count, 1)  # the outer sheet carries the covers


@pytest.mark.parametrize("count", [0, 2, 6, 10, -4])
def test_order_needs_a_multiple_of_four(count):
    with pytest.raises(ValueError, match="multiple of 4"):
        saddle_stitch_order(count)


def numbered_pages(path: Path, count: int) -> Path:
    """A5 pages with 3 mm bleed, each showing its number; left (even) pages pink, right blue,
    the page background reaching into the bleed."""
    import weasyprint

    body = "".join(f"<p style='break-after:page'>{n}</p>" for n in range(1, count + 1))
    weasyprint.HTML(string=(
        "<style>@page{size:A5;bleed:3mm;margin:20mm;background:#ccf} @page:left{background:#fcc}"
        " p{font-size:120pt;margin:0}</style>" + body)).write_pdf(path)
    return path


@pytest.fixture(scope="module")
def eight(tmp_path_factory) -> Path:
    return numbered_pages(tmp_path_factory.mktemp("impose") / "eight.pdf", 8)


@pytest.fixture(scope="module")
def imposed(eight) -> tuple[Path, list[str]]:
    calls: list[str] = []
    target = eight.with_name("imposed.pdf")
    impose_saddle_stitch(eight, target, marks=True, font=INTER,
                         slug=lambda where: calls.append(where) or f"Title · {where}",
                         paper=PAPER)
    return target, calls


def halves_text(path: Path) -> list[tuple[str, str]]:
    import pypdfium2

    with pikepdf.open(path) as pdf:
        trims = [[float(v) for v in page.obj.TrimBox] for page in pdf.pages]
    document = pypdfium2.PdfDocument(path)
    try:
        result = []
        for page, (x0, y0, x1, y1) in zip(document, trims):
            text = page.get_textpage()
            middle = (x0 + x1) / 2
            result.append((text.get_text_bounded(x0, y0, middle, y1).strip(),
                           text.get_text_bounded(middle, y0, x1, y1).strip()))
        return result
    finally:
        document.close()


def test_imposed_sheets_show_the_right_pages(imposed):
    path, calls = imposed
    assert halves_text(path) == [(str(left), str(right)) for left, right in EXPECTED]
    assert calls == ["sheet 1 front · pages 8 | 1 · creep 0.00 mm",
                     "sheet 1 back · pages 2 | 7 · creep 0.00 mm",
                     "sheet 2 front · pages 6 | 3 · creep 0.10 mm",
                     "sheet 2 back · pages 4 | 5 · creep 0.10 mm"]


def test_sheet_boxes(imposed):
    path, _ = imposed
    extent = marks_extent()
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 4
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            media = [float(v) for v in page.obj.MediaBox]
            assert trim == pytest.approx([0, 0, 2 * A5[0], A5[1]])
            assert bleed == pytest.approx([-BLEED, -BLEED, 2 * A5[0] + BLEED, A5[1] + BLEED])
            assert media == pytest.approx([bleed[0] - extent, bleed[1] - extent,
                                           bleed[2] + extent, bleed[3] + extent])
            assert "/Font" not in page.obj.Resources  # the slug line is outlines
            assert len(page.obj.Resources.XObject) == 2


def fold_marks(page: pikepdf.Page) -> list[tuple[float, float, float]]:
    """(x, y from, y to) of the dashed lines in the marks stream."""
    lines, dashed, start = [], False, None
    for operands, operator in pikepdf.parse_content_stream(page.obj.Contents[-1]):
        op = str(operator)
        if op == "d":
            dashed = len(operands[0]) > 0
        elif op == "m":
            start = (float(operands[0]), float(operands[1]))
        elif op == "l" and dashed:
            assert float(operands[0]) == start[0]
            lines.append((start[0], start[1], float(operands[1])))
    return lines


def test_fold_marks_at_the_spine_outside_the_bleed(imposed):
    path, _ = imposed
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            folds = fold_marks(page)
            assert len(folds) == 2
            bleed = [float(v) for v in page.obj.BleedBox]
            for x, y0, y1 in folds:
                assert x == pytest.approx(A5[0], abs=0.001)
                assert min(y0, y1) > bleed[3] or max(y0, y1) < bleed[1]
            assert {y0 > bleed[3] for _, y0, _ in folds} == {True, False}  # top and bottom


def test_bleed_only_on_the_outer_edges(eight, tmp_path):
    """Without marks the sheet is its BleedBox; at the spine each page is cut at its trim."""
    import pypdfium2

    path = tmp_path / "plain.pdf"
    impose_saddle_stitch(eight, path, marks=False, font=INTER, slug=str, paper=PAPER)
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            assert [float(v) for v in page.obj.MediaBox] == \
                pytest.approx([float(v) for v in page.obj.BleedBox])
            assert "/ColorSpace" not in page.obj.Resources
    scale = 2.0
    document = pypdfium2.PdfDocument(path)
    try:
        for page in document:
            image = page.render(scale=scale).to_pil().convert("RGB")

            def pixel(x_pt, y_pt):  # user space (trim origin at 0, 0) -> pixels
                return image.getpixel((round((x_pt + BLEED) * scale),
                                       round((A5[1] + BLEED - y_pt) * scale)))

            spine, y = A5[0], A5[1] / 2
            assert pixel(spine - 1, y) == (255, 204, 204)  # left page (even) up to the spine
            assert pixel(spine + 1, y) == (204, 204, 255)  # right page (odd) from the spine
            assert pixel(-BLEED + 1, y) == (255, 204, 204)  # outer bleed, left
            assert pixel(2 * A5[0] + BLEED - 1, y) == (204, 204, 255)  # outer bleed, right
            assert pixel(spine - 1, -BLEED + 1) == (255, 204, 204)  # bottom bleed
            assert pixel(spine + 1, A5[1] + BLEED - 1) == (204, 204, 255)  # top bleed
    finally:
        document.close()
    assert [pair for pair in halves_text(path)] == [(str(a), str(b)) for a, b in EXPECTED]


def test_page_count_not_a_multiple_of_four(tmp_path):
    source = numbered_pages(tmp_path / "six.pdf", 6)
    with pytest.raises(ValueError, match="multiple of 4, not 6"):
        impose_saddle_stitch(source, tmp_path / "out.pdf", marks=True, font=INTER, slug=str,
                             paper=PAPER)
    assert not (tmp_path / "out.pdf").exists()


def test_twelve_pages(tmp_path):
    source = numbered_pages(tmp_path / "twelve.pdf", 12)
    impose_saddle_stitch(source, tmp_path / "out.pdf", marks=True, font=INTER, slug=str,
                         paper=PAPER)
    expected = [side for sheet in saddle_stitch_order(12) for side in sheet]
    assert halves_text(tmp_path / "out.pdf") == [(str(a), str(b)) for a, b in expected]


def placements(page: pikepdf.Page) -> dict[int, tuple[list[float], float]]:
    """Per placed page number: its clip rectangle (x0, y0, x1, y1) and its cm's x translation."""
    found, clip, dx = {}, None, None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "re":
            x, y, w, h = (float(v) for v in operands)
            clip = [x, y, x + w, y + h]
        elif op == "cm":
            assert [float(v) for v in operands[:4]] == [1, 0, 0, 1]  # moved, never scaled
            dx = float(operands[4])
        elif op == "Do":
            found[int(str(operands[0]).removeprefix("/Page"))] = (clip, dx)
    return found


@pytest.fixture(scope="module")
def sixteen(tmp_path_factory) -> Path:
    return numbered_pages(tmp_path_factory.mktemp("creep") / "sixteen.pdf", 16)


def right_to_left_copy(source: Path, target: Path) -> Path:
    with pikepdf.open(source) as pdf:
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(Direction=pikepdf.Name.R2L)
        pdf.save(target)
    return target


@pytest.mark.parametrize("rtl", [False, True])
def test_creep_moves_inner_sheets_toward_the_spine(sixteen, tmp_path, rtl):
    """16 pages on 0.12 mm paper: sheet 1 unmoved, sheet 4 (pages 8, 9; in right-to-left, 9 is
    on the left) 3 x 0.12 mm toward the spine, its clip's outer edge with it, its spine edge
    at the spine."""
    source = right_to_left_copy(sixteen, tmp_path / "rtl.pdf") if rtl else sixteen
    path = tmp_path / "out.pdf"
    impose_saddle_stitch(source, path, marks=False, font=INTER, slug=str, paper="coated-130gsm")
    shift = 3 * 0.12 * MM
    with pikepdf.open(path) as pdf:
        outer = placements(pdf.pages[0])  # sheet 1 front: pages 16 | 1 (1 | 16 right to left)
        inner = placements(pdf.pages[7])  # sheet 4 back: pages 8 | 9 (9 | 8)
        assert [float(v) for v in pdf.pages[7].obj.BleedBox] == \
            pytest.approx([float(v) for v in pdf.pages[0].obj.BleedBox])
    (outer_left, outer_right), (left, right) = ((1, 16), (9, 8)) if rtl else ((16, 1), (8, 9))
    spine = A5[0]
    assert outer[outer_left] == (pytest.approx([-BLEED, -BLEED, spine, A5[1] + BLEED]),
                                 pytest.approx(0, abs=1e-6))
    assert outer[outer_right] == (pytest.approx([spine, -BLEED, 2 * spine + BLEED, A5[1] + BLEED]),
                                  pytest.approx(spine))
    assert inner[left] == (pytest.approx([-BLEED + shift, -BLEED, spine, A5[1] + BLEED]),
                           pytest.approx(shift))
    assert inner[right] == (
        pytest.approx([spine, -BLEED, 2 * spine + BLEED - shift, A5[1] + BLEED]),
        pytest.approx(spine - shift))


def test_creep_seen_on_the_rendered_sheet(sixteen, tmp_path):
    """The innermost sheet's outer bleed starts one creep in from the sheet's bleed edge; the
    outermost sheet's reaches it."""
    import pypdfium2

    path = tmp_path / "out.pdf"
    impose_saddle_stitch(sixteen, path, marks=False, font=INTER, slug=str, paper="coated-150gsm")
    shift, scale = 3 * 0.14 * MM, 4.0  # 1.19 pt: about 5 pixels
    document = pypdfium2.PdfDocument(path)
    try:
        for number, moved in ((0, False), (7, True)):
            image = document[number].render(scale=scale).to_pil().convert("RGB")
            y, near, beyond = round(A5[1] / 2 * scale), round(shift / 3 * scale), round(
                shift * 2 * scale)  # pixels in from the sheet's left or right edge
            left, right = (255, 204, 204), (204, 204, 255)
            assert image.getpixel((beyond, y)) == left
            assert image.getpixel((image.width - 1 - beyond, y)) == right
            assert image.getpixel((near, y)) == ((255, 255, 255) if moved else left)
            assert image.getpixel((image.width - 1 - near, y)) == (
                (255, 255, 255) if moved else right)
    finally:
        document.close()
