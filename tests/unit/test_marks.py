"""Printer's marks: outside the bleed, in registration colour, drawn without fonts."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest

from pressroom.marks import MM, OutlineFont, add_marks, marks_extent

FONTS = Path(__file__).resolve().parents[2] / "layouts" / "brochure" / "fonts"
INTER = FONTS / "Inter-Regular.otf"
A5 = (419.527559, 595.275591)  # pt
BLEED = 3 * MM
SLUG = "Title · page {} of 2 · 2023-01-30 · press PDF/X-4"


@pytest.fixture(scope="module")
def press_pdf(tmp_path_factory) -> Path:
    """Two A5 pages with 3 mm bleed and a red background reaching into the bleed."""
    import weasyprint

    path = tmp_path_factory.mktemp("marks") / "press.pdf"
    weasyprint.HTML(string=(
        "<style>@page{size:A5;bleed:3mm;margin:10mm;background:#c00} p{font-size:40pt}</style>"
        "<p>One</p><p style='break-before:page'>Two</p>")).write_pdf(path)
    return path


@pytest.fixture(scope="module")
def marked_pdf(press_pdf: Path) -> Path:
    path = press_pdf.with_name("marked.pdf")
    with pikepdf.open(press_pdf) as pdf:
        add_marks(pdf, lambda n: SLUG.format(n), INTER)
        pdf.save(path)
    return path


def boxes(path: Path) -> list[dict[str, list]]:
    with pikepdf.open(path) as pdf:
        return [{key: [float(v) for v in page.obj[key]] for key in
                 ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox") if key in page.obj}
                for page in pdf.pages]


def test_weasyprint_writes_the_boxes_we_expect(press_pdf):
    for page in boxes(press_pdf):
        assert page["/TrimBox"] == pytest.approx([0, 0, *A5])
        assert page["/BleedBox"] == pytest.approx([-BLEED, -BLEED, A5[0] + BLEED, A5[1] + BLEED])
        assert page["/MediaBox"] == page["/BleedBox"]


def test_trim_and_bleed_stay_the_media_box_grows_on_every_side(press_pdf, marked_pdf):
    with pikepdf.open(press_pdf) as before, pikepdf.open(marked_pdf) as after:
        for old, new in zip(before.pages, after.pages):
            assert repr(new.obj.TrimBox) == repr(old.obj.TrimBox)  # to the digit
            assert repr(new.obj.BleedBox) == repr(old.obj.BleedBox)
    extent = marks_extent(3.0, 10.0)
    assert extent == pytest.approx(16 * MM)
    for page in boxes(marked_pdf):
        x0, y0, x1, y1 = page["/BleedBox"]
        assert page["/MediaBox"] == pytest.approx([x0 - extent, y0 - extent, x1 + extent,
                                                   y1 + extent])
        assert page["/CropBox"] == page["/MediaBox"]


def paths(stream) -> list[tuple[str, list[tuple[float, float]]]]:
    """Every segment drawn: (painting operator, its points including the current point)."""
    segments, current, start, pending = [], None, None, []
    for operands, operator in pikepdf.parse_content_stream(stream):
        op = str(operator)
        nums = [float(v) for v in operands if isinstance(v, (int, float, Decimal))]
        assert op not in ("cm", "Do", "BT", "Tf", "Tj", "TJ", "sh", "BI"), op
        if op == "m":
            current = start = (nums[0], nums[1])
        elif op == "l":
            pending.append([current, (nums[0], nums[1])])
            current = (nums[0], nums[1])
        elif op == "c":
            pts = [(nums[i], nums[i + 1]) for i in (0, 2, 4)]
            pending.append([current, *pts])
            current = pts[-1]
        elif op == "h":
            pending.append([current, start])
            current = start
        elif op == "re":
            x, y, w, h = nums
            pending.append([(x, y), (x + w, y + h)])
        elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"):
            segments += [(op, pts) for pts in pending]
            pending = []
    assert not pending
    return segments


def test_every_mark_lies_outside_the_bleed(marked_pdf):
    with pikepdf.open(marked_pdf) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.obj.BleedBox)
            trim_x0 = float(page.obj.TrimBox[0])
            stream = page.obj.Contents[-1]
            segments = paths(stream)
            assert len(segments) > 100  # crop marks, targets and the slug's glyphs
            half_line = 0.125
            for op, pts in segments:
                # the segment's control polygon encloses it: its bounding box (widened by half
                # the line width) must not enter the bleed rectangle
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                inside = (min(xs) - half_line < x1 and max(xs) + half_line > x0
                          and min(ys) - half_line < y1 and max(ys) + half_line > y0)
                assert not inside, (op, pts)
            glyphs = [pts for op, pts in segments if op == "f"]
            assert glyphs, "the slug line is drawn as filled outlines"
            assert max(y for pts in glyphs for _, y in pts) < y0  # below the bleed
            assert min(x for pts in glyphs for x, _ in pts) == pytest.approx(trim_x0, abs=2)


def test_marks_are_a_wrapped_artifact_and_the_page_state_cannot_leak(marked_pdf):
    with pikepdf.open(marked_pdf) as pdf:
        for page in pdf.pages:
            contents = page.obj.Contents
            assert contents[0].read_bytes().strip() == b"q"
            ops = [str(op) for _, op in pikepdf.parse_content_stream(contents[-1])]
            assert ops[:2] == ["q", "BDC"] and ops[-2:] == ["EMC", "Q"]
            first = next(operands for operands, op in pikepdf.parse_content_stream(contents[-1])
                         if str(op) == "BDC")
            assert first[0] == pikepdf.Name.Artifact
            everything = [str(op) for _, op in pikepdf.parse_content_stream(page)]
            assert everything.count("q") == everything.count("Q")
            depth = 0
            for op in everything[:-len(ops)]:  # the page's own content closes before the marks
                depth += {"q": 1, "Q": -1}.get(op, 0)
            assert depth == 0


def test_registration_colour_and_no_font(press_pdf, marked_pdf):
    with pikepdf.open(press_pdf) as before, pikepdf.open(marked_pdf) as after:
        fonts_before = [sorted(page.obj.Resources.Font.keys()) for page in before.pages]
        fonts_after = [sorted(page.obj.Resources.Font.keys()) for page in after.pages]
        assert fonts_after == fonts_before
        count = sum(1 for obj in after.objects if isinstance(obj, pikepdf.Dictionary)
                    and obj.get("/Type") == pikepdf.Name.Font)
        assert count == sum(1 for obj in before.objects if isinstance(obj, pikepdf.Dictionary)
                            and obj.get("/Type") == pikepdf.Name.Font)
        for page in after.pages:
            used = [(str(operands[0]), str(op)) for operands, op in
                    pikepdf.parse_content_stream(page.obj.Contents[-1]) if str(op) in ("CS", "cs")]
            assert {op for _, op in used} == {"CS", "cs"} and len({name for name, _ in used}) == 1
            space = page.obj.Resources.ColorSpace[used[0][0]]
            assert [space[0], space[1], space[2]] == [pikepdf.Name.Separation, pikepdf.Name.All,
                                                       pikepdf.Name.DeviceCMYK]
            function = space[3]
            assert int(function.FunctionType) == 2 and int(function.N) == 1
            assert [float(v) for v in function.Domain] == [0, 1]
            assert [float(v) for v in function.C0] == [0, 0, 0, 0]
            assert [float(v) for v in function.C1] == [1, 1, 1, 1]
            tints = [float(operands[0]) for operands, op in
                     pikepdf.parse_content_stream(page.obj.Contents[-1])
                     if str(op) in ("SCN", "scn")]
            assert tints == [1.0, 1.0]


def render(path: Path, page_index: int, scale: float = 2.0):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return pdf[page_index].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()


def cropped_to_trim(path: Path, target: Path) -> Path:
    """A copy whose pages show only their TrimBox, so renders of different MediaBoxes align."""
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            page.obj.CropBox = page.obj.TrimBox
        pdf.save(target)
    return target


def test_page_renders_and_the_trim_area_is_untouched(press_pdf, marked_pdf, tmp_path):
    before = cropped_to_trim(press_pdf, tmp_path / "before.pdf")
    after = cropped_to_trim(marked_pdf, tmp_path / "after.pdf")
    for index in range(2):
        old, new = render(before, index), render(after, index)
        assert old.size == new.size
        assert old.tobytes() == new.tobytes()
        whole = render(marked_pdf, index, scale=1)
        width, height = whole.size
        assert width == pytest.approx(A5[0] + 2 * (BLEED + marks_extent()), abs=1)
        assert height == pytest.approx(A5[1] + 2 * (BLEED + marks_extent()), abs=1)
        # the marks show up in the margin, in black (registration = every ink)
        margin = whole.crop((0, 0, width, int(marks_extent())))
        assert margin.convert("L").getextrema()[0] < 128
        assert whole.getpixel((width // 2, height // 2)) == (204, 0, 0)


def test_original_file_untouched_and_marks_switchable(press_pdf, tmp_path):
    copy = shutil.copy(press_pdf, tmp_path / "copy.pdf")
    calls = []
    with pikepdf.open(copy) as pdf:
        add_marks(pdf, lambda n: calls.append(n) or f"p{n}", INTER, offset_mm=5, length_mm=8)
        extent = float(pdf.pages[0].obj.BleedBox[0]) - float(pdf.pages[0].obj.MediaBox[0])
    assert calls == [1, 2]
    assert extent == pytest.approx((5 + 8 + 3) * MM)


@pytest.mark.parametrize("font", ["Inter-Regular.otf", "CharisSIL-Regular.ttf"])
def test_outline_font_cubic_and_quadratic(font):
    outline = OutlineFont(FONTS / font)
    ops = outline.path("Rég 3 · ü", 10, 100, 50).split("\n")
    operators = {op.split()[-1] for op in ops}
    assert operators <= {"m", "l", "c", "h"} and "c" in operators  # TrueType qCurves -> cubic
    assert outline.width("ab", 10) > outline.width("a", 10) > 0
    xs = [float(v) for op in ops for v in op.split()[:-1][0::2]]
    assert min(xs) >= 99 and max(xs) <= 100 + outline.width("Rég 3 · ü", 10) + 1


@pytest.mark.parametrize("content", [b"q 1 0 0 1 5 5 cm q 0 0 m 9 9 l S Q",  # one q left open
                                     b"Q Q q 0 0 m 9 9 l S",                  # Q before any q
                                     b"q 0.2 0.3 0.4 rg 0 0 9 9 re f Q"])     # balanced
def test_the_colour_conversions_q_balance_wraps_a_page_as_reading_it_does(press_pdf, content):
    from pressroom.colour import convert_pdf_to_cmyk

    profile = Path(__file__).resolve().parents[2] / "layouts" / "brochure" / "profiles" / \
        "FOGRA39L-coated.icc"
    streams = []
    for told in (False, True):
        with pikepdf.open(press_pdf) as pdf:
            page = pdf.pages[0]
            page.obj.Contents = pdf.make_stream(content)
            balances = convert_pdf_to_cmyk(pdf, profile)
            assert page.obj.objgen in balances
            add_marks(pdf, lambda n: SLUG.format(n), INTER, balances=balances if told else None)
            streams.append(b"".join(part.read_bytes() for part in page.obj.Contents))
            ops = [str(op) for _, op in pikepdf.parse_content_stream(page)]
            depth = 0
            for op in ops:
                depth += {"q": 1, "Q": -1}.get(op, 0)
                assert depth >= 0  # no Q without its q
            assert depth == 0
    assert streams[0] == streams[1]
