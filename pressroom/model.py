"""The publication model: the only data that passes between stages.

Readers (``manuscript``, ``images``) fill it, ``assemble`` finishes it (numbering, checks),
and output targets only read it. Section bodies are kept as markdown-it tokens, so each
target renders them in its own medium (footnotes at the page foot in print, EPUB
footnotes in the e-book) without re-parsing anyone's HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from .config import Settings


@dataclass(frozen=True)
class Image:
    """An image file from the source's ``images/`` folder, as inspected."""

    path: Path
    width: int
    height: int
    format: str  # Pillow's name: JPEG, PNG, ...; SVG for a vector figure (SVG or PDF file)
    mode: str  # Pillow's mode: RGB, CMYK, L, ...; "vector" for a vector figure
    dpi: float | None  # pixels per inch stored in the file, if any (None for vector figures)
    sha256: str
    #: A vector figure's own file format, SVG or PDF (outputs draw both as sanitised SVG; its
    #: width and height are then its natural size in CSS px, 96 per inch)
    original: str | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def vector(self) -> bool:
        """A drawing (SVG, or a one-page PDF drawn as SVG), not pixels: no resolution, no
        raster variants."""
        return self.format == "SVG"


@dataclass
class Figure:
    """An image alone in its paragraph: a captioned figure."""

    id: str
    image: Image
    alt: str
    caption: str
    credit: str | None = None
    classes: tuple[str, ...] = ()
    line: int | None = None  # where it stands in its Markdown file
    number: int = 0  # 1-based, over the whole publication (or its section: the layout says)
    id_given: bool = True  # written as {#...} in the manuscript, not made from the file name
    numbered: bool = True  # False with {.unnumbered}: no label, no reference
    width: str | None = None  # {width=50%} (of the text width) or {width=60mm}, as CSS
    number_text: str = ""  # the number as printed: "3", or "2.3" when numbered by section
    label: str = ""  # "Figure 3" in the layout's words; set by assemble


@dataclass
class Table:
    """A table with a caption (``: Caption {#tbl-id}`` after it); its tokens stay in the text,
    the ``table_open`` token's ``meta["table"]`` is this."""

    id: str | None
    caption: Token  # the caption's inline token
    classes: tuple[str, ...] = ()
    line: int | None = None
    number: int = 0
    numbered: bool = True
    number_text: str = ""
    label: str = ""


@dataclass(frozen=True)
class Target:
    """Where a cross-reference (``@fig-x``) leads and what it reads: the text ("Figure 3",
    "Section II", a heading's words) and the bare number ("3"), for ``[-@fig-x]``."""

    section: "Section"
    anchor: str | None  # None: the section itself
    text: str
    number: str


@dataclass
class Footnote:
    """A footnote definition; ``tokens`` are its block content."""

    id: str
    label: str
    tokens: list[Token]
    number: int = 0  # 1-based, within its section


@dataclass
class Section:
    """One Markdown file of the manuscript."""

    id: str
    title: str
    kind: str  # front | body | back
    source: Path
    tokens: list[Token]
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)  # the captioned ones
    footnotes: dict[int, Footnote] = field(default_factory=dict)  # by markdown-it id
    number: int | None = None  # body sections are numbered 1, 2, 3 ...; layouts format it
    id_line: int = 1  # the line of 'id:' in front matter (1 when the id comes from the name)

    @property
    def file_name(self) -> str:
        return self.source.name

    def anchors(self) -> set[str]:
        """Every id a link can lead to in this section: its own, headings', figures', and
        any block or span given one with ``{#id}``."""
        found = {self.id, *(figure.id for figure in self.figures),
                 *(table.id for table in self.tables if table.id)}
        for token in walk_tokens(self.tokens):
            if token.attrs.get("id"):
                found.add(str(token.attrs["id"]))
        return found

    def links(self) -> list[tuple[int | None, str]]:
        """``(line, href)`` of every Markdown link in the section's text and notes."""
        return [(line, str(token.attrs.get("href", ""))) for line, token in self.inline_tokens()
                if token.type == "link_open"]

    def inline_tokens(self):
        """``(line, token)`` for every inline token of the text, its notes and table captions."""
        notes = [token for note in self.footnotes.values() for token in note.tokens]
        captions = [table.caption for table in self.tables]
        for block in [*self.tokens, *notes, *captions]:
            line = block.map[0] + 1 if block.map else None
            for token in block.children or []:
                yield line, token


@dataclass
class Publication:
    """The whole publication: settings, sections in reading order, and the cover."""

    settings: Settings
    root: Path  # the source folder
    sections: list[Section]
    cover: Image | None = None

    @property
    def figures(self) -> list[Figure]:
        return [figure for section in self.sections for figure in section.figures]

    @property
    def cover_alt(self) -> str:
        """Alt text for the cover photo: its figure's, when the photo is also a figure."""
        for figure in self.figures:
            if self.cover and figure.image.path == self.cover.path:
                return figure.alt
        return f"Cover photograph of {self.settings.title}"

    @property
    def images(self) -> list[Image]:
        """Every image the publication uses, once each, in order of first use."""
        seen: dict[Path, Image] = {}
        if self.cover:
            seen[self.cover.path] = self.cover
        for section in self.sections:
            for image in section_images(section):
                seen.setdefault(image.path, image)
        return list(seen.values())


def section_images(section: Section) -> list[Image]:
    """Images of a section: its figures and the inline images in its text."""
    images = [figure.image for figure in section.figures]
    for token in walk_tokens(section.tokens):
        if token.type == "image" and isinstance(token.meta.get("image"), Image):
            images.append(token.meta["image"])
    for footnote in section.footnotes.values():
        for token in walk_tokens(footnote.tokens):
            if token.type == "image" and isinstance(token.meta.get("image"), Image):
                images.append(token.meta["image"])
    return images


def walk_tokens(tokens: list[Token]):
    """Each token and, depth first, the tokens inside it (an inline's children, an image's alt)."""
    for token in tokens:
        yield token
        if token.children:
            yield from walk_tokens(token.children)
