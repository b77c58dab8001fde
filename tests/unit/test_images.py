"""pressroom.images: inspecting source images and making the e-reader variant."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image as PILImage
from PIL import ImageCms

from pressroom import images
from pressroom.diagnostics import SourceError


def inspect(path, line=7):
    return images.inspect(path, path.parent / "01-intro.md", line)


def variant(path):
    data, media_type = images.ereader_variant(inspect(path))
    return PILImage.open(io.BytesIO(data)), media_type


def noise(size=(200, 200)) -> PILImage.Image:
    """An image that does not compress away, so a truncated file really misses pixels."""
    rng = random.Random(1)
    pixels = bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3))
    return PILImage.frombytes("RGB", size, pixels)


def test_inspect_jpeg(tmp_path, make_image):
    path = make_image(tmp_path / "photo.jpg", dpi=(300, 300))
    image = inspect(path)
    assert (image.width, image.height, image.format, image.mode) == (600, 400, "JPEG", "RGB")
    assert image.dpi == 300
    assert image.name == "photo.jpg"
    assert len(image.sha256) == 64


def test_inspect_png_with_alpha(tmp_path, make_image):
    image = inspect(make_image(tmp_path / "drawing.png", (50, 40), "RGBA", (0, 0, 0, 0)))
    assert (image.width, image.height, image.format, image.mode) == (50, 40, "PNG", "RGBA")
    assert image.dpi is None


def test_exif_rotated_image_reports_upright_size(tmp_path, make_image):
    exif = PILImage.Exif()
    exif[0x0112] = 6
    image = inspect(make_image(tmp_path / "rotated.jpg", exif=exif))
    assert (image.width, image.height) == (400, 600)


def test_not_an_image(tmp_path):
    path = tmp_path / "junk.jpg"
    path.write_bytes(b"this is not an image")
    with pytest.raises(SourceError) as caught:
        inspect(path)
    problem = caught.value.problems[0]
    assert "image 'junk.jpg' is not a readable image (corrupt or truncated)" in problem.message
    assert (problem.file.name, problem.line) == ("01-intro.md", 7)


def test_truncated_png(tmp_path):
    noise().save(tmp_path / "full.png")
    data = (tmp_path / "full.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match="'cut.png' is not a readable image"):
        inspect(tmp_path / "cut.png")


def test_truncated_jpeg(tmp_path):
    noise().save(tmp_path / "full.jpg", quality=95)
    data = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match="'cut.jpg' is not a readable image"):
        inspect(tmp_path / "cut.jpg")


@pytest.mark.parametrize("name, fmt", [("scan.bmp", "BMP"), ("scan.tif", "TIFF")])
def test_unsupported_format(tmp_path, make_image, name, fmt):
    with pytest.raises(SourceError) as caught:
        inspect(make_image(tmp_path / name, (20, 20)))
    message = caught.value.problems[0].message
    assert f"image '{name}' is {fmt}; convert it to JPEG" in message


def test_ereader_variant_of_a_large_image_is_downscaled(tmp_path, make_image):
    out, media_type = variant(make_image(tmp_path / "big.jpg", (5000, 3000)))
    assert media_type == "image/jpeg"
    assert out.format == "JPEG"
    assert max(out.size) <= images.EREADER_MAX_SIDE
    assert out.width * out.height <= images.EREADER_MAX_PIXELS
    assert out.width / out.height == pytest.approx(5000 / 3000, rel=0.01)
    assert out.mode == "RGB"
    profile = ImageCms.ImageCmsProfile(io.BytesIO(out.info["icc_profile"]))
    assert "sRGB" in ImageCms.getProfileDescription(profile)


def test_ereader_variant_keeps_pixel_limit_for_square_images(tmp_path, make_image):
    out, _ = variant(make_image(tmp_path / "square.jpg", (2048, 2048)))
    assert out.width * out.height <= images.EREADER_MAX_PIXELS


def test_ereader_variant_converts_cmyk_to_rgb(tmp_path, make_image):
    path = make_image(tmp_path / "cmyk.jpg", (300, 200), "CMYK", (0, 255, 255, 0))
    assert inspect(path).mode == "CMYK"
    out, media_type = variant(path)
    assert (media_type, out.mode) == ("image/jpeg", "RGB")
    red, green, blue = out.getpixel((150, 100))
    assert red > 200 and green < 60 and blue < 60  # magenta + yellow ink is red


def test_ereader_variant_keeps_png_with_alpha(tmp_path, make_image):
    out, media_type = variant(make_image(tmp_path / "logo.png", (50, 40), "RGBA", (0, 0, 255, 0)))
    assert media_type == "image/png"
    assert (out.format, out.mode) == ("PNG", "RGBA")
    assert out.getpixel((0, 0))[3] == 0


def test_ereader_variant_is_upright(tmp_path, make_image):
    exif = PILImage.Exif()
    exif[0x0112] = 6
    path = tmp_path / "rotated.jpg"
    picture = PILImage.new("RGB", (600, 400), "white")
    picture.paste((255, 0, 0), (0, 0, 300, 400))  # left half red
    picture.save(path, exif=exif)
    out, _ = variant(path)
    assert out.size == (400, 600)
    assert out.getexif().get(0x0112, 1) == 1
    # orientation 6 turns the picture clockwise: the red left half ends on top
    assert out.getpixel((200, 100))[0] > 200 and out.getpixel((200, 100))[1] < 60
    assert min(out.getpixel((200, 500))) > 200
