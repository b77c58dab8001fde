"""pressroom.colour: CMYK separation of images and of WeasyPrint's PDFs, proved by rendering."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import weasyprint
from PIL import Image, ImageChops, ImageCms, ImageMath, ImageStat

from pressroom.colour import convert_pdf_to_cmyk, image_to_cmyk

PROFILE = Path(__file__).resolve().parents[2] / "layouts/brochure/profiles/FOGRA39L-coated.icc"
RED = (200, 30, 40)
PHOTO = (40, 120, 200)
LEFT, RIGHT = (224, 48, 32), (32, 64, 192)  # the gradient's ends
CONVERTED_SPACES = {"/DeviceRGB", "/DeviceGray", "/ICCBased", "/CalRGB", "/CalGray", "/Lab"}
MM = 72 / 25.4  # pixels per mm when rendered at 72 dpi


# -- helpers ----------------------------------------------------------------------------------

def render(pdf_bytes: bytes) -> Image.Image:
    return pdfium.PdfDocument(pdf_bytes)[0].render(scale=1).to_pil().convert("RGB")


def box(image: Image.Image, left, top, width, height, inset=2) -> Image.Image:
    """A region given in mm, minus a margin of `inset` mm against anti-aliased edges."""
    return image.crop(tuple(round(v * MM) for v in (left + inset, top + inset,
                                                    left + width - inset, top + height - inset)))


def plain(colour, size) -> Image.Image:
    return Image.new("RGB", size if isinstance(size, tuple) else size.size, colour)


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def to_bytes(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)  # qpdf otherwise makes a new /ID from the time
    return out.getvalue()


def owners(pdf: pikepdf.Pdf):
    """Every page, form XObject and tiling pattern with its resources (recursively)."""
    todo = [(page.obj, page.obj.get("/Resources"), page) for page in pdf.pages]
    while todo:
        obj, resources, page = todo.pop()
        yield obj, resources, page
        resources = resources if resources is not None else {}
        for child in [*resources.get("/XObject", {}).values(),
                      *resources.get("/Pattern", {}).values()]:
            if child.get("/Subtype") == "/Form" or child.get("/PatternType") == 1:
                todo.append((child, child.get("/Resources"), None))


def instructions(obj, page):
    return [(list(i.operands), str(i.operator))
            for i in pikepdf.parse_content_stream(page if page is not None else obj)]


def colour_ops(pdf: pikepdf.Pdf, operator: str) -> list[list[float]]:
    return [[float(v) for v in operands] for obj, _, page in owners(pdf)
            for operands, op in instructions(obj, page) if op == operator]


def family(cs) -> str:
    return str(cs[0]) if isinstance(cs, pikepdf.Array) else str(cs)


def ink(image: Image.Image) -> float:
    """The highest total ink of a CMYK image, in percent."""
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                  **dict(zip("cmyk", image.split())))
    return total.getextrema()[1] / 2.55


def cmyk_pdf(jpeg: bytes) -> pikepdf.Pdf:
    """One page filled by a CMYK JPEG embedded without /Decode."""
    pdf = pikepdf.new()
    image = pdf.make_stream(jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                            Width=8, Height=8, BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode,
                            ColorSpace=pikepdf.Name.DeviceCMYK)
    page = pdf.add_blank_page(page_size=(40, 40))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(b"q 40 0 0 40 0 0 cm /Im0 Do Q")
    return pdf


def strip_app14(jpeg: bytes) -> bytes:
    start = jpeg.index(b"\xff\xeeAdobe"[:2])
    length = int.from_bytes(jpeg[start + 2:start + 4], "big")
    return jpeg[:start] + jpeg[start + 2 + length:]


# -- convert_pdf_to_cmyk on a WeasyPrint page -------------------------------------------------

@pytest.fixture(scope="module")
def weasy(tmp_path_factory):
    """(screen PDF bytes, the same converted to CMYK) for a page with every kind of colour."""
    folder = tmp_path_factory.mktemp("colour")
    Image.new("RGB", (120, 80), PHOTO).save(folder / "photo.jpg", quality=95)
    html = f"""<style>
      @color-profile device-cmyk {{ components: cyan, magenta, yellow, black;
                                    src: url({PROFILE.as_uri()}) }}
      @page {{ size: 120mm 80mm; margin: 0 }}
      body {{ margin: 0; font: 10pt sans-serif; color: black }}
      h1 {{ color: rgb{RED}; font-size: 18pt; margin: 0 }}
      hr {{ border: 0; border-top: 2pt solid #888; margin: 2mm 0 }}
      .gradient {{ position: absolute; left: 0; top: 66mm; width: 120mm; height: 10mm;
                   background: linear-gradient(to right, rgb{LEFT}, rgb{RIGHT}) }}
      .cmyk {{ color: device-cmyk(0.1 0.8 0.3 0.05) }}
      .lab {{ color: lab(50% 40 30) }}
      .swatch, img {{ position: absolute; left: 70mm; width: 40mm; height: 20mm }}
      .swatch {{ top: 5mm; background: rgb{RED} }}
      img {{ top: 40mm }}
    </style>
    <h1>Heading</h1><p>Black text, <span class=cmyk>CMYK</span>, <span class=lab>Lab</span>.</p>
    <hr><div class=gradient></div><div class=swatch></div><img src="photo.jpg">"""
    screen = weasyprint.HTML(string=html, base_url=str(folder)).write_pdf()
    pdf = pikepdf.open(io.BytesIO(screen))
    convert_pdf_to_cmyk(pdf, PROFILE)
    return screen, pdf


def test_no_rgb_gray_icc_or_lab_colour_is_left(weasy):
    _, pdf = weasy
    for obj, resources, page in owners(pdf):
        for operands, op in instructions(obj, page):
            assert op not in ("rg", "RG", "g", "G"), (operands, op)
            if op in ("cs", "CS"):
                assert operands[0] == "/Pattern", operands
        spaces = (resources or {}).get("/ColorSpace", {})
        assert not [n for n, cs in spaces.items() if family(cs) in CONVERTED_SPACES]
        if "/Group" in obj:
            assert obj.Group.CS == "/DeviceCMYK"
        for shading in (resources or {}).get("/Shading", {}).values():
            assert shading.ColorSpace == "/DeviceCMYK"
            assert len(shading.Function.Functions[0].C0) == 4
    assert colour_ops(pdf, "k"), "the converted page sets its colours with k"


def test_black_is_pure_k_and_cmyk_keeps_its_values(weasy):
    _, pdf = weasy
    fills = colour_ops(pdf, "k")
    assert [0, 0, 0, 1] in fills                               # black text: 0 0 0 1 k
    assert [0, 0, 0, pytest.approx(0.4667, abs=1e-4)] in fills  # the #888 rule: K only
    assert [0.1, 0.8, 0.3, 0.05] in fills                       # device-cmyk() as it was
    assert not [f for f in fills if f[3] > 0.95 and any(f[:3])], "no rich black"
    assert [f for f in fills if f[1] > 0.9 and f[3] < 0.5], "the red heading"
    assert all(sum(f) <= 3.0 + 1e-4 for f in fills), "within the 300 % ink limit"


def test_colours_go_through_the_profile(weasy):
    """The heading's red, converted, prints (through the same profile) as the red it was."""
    _, pdf = weasy
    to_rgb = ImageCms.buildTransform(ImageCms.getOpenProfile(str(PROFILE)),
                                     ImageCms.createProfile("sRGB"), "CMYK", "RGB",
                                     ImageCms.Intent.RELATIVE_COLORIMETRIC)
    reds = [f for f in colour_ops(pdf, "k") if f[1] > 0.9 and f[3] < 0.5]
    for cmyk in reds:
        printed = to_rgb.apply(Image.new("CMYK", (1, 1), tuple(round(v * 255) for v in cmyk)))
        assert max(abs(a - b) for a, b in zip(printed.getpixel((0, 0)), RED)) <= 8


def test_images_are_cmyk_jpegs_that_render_upright_colours(weasy):
    screen, pdf = weasy
    images = [x for _, resources, _ in owners(pdf)
              for x in (resources or {}).get("/XObject", {}).values() if x.Subtype == "/Image"]
    assert images
    for image in images:
        assert image.ColorSpace == "/DeviceCMYK" and image.Filter == "/DCTDecode"
        assert list(image.Decode) == [1, 0] * 4  # Pillow's JPEGs are Adobe (inverted) CMYK
    before, after = render(screen), render(to_bytes(pdf))
    for where, colour in (((70, 5, 40, 20), RED), ((70, 40, 40, 20), PHOTO)):
        assert mean_difference(box(before, *where), plain(colour, box(before, *where))) < 3
        # pdfium renders DeviceCMYK naively, not through the profile: a tolerance, not identity;
        # an inverted JPEG or a wrong separation is off by 100 or more.
        assert mean_difference(box(before, *where), box(after, *where)) < 20


def test_gradient_renders_with_its_colours(weasy):
    """WeasyPrint 70 writes sRGB stops into a /DeviceCMYK shading once a CMYK profile is
    declared, which renderers reject (pdfium paints nothing); converted, it renders."""
    screen, pdf = weasy
    after = render(to_bytes(pdf))
    for where, colour in (((0, 66, 4, 10), LEFT), ((116, 66, 4, 10), RIGHT)):
        assert mean_difference(box(after, *where, inset=1), plain(colour, (8, 8))) < 30


def test_converting_twice_changes_nothing(weasy):
    _, pdf = weasy
    once = to_bytes(pdf)
    again = pikepdf.open(io.BytesIO(once))
    convert_pdf_to_cmyk(again, PROFILE)
    assert to_bytes(again) == once


def test_decode_is_added_only_to_inverted_cmyk_jpegs():
    cyan = Image.new("CMYK", (8, 8), (255, 0, 0, 0))
    adobe = io.BytesIO()
    cyan.save(adobe, "JPEG", quality=95)  # Pillow: Adobe APP14, inverted samples
    plain = io.BytesIO()
    Image.eval(cyan, lambda v: 255 - v).save(plain, "JPEG", quality=95)
    plain = strip_app14(plain.getvalue())  # no marker: samples as they are, not inverted
    for jpeg, decoded in ((adobe.getvalue(), True), (plain, False)):
        pdf = cmyk_pdf(jpeg)
        convert_pdf_to_cmyk(pdf, PROFILE)
        image = pdf.pages[0].Resources.XObject.Im0
        assert ("/Decode" in image) is decoded
        r, g, b = render(to_bytes(pdf)).getpixel((20, 20))
        assert r < 60 and g > 120 and b > 200, (decoded, (r, g, b))  # cyan, not red or black


# -- image_to_cmyk ----------------------------------------------------------------------------

def separated(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.mode == "CMYK"
    return image


def test_image_becomes_an_upright_cmyk_jpeg_with_its_dpi(tmp_path):
    source = Image.new("RGB", (60, 40), (230, 30, 30))
    source.paste((30, 60, 220), (0, 0, 30, 40))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # to be shown turned 90° clockwise: blue ends up on top
    source.save(tmp_path / "turned.jpg", quality=95, dpi=(300, 300), exif=exif)
    image = separated(image_to_cmyk(tmp_path / "turned.jpg", PROFILE))
    assert image.size == (40, 60)
    assert image.info["dpi"] == (300, 300)
    top, bottom = image.getpixel((20, 5)), image.getpixel((20, 55))
    assert top[0] > 200 and top[2] < 40      # blue: much cyan, no yellow
    assert bottom[1] > 200 and bottom[2] > 200 and bottom[0] < 40  # red: magenta + yellow


def test_total_ink_is_capped_and_black_keeps_its_k(tmp_path):
    dark = Image.new("RGB", (64, 64), (0, 0, 0))
    dark.paste((10, 0, 40), (0, 0, 64, 32))  # a deep navy above black: rich four-colour mixes
    dark.save(tmp_path / "dark.png")
    for limit in (300, 260):
        image = separated(image_to_cmyk(tmp_path / "dark.png", PROFILE, limit))
        assert ink(image) <= limit + 1
        assert image.getpixel((32, 60))[3] > 240  # black keeps its K


def test_cmyk_images_stay_cmyk_and_are_capped_only_when_over(tmp_path):
    Image.new("CMYK", (32, 32), (40, 120, 10, 20)).save(tmp_path / "light.jpg", quality=95)
    data = image_to_cmyk(tmp_path / "light.jpg", PROFILE)
    assert data == (tmp_path / "light.jpg").read_bytes()  # upright, within the limit: as it was
    Image.new("CMYK", (32, 32), (40, 120, 10, 20)).save(tmp_path / "light.tif")
    light = separated(image_to_cmyk(tmp_path / "light.tif", PROFILE))
    assert all(abs(a - b) <= 3 for a, b in zip(light.getpixel((16, 16)), (40, 120, 10, 20)))
    Image.new("CMYK", (32, 32), (255, 255, 255, 255)).save(tmp_path / "heavy.tif")
    heavy = separated(image_to_cmyk(tmp_path / "heavy.tif", PROFILE, 300))
    assert ink(heavy) <= 301 and heavy.getpixel((16, 16))[3] >= 250


def test_transparency_becomes_paper(tmp_path):
    Image.new("RGBA", (16, 16), (255, 0, 0, 0)).save(tmp_path / "clear.png")
    image = separated(image_to_cmyk(tmp_path / "clear.png", PROFILE))
    assert ink(image) < 2


# -- black overprint --------------------------------------------------------------------------

def overprint_page(content: bytes) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.pages[0].obj.Contents = pdf.make_stream(content)
    return pdf


def gs_before_painting(pdf: pikepdf.Pdf) -> list[tuple[str, str]]:
    """(overprint state in force, painting operator) for each painting operator."""
    state, found = "none", []
    for instruction in pikepdf.parse_content_stream(pdf.pages[0]):
        op = str(instruction.operator)
        if op == "gs":
            state = str(instruction.operands[0])
        elif op in ("f", "S", "Tj", "Do", "B"):
            found.append((state, op))
    return found


def test_black_alone_overprints_and_every_other_colour_knocks_out():
    pdf = overprint_page(b"0 0 0 rg 0 0 10 10 re f "          # RGB black -> 100 % K: overprints
                         b"1 1 1 rg 0 0 10 10 re f "          # white: must knock out
                         b"0.2 0.4 0.6 rg 0 0 10 10 re f "    # a colour: knocks out
                         b"0 0 0 1 K 0 0 m 10 10 l S "        # a K rule: stroke overprints
                         b"0.5 g 0 0 10 10 re f")             # 50 % grey is K alone, not 100 %
    convert_pdf_to_cmyk(pdf, PROFILE, overprint=True)
    assert gs_before_painting(pdf) == [("/PRop10", "f"), ("/PRop00", "f"), ("/PRop00", "f"),
                                       ("/PRop01", "S"), ("/PRop00", "f")]
    states = pdf.pages[0].Resources.ExtGState
    assert states.PRop10.op is True and states.PRop10.OP is False and states.PRop10.OPM == 1
    assert states.PRop01.OP is True and states.PRop01.op is False


def test_overprint_follows_q_and_q_and_is_off_without_the_setting():
    # after Q: the colour before q, the initial DeviceGray black, which is not converted, so
    # not known to be DeviceCMYK K alone (OPM 1 needs DeviceCMYK): it knocks out
    content = b"q 0 0 0 rg 0 0 10 10 re f Q 0 0 10 10 re f"
    pdf = overprint_page(content)
    convert_pdf_to_cmyk(pdf, PROFILE, overprint=True)
    assert gs_before_painting(pdf) == [("/PRop10", "f"), ("/PRop00", "f")]
    plain = overprint_page(content)
    convert_pdf_to_cmyk(plain, PROFILE)
    assert all(state == "none" for state, _ in gs_before_painting(plain))
    assert "/ExtGState" not in plain.pages[0].get("/Resources", {})
