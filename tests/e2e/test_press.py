"""Press files end to end: what a print shop's preflight looks at, read back from the files.

The sample is PDF/X-4, A4, 3 mm bleed, saddle-stitched, with marks; the features publication
is PDF/X-1a, A5, 0.125 in bleed, perfect-bound, without marks.
"""

from __future__ import annotations

import json
from collections import Counter
import re
import shutil
import subprocess

import pikepdf
import pypdfium2
import pytest
from PIL import Image

from pressroom.build import build

from ..conftest import PUBLICATIONS

MM = 72 / 25.4


def press_file(report, suffix: str):
    return next(p for p in report.outputs if p.parent.name == "press" and p.name.endswith(suffix))


def boxes(page):
    return {name: [float(v) for v in page.obj[name]] for name in ("/MediaBox", "/TrimBox", "/BleedBox")}


def colour_spaces(pdf) -> set[str]:
    """Every colour space family used anywhere: content operators, resources, images, shadings."""
    found = set()

    def family(space):
        if isinstance(space, pikepdf.Name):
            return str(space)
        if isinstance(space, pikepdf.Array):
            name = str(space[0])
            if name == "/ICCBased":
                return f"/ICCBased-N{int(space[1].N)}"
            return name
        return repr(space)

    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) or isinstance(obj, pikepdf.Stream):
            if "/ColorSpace" in obj:
                space = obj.ColorSpace
                if isinstance(space, pikepdf.Dictionary):
                    found |= {family(v) for v in space.values()}
                else:
                    found.add(family(space))
    for page in pdf.pages:
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) in ("rg", "RG"):
                found.add("/DeviceRGB")
            elif str(operator) in ("g", "G"):
                found.add("/DeviceGray")
            elif str(operator) in ("k", "K"):
                found.add("/DeviceCMYK")
    return found


# ---------- the sample: PDF/X-4, saddle-stitched, marks ----------

def test_press_files_carry_no_annotations_while_the_screen_pdf_keeps_its_links(sample, features):
    for report in (sample, features):
        for suffix in ("-press.pdf", "-imposed.pdf"):
            if any(p.name.endswith(suffix) for p in report.outputs):
                with pikepdf.open(press_file(report, suffix)) as pdf:
                    assert not any("/Annots" in page.obj for page in pdf.pages), suffix
        screen = next(p for p in report.outputs if p.suffix == ".pdf" and p.parent.name != "press")
        with pikepdf.open(screen) as pdf:
            assert sum(len(page.obj.get("/Annots", [])) for page in pdf.pages) > 0


def test_the_imposed_sheets_are_the_same_pdf_x_as_the_pages(sample):
    with pikepdf.open(press_file(sample, "-press.pdf")) as pages, \
            pikepdf.open(press_file(sample, "-imposed.pdf")) as sheets:
        assert sheets.pdf_version == pages.pdf_version == "1.6"
        for key in ("/GTS_PDFXVersion", "/Title", "/Trapped", "/CreationDate"):
            assert sheets.docinfo[key] == pages.docinfo[key], key
        assert sheets.open_metadata()["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] == "PDF/X-4"
        assert len(sheets.Root.OutputIntents) == 1
        assert (sheets.Root.OutputIntents[0].DestOutputProfile.read_bytes()
                == pages.Root.OutputIntents[0].DestOutputProfile.read_bytes())
        assert bytes(sheets.trailer.ID[0]) != bytes(pages.trailer.ID[0])  # its own document


def test_sample_press_folder_has_every_file(sample):
    names = sorted(p.name for p in sample.outputs if p.parent.name == "press")
    slug = sample.publication.settings.slug
    assert names == sorted(f"{slug}-{suffix}" for suffix in (
        "press.pdf", "imposed.pdf", "preflight.json", "preflight.txt", "job.json"))


def test_sample_is_pdf_x4_with_a_fogra39_output_intent(sample):
    with pikepdf.open(press_file(sample, "-press.pdf")) as pdf:
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "FOGRA39"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4 and profile.read_bytes()[36:40] == b"acsp"  # an ICC profile
        assert profile.read_bytes()[16:20] == b"CMYK"


def test_sample_pages_have_trim_and_bleed_boxes_and_marks_outside_the_bleed(sample):
    with pikepdf.open(press_file(sample, "-press.pdf")) as pdf:
        assert len(pdf.pages) % 4 == 0
        for page in pdf.pages:
            b = boxes(page)
            trim, bleed, media = b["/TrimBox"], b["/BleedBox"], b["/MediaBox"]
            assert round((trim[2] - trim[0]) / MM) == 210 and round((trim[3] - trim[1]) / MM) == 297
            for i, sign in enumerate((-1, -1, 1, 1)):
                assert (bleed[i] - trim[i]) * sign == pytest.approx(3 * MM, abs=0.05)
                assert (media[i] - bleed[i]) * sign > 10 * MM  # room for the marks
    # Pixels outside the BleedBox carry the marks; inside the trim, the artwork is untouched.
    pdf = pypdfium2.PdfDocument(press_file(sample, "-press.pdf"))
    page = pdf[3]
    image = page.render(scale=1, crop=(0, 0, 0, 0)).to_pil().convert("L")
    media = [float(v) for v in page.get_mediabox()]
    margin = int((media[2] - media[0] - 216 * MM) / 2)
    strip = image.crop((0, 0, margin - 2, image.height))
    assert strip.getextrema()[0] < 128  # marks are drawn in the margin outside the bleed


def test_sample_fonts_are_all_embedded(sample):
    result = subprocess.run(["pdffonts", str(press_file(sample, "-press.pdf"))],
                            capture_output=True, text=True, check=True)
    rows = result.stdout.splitlines()[2:]
    assert rows and all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), result.stdout


def test_sample_is_only_cmyk_and_text_is_100_percent_k(sample):
    with pikepdf.open(press_file(sample, "-press.pdf")) as pdf:
        spaces = colour_spaces(pdf)
        assert not spaces & {"/DeviceRGB", "/ICCBased-N3", "/CalRGB", "/Lab"}, spaces
        black_text = [operands for page in pdf.pages
                      for operands, operator in pikepdf.parse_content_stream(page)
                      if str(operator) == "k"]
        assert [0, 0, 0, 1] in [[float(v) for v in operands] for operands in black_text]
        images = [x for x in pdf.objects if isinstance(x, pikepdf.Stream) and x.get("/Subtype") == "/Image"
                  and x.get("/SMask") is None and int(x.Width) > 100]
        assert images and all(str(x.ColorSpace) == "/DeviceCMYK" for x in images)


def test_sample_imposition_pairs_first_with_last(sample):
    with pikepdf.open(press_file(sample, "-press.pdf")) as pdf:
        count = len(pdf.pages)
    imposed = pypdfium2.PdfDocument(press_file(sample, "-imposed.pdf"))
    assert len(imposed) == count // 2  # a sheet per 4 pages, two sides each
    with pikepdf.open(press_file(sample, "-imposed.pdf")) as sheets:
        trim = [float(v) for v in sheets.pages[0].TrimBox]
    assert round((trim[2] - trim[0]) / MM) == 420  # two A4 pages side by side
    # The outer sheet's front carries the last page on the left and the cover on the right:
    # the cover's title is on its right half.
    front = imposed[0].get_textpage()
    right_half = front.get_text_bounded(left=(trim[0] + trim[2]) / 2, right=trim[2])
    left_half = front.get_text_bounded(left=trim[0], right=(trim[0] + trim[2]) / 2)
    assert "Enterprises" in " ".join(right_half.split())
    assert "Published by" in " ".join(left_half.split())  # the back cover


def test_sample_preflight_passes_and_the_job_ticket_describes_the_job(sample):
    report = json.loads(press_file(sample, "-preflight.json").read_text())
    errors = [f for f in report["findings"] if f["level"] == "error"]
    assert errors == []
    assert press_file(sample, "-preflight.txt").read_text().startswith("PASS")
    assert sample.preflight_errors == []
    ticket = json.loads(press_file(sample, "-job.json").read_text())
    assert ticket["pdfx"] == "PDF/X-4" and ticket["binding"] == "saddle-stitch"
    assert ticket["pages"] % 4 == 0 and ticket["bleed_mm"] == 3
    assert ticket["trim_mm"] == [210, 297] and ticket["preflight"]["passed"] is True
    assert {f["name"] for f in ticket["files"]} >= {p.name for p in sample.outputs
                                                    if p.name.endswith(("-press.pdf", "-imposed.pdf"))}


# ---------- the features publication: PDF/X-1a, perfect-bound, no marks ----------

def test_x1a_has_no_rgb_no_icc_colour_and_no_transparency(features):
    path = press_file(features, "-press.pdf")
    with pikepdf.open(path) as pdf:
        assert pdf.pdf_version <= "1.4"
        # ISO 15930-4: the version names the X-1 family, the conformance its X-1a level
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1:2003"
        assert str(pdf.docinfo["/GTS_PDFXConformance"]) == "PDF/X-1a:2003"
        spaces = colour_spaces(pdf)
        assert not spaces & {"/DeviceRGB", "/ICCBased-N1", "/ICCBased-N3", "/ICCBased-N4",
                             "/CalRGB", "/CalGray", "/Lab"}, spaces
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                assert obj.get("/SMask", pikepdf.Name.None_) == pikepdf.Name.None_
                assert float(obj.get("/ca", 1)) == 1 and float(obj.get("/CA", 1)) == 1
                group = obj.get("/Group")
                assert group is None or group.get("/S") != "/Transparency"
        for page in pdf.pages:  # no marks: the MediaBox is the BleedBox
            assert boxes(page)["/MediaBox"] == boxes(page)["/BleedBox"]
            bleed, trim = boxes(page)["/BleedBox"], boxes(page)["/TrimBox"]
            assert trim[0] - bleed[0] == pytest.approx(0.125 * 72, abs=0.05)
    assert not any(p.name.endswith("-imposed.pdf") for p in features.outputs)  # perfect binding
    assert features.preflight_errors == []


def test_ghostscript_interprets_the_press_files_without_complaint(features, sample):
    """A second interpreter (Ghostscript, as in many RIPs) reads every page without a message."""
    for report in (features, sample):
        for suffix in ("-press.pdf", "-imposed.pdf"):
            if not any(p.name.endswith(suffix) for p in report.outputs):
                continue
            result = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage",
                                     str(press_file(report, suffix))],
                                    capture_output=True, text=True, timeout=300)
            assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), (
                result.stdout + result.stderr)


def text_colours(pdf, font_family: str) -> Counter:
    """How often each fill colour sets text in ``font_family`` (tracked through q/Q, k, rg, g)."""
    colours = Counter()
    for page in pdf.pages:
        fonts = {str(name): str(font.BaseFont)
                 for name, font in page.Resources.get("/Font", pikepdf.Dictionary()).items()}
        stack, fill, font = [], None, None
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "q":
                stack.append(fill)
            elif op == "Q":
                fill = stack.pop() if stack else None
            elif op in ("k", "rg", "g"):
                fill = tuple(round(float(v), 3) for v in operands)
            elif op == "Tf":
                font = fonts.get(str(operands[0]), "")
            elif op in ("Tj", "TJ", "'", '"') and font and font_family in font:
                colours[fill] += 1
    return colours


def test_body_text_is_100_percent_black_ink_not_rich_black(sample, features):
    for report in (sample, features):
        with pikepdf.open(press_file(report, "-press.pdf")) as pdf:
            colours = text_colours(pdf, "Charis")
        assert colours.most_common(1)[0][0] == (0.0, 0.0, 0.0, 1.0)  # the body text: 100 % K
        rich = [c for c in colours if c[3] > 0.5 and sum(c[:3]) > 0 and max(c[:3]) < 0.5]
        assert rich == [], colours  # no dark text mixed from four inks (coloured links may be)


# ---------- a low-resolution image ----------

def test_preflight_refuses_a_low_resolution_photo(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(PUBLICATIONS / "features", source)
    Image.new("RGB", (400, 267), (90, 120, 160)).save(source / "images" / "harbour.jpg", dpi=(72, 72))
    report = build(source, tmp_path / "out", targets=("press",))
    errors = [e for e in report.preflight_errors if "harbour.jpg" in e]
    assert errors and "ppi" in errors[0]
    text = (tmp_path / "out" / "press" / "field-notes-preflight.txt").read_text()
    assert text.startswith("FAIL") and "harbour.jpg" in text


def test_an_rgb_red_drawing_prints_on_the_magenta_and_yellow_plates_only(features):
    """The features publication's SVG plan has a quay in pure RGB red (#ff0000): drawn as
    vector paths, its colour goes through the press conversion like the page's own, so a RIP
    (Ghostscript's tiffsep) puts it on the Magenta and Yellow plates, with no Cyan or Black."""
    from ..separations import separate

    path = press_file(features, "-press.pdf")
    texts = [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(path)]
    number = next(n for n, text in enumerate(texts, 1) if "Plan of the harbour" in text)
    with pikepdf.open(path) as pdf:
        page = pdf.pages[number - 1]
        drawn = [str(op) for _, op in pikepdf.parse_content_stream(page)]
        assert "Do" not in drawn and ("re" in drawn or "f" in drawn)  # paths, no image
    plates = separate(path, number, resolution=72).plates
    magenta, yellow, cyan, black = (plates[name] for name in ("Magenta", "Yellow", "Cyan",
                                                              "Black"))
    width, height = magenta.size
    red = [(x, y) for y in range(height) for x in range(width)
           if magenta.getpixel((x, y)) > 200 and yellow.getpixel((x, y)) > 200]
    assert len(red) > 2000  # the quay: 150 x 30 of the plan's 240 x 120 units
    assert max(cyan.getpixel(xy) for xy in red) == 0
    # 100 % K overprints: only where the black breakwater line crosses the quay is there K
    assert sum(black.getpixel(xy) == 0 for xy in red) > 0.9 * len(red)
