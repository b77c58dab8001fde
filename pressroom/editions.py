"""Translated editions from one source.

A source may hold ``translations/<BCP 47 tag>/``: a ``publication.yaml`` with only the fields a
translation changes (:data:`TRANSLATED`; the rest comes from ``manuscript/publication.yaml``)
and the translated sections, one for each file of ``manuscript/`` and with the same names. The
images are shared. Each edition is built like the original into ``<out>/<tag>/``, with its own
build cache; its layout words, dates, faces and direction follow its language.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

from .cache import CACHE
from .config import (LANGUAGE_TAG, PUBLICATION_FIELDS, Settings, isbn_of, parse_yaml,
                     people_and_isbns, read_mapping)
from .diagnostics import Problem, SourceError

TRANSLATIONS = "translations"
#: The fields a translation's publication.yaml may give; every other one is the original's.
TRANSLATED = ("title", "subtitle", "description", "rights", "series", "authors", "contributors",
              "identifier", "isbn", "slug", "dir")


def editions(source: Path) -> list[str]:
    """The tags of the source's translations (``translations/<tag>/``), sorted; a folder whose
    name is not a language tag is an error."""
    folder = source / TRANSLATIONS
    if not folder.is_dir():
        return []
    tags, problems = [], []
    for path in sorted(folder.iterdir()):
        if not path.is_dir():
            continue
        if not LANGUAGE_TAG.match(path.name):
            problems.append(Problem(f"'{path.name}' is not a BCP 47 language tag; name each "
                                    "translation's folder after its language (fr, zh-Hans, ar)",
                                    path))
        else:
            tags.append(path.name)
    if problems:
        raise SourceError(problems)
    return tags


def folder_of(source: Path, tag: str) -> Path:
    return source / TRANSLATIONS / tag


def edition_settings(source: Path, tag: str, original: Settings) -> Settings:
    """The edition's settings: the original's, with the translation's fields and its language."""
    path = folder_of(source, tag) / "publication.yaml"
    if not path.is_file():
        raise SourceError(Problem("not found; a translation needs its publication.yaml with at "
                                  "least its 'title'", path))
    fields = {name: PUBLICATION_FIELDS[name] for name in TRANSLATED}
    for name in PUBLICATION_FIELDS:
        if name not in fields:
            fields[name] = _inherited(name)
    problems: list[Problem] = []
    text = path.read_text(encoding="utf-8")
    values = read_mapping(parse_yaml(text, path), fields, path, 1, problems, required=("title",))
    if problems:
        raise SourceError(problems)
    values.setdefault("slug", original.slug)
    # the ISBNs are the edition's own or none (never the original's, checked below)
    values = {"isbn_print": None, "isbn_ebook": None, "isbn_written": (None, None),
              **people_and_isbns(values, text, path, others=tuple(
                  c for c in original.contributors if c.role != "author"))}
    for isbn in (values["isbn_print"], values["isbn_ebook"]):
        if isbn and isbn in (original.isbn_print, original.isbn_ebook):
            raise SourceError(Problem(f"ISBN {isbn} is the original's; each edition needs its "
                                      "own ISBN (or none, and Pressroom makes a URN)", path))
    if "identifier" not in values:  # never the original's: stores tell the editions apart
        values["identifier"] = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{original.identifier}#{tag}')}"
    elif values["identifier"] == original.identifier or (
            isbn_of(values["identifier"]) and isbn_of(values["identifier"]) == original.isbn):
        raise SourceError(Problem(f"identifier {values['identifier']} is the original's; each "
                                  "edition needs its own ISBN (or none, and Pressroom makes a URN)",
                                  path))
    return replace(original, language=tag, **values)


def _inherited(name: str):
    def refuse(value):
        raise ValueError(f"is not translated: every edition takes '{name}' from "
                         f"manuscript/publication.yaml; a translation gives only "
                         f"{', '.join(TRANSLATED)}")
    return refuse


def check_sections(source: Path, tag: str) -> None:
    """Each file of manuscript/ has its translation, with the same name, and no other."""
    original = {path.name for path in (source / "manuscript").glob("*.md")}
    folder = folder_of(source, tag)
    translated = {path.name for path in folder.glob("*.md")}
    problems = [Problem(f"missing; every file of manuscript/ needs its translation, with the same "
                        f"name (manuscript/{name})", folder / name)
                for name in sorted(original - translated)]
    problems += [Problem("is not in manuscript/; a translation has the same files as the "
                         "original: rename it or delete it", folder / name)
                 for name in sorted(translated - original)]
    if problems:
        raise SourceError(problems)


def build_editions(source: Path, out: Path, targets: tuple[str, ...], progress, chosen,
                   builder, cache: Path | None = None):
    """Build the original into ``out`` and each translation into ``out/<tag>/`` with
    ``builder`` (:func:`pressroom.build.build` or ``build_strict``); ``chosen``: the tags to
    build (the original's language for the original), None for all. Every edition keeps its
    work in one content cache (``cache``, by default ``out/.cache``): the images are the same.
    The original's report, with the translations' in ``editions``."""
    from .build import BuildReport
    from .config import load_settings

    tags = editions(source)
    settings = load_settings(source / "manuscript" / "publication.yaml") if tags or chosen \
        else None
    original = settings.language if settings else None
    if chosen:
        unknown = [tag for tag in chosen if tag != original and tag not in tags]
        if unknown:
            available = ", ".join([f"{original} (the original)", *tags])
            raise SourceError(Problem(f"no edition {', '.join(unknown)}; this source has: "
                                      f"{available}", source / TRANSLATIONS))
    wanted = set(chosen) if chosen else {original, *tags}
    if tags:  # every translation checked before anything is built: none half-built
        problems = []
        for tag in tags:
            for check in (lambda: edition_settings(source, tag, settings),
                          lambda: check_sections(source, tag)):
                try:
                    check()
                except SourceError as error:
                    problems += error.problems
        if problems:
            raise SourceError(problems)
    report = builder(source, out, targets, progress, cache=cache) \
        if original in wanted or original is None else BuildReport(None)
    for tag in tags:
        if tag in wanted:
            report.editions[tag] = builder(source, out / tag, targets, progress, edition=tag,
                                           cache=cache or out / CACHE)
    return report
