"""Publication settings: ``manuscript/publication.yaml`` read into typed, validated values.

Every problem in the file is collected and reported at once, each with its line, so a user
fixes the file in one pass. Unknown keys are errors (with a suggestion), so typos are caught.
"""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import re
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import yaml

from .diagnostics import Problem, SourceError
from .pdfx import PROFILES
from .printers import PAPERS, PRINTERS

#: Named trim sizes in millimetres (width, height).
TRIM_SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "A6": (105.0, 148.0)}
#: The bindings a publication may name, and the page count each needs a multiple of (every leaf
#: of a perfect-bound book has two sides; a saddle-stitched sheet folds into four pages).
PAGE_MULTIPLE = {"saddle-stitch": 4, "perfect": 2, "none": 1}
BINDINGS = tuple(PAGE_MULTIPLE)


def padded_page_count(pages: int, binding: str) -> int:
    """The page count a binding takes: ``pages`` and the blanks that make it a multiple of
    the binding's (the press files pad so; the ONIX record counts so)."""
    return pages + -pages % PAGE_MULTIPLE[binding]
SECTION_KINDS = ("front", "body", "back")
LENGTH_UNITS_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8}|-[0-9][A-Za-z0-9]{3})*$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Characters no output can hold (XML 1.0 forbids them, and the EPUB is XML): C0 controls but
#: tab and line ends, U+FFFE and U+FFFF; they come with text pasted from other programs. And lone
#: surrogates, which YAML's "\uD800" escapes make and no UTF-8 file can carry.
UNPUBLISHABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LENGTH = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(mm|cm|in|pt)\s*$")


@dataclass(frozen=True)
class Trim:
    """The finished page size."""

    width_mm: float
    height_mm: float
    name: str | None = None

    @property
    def css(self) -> str:
        return self.name or f"{self.width_mm:g}mm {self.height_mm:g}mm"


@dataclass(frozen=True)
class PrintSettings:
    trim: Trim = Trim(*TRIM_SIZES["A4"], "A4")
    bleed_mm: float = 3.0
    binding: str = "saddle-stitch"
    profile: str = "pdf/x-4"
    marks: bool = True
    ink_limit: float = 300.0  # total area coverage of converted images, percent
    printer: str = "offset"   # a preset of pressroom.printers: what the print shop asks for
    paper: str = "coated-115gsm"  # a paper of pressroom.printers.PAPERS: caliper for spine, creep
    overprint: bool = True    # 100 % K text and rules overprint the inks under them
    cover: bool | None = None  # a cover spread in press/; None: for perfect binding only
    downsample_above: float = 450.0  # images placed above this effective ppi are downsampled
    downsample_to: float = 300.0     # ... to this ppi


#: The roles a contributor may have, as publication.yaml names them, and their MARC relator
#: codes (the EPUB's ``role`` refinement, scheme marc:relators).
ROLES = {"author": "aut", "editor": "edt", "translator": "trl", "illustrator": "ill",
         "photographer": "pht", "designer": "dsr"}
#: Words that make a name an organisation's (filed as written, never inverted): a catalogue
#: files "Beijing Foreign Affairs Office" under B, not as "Office, Beijing Foreign Affairs".
CORPORATE_WORDS = frozenset("""
    office ministry committee association institute institution university college school
    company co corporation corp ltd llc plc gmbh inc group council agency department bureau
    press foundation society centre center commission museum library trust federation union
    organisation organization authority board publishers publishing government
""".split())


@dataclass(frozen=True)
class Contributor:
    """A person or organisation who made the publication: its ``role`` (a key of ROLES:
    author, editor, translator, ...), the name as printed and as a catalogue files it."""

    name: str
    role: str = "author"
    file_as: str = ""
    corporate: bool = False

    @property
    def relator(self) -> str:
        """The MARC relator code of the role (aut, edt, trl, ill, pht, dsr)."""
        return ROLES[self.role]


def is_corporate(name: str) -> bool:
    """Whether a name is an organisation's: it contains one of CORPORATE_WORDS."""
    return any(word in CORPORATE_WORDS for word in re.findall(r"[^\W\d_]+", name.lower()))


def file_as(name: str, corporate: bool | None = None) -> str:
    """How a catalogue files a name: a personal name "First Middle Last" as "Last, First
    Middle"; an organisation's name, a single word, a name with a comma already, or one
    written without spaces (Chinese, Japanese) as it is."""
    if corporate is None:
        corporate = is_corporate(name)
    words = name.split()
    if corporate or len(words) < 2 or "," in name:
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


@dataclass(frozen=True)
class Subject:
    """A subject for the book trade (ONIX): a Thema or BISAC category code (with its heading,
    when given) or keywords (``heading`` only)."""

    scheme: str  # thema | bisac | keywords
    code: str | None = None
    heading: str | None = None


@dataclass(frozen=True)
class Price:
    """A retail price (tax included): ``amount`` as written, an ISO 4217 ``currency``, the
    ``territory`` where it holds (ISO 3166-1 country codes or WORLD; empty: everywhere sold)
    and the ``format`` it is the price of (None: each)."""

    amount: decimal.Decimal
    currency: str
    territory: tuple[str, ...] = ()
    format: str | None = None  # print | ebook; None: every format


@dataclass(frozen=True)
class Settings:
    """Everything ``publication.yaml`` says, with defaults filled in."""

    title: str
    language: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    date: dt.date | None = None
    identifier: str = ""
    description: str | None = None
    rights: str | None = None
    series: str | None = None
    series_number: int | float | None = None  # the publication's place in its series
    #: ISBN-13 digits of the print book and of the e-book (None when it has none)
    isbn_print: str | None = None
    isbn_ebook: str | None = None
    #: the ISBNs as publication.yaml writes them (hyphens kept), for printing: (print, ebook)
    isbn_written: tuple[str | None, str | None] = (None, None)
    #: authors first (role "author"), then the other contributors, in the file's order
    contributors: tuple[Contributor, ...] = ()
    toc_depth: int = 2            # heading levels in the e-book's contents: 1 sections, 2 + h2
    slug: str = ""
    layout: str = "brochure"
    cover_image: str | None = None
    dir: str | None = None        # rtl or ltr when the language's own direction is not wanted
    print: PrintSettings = field(default_factory=PrintSettings)
    print_given: frozenset[str] = frozenset()  # print fields set in publication.yaml itself
    subjects: tuple[Subject, ...] = ()   # for the ONIX message: Thema, BISAC, keywords
    prices: tuple[Price, ...] = ()       # for the ONIX message (``price:``, one or a list)

    def __post_init__(self) -> None:
        # Settings made in code with names only: the authors as contributors too
        if self.authors and not any(c.role == "author" for c in self.contributors):
            object.__setattr__(self, "contributors", tuple(
                Contributor(name, "author", file_as(name), is_corporate(name))
                for name in self.authors) + self.contributors)

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``: ``dir`` when given, else the language's (CLDR)."""
        from .language import direction
        return direction(self.language, self.dir)

    @property
    def isbn(self) -> str | None:
        """The print book's ISBN-13 digits (``isbn.print``, else the identifier when it is an
        ISBN); the e-book's is :attr:`isbn_ebook`."""
        return self.isbn_print

    @property
    def isbn_print_text(self) -> str | None:
        """The print ISBN as written in publication.yaml (with its hyphens)."""
        return self.isbn_written[0] or self.isbn_print

    @property
    def isbn_ebook_text(self) -> str | None:
        """The e-book ISBN as written in publication.yaml (with its hyphens)."""
        return self.isbn_written[1] or self.isbn_ebook

    @property
    def ebook_identifier(self) -> str:
        """The e-book's unique identifier: ``urn:isbn:`` and its own ISBN; without one, never
        the print book's ISBN (a store would take the two for one product) but a URN made from
        it; else the identifier (a URN) as given."""
        if self.isbn_ebook:
            return f"urn:isbn:{self.isbn_ebook}"
        if _isbn13(self.identifier):
            return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'pressroom:ebook:' + _isbn13(self.identifier))}"
        return self.identifier

    def with_role(self, role: str) -> tuple[Contributor, ...]:
        """The contributors of one role (``author``, ``editor``, ...)."""
        return tuple(c for c in self.contributors if c.role == role)


# --- value parsers: each returns the value or raises ValueError with a user-facing reason ---

def _text(value: Any) -> str:
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty text")
    bad = UNPUBLISHABLE.search(value)
    if bad:
        raise ValueError(f"contains the character U+{ord(bad[0]):04X}, which no output can "
                         "hold; delete it")
    return value.strip()


def _authors(value: Any) -> tuple[Contributor, ...]:
    if isinstance(value, str):
        raise ValueError("must be a list, e.g. [Jane Doe, John Roe]")
    if not isinstance(value, list) or not value:
        raise ValueError("must be a non-empty list of names")
    return tuple(_person(item, number, "author") for number, item in enumerate(value, start=1))


def _contributors(value: Any) -> tuple[Contributor, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError("must be a list of '- {name: ..., role: editor}' entries")
    return tuple(_person(item, number, None) for number, item in enumerate(value, start=1))


_PERSON_KEYS = ("name", "role", "file_as", "corporate")


def _person(item: Any, number: int, role: str | None) -> Contributor:
    """One entry of ``authors`` (a name, or a mapping; ``role`` fixed) or of ``contributors``
    (a mapping with a ``role``)."""
    where = f"entry {number}"
    if isinstance(item, dict):
        unknown = [key for key in item if not isinstance(key, str) or key not in _PERSON_KEYS
                   or (role and key == "role")]
        if unknown:
            known = [key for key in _PERSON_KEYS if not (role and key == "role")]
            raise ValueError(f"{where} has the unknown key {unknown[0]!r}; known keys: "
                             f"{', '.join(known)}")
        if "name" not in item:
            raise ValueError(f"{where} has no 'name'; write e.g. {{name: Ada Lovelace, ...}}")
        name = _named(item["name"], where)
        if role is None:
            if not isinstance(item.get("role"), str) or item["role"] not in ROLES \
                    or item["role"] == "author":
                raise ValueError(f"{where} ({name}) needs a 'role', one of: "
                                 f"{', '.join(r for r in ROLES if r != 'author')} "
                                 "(authors belong in 'authors')")
            role = item["role"]
        corporate = item.get("corporate", None)
        if corporate is not None and not isinstance(corporate, bool):
            raise ValueError(f"{where} ({name}): 'corporate' must be true or false")
        if corporate is None:
            corporate = is_corporate(name)
        filed = _named(item["file_as"], where) if "file_as" in item else file_as(name, corporate)
        return Contributor(name, role, filed, corporate)
    if role is None:
        raise ValueError(f"{where} must be a mapping, e.g. {{name: Jane Doe, role: editor}}")
    name = _named(item, where)
    corporate = is_corporate(name)
    return Contributor(name, role, file_as(name, corporate), corporate)


def _named(value: Any, where: str) -> str:
    try:
        return _text(value)
    except ValueError as error:
        raise ValueError(f"{where}: the name {error}") from None


def _series_number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            0 < value < 1e9):  # NaN and infinity too
        raise ValueError(f"{value!r} must be a positive number, e.g. 3 (or 2.5)")
    return value


def _toc_depth(value: Any) -> int:
    if isinstance(value, bool) or value not in (1, 2, 3):
        raise ValueError(f"{value!r} must be 1 (sections), 2 (and their ## headings) or 3 "
                         "(and ### headings)")
    return value


def _isbn(value: Any) -> str:
    """An ISBN as written (ISBN-10 or -13, check digit verified); :func:`_isbn13` gives its digits."""
    value = _text(value)
    if value.upper().startswith("ISBN"):
        value = value[4:].lstrip(" :")
    if not _isbn13(value):
        raise ValueError(f"{value!r} is not a valid ISBN (the check digit is verified); copy it "
                         "again from the ISBN agency's record")
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


def _language(value: Any) -> str:
    value = _text(value)
    if not _LANGUAGE.match(value):
        raise ValueError(f"{value!r} is not a BCP 47 language tag (e.g. en, en-GB, zh-Hans)")
    return value


def _identifier(value: Any) -> str:
    value = _text(value)
    if value.lower().startswith("urn:") and len(value) > 6:
        return value
    if value.upper().startswith("ISBN"):
        value = value[4:].lstrip(" :")
    if _isbn13(value):
        return value
    raise ValueError(f"{value!r} is neither a valid ISBN (check digit included) nor a URN (urn:...)")


def _slug(value: Any) -> str:
    value = _text(value)
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} must be lower-case letters, digits and single hyphens")
    return value


def _layout(value: Any) -> str:
    value = _text(value)
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]*$", value):
        raise ValueError(f"{value!r} is not a layout folder name")
    return value


def _trim(value: Any) -> Trim:
    value = _text(value)
    if value.upper() in TRIM_SIZES:
        return Trim(*TRIM_SIZES[value.upper()], value.upper())
    parts = value.split()
    if len(parts) == 2:
        try:
            return Trim(_length(parts[0]), _length(parts[1]))
        except ValueError:
            pass
    raise ValueError(f"{value!r} must be {', '.join(TRIM_SIZES)} or a width and height, e.g. \"210mm 280mm\"")


def _length(value: Any) -> float:
    match = _LENGTH.match(str(value))
    if not match:
        raise ValueError(f"{value!r} must be a length with a unit, e.g. 3mm, 0.125in")
    return float(match[1]) * LENGTH_UNITS_MM[match[2]]


def _bleed(value: Any) -> float:
    mm = _length(value)
    if mm > 10:
        raise ValueError(f"{value!r} is more bleed than any printer asks for (at most 10mm)")
    return mm


def _choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"{value!r} must be one of: {', '.join(choices)}")
        return value
    return parse


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} must be true or false")
    return value


def _mapping(fields: dict[str, Callable[[Any], Any]], required: tuple[str, ...] = ()):
    """A parser for a nested mapping; used with :func:`read_mapping` (needs the node)."""
    return ("mapping", fields, required)


def _ink_limit(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 200 <= value <= 400:
        raise ValueError(f"{value!r} must be a total ink coverage in percent, 200 to 400 "
                         "(300 for coated, 260 for uncoated paper)")
    return float(value)


def _ppi(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 72 <= value <= 2400:
        raise ValueError(f"{value!r} must be a resolution in pixels per inch, 72 to 2400")
    return float(value)


SUBJECT_SCHEMES = ("thema", "bisac", "keywords")
_THEMA = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,15}$")  # e.g. JPHV, 1DDU-GB-ESK, 5AX
_BISAC = re.compile(r"^[A-Z]{3}[0-9]{6}$")  # e.g. POL011000


def _subject(values: dict) -> Subject:
    scheme, code, heading = values["scheme"], values.get("code"), values.get("heading")
    if scheme == "keywords":
        if code or not heading:
            raise ValueError("with 'scheme: keywords' give the words as 'heading: ...' (no code)")
        return Subject(scheme, None, heading)
    if not code:
        raise ValueError(f"a {scheme} subject needs its 'code: ...'")
    code = code.upper()
    if not (_THEMA if scheme == "thema" else _BISAC).match(code):
        example = "JPHV or 1DDU-GB" if scheme == "thema" else "POL011000"
        raise ValueError(f"{code!r} is not a {scheme} code (e.g. {example}); copy it from the "
                         f"{scheme.upper() if scheme == 'bisac' else 'Thema'} list")
    return Subject(scheme, code, heading)


def _amount(value: Any) -> decimal.Decimal:
    try:
        amount = decimal.Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except decimal.InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or -amount.as_tuple().exponent > 4:
        raise ValueError(f"{value!r} must be a price above zero, e.g. 12.99")
    return amount


def _currency(value: Any) -> str:
    import pycountry

    value = _text(value).upper()
    if len(value) != 3 or not pycountry.currencies.get(alpha_3=value):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (e.g. EUR, GBP, USD)")
    return value


def _territory(value: Any) -> tuple[str, ...]:
    import pycountry

    codes = tuple(_text(value).upper().replace(",", " ").split())
    for code in codes:
        if code != "WORLD" and (len(code) != 2 or not pycountry.countries.get(alpha_2=code)):
            raise ValueError(f"{code!r} is not an ISO 3166-1 country code (e.g. GB, US, DE) "
                             "nor WORLD")
    if "WORLD" in codes and len(codes) > 1:
        raise ValueError("WORLD stands alone; give either WORLD or country codes")
    return codes


def _price(values: dict) -> Price:
    return Price(values["amount"], values["currency"], values.get("territory", ()),
                 values.get("format"))


def _records(fields: dict[str, Callable[[Any], Any]], make: Callable[[dict], Any],
             required: tuple[str, ...] = (), plain: Callable[[Any], Any] | None = None,
             single: bool = False, example: str = ""):
    """A parser for a list of mappings, each checked like a nested mapping and made into a
    value by ``make`` (its problems at the item's own line); ``plain``: what a scalar item is;
    ``single``: one mapping alone stands for a list of one. Used with :func:`read_mapping`."""
    return ("records", fields, required, (make, plain, single, example))


PRINT_FIELDS = {
    "trim": _trim, "bleed": _bleed, "binding": _choice(*BINDINGS),
    "profile": _choice(*PROFILES), "marks": _boolean, "ink_limit": _ink_limit,
    "printer": _choice(*PRINTERS), "paper": _choice(*PAPERS), "overprint": _boolean,
    "cover": _boolean, "downsample_above": _ppi, "downsample_to": _ppi,
}
COVER_FIELDS = {"image": _text}
ISBN_FIELDS = {"print": _isbn, "ebook": _isbn}
PUBLICATION_FIELDS: dict[str, Any] = {
    "title": _text, "language": _language, "subtitle": _text, "authors": _authors,
    "publisher": _text, "date": _date, "identifier": _identifier, "description": _text,
    "rights": _text, "series": _text, "series_number": _series_number,
    "isbn": _mapping(ISBN_FIELDS), "contributors": _contributors, "toc_depth": _toc_depth,
    "slug": _slug, "layout": _layout, "dir": _choice("ltr", "rtl"),
    "cover": _mapping(COVER_FIELDS, required=("image",)),
    "print": _mapping(PRINT_FIELDS),
    "subjects": _records({"scheme": _choice(*SUBJECT_SCHEMES), "code": _text, "heading": _text},
                         _subject, required=("scheme",),
                         plain=lambda value: Subject("keywords", None, _text(value)),
                         example="{scheme: thema, code: JPHV}"),
    "price": _records({"amount": _amount, "currency": _currency, "territory": _territory,
                       "format": _choice("print", "ebook")},
                      _price, required=("amount", "currency"), single=True,
                      example="{amount: 12.99, currency: EUR}"),
}
FRONT_MATTER_FIELDS: dict[str, Any] = {"title": _text, "id": _slug, "kind": _choice(*SECTION_KINDS)}


def read_mapping(node: yaml.Node | None, fields: dict[str, Any], file: Path, first_line: int,
                 problems: list[Problem], required: tuple[str, ...] = (), where: str = "") -> dict:
    """Check a YAML mapping node against ``fields``; collect problems, return parsed values."""

    def problem(message: str, at: yaml.Node | None) -> None:
        mark = getattr(at, "start_mark", None)
        problems.append(Problem(message, file, first_line + (mark.line if mark else 0)))

    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        node = yaml.MappingNode("tag:yaml.org,2002:map", [], getattr(node, "start_mark", None))
    if not isinstance(node, yaml.MappingNode):
        example = next(iter(fields), "title")
        problem(f"{where.rstrip('.') or 'this file'} must be a mapping of 'key: value' lines, "
                f"e.g. '{example}: ...' (no '- ' in front)", node)
        return {}
    values: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):  # "? [a, b]" or "[a]: b": a list as a key
            problem(f"a key must be a name like '{next(iter(fields), 'title')}:', not a list or a "
                    "mapping", key_node)
            continue
        key = key_node.value
        name = f"{where}{key}"
        if key not in fields:
            close = difflib.get_close_matches(str(key), list(fields), n=1)
            hint = f"did you mean '{where}{close[0]}'?" if close else f"known keys: {', '.join(fields)}"
            problem(f"unknown key '{name}'; {hint}", key_node)
            continue
        if key in values:
            problem(f"key '{name}' appears twice; keep one", key_node)
            continue
        parser = fields[key]
        if isinstance(parser, tuple) and parser[0] == "records":
            values[key] = _read_records(value_node, parser, file, first_line, problems, name)
            continue
        if isinstance(parser, tuple):
            _, sub_fields, sub_required = parser
            values[key] = read_mapping(value_node, sub_fields, file, first_line, problems,
                                       sub_required, where=f"{name}.")
            continue
        try:
            value = _construct(value_node)
        except (ValueError, yaml.YAMLError) as error:  # e.g. a date like 2024-13-01
            problem(f"'{name}' {value_node.value!r} cannot be read ({error}); correct it", value_node)
            continue
        try:
            values[key] = parser(value)
        except ValueError as error:
            problem(f"'{name}' {error}", value_node)
    for key in required:
        if key not in values and not any(k.value == key for k, _ in node.value):
            problem(f"'{where}{key}' is required; add '{where}{key}: ...'", node)
    return values


def _read_records(node: yaml.Node, parser: tuple, file: Path, first_line: int,
                  problems: list[Problem], name: str) -> tuple:
    """The values of a :func:`_records` field; each problem at its item's line."""
    _, fields, required, (make, plain, single, example) = parser
    line = lambda at: first_line + at.start_mark.line  # noqa: E731
    items = [node] if single and isinstance(node, yaml.MappingNode) else \
        node.value if isinstance(node, yaml.SequenceNode) else None
    if items is None:
        problems.append(Problem(f"'{name}' must be a list{' or one mapping' * single}, e.g. "
                                f"'{name}: [{example}]'", file, line(node)))
        return ()
    values = []
    for index, item in enumerate(items):
        where = f"{name}[{index + 1}]" if not (single and item is node) else name
        if plain and isinstance(item, yaml.ScalarNode):
            try:
                values.append(plain(_construct(item)))
            except (ValueError, yaml.YAMLError) as error:
                problems.append(Problem(f"'{where}' {error}", file, line(item)))
            continue
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(f"'{where}' must be a mapping, e.g. {example}", file,
                                    line(item)))
            continue
        before = len(problems)
        parsed = read_mapping(item, fields, file, first_line, problems, required,
                              where=f"{where}.")
        if len(problems) == before:
            try:
                values.append(make(parsed))
            except ValueError as error:
                problems.append(Problem(f"'{where}' {error}", file, line(item)))
    return tuple(values)


def _construct(node: yaml.Node) -> Any:
    """The Python value of a composed node (dates, numbers, lists), as ``safe_load`` makes it."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def parse_yaml(text: str, file: Path, first_line: int = 1) -> yaml.Node | None:
    """Compose YAML into a node tree (which keeps line numbers); syntax errors become problems."""
    try:
        return yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        reason = getattr(error, "problem", None) or str(error)
        raise SourceError(Problem(f"invalid YAML: {reason}; check indentation, colons and quotes",
                                  file, line)) from None


def load_settings(path: Path) -> Settings:
    """Read and validate ``publication.yaml``; raise :class:`SourceError` with every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(Problem("not found; every publication needs manuscript/publication.yaml "
                                  "with at least 'title' and 'language'", path)) from None
    except UnicodeDecodeError:
        raise SourceError(Problem("is not UTF-8 text; save it as UTF-8", path)) from None
    except OSError as error:
        raise SourceError(Problem(f"cannot be read ({error.strerror}); check the file's "
                                  "permissions", path)) from None
    problems: list[Problem] = []
    values = read_mapping(parse_yaml(text, path), PUBLICATION_FIELDS, path, 1, problems,
                          required=("title", "language"))
    if problems:
        raise SourceError(problems)
    cover = values.pop("cover", {})
    values["prices"] = values.pop("price", ())
    print_values = print_fields(values.pop("print", {}))
    title = values["title"]
    values.setdefault("slug", slugify(title))
    values = people_and_isbns(values, text, path)
    values.setdefault("identifier", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'pressroom:' + title)}")
    return Settings(**values, cover_image=cover.get("image"), print=PrintSettings(**print_values),
                    print_given=frozenset(print_values))


def people_and_isbns(values: dict, text: str, path: Path,
                     others: tuple[Contributor, ...] = ()) -> dict:
    """``authors`` and ``contributors`` as Settings fields (``authors`` the names,
    ``contributors`` every Contributor, authors first; ``others``: the contributors kept when
    only the authors are given), and ``isbn`` as ``isbn_print`` and ``isbn_ebook``: the print
    one is the identifier when that is an ISBN and ``isbn.print`` is not given. Raises
    SourceError when the ISBNs contradict each other."""
    values = dict(values)
    authors = values.pop("authors", None)
    contributors = values.pop("contributors", None)
    if authors is not None or contributors is not None:
        values["authors"] = tuple(a.name for a in authors or ())
        values["contributors"] = tuple(authors or ()) + (contributors if contributors is not None
                                                         else others)
    given = values.pop("isbn", None)
    if given is None and "identifier" not in values:
        return values
    given = given or {}
    written_print, written_ebook = given.get("print"), given.get("ebook")
    isbn_print, isbn_ebook = _isbn13(written_print or ""), _isbn13(written_ebook or "")
    identifier = _isbn13(values.get("identifier", ""))

    def refuse(key: str, message: str) -> None:
        line = next((number for number, content in enumerate(text.splitlines(), start=1)
                     if re.match(rf"\s*{key}\s*:", content)), None)
        raise SourceError(Problem(message, path, line))

    if isbn_print and isbn_print == isbn_ebook:
        refuse("ebook", "'isbn.ebook' is the print book's ISBN; the e-book needs an ISBN of its "
               "own (or none: leave 'ebook' out)")
    if identifier and not isbn_print and identifier != isbn_ebook:
        isbn_print, written_print = identifier, values["identifier"]
    elif identifier and identifier not in (isbn_print, isbn_ebook):
        refuse("identifier", f"'identifier' {values['identifier']} is neither 'isbn.print' nor "
               "'isbn.ebook'; leave 'identifier' out or make it one of them")
    return {**values, "isbn_print": isbn_print, "isbn_ebook": isbn_ebook,
            "isbn_written": (written_print, written_ebook)}


def print_fields(values: dict) -> dict:
    """``print:`` keys as PrintSettings fields (``bleed`` is stored in millimetres)."""
    return {{"bleed": "bleed_mm"}.get(key, key): value for key, value in values.items()}


def with_layout_defaults(settings: Settings, defaults: dict) -> Settings:
    """Fill the ``print:`` settings that publication.yaml left out: first from the printer's
    preset (``print.printer``, from either file), then from the layout's defaults; the ink
    limit, when neither says it, is the paper's."""
    given = {name: getattr(settings.print, name) for name in settings.print_given}
    printer = PRINTERS[given.get("printer", defaults.get("printer", "offset"))]
    preset = {**printer.settings, "paper": printer.papers[0]}
    fields = {**defaults, **preset, **given}
    fields.setdefault("ink_limit", PAPERS[fields["paper"]].ink_limit)  # the paper's, unless said
    return replace(settings, print=PrintSettings(**fields))


def slugify(text: str) -> str:
    """A file-name-safe slug: 'Beijing's People (IV)' -> 'beijings-people-iv'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['\u2019]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "publication"


def _isbn13(value: str) -> str | None:
    digits = re.sub(r"[\s-]", "", value or "")
    if value and value.upper().startswith("ISBN"):
        digits = re.sub(r"[\s:-]", "", value[4:])
    if re.fullmatch(r"97[89][0-9]{10}", digits):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        return digits if (10 - total % 10) % 10 == int(digits[12]) else None
    if re.fullmatch(r"[0-9]{9}[0-9X]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        if total % 11 == 0:
            core = "978" + digits[:9]
            check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core)) % 10) % 10
            return core + str(check)
    return None


#: For translations (pressroom.editions): what a language tag looks like, and ISBN digits.
LANGUAGE_TAG = _LANGUAGE
isbn_of = _isbn13
