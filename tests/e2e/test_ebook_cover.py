"""The e-book as stores take it: its cover is the layout's designed front cover (the press
spread's front panel, whatever the layout and direction), described by its alt text, and every
picture's ``width`` and ``height`` are those of the file packaged."""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from pressroom.build import build, load_publication

from ..conftest import PUBLICATIONS, REPOSITORY, epub_documents, in_book_layout, output

COVER = "EPUB/images/cover.jpg"


def epub_only(source: Path, out: Path) -> Path:
    return output(build(source, out, targets=("epub",)), ".epub")


@pytest.fixture(scope="module")
def sample_epub(tmp_path_factory):
    return epub_only(REPOSITORY, tmp_path_factory.mktemp("sample-epub"))


@pytest.fixture(scope="module")
def book_source(tmp_path_factory):
    """The sample with ``layout: book`` (A5, the half-title as the screen PDF's first page)."""
    return in_book_layout(REPOSITORY, tmp_path_factory.mktemp("book-source"))


@pytest.fixture(scope="module")
def book_epub(book_source, tmp_path_factory):
    return epub_only(book_source, tmp_path_factory.mktemp("book-epub"))


def packaged_cover(epub: Path) -> Image.Image:
    with zipfile.ZipFile(epub) as package:
        opf = package.read("EPUB/content.opf").decode()
        assert re.search(r'<item href="images/cover.jpg" id="cover-image" media-type="image/jpeg"'
                         r' properties="cover-image"', opf), "no cover-image in the manifest"
        return Image.open(io.BytesIO(package.read(COVER))).convert("RGB")


def spread(source: Path) -> Image.Image:
    """The layout's cover spread (back, no spine, front), laid out by the engine without bleed
    and rendered 3200 px wide: two panels of 1600."""
    import pypdfium2

    from pressroom.engine import write_pdf
    from pressroom.targets.pdf import render

    publication, layout = load_publication(source)[:2]
    document, _ = render(publication, layout, template="cover.html", stylesheet="cover.css",
                         spine_mm=0, spine_text=False)
    pdf = io.BytesIO()
    write_pdf(document, pdf, None)
    with pypdfium2.PdfDocument(pdf.getvalue()) as rendered:
        page = rendered[0]
        return page.render(scale=3200 / page.get_width()).to_pil().convert("RGB")


def difference(one: Image.Image, other: Image.Image) -> float:
    """The mean difference of two pictures of the same size, 0-255."""
    other = other.resize(one.size)
    return sum(ImageStat.Stat(ImageChops.difference(one, other).convert("L")).mean)


def test_the_cover_is_the_designed_front_cover(sample_epub):
    cover = packaged_cover(sample_epub)
    assert cover.width == 1600 and cover.height == round(1600 * 297 / 210)  # A4's proportions
    whole = spread(REPOSITORY)
    front, back = whole.crop((1600, 0, 3200, whole.height)), whole.crop((0, 0, 1600, whole.height))
    assert difference(cover, front) < 3, "the EPUB cover is not the cover spread's front panel"
    assert difference(cover, back) > 3 * difference(cover, front)


def test_the_book_cover_is_not_its_half_title(book_epub, book_source):
    """The book layout's screen PDF opens on a half-title (a line on white); its e-book cover
    is the front of the book's own cover design, in A5's proportions."""
    cover = packaged_cover(book_epub)
    assert cover.size == (1600, round(1600 * 210 / 148))
    whole = spread(book_source)
    assert difference(cover, whole.crop((1600, 0, 3200, whole.height))) < 3
    # not a page of white: the cover's paper ground and its framed photo
    near_white = sum(Image.eval(cover.convert("L"), lambda v: 255 if v > 245 else 0)
                     .histogram()[255:]) / (cover.width * cover.height)
    assert near_white < 0.05, f"{near_white:.0%} of the cover is white: a half-title?"
    photo = cover.crop((400, 1300, 1200, 1600))  # the framed photo, 96 to 158 mm down
    assert max(ImageStat.Stat(photo).stddev) > 20, "no photograph on the front cover"


def test_a_right_to_left_cover_is_the_left_panel(tmp_path):
    """A right-to-left book's front is the left panel of its spread."""
    source = PUBLICATIONS / "he"
    cover = packaged_cover(epub_only(source, tmp_path))
    whole = spread(source)
    left, right = whole.crop((0, 0, 1600, whole.height)), whole.crop((1600, 0, 3200, whole.height))
    assert difference(cover, left) < 3 < difference(cover, right)


def test_the_cover_alt_text_says_what_is_on_it(book_epub, book_source):
    settings = load_publication(book_source)[0].settings
    page = epub_documents(book_epub)["EPUB/cover.xhtml"]
    alt = re.search(r'<img [^>]*alt="([^"]+)"', page)[1]
    assert settings.title.replace("'", "&#x27;") in alt or settings.title in alt
    for author in settings.authors:
        assert author in alt
    assert "photograph" in alt and "Nairobi" in alt  # the cover photo, described
    assert f'width="1600" height="{round(1600 * 210 / 148)}"' in page


def test_the_cover_is_kept_between_builds(tmp_path):
    """The cover is made once per content: a rebuild after a change elsewhere (an EPUB-only
    build after the Markdown changed) reuses it without laying it out again."""
    source = tmp_path / "source"
    for folder in ("manuscript", "images"):
        shutil.copytree(REPOSITORY / folder, source / folder)
    out = tmp_path / "out"
    first = packaged_cover(epub_only(source, out))
    kept = list((out / ".cache" / "ereader").glob("front-*.jpg"))
    assert len(kept) == 1
    kept[0].write_bytes(_marked(kept[0].read_bytes()))  # what the next build packs, if kept
    section = next((source / "manuscript").glob("0*.md"))
    section.write_text(section.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    again = packaged_cover(epub_only(source, out))
    magenta = (255, 0, 255)
    assert max(abs(a - b) for a, b in zip(again.getpixel((8, 8)), magenta)) < 8
    assert max(abs(a - b) for a, b in zip(first.getpixel((8, 8)), magenta)) > 100


def _marked(jpeg: bytes) -> bytes:
    image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    image.paste((255, 0, 255), (0, 0, 64, 64))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=100)
    return out.getvalue()


def image_sizes(epub: Path):
    """``(document, src, width, height, the packaged file's pixels or None for SVG)`` of every
    ``<img>`` of every XHTML document."""
    with zipfile.ZipFile(epub) as package:
        for name, text in epub_documents(epub).items():
            for tag in re.findall(r"<img\b[^>]*>", text):
                src = re.search(r'\bsrc="([^"]+)"', tag)[1]
                width, height = (re.search(rf'\b{side}="([^"]*)"', tag) for side in ("width", "height"))
                path = posixpath.normpath(posixpath.join(posixpath.dirname(name), src))
                size = None if path.endswith(".svg") else \
                    Image.open(io.BytesIO(package.read(path))).size
                yield name, src, width and width[1], height and height[1], size


@pytest.mark.parametrize("publication", ["sample", "features"])
def test_every_picture_carries_its_packaged_size(publication, tmp_path):
    source = REPOSITORY if publication == "sample" else PUBLICATIONS / "features"
    found = list(image_sizes(epub_only(source, tmp_path)))
    assert sum(1 for *_, size in found if size) >= 3, "too few pictures to judge"
    for name, src, width, height, size in found:
        if width is None and height is None:
            continue  # none given: the reading system takes the file's
        assert width and height, f"{name}: {src} has only one of width and height"
        if size is not None:
            assert (int(width), int(height)) == size, (
                f"{name}: {src} says {width}x{height}, the packaged file is {size[0]}x{size[1]}")
