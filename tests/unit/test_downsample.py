"""Downsampling in the press PDF: by the least resolved placement, colours and Decode kept."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image, ImageStat

from pressroom.colour import INVERTED, encode_jpeg
from pressroom.downsample import downsample_images

INK = (40, 120, 200, 30)  # C M Y K, 0-255


def cmyk_jpeg(pdf: pikepdf.Pdf, width: int, height: int) -> pikepdf.Stream:
    data = encode_jpeg(Image.new("CMYK", (width, height), INK))  # Pillow: Adobe, inverted
    return pdf.make_stream(data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=width, Height=height, ColorSpace=pikepdf.Name.DeviceCMYK,
                           BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode,
                           Decode=pikepdf.Array(INVERTED))


def page_with(pdf: pikepdf.Pdf, placements: list[tuple[str, float]], images: dict,
              forms: dict | None = None) -> None:
    """A page drawing each named image (or form) ``width_pt`` wide, 2:3 high."""
    content = "".join(f"q {w:g} 0 0 {w * 2 / 3:g} 10 10 cm /{name} Do Q " for name, w in placements)
    pdf.add_blank_page(page_size=(600, 800))
    page = pdf.pages[-1]
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(
        {f"/{name}": image for name, image in {**images, **(forms or {})}.items()}))
    page.obj.Contents = pdf.make_stream(content.encode())


def decoded(image: pikepdf.Stream) -> Image.Image:
    return Image.open(io.BytesIO(image.read_raw_bytes()))


def test_an_over_resolved_image_comes_down_to_the_target_and_a_lean_one_is_left():
    pdf = pikepdf.new()
    rich, lean = cmyk_jpeg(pdf, 1800, 1200), cmyk_jpeg(pdf, 600, 400)
    page_with(pdf, [("Rich", 144), ("Lean", 172.8)], {"Rich": rich, "Lean": lean})  # 900, 250 ppi
    done = downsample_images(pdf, 450, 300)
    assert [(d.before_px, d.after_px) for d in done] == [((1800, 1200), (600, 400))]
    assert done[0].before_ppi == pytest.approx(900) and done[0].after_ppi == pytest.approx(300, rel=0.01)
    assert (int(rich.Width), int(rich.Height)) == (600, 400) and int(lean.Width) == 600
    assert decoded(rich).size == (600, 400)
    assert list(rich.Decode) == INVERTED  # Pillow's CMYK JPEG again: inverted samples
    mean = ImageStat.Stat(decoded(rich)).mean
    assert all(abs(m - ink) < 3 for m, ink in zip(mean, INK))


def test_an_image_drawn_twice_is_sized_for_its_larger_use_and_forms_are_followed():
    pdf = pikepdf.new()
    twice, inside = cmyk_jpeg(pdf, 2400, 1600), cmyk_jpeg(pdf, 2400, 1600)
    form = pdf.make_stream(b"q 1 0 0 1 0 0 cm /Inside Do Q", Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Form, BBox=[0, 0, 1, 1],
                           Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Inside=inside)))
    page_with(pdf, [("Twice", 72), ("Twice", 288), ("Form", 144)], {"Twice": twice},
              {"Form": form})
    done = downsample_images(pdf, 450, 300)
    # Twice: 2400 px over 4 in is 600 ppi (its larger use) -> 1200 px; inside the form: 1200 ppi
    assert int(twice.Width) == 1200 and int(inside.Width) == 600
    assert sorted(d.after_px for d in done) == [(600, 400), (1200, 800)]


def test_below_the_ceiling_nothing_changes():
    pdf = pikepdf.new()
    image = cmyk_jpeg(pdf, 1200, 800)
    page_with(pdf, [("Image", 216)], {"Image": image})  # 400 ppi
    before = image.read_raw_bytes()
    assert downsample_images(pdf, 450, 300) == []
    assert image.read_raw_bytes() == before
