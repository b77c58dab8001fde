"""The preflight of press PDFs: files made by WeasyPrint, then broken (or mended) with pikepdf."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from PIL import Image as PILImage

from pressroom.pdfx import identify, strip_annotations
from pressroom.preflight import preflight

weasyprint = pytest.importorskip("weasyprint")

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
PAGE_CSS = "@page { size: A5; bleed: 3mm; margin: 15mm }"


def icc_header(colour_space: bytes, device_class: bytes = b"prtr") -> bytes:
    """The 128-byte header of an ICC profile and an empty tag table: all the preflight reads."""
    header = bytearray(128)
    header[0:4] = (132).to_bytes(4, "big")
    header[8:12] = bytes((2, 0x10, 0, 0))
    header[12:16], header[16:20], header[20:24] = device_class, colour_space, b"Lab "
    header[36:40] = b"acsp"
    return bytes(header) + bytes(4)


def add_output_intent(pdf: pikepdf.Pdf, colour_space: bytes = b"CMYK", components: int = 4):
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier="FOGRA39", RegistryName="http://www.color.org",
        DestOutputProfile=pdf.make_stream(icc_header(colour_space), N=components))])


def to_cmyk_black(pdf: pikepdf.Pdf) -> int:
    """Replace every RGB colour operator by its naive CMYK equivalent; the number replaced."""
    replaced = 0
    streams = list(pdf.pages)
    for page in pdf.pages:
        streams += [xobject for xobject in page.Resources.get("/XObject", {}).values()
                    if xobject.get("/Subtype") == "/Form"]
    for stream in streams:
        instructions = []
        for instruction in pikepdf.parse_content_stream(stream):
            operator = str(instruction.operator)
            if operator in ("rg", "RG"):
                r, g, b = (float(value) for value in instruction.operands)
                k = 1 - max(r, g, b)
                cmy = [0.0 if k == 1 else (1 - value - k) / (1 - k) for value in (r, g, b)]
                instruction = pikepdf.ContentStreamInstruction(
                    [*cmy, k], pikepdf.Operator("k" if operator == "rg" else "K"))
                replaced += 1
            instructions.append(instruction)
        data = pikepdf.unparse_content_stream(instructions)
        if isinstance(stream, pikepdf.Page):
            stream.Contents = pdf.make_stream(data)
        else:
            stream.write(data)
    return replaced


def render(folder: Path, body: str, variant: str, name: str = "doc.pdf") -> Path:
    path = folder / name
    weasyprint.HTML(string=f"<style>{PAGE_CSS}</style>{body}", base_url=str(folder)).write_pdf(
        path, pdf_variant=variant)
    return path


def finish(path: Path, variant: str, *, cmyk: bool = True) -> Path:
    """What the press pipeline adds after WeasyPrint: the output intent, the identification
    and CMYK colour."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        add_output_intent(pdf)
        identify(pdf, variant, "urn:test#press")
        if cmyk:
            assert to_cmyk_black(pdf) > 0
        pdf.save(path)
    return path


def cmyk_photo(folder: Path, width: int) -> Path:
    path = folder / f"photo-{width}.jpg"
    PILImage.new("CMYK", (width, width * 2 // 3), (0, 60, 90, 10)).save(path, dpi=(300, 300))
    return path


EIGHT_PAGES = "".join(f'<p style="break-after: page">Page {n} of the brochure.</p>'
                      for n in range(1, 8)) + "<p>Page 8: back cover.</p>"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """Eight A5 pages with 3 mm bleed, rendered once per variant (text in RGB black)."""
    folder = tmp_path_factory.mktemp("rendered")
    return {variant: render(folder, EIGHT_PAGES, variant, f"{variant[-2:]}.pdf")
            for variant in ("pdf/x-1a", "pdf/x-4")}


@pytest.fixture
def press_file(rendered, tmp_path):
    """A fresh copy of a rendered file: ``press_file(variant, cmyk=True)``."""
    def make(variant: str, cmyk: bool = True) -> Path:
        path = tmp_path / f"press-{variant[-2:]}.pdf"
        shutil.copy(rendered[variant], path)
        return finish(path, variant, cmyk=cmyk)
    return make


def synthetic(path: Path, pages: int, *, content: bytes = b"", resources=None,
              variant: str = "pdf/x-1a") -> Path:
    """A press file made only with pikepdf: A5 pages with 3 mm bleed, labelled and intended."""
    pdf = pikepdf.new()
    bleed = 3 * MM
    shared = pdf.make_indirect(resources(pdf)) if resources else pikepdf.Dictionary()
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=A5)
        page.obj.MediaBox = page.obj.BleedBox = [-bleed, -bleed, A5[0] + bleed, A5[1] + bleed]
        page.obj.TrimBox = [0, 0, *A5]
        page.obj.Contents = pdf.make_stream(content)
        page.obj.Resources = shared
    # the standards' identification, written out (ISO 15930-4 and -7)
    label = {"pdf/x-1a": "PDF/X-1:2003", "pdf/x-4": "PDF/X-4"}[variant]
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["pdfxid:GTS_PDFXVersion"] = label
    pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary())
    pdf.docinfo["/GTS_PDFXVersion"] = label
    if variant == "pdf/x-1a":
        pdf.docinfo["/GTS_PDFXConformance"] = "PDF/X-1a:2003"
    pdf.docinfo["/Trapped"] = pikepdf.Name("/False")
    pdf.docinfo["/Title"] = "A synthetic press file"
    pdf.docinfo["/CreationDate"] = pdf.docinfo["/ModDate"] = "D:20240315"
    add_output_intent(pdf)
    pdf.save(path, force_version="1.4")
    return path


def messages(report, check: str, level: str = "error") -> list[str]:
    return [finding.message for finding in report.findings
            if finding.check == check and finding.level == level]


# --- what WeasyPrint writes, and the pipeline's finishing ------------------------------------

def test_weasyprint_x1a_with_cmyk_text_passes(press_file):
    report = preflight(press_file("pdf/x-1a"), "pdf/x-1a", "saddle-stitch", 3)
    assert report.errors == []
    assert report.to_text().startswith("PASS")
    assert len(report.pages) == 8
    assert report.pages[0]["colour_spaces"] == ["DeviceCMYK"]
    assert report.fonts and all(font["embedded"] and font["subset"] for font in report.fonts)
    assert any("output intent FOGRA39" in message for message in messages(report, "pdfx", "info"))


def test_rgb_text_is_an_error_in_x1a_and_gone_after_conversion_to_k(press_file):
    report = preflight(press_file("pdf/x-1a", cmyk=False), "pdf/x-1a", "saddle-stitch", 3)
    colour = [finding for finding in report.errors if finding.check == "colour"]
    assert [finding.page for finding in colour] == list(range(1, 9))
    assert "text or vector colour is DeviceRGB" in colour[0].message
    assert report.to_text().startswith("FAIL")


def test_x4_is_identified_by_its_xmp_and_refuses_device_rgb(rendered, press_file):
    assert "/GTS_PDFXVersion" not in pikepdf.open(rendered["pdf/x-4"]).docinfo  # WeasyPrint 70
    clean = preflight(press_file("pdf/x-4"), "pdf/x-4", "saddle-stitch", 3)
    assert clean.errors == []
    rgb = preflight(press_file("pdf/x-4", cmyk=False), "pdf/x-4", "saddle-stitch", 3)
    assert {finding.check for finding in rgb.errors} == {"colour"}
    assert "PDF/X-4 allows DeviceRGB only with an RGB output intent" in rgb.errors[0].message


def test_icc_based_rgb_is_allowed_in_x4_but_not_in_x1a(tmp_path):
    def resources(pdf):
        icc = pdf.make_stream(icc_header(b"RGB ", b"mntr"), N=3)
        return pikepdf.Dictionary(ColorSpace=pikepdf.Dictionary(
            CS0=pikepdf.Array([pikepdf.Name.ICCBased, icc])))
    content = b"/CS0 cs 0.2 0.4 0.6 scn 10 10 100 100 re f"
    x4 = preflight(synthetic(tmp_path / "x4.pdf", 4, content=content, resources=resources,
                             variant="pdf/x-4"), "pdf/x-4", "none", 3)
    assert x4.errors == [] and x4.pages[0]["colour_spaces"] == ["ICCBased N=3"]
    x1a = preflight(synthetic(tmp_path / "x1a.pdf", 4, content=content, resources=resources),
                    "pdf/x-1a", "none", 3)
    assert messages(x1a, "colour") == [
        f"page {n}: text or vector colour is ICCBased N=3; PDF/X-1a allows only CMYK, grey and "
        "spot colours; convert it to CMYK" for n in range(1, 5)]


def test_spot_colour_with_a_cmyk_alternate_is_fine_in_x1a(tmp_path):
    def resources(pdf):
        tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0],
                                  C1=[1, 1, 1, 1], N=1)
        return pikepdf.Dictionary(ColorSpace=pikepdf.Dictionary(CS0=pikepdf.Array(
            [pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, tint])))
    report = preflight(synthetic(tmp_path / "spot.pdf", 4, content=b"/CS0 CS 1 SCN 0 0 m 9 9 l S",
                                 resources=resources), "pdf/x-1a", "none", 3)
    assert report.errors == []
    assert report.pages[0]["colour_spaces"] == ["Separation All (alternate DeviceCMYK)"]


@pytest.mark.parametrize("content", [b"/Sh0 sh", b"/Pattern cs /P0 scn 0 0 99 99 re f"])
def test_rgb_shading_is_found_directly_and_through_a_shading_pattern(tmp_path, content):
    def resources(pdf):
        shading = pikepdf.Dictionary(ShadingType=2, ColorSpace=pikepdf.Name.DeviceRGB,
                                     Coords=[0, 0, 99, 0], Function=pikepdf.Dictionary(
                                         FunctionType=2, Domain=[0, 1], C0=[1, 0, 0],
                                         C1=[0, 0, 1], N=1))
        pattern = pikepdf.Dictionary(PatternType=2, Shading=shading)
        return pikepdf.Dictionary(Shading=pikepdf.Dictionary(Sh0=shading),
                                  Pattern=pikepdf.Dictionary(P0=pattern))
    report = preflight(synthetic(tmp_path / "shading.pdf", 4, content=content,
                                 resources=resources), "pdf/x-1a", "none", 3)
    assert messages(report, "colour")[0] == (
        "page 1: shading is DeviceRGB; PDF/X-1a allows only CMYK, grey and spot colours; "
        "convert it to CMYK")


# --- boxes -----------------------------------------------------------------------------------

def test_boxes_are_reported_in_mm(press_file):
    page = preflight(press_file("pdf/x-1a"), "pdf/x-1a", "none", 3).pages[0]
    assert page["trim_box_mm"] == [0, 0, 148, 210]
    assert page["bleed_box_mm"] == [-3, -3, 151, 213]
    assert page["media_box_mm"] == [-3, -3, 151, 213]


def test_missing_trim_box_is_an_error(press_file):
    path = press_file("pdf/x-1a")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        del pdf.pages[1].obj["/TrimBox"]
        pdf.save(path)
    report = preflight(path, "pdf/x-1a", "saddle-stitch", 3)
    assert [(f.check, f.page) for f in report.errors] == [("boxes", 2)]
    assert "no TrimBox" in report.errors[0].message
    assert report.pages[1]["trim_box_mm"] is None


def test_wrong_bleed_is_an_error(press_file):
    path = press_file("pdf/x-1a")
    assert len(preflight(path, "pdf/x-1a", "saddle-stitch", 5).errors) == 8
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[2].obj.BleedBox = [-MM, -MM, A5[0] + MM, A5[1] + MM]   # 1 mm
        pdf.save(path)
    report = preflight(path, "pdf/x-1a", "saddle-stitch", 3)
    assert [(f.check, f.page) for f in report.errors] == [("boxes", 3)]
    assert "1.00 / 1.00 / 1.00 / 1.00 mm" in report.errors[0].message


def test_media_box_must_contain_the_bleed_box(tmp_path):
    path = synthetic(tmp_path / "small.pdf", 4)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.MediaBox = [0, 0, *A5]
        pdf.save(path)
    report = preflight(path, "pdf/x-1a", "saddle-stitch", 3)
    assert messages(report, "boxes") == ["page 1: the MediaBox does not contain the BleedBox"]


# --- transparency ----------------------------------------------------------------------------

@pytest.mark.parametrize("variant, level", [("pdf/x-1a", "error"), ("pdf/x-4", "info")])
def test_transparent_graphics_state(press_file, variant, level):
    path = press_file(variant)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.Resources.ExtGState = pikepdf.Dictionary(GS9=pikepdf.Dictionary(ca=0.5))
        page.contents_add(pdf.make_stream(b"/GS9 gs 0 0 0 1 k 0 0 50 50 re f"), prepend=True)
        pdf.save(path)
    report = preflight(path, variant, "saddle-stitch", 3)
    assert messages(report, "transparency", level) == [
        "page 1: graphics state /GS9 sets fill opacity 0.5"
        + ("; PDF/X-1a allows no transparency (flatten it)" if level == "error"
           else " (live transparency, allowed in PDF/X-4)")]
    assert bool(report.errors) == (variant == "pdf/x-1a")


def test_weasyprint_opacity_is_a_group_and_an_opacity(tmp_path):
    photo = cmyk_photo(tmp_path, 600)
    path = finish(render(tmp_path, f'<img src="{photo.name}" style="width: 50mm; opacity: .5">',
                         "pdf/x-1a"), "pdf/x-1a", cmyk=False)
    found = messages(preflight(path, "pdf/x-1a", "none", 3), "transparency")
    assert any("transparency group on a form XObject" in message for message in found)
    assert any("opacity 0.5" in message for message in found)


# --- images ----------------------------------------------------------------------------------

@pytest.mark.parametrize("width_px, level", [
    (295, "error"),     # ~150 ppi at 50 mm
    (492, "warning"),   # ~250 ppi
    (591, None),        # ~300 ppi
    (1300, "info"),     # ~660 ppi: wasted bytes
])
def test_effective_resolution_of_a_placed_image(tmp_path, width_px, level):
    photo = cmyk_photo(tmp_path, width_px)
    path = finish(render(tmp_path, f'<p>Figure</p><img src="{photo.name}" style="width: 50mm">',
                         "pdf/x-1a"), "pdf/x-1a")
    size = (width_px, width_px * 2 // 3)
    report = preflight(path, "pdf/x-1a", "none", 3, {size: "kenya-site-survey.jpg"})
    expected = width_px / (50 / 25.4)
    [image] = report.pages[0]["images"]
    assert image["ppi"] == pytest.approx(expected, rel=0.02)
    assert image["placed_mm"][0] == pytest.approx(50, abs=0.1)
    found = [f for f in report.findings if f.check == "images"]
    assert [f.level for f in found] == ([level] if level else [])
    if level:
        assert found[0].message.startswith(f'page 1: figure "kenya-site-survey.jpg" is '
                                           f'{round(image["ppi"])} ppi at its placed size')
    if level == "error":
        assert found[0].message.endswith("(needs 300; below 200 is refused)")
    assert report.pages[0]["colour_spaces"] == ["DeviceCMYK"]


def test_image_in_a_scaled_form_xobject_is_measured_through_both_matrices(tmp_path):
    def resources(pdf):
        image = pdf.make_stream(bytes(300 * 200 * 4), Type=pikepdf.Name.XObject,
                                Subtype=pikepdf.Name.Image, Width=300, Height=200,
                                ColorSpace=pikepdf.Name.DeviceCMYK, BitsPerComponent=8)
        form = pdf.make_stream(b"q 144 0 0 96 0 0 cm /Im0 Do Q", Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Form, BBox=[0, 0, 144, 96],
                               Matrix=[0.5, 0, 0, 0.5, 0, 0],
                               Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)))
        return pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form))
    # 144 pt in the form, halved by its matrix, doubled by the page's cm: 144 pt = 2 in -> 150 ppi
    report = preflight(synthetic(tmp_path / "form.pdf", 4, content=b"q 2 0 0 2 0 0 cm /Fm0 Do Q",
                                 resources=resources), "pdf/x-1a", "none", 3)
    assert report.pages[0]["images"][0]["ppi"] == pytest.approx(150)
    assert messages(report, "images") == [
        f"page {n}: image 300×200 px is 150 ppi at its placed size (needs 300; below 200 is "
        "refused)" for n in range(1, 5)]


# --- fonts, pages, PDF/X identification --------------------------------------------------------

def test_font_that_is_not_embedded_is_an_error(tmp_path):
    def resources(pdf):
        helvetica = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))
        form = pdf.make_stream(b"BT /F1 12 Tf 72 72 Td (Hello) Tj ET", Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Form, BBox=[0, 0, 400, 400],
                               Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=helvetica)))
        return pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form))
    report = preflight(synthetic(tmp_path / "helvetica.pdf", 4, content=b"/Fm0 Do",
                                 resources=resources), "pdf/x-1a", "saddle-stitch", 3)
    assert report.fonts == [{"name": "Helvetica", "type": "Type1", "embedded": False,
                             "subset": False, "pages": [1, 2, 3, 4]}]
    assert messages(report, "fonts") == [
        "page 1: font Helvetica (Type1) is not embedded; every font must be embedded"]
    assert "NOT EMBEDDED" in report.to_text()


@pytest.mark.parametrize("pages, binding, levels", [
    (6, "saddle-stitch", ["error", "info"]), (8, "saddle-stitch", ["info"]),
    (7, "perfect", ["warning"]), (7, "none", [])])
def test_page_count_against_the_binding(tmp_path, pages, binding, levels):
    report = preflight(synthetic(tmp_path / "pages.pdf", pages), "pdf/x-1a", binding, 3)
    assert [f.level for f in report.findings if f.check == "pages"] == levels
    assert report.to_text().startswith("FAIL" if "error" in levels else "PASS")


@pytest.mark.parametrize("pages, paper, level, message", [
    # 150 g/m² coated, 0.14 mm a leaf: 3.5 mm of paper at the spine is 25 leaves, 48 pages
    (52, "coated-150gsm", "error", "52 pages saddle-stitched on coated silk 150 g/m² "
     "(coated-150gsm): more than the 48 pages staples hold; set print.binding: perfect in "
     "manuscript/publication.yaml (or a thinner paper)"),
    (40, "coated-150gsm", "warning", "40 pages saddle-stitched on coated silk 150 g/m² "
     "(coated-150gsm): over 80% of the 48 pages staples hold; past them, set print.binding: "
     "perfect in manuscript/publication.yaml (or a thinner paper)"),
    (36, "coated-150gsm", "info", "36 pages saddle-stitched on coated silk 150 g/m² "
     "(coated-150gsm): at most 48 pages"),
    (228, "coated-115gsm", "error", None),  # the A4 brochure that used to pass
    (68, "coated-115gsm", "warning", None),
])
def test_saddle_stitch_limit_of_the_paper(tmp_path, pages, paper, level, message):
    report = preflight(synthetic(tmp_path / "pages.pdf", pages), "pdf/x-1a", "saddle-stitch", 3,
                       paper=paper)
    [finding] = [f for f in report.findings if f.check == "pages"]
    assert finding.level == level
    assert message is None or finding.message == message
    assert f"{level:<8} {finding.message}" in report.to_text()


def test_the_saddle_stitch_limit_is_not_a_perfect_binding_rule(tmp_path):
    report = preflight(synthetic(tmp_path / "pages.pdf", 228), "pdf/x-1a", "perfect", 3,
                       paper="coated-115gsm")
    assert [f for f in report.findings if f.check == "pages"] == []


def test_pdfx_identification_and_output_intent(rendered, tmp_path):
    raw = preflight(rendered["pdf/x-1a"], "pdf/x-1a", "saddle-stitch", 3)
    assert messages(raw, "pdfx") == [  # WeasyPrint 70 labels X-1a with the conformance string
        "the Info dictionary's GTS_PDFXVersion is PDF/X-1a:2003; PDF/X-1a:2003 needs PDF/X-1:2003",
        "the XMP metadata's pdfxid:GTS_PDFXVersion is PDF/X-1a:2003; PDF/X-1a:2003 needs "
        "PDF/X-1:2003",
        "the Info dictionary has no Title; PDF/X needs them",
        "no PDF/X output intents (/S /GTS_PDFX); exactly one is needed"]
    path = synthetic(tmp_path / "wrong.pdf", 4)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        add_output_intent(pdf, b"RGB ", 3)
        del pdf.docinfo["/Trapped"]
        pdf.save(path, force_version="1.5")
    found = messages(preflight(path, "pdf/x-1a", "none", 3), "pdfx")
    assert found == [
        "the file is PDF 1.5; PDF/X-1a:2003 allows PDF 1.4 at most",
        "/Trapped is missing; it must say /True or /False",
        "the output intent's profile is not a CMYK ICC profile (N 3, colour space 'RGB ')"]
    assert messages(preflight(path, "pdf/x-4", "none", 3), "pdfx")[:2] == [
        "the Info dictionary's GTS_PDFXVersion is PDF/X-1:2003; PDF/X-4 needs PDF/X-4",
        "the Info dictionary has a GTS_PDFXConformance; PDF/X-4 has none (it belongs to "
        "PDF/X-1a)"]


def test_annotations_on_a_press_page_are_refused_but_printer_marks_are_not(tmp_path):
    path = synthetic(tmp_path / "links.pdf", 4)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[1].obj.Annots = pdf.make_indirect(pikepdf.Array([
            pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                               Rect=[10, 10, 50, 20]),
            pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.PrinterMark,
                               Rect=[-8, -8, -4, -4])]))
        pdf.save(path, force_version="1.4")
    assert messages(preflight(path, "pdf/x-1a", "none", 3), "pdfx") == [
        "page 2: annotations (Link) on the page; PDF/X refuses them on the printed area (links "
        "belong in the screen PDF)"]
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        assert strip_annotations(pdf) == 2 and "/Annots" not in pdf.pages[1].obj
        pdf.save(path, force_version="1.4")
    assert messages(preflight(path, "pdf/x-1a", "none", 3), "pdfx") == []


def test_the_writer_identifies_each_version_as_its_standard_says(tmp_path):
    for variant, info, xmp in (("pdf/x-1a", {"/GTS_PDFXVersion": "PDF/X-1:2003",
                                             "/GTS_PDFXConformance": "PDF/X-1a:2003"},
                                "PDF/X-1:2003"),
                               ("pdf/x-4", {"/GTS_PDFXVersion": "PDF/X-4"}, "PDF/X-4")):
        pdf = pikepdf.new()
        pdf.add_blank_page()
        identify(pdf, variant, "urn:test#press")
        assert {key: str(value) for key, value in pdf.docinfo.items()
                if key.startswith("/GTS")} == info
        meta = pdf.open_metadata()
        assert meta["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] == xmp
        assert meta["{http://ns.adobe.com/xap/1.0/mm/}RenditionClass"] == "default"
        assert {"/Title", "/CreationDate", "/ModDate"} <= set(pdf.docinfo.keys())


def test_unknown_profile_or_binding_is_refused(tmp_path):
    path = synthetic(tmp_path / "any.pdf", 4)
    with pytest.raises(ValueError, match="profile"):
        preflight(path, "pdf/x-3", "none", 3)
    with pytest.raises(ValueError, match="binding"):
        preflight(path, "pdf/x-4", "spiral", 3)


# --- the report ------------------------------------------------------------------------------

def test_json_round_trips_with_the_page_boxes(press_file):
    report = preflight(press_file("pdf/x-1a", cmyk=False), "pdf/x-1a", "saddle-stitch", 3)
    data = json.loads(report.to_json())
    assert data["passed"] is False and data["profile"] == "pdf/x-1a"
    assert data["counts"]["error"] == len(report.errors) == 8
    assert data["pages"][0]["bleed_box_mm"] == [-3, -3, 151, 213]
    assert data["pages"][7]["trim_box_mm"] == [0, 0, 148, 210]
    colour = [finding for finding in data["findings"] if finding["check"] == "colour"]
    assert colour[-1] == {"level": "error", "check": "colour", "page": 8, "message": (
        "page 8: text or vector colour is DeviceRGB; PDF/X-1a allows only CMYK, grey and spot "
        "colours; convert it to CMYK")}
    assert report.to_json() == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_text_report_has_a_summary_line_and_sections(press_file):
    text = preflight(press_file("pdf/x-1a", cmyk=False), "pdf/x-1a", "saddle-stitch", 3).to_text()
    first, *rest = text.splitlines()
    assert first.startswith("FAIL  press-1a.pdf checked as PDF/X-1a:2003, 8 pages: 8 errors")
    assert "Colour" in rest and "Page boxes" in rest and "Image resolution" in rest
    assert "  page 1: trim 0 0 148 210, bleed -3 -3 151 213, media -3 -3 151 213; colour: "\
           "DeviceRGB" in rest


# ---------- .notdef: characters printed as empty boxes ----------

def _pdf_of(tmp_path, text: str) -> Path:
    import weasyprint

    path = tmp_path / "glyphs.pdf"
    weasyprint.HTML(string=f'<p style="font-family: DejaVu Sans">{text}</p>').write_pdf(path)
    return path


def test_notdef_glyphs_are_found_in_any_pdf(tmp_path):
    from pressroom.preflight import empty_boxes

    # U+0378 is unassigned: no font has it, WeasyPrint draws .notdef (an embedded CMap maps it
    # to CID 0)
    found = empty_boxes(_pdf_of(tmp_path, "Unassigned \u0378 and \u0379 here"))
    assert len(found) == 1 and found[0].startswith("page 1: 2 glyphs of ")
    assert "DejaVu-Sans are .notdef" in found[0]
    assert empty_boxes(_pdf_of(tmp_path, "Every glyph here: caf\u00e9 \u5317\u4eac")) == []
