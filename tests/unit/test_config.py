"""pressroom.config.load_settings: defaults, validation, and problems reported with lines."""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import pytest

from pressroom.config import load_settings
from pressroom.diagnostics import SourceError


def write(tmp_path, text: str):
    path = tmp_path / "publication.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path, text: str):
    return load_settings(write(tmp_path, text))


def problems(tmp_path, text: str) -> list[tuple[str, int | None]]:
    """(message, line) of every problem ``text`` has; fails if it loads."""
    with pytest.raises(SourceError) as caught:
        load(tmp_path, text)
    return [(p.message, p.line) for p in caught.value.problems]


def only_problem(tmp_path, text: str) -> tuple[str, int | None]:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    return found[0]


MINIMAL = "title: Beijing's People (IV)\nlanguage: en\n"


# --- defaults ---

def test_minimal_file_gets_defaults(tmp_path):
    settings = load(tmp_path, MINIMAL)
    assert settings.title == "Beijing's People (IV)"
    assert settings.slug == "beijings-people-iv"
    assert settings.language == "en"
    assert settings.layout == "brochure"
    assert settings.authors == ()
    assert settings.cover_image is None
    assert settings.date is None
    printing = settings.print
    assert (printing.trim.width_mm, printing.trim.height_mm, printing.trim.name) == (210, 297, "A4")
    assert printing.bleed_mm == 3.0
    assert printing.binding == "saddle-stitch"
    assert printing.profile == "pdf/x-4"
    assert printing.marks is True


def test_default_identifier_is_a_stable_uuid_urn(tmp_path):
    first = load(tmp_path, MINIMAL).identifier
    second = load(tmp_path, MINIMAL).identifier
    other = load(tmp_path, "title: Another Title\nlanguage: en\n").identifier
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
                        first)
    assert first == second
    assert other != first


def test_full_file_with_every_key(tmp_path):
    settings = load(tmp_path, """\
        title: Beijing's People
        subtitle: Four portraits
        language: en-GB
        authors: [Jane Doe, John Roe]
        publisher: Pressroom Books
        date: 2024-05-01
        identifier: 978-3-16-148410-0
        description: A short book.
        rights: CC BY 4.0
        series: Portraits
        slug: beijing
        layout: my-layout
        cover:
          image: photo.jpg
        print:
          trim: A5
          bleed: 5mm
          binding: perfect
          profile: pdf/x-1a
          marks: false
        """)
    assert settings.subtitle == "Four portraits"
    assert settings.language == "en-GB"
    assert settings.authors == ("Jane Doe", "John Roe")
    assert settings.publisher == "Pressroom Books"
    assert settings.date == dt.date(2024, 5, 1)
    assert settings.identifier == "978-3-16-148410-0"
    assert settings.description == "A short book."
    assert settings.rights == "CC BY 4.0"
    assert settings.series == "Portraits"
    assert settings.slug == "beijing"
    assert settings.layout == "my-layout"
    assert settings.cover_image == "photo.jpg"
    assert settings.print.trim.name == "A5"
    assert settings.print.bleed_mm == 5.0
    assert settings.print.binding == "perfect"
    assert settings.print.profile == "pdf/x-1a"
    assert settings.print.marks is False


# --- unknown keys ---

def test_unknown_key_suggests_the_close_one(tmp_path):
    found = problems(tmp_path, "language: en\ntitel: Hello\n")
    assert ("unknown key 'titel'; did you mean 'title'?", 2) in found


def test_unknown_nested_key(tmp_path):
    message, line = only_problem(tmp_path, "title: T\nlanguage: en\nprint: {bleeed: 3mm}\n")
    assert message == "unknown key 'print.bleeed'; did you mean 'print.bleed'?"
    assert line == 3


def test_several_problems_are_all_reported_with_their_lines(tmp_path):
    path = write(tmp_path, """\
        title: T
        language: english
        date: next week
        authors: Jane Doe
        print:
          trim: B9
          marks: maybe
        """)
    with pytest.raises(SourceError) as caught:
        load_settings(path)
    assert all(p.file == path for p in caught.value.problems)
    assert "publication.yaml:2: 'language'" in str(caught.value)
    found = [(p.message, p.line) for p in caught.value.problems]
    lines = {line for _, line in found}
    assert len(found) == 5
    assert lines == {2, 3, 4, 6, 7}
    by_line = dict((line, message) for message, line in found)
    assert "'language'" in by_line[2]
    assert "'date'" in by_line[3]
    assert "'authors'" in by_line[4]
    assert "'print.trim'" in by_line[6]
    assert "'print.marks'" in by_line[7]


# --- required keys and values ---

def test_missing_title(tmp_path):
    message, _ = only_problem(tmp_path, "language: en\n")
    assert "'title' is required" in message


def test_missing_language(tmp_path):
    message, _ = only_problem(tmp_path, "title: T\n")
    assert "'language' is required" in message


def test_language_tags_accepted(tmp_path):
    for tag in ("en-GB", "zh-Hans", "es-419"):
        assert load(tmp_path, f"title: T\nlanguage: {tag}\n").language == tag


@pytest.mark.parametrize("tag", ["english", "en_GB"])
def test_bad_language_tag(tmp_path, tag):
    message, line = only_problem(tmp_path, f"title: T\nlanguage: {tag}\n")
    assert "BCP 47" in message
    assert line == 2


@pytest.mark.parametrize("date", ["May 2024", "2024-02-30"])
def test_bad_date(tmp_path, date):
    message, line = only_problem(tmp_path, f"title: T\nlanguage: en\ndate: {date}\n")
    assert message.startswith("'date'")
    assert line == 3


def test_authors_as_a_string(tmp_path):
    message, line = only_problem(tmp_path, "title: T\nlanguage: en\nauthors: Jane Doe\n")
    assert "'authors' must be a list" in message
    assert line == 3


# --- print settings ---

def test_trim_named_size(tmp_path):
    trim = load(tmp_path, "title: T\nlanguage: en\nprint:\n  trim: a5\n").print.trim
    assert (trim.width_mm, trim.height_mm, trim.name, trim.css) == (148, 210, "A5", "A5")


def test_trim_width_and_height(tmp_path):
    trim = load(tmp_path, "title: T\nlanguage: en\nprint:\n  trim: 210mm 280mm\n").print.trim
    assert (trim.width_mm, trim.height_mm, trim.name) == (210, 280, None)
    assert trim.css == "210mm 280mm"


@pytest.mark.parametrize("trim", ["B5", "210 280"])
def test_bad_trim(tmp_path, trim):
    message, line = only_problem(tmp_path, f"title: T\nlanguage: en\nprint:\n  trim: {trim}\n")
    assert "'print.trim'" in message and "210mm 280mm" in message
    assert line == 4


def test_bleed_in_inches_is_converted_to_mm(tmp_path):
    bleed = load(tmp_path, "title: T\nlanguage: en\nprint:\n  bleed: 0.125in\n").print.bleed_mm
    assert bleed == pytest.approx(3.175)


@pytest.mark.parametrize("bleed", ["3", "11mm"])
def test_bad_bleed(tmp_path, bleed):
    message, line = only_problem(tmp_path, f"title: T\nlanguage: en\nprint:\n  bleed: {bleed}\n")
    assert "'print.bleed'" in message
    assert line == 4


@pytest.mark.parametrize("key, value", [("binding", "spiral"), ("profile", "pdf/x-3")])
def test_bad_choice(tmp_path, key, value):
    message, line = only_problem(tmp_path, f"title: T\nlanguage: en\nprint:\n  {key}: {value}\n")
    assert f"'print.{key}' '{value}' must be one of" in message
    assert line == 4


@pytest.mark.parametrize("value", ["1", "'yes'"])
def test_marks_must_be_boolean(tmp_path, value):
    message, line = only_problem(tmp_path, f"title: T\nlanguage: en\nprint:\n  marks: {value}\n")
    assert "'print.marks'" in message and "true or false" in message
    assert line == 4


def test_print_must_be_a_mapping_message(tmp_path):
    message, line = only_problem(tmp_path, "title: T\nlanguage: en\nprint: A5\n")
    assert line == 3
    assert "must be a mapping" in message
    assert "print." not in message


# --- identifiers ---

def test_valid_isbn13(tmp_path):
    settings = load(tmp_path, "title: T\nlanguage: en\nidentifier: 978-3-16-148410-0\n")
    assert settings.isbn == "9783161484100"


def test_isbn13_with_bad_check_digit(tmp_path):
    text = "title: T\nlanguage: en\nidentifier: 978-3-16-148410-1\n"
    message, line = only_problem(tmp_path, text)
    assert "neither a valid ISBN" in message
    assert line == 3


@pytest.mark.parametrize("isbn10, isbn13", [("ISBN 0-306-40615-2", "9780306406157"),
                                             ("0-8044-2957-X", "9780804429573")])
def test_isbn10_is_converted_to_isbn13(tmp_path, isbn10, isbn13):
    assert load(tmp_path, f"title: T\nlanguage: en\nidentifier: {isbn10}\n").isbn == isbn13


def test_urn_identifier_is_accepted(tmp_path):
    urn = "urn:uuid:12345678-1234-5678-1234-567812345678"
    settings = load(tmp_path, f"title: T\nlanguage: en\nidentifier: {urn}\n")
    assert settings.identifier == urn
    assert settings.isbn is None


# --- the file itself ---

def test_invalid_yaml_syntax_reports_a_line(tmp_path):
    message, line = only_problem(tmp_path, "title: T\nlanguage: en\nsubtitle: a: b\n")
    assert message.startswith("invalid YAML")
    assert line == 3


def test_non_utf8_file(tmp_path):
    path = tmp_path / "publication.yaml"
    path.write_bytes("title: Caf\u00e9\nlanguage: fr\n".encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        load_settings(path)
    assert "is not UTF-8" in caught.value.problems[0].message
    assert caught.value.problems[0].file == path


def test_missing_file(tmp_path):
    path = tmp_path / "publication.yaml"
    with pytest.raises(SourceError) as caught:
        load_settings(path)
    assert "not found" in caught.value.problems[0].message
    assert caught.value.problems[0].file == path


def test_cover_without_image(tmp_path):
    found = problems(tmp_path, "title: T\nlanguage: en\ncover:\n  alt: A photo\n")
    messages = " ".join(m for m, _ in found)
    assert "'cover.image' is required" in messages
    assert "unknown key 'cover.alt'" in messages


