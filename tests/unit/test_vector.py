"""pressroom.vector and pressroom.sanitise_svg: SVG and PDF figures inspected, converted and
made safe."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pikepdf
import pytest

from pressroom import images, vector
from pressroom.diagnostics import SourceError
from pressroom.sanitise_svg import sanitise

SVG = '<svg xmlns="http://www.w3.org/2000/svg" {}><rect width="10" height="10" fill="red"/></svg>'


def inspect(path, line=7):
    return images.inspect(path, path.parent / "01-intro.md", line)


def svg(tmp_path, attributes: str, name="figure.svg"):
    path = tmp_path / name
    path.write_text(SVG.format(attributes), encoding="utf-8")
    return path


@pytest.mark.parametrize("attributes, size", [
    ('width="120mm" height="60mm"', (454, 227)),            # 120 mm = 453.5 px
    ('width="2in" height="1in" viewBox="0 0 10 5"', (192, 96)),
    ('width="72pt" height="36pt"', (96, 48)),
    ('width="5cm" height="2.5cm"', (189, 94)),
    ('viewBox="0 0 300 150"', (300, 150)),                  # the viewBox alone: user units
    ('width="100%" height="100%" viewBox="0 0 40 20"', (40, 20)),
    ('width="60mm" viewBox="0 0 300 100"', (227, 76)),      # height from the proportions
    ('width="400" height="200"', (400, 200)),               # unitless: px
])
def test_an_svg_figure_has_its_natural_size_in_css_px(tmp_path, attributes, size):
    image = inspect(svg(tmp_path, attributes))
    assert (image.width, image.height) == size
    assert image.format == "SVG" and image.original == "SVG" and image.vector
    assert image.dpi is None


def pdf_figure(path, pages=1, media=(0, 0, 170.08, 85.04), trim=None):
    pdf = pikepdf.new()
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=(media[2] - media[0], media[3] - media[1]))
        page.obj.MediaBox = pikepdf.Array(media)
        if trim:
            page.obj.TrimBox = pikepdf.Array(trim)
        page.obj.Contents = pdf.make_stream(b"1 0 0 rg 20 20 60 30 re f")
    pdf.save(path)
    return path


def test_a_pdf_figure_has_the_size_of_its_trim_box_in_css_px(tmp_path):
    image = inspect(pdf_figure(tmp_path / "chart.pdf", media=(0, 0, 300, 200),
                               trim=(10, 20, 154, 92)))  # 144 x 72 pt inside a larger page
    assert (image.width, image.height) == (192, 96)
    assert image.format == "SVG" and image.original == "PDF" and image.vector
    drawn = vector.pdf_to_svg(image.path)
    root = ET.fromstring(drawn)
    assert root.get("viewBox") == "10 108 144 72"  # the TrimBox, in SVG's downward y
    assert (root.get("width"), root.get("height")) == ("144pt", "72pt")
    assert b"<path" in drawn


def test_a_pdf_figure_without_trim_box_uses_its_media_box(tmp_path):
    image = inspect(pdf_figure(tmp_path / "chart.pdf"))
    assert (image.width, image.height) == (227, 113)  # 60 x 30 mm


def test_a_pdf_figure_with_several_pages_is_an_error_with_file_and_line(tmp_path):
    with pytest.raises(SourceError) as error:
        inspect(pdf_figure(tmp_path / "three.pdf", pages=3), line=12)
    problem = error.value.problems[0]
    assert problem.line == 12 and problem.file.name == "01-intro.md"
    assert "'three.pdf' has 3 pages; export the figure as a single-page PDF or SVG" in \
        problem.message


def test_a_broken_svg_is_an_error_with_the_parsers_line(tmp_path):
    path = tmp_path / "broken.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg">\n<g>\n<rect/>\n</svg>\n')
    with pytest.raises(SourceError) as error:
        inspect(path, line=4)
    message = str(error.value)
    assert "01-intro.md:4: image 'broken.svg' is not well-formed SVG (its line 4)" in message
    assert "corrupt or truncated" not in message


def test_a_broken_pdf_is_an_error_of_its_own(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(SourceError) as error:
        inspect(path)
    assert "image 'broken.pdf' is not a readable PDF" in str(error.value)


def test_xml_that_is_not_svg_and_an_svg_without_size_are_errors(tmp_path):
    other = tmp_path / "data.svg"
    other.write_text("<html><body/></html>")
    with pytest.raises(SourceError, match=r"is XML but not SVG \(its root element is <html>\)"):
        inspect(other)
    with pytest.raises(SourceError, match="has no size: give its <svg> element a viewBox"):
        inspect(svg(tmp_path, "", name="sizeless.svg"))


def test_an_svg_with_an_entity_is_inspected_without_reading_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    path = tmp_path / "xxe.svg"
    path.write_text(f'<!DOCTYPE svg [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
                    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                    "<text>&x;</text></svg>")
    assert inspect(path).width == 10
    data, removed = sanitise(path.read_bytes())
    assert b"SECRET" not in data and b"ENTITY" not in data and b"&x;" not in data
    assert any("entity reference &x; removed" in message for message in removed)
    assert any("<!DOCTYPE> declaring entities (x) removed" in message for message in removed)


def test_sanitising_keeps_the_drawing_and_removes_what_reaches_out():
    data, removed = sanitise(b"""<svg xmlns="http://www.w3.org/2000/svg"
        xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 50" onload="go()">
      <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>
        <path id="p" d="M0 0 L10 10"/></defs>
      <style>@import url(http://x.test/a.css); .a { fill: url(#g) } .b { fill: url(http://x.test/p) }</style>
      <rect class="a" width="100" height="50" style="stroke: red; filter: url(https://x.test/f)"/>
      <use xlink:href="#p"/><use href="https://x.test/s.svg#i"/>
      <text>Label <tspan fill="blue">kept</tspan> here</text>
      <script>go()</script><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">HTML</p></foreignObject>
      <animate attributeName="href" values="https://x.test/"/><set attributeName="href"/>
    </svg>""")
    text = data.decode()
    assert "x.test" not in text and "script" not in text and "go()" not in text
    assert "foreignObject" not in text and "HTML" not in text
    assert "animate" not in text and "<set" not in text and "@import" not in text
    assert 'xlink:href="#p"' in text and "fill: url(#g)" in text.replace("fill:url", "fill: url")
    assert "stroke" in text and "Label <tspan" in text and "kept</tspan> here" in text
    assert 'width="100"' in text  # the natural size written out from the viewBox
    assert len(removed) == 9 and all(m.endswith("the rest of the picture is kept")
                                     for m in removed)
    for expected in ("attribute 'onload' removed from SVG <svg>; a book cannot run scripts",
                     "@import removed from an SVG <style>",
                     "CSS 'fill: url(http://x.test/p)' removed from an SVG <style>",
                     "CSS 'filter: url(https://x.test/f)' removed from style=\"\" of SVG <rect>",
                     'reference href="https://x.test/s.svg#i" removed from SVG <use>',
                     "SVG <script> removed with its content; a book cannot run scripts",
                     "SVG <foreignObject> removed with its content",
                     "SVG <animate> removed with its content; a printed page does not move",
                     "SVG <set> removed with its content"):
        assert any(message.startswith(expected) for message in removed), (expected, removed)


def test_an_embedded_png_stays_and_an_external_picture_goes():
    import base64
    import io

    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", (4, 4), "red").save(out, "PNG")
    png = base64.b64encode(out.getvalue()).decode()
    data, removed = sanitise(f"""<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">
      <image href="data:image/png;base64,{png}" width="4" height="4"/>
      <image href="data:image/svg+xml;base64,PHN2Zy8+" width="4" height="4"/>
      <image href="photo.jpg" width="4" height="4"/></svg>""".encode())
    assert data.count(b"<image") == 1 and png.encode() in data
    assert len(removed) == 2 and all("must be embedded as a PNG or JPEG" in m for m in removed)


def test_editors_bookkeeping_goes_without_a_message():
    data, removed = sanitise(b"""<svg xmlns="http://www.w3.org/2000/svg"
        xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="10" height="10"
        inkscape:version="1.3"><metadata>rdf</metadata>
        <g inkscape:label="Layer 1" data-name="Layer 1"><rect width="1" height="1"/></g></svg>""")
    assert removed == [] and b"inkscape" not in data and b"data-name" not in data
    assert b"<rect" in data


def test_the_sanitised_file_is_kept_by_content(tmp_path):
    image = inspect(svg(tmp_path, 'width="10" height="10" onload="x()"'))
    first, removed = vector.svg_file(image, tmp_path / "cache")
    assert first.parent == tmp_path / "cache" / "vector" and first.suffix == ".svg"
    assert b"onload" not in first.read_bytes() and len(removed) == 1
    vector._made.clear()
    again, removed_again = vector.svg_file(image, tmp_path / "cache")
    assert again == first and removed_again == removed


def test_an_svg_cover_is_an_error_naming_publication_yaml(tmp_path):
    from pressroom.build import load_publication

    (tmp_path / "manuscript").mkdir()
    (tmp_path / "images").mkdir()
    (tmp_path / "manuscript" / "publication.yaml").write_text(
        "title: Drawn\nlanguage: en\ncover:\n  image: plan.svg\n", encoding="utf-8")
    (tmp_path / "manuscript" / "01-a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    svg(tmp_path / "images", 'width="10" height="10"', name="plan.svg")
    with pytest.raises(SourceError) as error:
        load_publication(tmp_path)
    assert "publication.yaml: cover image 'plan.svg' is a drawing (SVG); the cover must be a " \
           "picture in JPEG or PNG" in str(error.value)


def test_press_files_flatten_only_the_transparency_groups_that_paint_nothing_transparent():
    from pressroom.pdfx import flatten_opaque_groups

    pdf = pikepdf.new()
    group = pikepdf.Dictionary(Type=pikepdf.Name.Group, S=pikepdf.Name.Transparency, I=True)

    def form(resources):
        return pdf.make_stream(b"0 0 1 1 re f", Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Form, BBox=[0, 0, 1, 1],
                               Group=pikepdf.Dictionary(group), Resources=resources)

    opaque = form(pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(
        a=pikepdf.Dictionary(ca=1, CA=1))))
    faded = form(pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(a=pikepdf.Dictionary(ca=0.5))))
    inside = form(pikepdf.Dictionary(XObject=pikepdf.Dictionary(F=faded)))
    assert flatten_opaque_groups(pdf) == 1
    assert "/Group" not in opaque and "/Group" in faded and "/Group" in inside
