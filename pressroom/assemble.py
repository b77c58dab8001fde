"""Finish the model: order, numbering, ids and the cover, checked across the whole publication."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import images
from .config import Settings
from .crossref import Numbering, number_and_resolve
from .diagnostics import Problem, SourceError
from .model import Publication, Section
from .words import Words, builtin_english


#: Names the EPUB uses for its own documents (cover.xhtml, nav.xhtml).
RESERVED_IDS = {"cover", "nav"}


def assemble(settings: Settings, root: Path, sections: list[Section],
             numbering: Numbering = Numbering(), words: Words | None = None) -> Publication:
    """Number body sections, figures and tables (as the layout's ``numbering`` says, labelled
    in its ``words``), check ids are unique, resolve cross-references, inspect the cover."""
    problems: list[Problem] = []
    first: dict[str, Section] = {}
    for section in sections:
        if section.id in first:
            problems.append(Problem(
                f"section id '{section.id}' is already used by {first[section.id].file_name}; "
                "give this section its own 'id:' in front matter", section.source,
                section.id_line))
        first.setdefault(section.id, section)
    for section in sections:
        if section.id in RESERVED_IDS:
            problems.append(Problem(f"section id '{section.id}' is reserved for the layout; set "
                                    "another 'id:' in front matter", section.source, 1))
    body = [s for s in sections if s.kind == "body"]
    for number, section in enumerate(body, start=1):
        section.number = number

    seen: dict[str, Section] = {s.id: s for s in sections}
    for number, (section, figure) in enumerate(
            ((s, f) for s in sections for f in s.figures), start=1):
        if figure.id in seen and not figure.id_given:  # the same photo again: fig-x-2, ...
            figure.id = next(f"{figure.id}-{n}" for n in range(2, number + 2)
                             if f"{figure.id}-{n}" not in seen)
        if figure.id in seen:
            problems.append(Problem(f"id '{figure.id}' is used twice; give the figure its own "
                                    "{#fig-...} id", section.source, figure.line))
        seen[figure.id] = section
    for section in sections:
        for table in section.tables:
            if table.id and table.id in seen:
                problems.append(Problem(f"id '{table.id}' is used twice; give the table its own "
                                        "{#tbl-...} id", section.source, table.line))
            seen.setdefault(table.id, section)

    problems += number_and_resolve(sections, numbering, words or builtin_english())
    problems += _broken_links(sections)

    cover = None
    if settings.cover_image:
        yaml_file = root / "manuscript" / "publication.yaml"
        try:
            found = images.resolve(settings.cover_image, root / "images", yaml_file, None)
            cover = images.inspect(found, yaml_file, None)
            if cover.vector:
                problems.append(Problem(
                    f"cover image '{cover.name}' is a drawing ({cover.original}); the cover "
                    "must be a picture in JPEG or PNG (e-book stores take nothing else): "
                    "export it as PNG", yaml_file, None))
        except SourceError as error:
            problems.extend(error.problems)
    if problems:
        raise SourceError(problems)
    return Publication(settings=settings, root=root, sections=sections, cover=cover)


def _broken_links(sections: list[Section]) -> list[Problem]:
    """Links inside the publication that lead nowhere: ``#id`` or ``file.md#id`` naming no
    section file or no id in that section, or a relative link to a file that is not a section
    (outputs cannot carry other files). Web and mail addresses are not checked."""
    by_file = {section.file_name: section for section in sections}
    ids = {section.id: section.anchors() for section in sections}
    problems = []
    for section in sections:
        for line, href in section.links():
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            name = unquote(parts.path).rsplit("/", 1)[-1]
            target = by_file.get(name) if name else section
            if target is None:
                problems.append(Problem(
                    f"link to '{href}': no section file is called '{name}'; link to a section "
                    "file of manuscript/ or give a full web address (https://...)",
                    section.source, line))
            elif parts.fragment and unquote(parts.fragment) not in ids[target.id]:
                fragment = unquote(parts.fragment)
                elsewhere = [s.file_name for s in sections if fragment in ids[s.id]]
                hint = (f"it is in {elsewhere[0]}: write ({elsewhere[0]}#{fragment})" if elsewhere
                        else f"add {{#{fragment}}} to the heading or figure it should lead to")
                problems.append(Problem(f"link to '{href}': {target.file_name} has no "
                                        f"#{fragment}; {hint}", section.source, line))
    return problems
