"""The words a layout prints ("Contents", "Published by ...") and its dates, in the
publication's language.

A layout keeps its words as data, one catalogue per language: ``words/<tag>.yaml`` in the
layout folder (``en.yaml``, ``fr.yaml``, ``zh-Hans.yaml``), one ``key: word`` line each. The
words of a publication in ``zh-TW`` come from ``zh-TW.yaml``, else ``zh-Hant.yaml`` (its
language and script, from CLDR), else ``zh.yaml``; the more specific file wins key by key, and
a layout's folders are searched the same way (a source's own ``layouts/brochure/words/fr.yaml``
or the book's catalogue before the built-in brochure's). What no catalogue of the language has
comes from English, with one warning naming the layout and the file to add.

A word may hold placeholders, ``Published by {publisher}``; a translation uses the same ones
(in its own order). Two keys are CLDR date patterns rather than words: ``date_format`` (a
full date; default: the locale's long format) and ``month_year_format`` (default: the locale's
``yMMMM`` skeleton); they never come from English. Dates and numbers are formatted by Babel.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from markupsafe import Markup

from .diagnostics import Problem, SourceError
from .language import locale, script

#: The folder of a layout holding its catalogues.
FOLDER = "words"
#: The language every layout has all its words in; the others fall back to it.
BASE = "en"
#: Keys holding CLDR date patterns, not words: absent, the locale's own format is used.
PATTERNS = ("date_format", "month_year_format")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Words:
    """A layout's words in one language (``words.contents`` in a template), its date patterns,
    the CLDR locale that formats dates and numbers, and the warnings the lookup gave (a missing
    catalogue, missing keys), for the build report."""

    tag: str
    entries: dict[str, str]
    locale: Locale
    patterns: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self.entries[key]
        except KeyError:
            raise AttributeError(f"the layout has no word '{key}' (add '{key}: ...' to its "
                                 f"{FOLDER}/{BASE}.yaml)") from None

    def __getitem__(self, key: str) -> str:
        return self.__getattr__(key)

    def fill(self, key: str, **values) -> str:
        """The word ``key`` with its placeholders filled: ``fill("published_by", publisher=...)``."""
        return self[key].format(**values)

    def date(self, value: dt.date) -> str:
        """A full date as the language writes it (``15 mars 2024``, ``2024年3月15日``)."""
        pattern = self.patterns.get("date_format")
        return format_date(value, pattern or "long", locale=self.locale)

    def month_year(self, value: dt.date) -> str:
        """A month and year (``mars 2024``, ``2024年3月``)."""
        pattern = self.patterns.get("month_year_format")
        if pattern:
            return format_date(value, pattern, locale=self.locale)
        return format_skeleton("yMMMM", value, locale=self.locale)

    def number(self, value) -> str:
        """A number with the language's separators (Latin digits)."""
        return format_decimal(value, locale=self.locale)


def candidates(tag: str) -> list[str]:
    """The catalogue names a language tag looks for, most specific first: the tag itself (with
    BCP 47's casing: ``zh-hant-tw`` -> ``zh-Hant-TW``), its language and script
    (``zh-TW`` -> ``zh-Hant``), its language (always last: ``zh`` -> ``zh-Hans``, ``zh``)."""
    subtags = [part for part in tag.replace("_", "-").split("-") if part]
    if not subtags:
        return [BASE]
    language = subtags[0].lower()
    exact = "-".join([language] + [part.title() if len(part) == 4 and part.isalpha()
                                   else part.upper() if len(part) == 2 else part.lower()
                                   for part in subtags[1:]])
    found = [exact, f"{language}-{script(tag)}", language]
    return [name for index, name in enumerate(found) if name not in found[index + 1:]]


def load(layout, tag: str) -> Words:
    """The words of ``layout`` (a :class:`pressroom.layouts.Layout`) for the language ``tag``."""
    folders = layout.folders
    english = _merged(folders, [BASE])
    if not english:
        raise SourceError(Problem(f"layout '{layout.name}' has no {FOLDER}/{BASE}.yaml; every "
                                  "layout needs its English words (copy the brochure's)",
                                  folders[-1] / FOLDER / f"{BASE}.yaml"))
    names = candidates(tag)
    language = names[-1]
    own = english if language == BASE else _merged(folders, names)
    warnings = []
    if language != BASE and not own:
        # a catalogue for the language, or for its script when the tag names one or the
        # language is written in more than one (zh-Hans, zh-Hant)
        scripted = len(names) > 1 and (language == "zh" or any(
            len(part) == 4 for part in tag.replace("_", "-").split("-")[1:]))
        file = folders[0] / FOLDER / f"{names[-2] if scripted else language}.yaml"
        warnings.append(str(Problem(
            f"layout '{layout.name}' has no words in {_language_name(tag)} ('{tag}'); its "
            f"English words are used (Contents, Published by...): add this file, a translation "
            f"of {FOLDER}/{BASE}.yaml", file)))
    elif language != BASE:
        missing = [key for key in english if key not in own and key not in PATTERNS]
        if missing:
            file = own[next(iter(own))][1]  # the most specific catalogue found
            warnings.append(str(Problem(
                f"layout '{layout.name}': {len(missing)} word{'s' if len(missing) > 1 else ''} "
                f"missing in {_language_name(tag)} ('{tag}'), printed in English: "
                f"{', '.join(missing)}; add {'them' if len(missing) > 1 else 'it'} to this file",
                file)))
    for key, (value, file, line) in own.items():
        if key in english and placeholders(value) != placeholders(english[key][0]):
            wanted = ", ".join(f"{{{name}}}" for name in sorted(placeholders(english[key][0])))
            raise SourceError(Problem(f"'{key}' must hold the placeholders the English word "
                                      f"has ({wanted or 'none'}), in any order", file, line))
    entries = {key: value for key, (value, *_) in english.items() if key not in PATTERNS}
    entries.update({key: value for key, (value, *_) in own.items() if key not in PATTERNS})
    patterns = {key: value for key, (value, *_) in own.items() if key in PATTERNS}
    return Words(tag, entries, locale(tag), patterns, tuple(warnings))


@lru_cache(maxsize=1)
def builtin_english() -> Words:
    """The built-in brochure's English words: what a renderer given no words uses."""
    from .paths import BUILTIN_LAYOUTS

    path = BUILTIN_LAYOUTS / "brochure" / FOLDER / f"{BASE}.yaml"
    entries = {key: value for key, (value, _) in read_catalogue(path).items()}
    return Words(BASE, {k: v for k, v in entries.items() if k not in PATTERNS}, locale(BASE),
                 {k: v for k, v in entries.items() if k in PATTERNS})


def cover_alt(publication, words: Words) -> str:
    """The cover photo's alt text: its figure's, when the photo is also a figure, else the
    layout's words for it."""
    for figure in publication.figures:
        if publication.cover and figure.image.path == publication.cover.path:
            return figure.alt
    return words.fill("cover_photo_alt", title=publication.settings.title)


def _merged(folders, names: list[str]) -> dict[str, tuple[str, Path, int]]:
    """key -> (word, file, line) from every catalogue of ``names`` in ``folders``: the first tag
    that has a key gives it (a more specific tag, then a more specific folder)."""
    merged: dict[str, tuple[str, Path, int]] = {}
    for name in names:
        for folder in folders:
            path = folder / FOLDER / f"{name}.yaml"
            if path.is_file():
                for key, (value, line) in read_catalogue(path, folder).items():
                    merged.setdefault(key, (value, path, line))
    return merged


def read_catalogue(path: Path, folder: Path | None = None) -> dict[str, tuple[str, int]]:
    """One catalogue file: key -> (word, line), a mapping of snake_case keys to words. A
    mistake is a source problem naming the file and line."""
    if folder is not None and not path.resolve().is_relative_to(folder.resolve()):
        raise SourceError(Problem("is a link to a file outside the layout; copy the file into "
                                  "the layout folder", path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError(Problem("is not UTF-8 text; save it as UTF-8", path)) from None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        raise SourceError(Problem(f"invalid YAML: {reason}; check indentation, colons and quotes",
                                  path, mark.line + 1 if mark else None)) from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(Problem("this file must be a mapping of 'key: word' lines", path,
                                  node.start_mark.line + 1))
    words: dict[str, tuple[str, int]] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not key or not _KEY.match(key):
            raise SourceError(Problem(f"'{key}' is not a key of words; write keys in lower case "
                                      "with underscores (contents, published_by)", path, line))
        if key in words:
            raise SourceError(Problem(f"'{key}' is given twice", path, line))
        if not isinstance(value_node, yaml.ScalarNode) or value_node.tag.endswith(":null"):
            raise SourceError(Problem(f"'{key}' must be one word or phrase, after the colon "
                                      "on the same line", path, line))
        try:
            list(string.Formatter().parse(value_node.value))
        except ValueError:
            raise SourceError(Problem(f"'{key}' has an unmatched brace; placeholders are "
                                      "written {name}, a brace itself {{ or }}", path,
                                      line)) from None
        words[key] = (value_node.value, line)
    return words


def placeholders(word: str) -> set[str]:
    """The ``{names}`` a word holds."""
    return {name for _, name, _, _ in string.Formatter().parse(word) if name is not None}


def template_filters() -> dict:
    """The Jinja2 filters for dates, numbers and words with placeholders; they take the
    locale from the template's ``words``."""
    import jinja2

    def _words(context) -> Words:
        words = context.get("words")
        if not isinstance(words, Words):
            raise jinja2.TemplateRuntimeError("this template is given no 'words'")
        return words

    @jinja2.pass_context
    def long_date(context, value):
        return _words(context).date(value)

    @jinja2.pass_context
    def month_year(context, value):
        return _words(context).month_year(value)

    @jinja2.pass_context
    def number(context, value):
        return _words(context).number(value)

    def fill(word, **values):
        """``{{ words.published_by | fill(publisher=settings.publisher) }}``: the values
        escaped, unless they are markup already (a ``<time>`` made in the template)."""
        return Markup.escape(word).format(**values)

    return {"long_date": long_date, "month_year": month_year, "number": number, "fill": fill}


def _language_name(tag: str) -> str:
    try:
        return Locale("en").languages.get(candidates(tag)[-1]) or tag
    except Exception:  # noqa: BLE001 - a name is only a courtesy
        return tag
