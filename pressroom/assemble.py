"""Finish the model: order, numbering, ids and the cover, checked across the whole publication."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from . import images
from .config import Settings
from .diagnostics import Problem, SourceError
from .model import Publication, Section


#: Names the EPUB uses for its own documents (cover.xhtml, nav.xhtml).
RESERVED_IDS = {"cover", "nav"}


def assemble(settings: Settings, root: Path, sections: list[Section]) -> Publication:
    """Number body sections and figures, check ids are unique, inspect the cover image."""
    problems: list[Problem] = []
    for section_id, count in Counter(s.id for s in sections).items():
        if count > 1:
            files = ", ".join(s.file_name for s in sections if s.id == section_id)
            problems.append(Problem(f"section id '{section_id}' is used by {files}; give each "
                                    "section its own 'id:' in front matter",
                                    sections[0].source.parent))
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
        figure.number = number
        if figure.id in seen:
            problems.append(Problem(f"id '{figure.id}' is used twice; give the figure its own "
                                    "{#fig-...} id", section.source, figure.line))
        seen[figure.id] = section

    cover = None
    if settings.cover_image:
        yaml_file = root / "manuscript" / "publication.yaml"
        try:
            found = images.resolve(settings.cover_image, root / "images", yaml_file, None)
            cover = images.inspect(found, yaml_file, None)
        except SourceError as error:
            problems.extend(error.problems)
    if problems:
        raise SourceError(problems)
    return Publication(settings=settings, root=root, sections=sections, cover=cover)
