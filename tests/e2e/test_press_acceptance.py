"""Acceptance of the press files by checks that share nothing with Pressroom's own preflight:
the PDF/X rules written from the standards (tests/pdfx_rules.py) and the plates a second
interpreter separates (tests/separations.py, Ghostscript tiffsep).

The sample is PDF/X-4 (saddle-stitched, marks, an imposed file); the features publication is
PDF/X-1a:2003 (perfect-bound, no marks). A cover press file (``<slug>-cover.pdf``), where a
build writes one, is held to the same rules as its publication's pages.
"""

from __future__ import annotations

import pypdfium2
import pypdfium2.raw as pdfium
import pytest
from PIL import ImageChops

from ..pdfx_rules import X1A, X4, check_pdfx
from ..separations import ink_in, separate, total_ink_max

# The publications' PDF/X versions (their publication.yaml and layout) and the sample's ink
# limit (the default, 300 % for coated stock, PRINT.md): written here, not read from Pressroom.
VERSION = {"sample": X4, "features": X1A}
INK_LIMIT = 300
INK_TOLERANCE = 5  # rounding of the ink-limited CMYK conversion and of the 8-bit plates
BODY_FACE = "Charis-SIL"  # the body text's face in the brochure layout


def press_folder(report):
    return next(p.parent for p in report.outputs if p.parent.name == "press")


def press_files(report, kinds):
    slug = report.publication.settings.slug
    return [press_folder(report) / f"{slug}-{kind}.pdf" for kind in kinds]


@pytest.mark.parametrize("publication, kind", [
    ("sample", "press"), ("sample", "imposed"), ("sample", "cover"),
    ("features", "press"), ("features", "cover")])
def test_every_press_file_keeps_the_pdfx_rules_of_its_version(publication, kind, request):
    report = request.getfixturevalue(publication)
    path, = press_files(report, [kind])
    if kind == "cover" and not path.exists():
        pytest.skip(f"this build writes no {path.name}")
    assert path.exists(), f"{path.name} was not written"
    found = check_pdfx(path, VERSION[publication])
    assert found == [], f"{path.name} ({VERSION[publication]}):\n" + "\n".join(found)


# ---------- the plates of the sample ----------

def text_page(path) -> int:
    """The first page (1-based) that places no image and sets body text: its plates show
    what text alone prints. (pdfium lists what a page draws; resource dictionaries may be
    shared between pages and name images a page does not place.)"""
    document = pypdfium2.PdfDocument(path)
    for index in range(len(document)):
        objects = list(document[index].get_objects(max_depth=8))
        if any(o.type == pdfium.FPDF_PAGEOBJ_IMAGE for o in objects):
            continue
        if any(o.type == pdfium.FPDF_PAGEOBJ_TEXT and body_text(o) for o in objects):
            return index + 1
    raise AssertionError(f"{path} has no page of text without images")


def body_text(text_object) -> bool:
    return text_object.get_font().get_base_name().partition("+")[2] == BODY_FACE


def body_text_rects(path, page: int) -> list:
    document = pypdfium2.PdfDocument(path)
    return [o.get_bounds() for o in document[page - 1].get_objects(max_depth=8)
            if o.type == pdfium.FPDF_PAGEOBJ_TEXT and body_text(o)]


@pytest.fixture(scope="module")
def sample_text_plates(sample):
    path, = press_files(sample, ["press"])
    page = text_page(path)
    return path, page, separate(path, page)


def test_body_text_is_on_the_black_plate_only(sample_text_plates):
    path, page, plates = sample_text_plates
    lines = [plates.pixels(rect) for rect in body_text_rects(path, page)]
    assert lines
    assert all(ink_in(plates.plates, "Black", line) > 5 for line in lines)
    others = {name: max(ink_in(plates.plates, name, line) for line in lines)
              for name in plates.plates if name != "Black"}
    assert others == {name: 0 for name in others}, f"page {page}: body text also inks {others}"


def test_total_ink_stays_within_the_limit_on_every_page(sample_text_plates):
    path, page, plates = sample_text_plates
    for number in range(1, len(pypdfium2.PdfDocument(path)) + 1):
        separations = plates if number == page else separate(path, number)
        highest = total_ink_max(separations.plates, separations.boxes["TrimBox"])
        assert highest <= INK_LIMIT + INK_TOLERANCE, f"page {number}: {highest} % total ink"


def test_marks_outside_the_bleed_are_in_registration_colour_on_every_plate(sample_text_plates):
    path, page, plates = sample_text_plates
    left, top, right, bottom = plates.boxes["MediaBox"]
    bl, bt, br, bb = plates.boxes["BleedBox"]
    strips = [(left, top, bl, bottom), (br, top, right, bottom),
              (bl, top, br, bt), (bl, bb, br, bottom)]
    black = plates.plates["Black"]  # spot plates, if any, must match it as the process ones do
    assert any(ink_in(plates.plates, "Black", strip) > 0 for strip in strips), "no marks"
    for name, plate in plates.plates.items():
        for strip in strips:
            difference = ImageChops.difference(plate.crop(strip), black.crop(strip)).getbbox()
            assert difference is None, f"page {page}: the {name} plate differs from Black in the marks"


# ---------- the other scripts' publications ----------

@pytest.fixture(scope="module", params=["zh-hans", "ja", "ko", "ar", "he"])
def script_press(request, tmp_path_factory):
    """A test publication in another script, its press files only, perfect-bound (so with a
    cover spread); Chinese and Arabic as PDF/X-1a (bare CFF and TrueType programs), the others
    as PDF/X-4."""
    import shutil

    from pressroom.build import build

    from ..conftest import PUBLICATIONS

    name = request.param
    version = X1A if name in ("zh-hans", "ar") else X4
    source = tmp_path_factory.mktemp(f"{name}-source")
    shutil.copytree(PUBLICATIONS / name, source, dirs_exist_ok=True)
    settings = source / "manuscript" / "publication.yaml"
    text = settings.read_text(encoding="utf-8").replace("binding: saddle-stitch", "binding: perfect")
    text = text.replace("profile: pdf/x-4\n", "")
    if "print:" not in text:
        text += "print:\n"
    text = text.replace("print:\n", "print:\n  binding: perfect\n", 1) if "binding:" not in text else text
    text = text.replace("print:\n", f"print:\n  profile: {'pdf/x-1a' if version == X1A else 'pdf/x-4'}\n", 1)
    settings.write_text(text, encoding="utf-8")
    return build(source, tmp_path_factory.mktemp(f"{name}-out"), targets=("press",)), version


def test_other_scripts_press_and_cover_files_keep_the_pdfx_rules(script_press):
    report, version = script_press
    files = [p for p in report.outputs if p.suffix == ".pdf"]
    assert {p.name.rsplit("-", 1)[-1] for p in files} == {"press.pdf", "cover.pdf"}
    for path in files:
        found = check_pdfx(path, version)
        assert found == [], f"{path.name} ({version}):\n" + "\n".join(found)
