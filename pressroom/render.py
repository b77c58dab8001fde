"""Section bodies as HTML for one medium.

The same tokens become print HTML (footnotes float to the page foot, images by file URL)
or EPUB XHTML (EPUB noteref/footnote pairs, images inside the package). Layout templates
receive the result; they own everything around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable
from urllib.parse import urlsplit

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from .model import Figure, Image, Section
from .manuscript import plain_text


@dataclass(frozen=True)
class Medium:
    """How a target wants references written."""

    name: str  # "print" or "epub"
    image_url: Callable[[Image], str]
    section_url: Callable[[Section], str]  # where a link to a whole section points
    anchor_url: Callable[[Section, str], str]  # where a link to #anchor in a section points


class BodyRenderer(RendererHTML):
    """markdown-it's HTML renderer with figures, footnotes and links for one medium."""

    def __init__(self, medium: Medium, sections: list[Section]):
        super().__init__()
        self.medium = medium
        self.by_file = {section.file_name: section for section in sections}
        self.section: Section | None = None
        self._footnote_depth = 0
        self._quotes: list[bool] = []  # open blockquotes: is each a pull quote?

    def section_body(self, section: Section) -> Markup:
        self.section = section
        options = OptionsDict({"xhtmlOut": True, "breaks": False, "langPrefix": "language-",
                               "highlight": None})
        html = self.render(section.tokens, options, {})
        if self.medium.name == "epub" and section.footnotes:
            html += self._epub_footnotes(section, options)
        return Markup(html)

    # --- figures and images ---

    def figure(self, tokens: list[Token], idx: int, options, env) -> str:
        figure: Figure = tokens[idx].meta["figure"]
        classes = " ".join(("figure",) + figure.classes)
        credit = f' <span class="credit">{escape(figure.credit)}</span>' if figure.credit else ""
        caption = (f'<figcaption><span class="caption">{escape(figure.caption)}</span>{credit}'
                   "</figcaption>") if figure.caption or credit else ""
        return (f'<figure id="{escape(figure.id)}" class="{escape(classes)}">'
                f'<img src="{escape(self.medium.image_url(figure.image))}" '
                f'alt="{escape(figure.alt)}" width="{figure.image.width}" '
                f'height="{figure.image.height}" />{caption}</figure>\n')

    def image(self, tokens: list[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        image: Image | None = token.meta.get("image")
        src = self.medium.image_url(image) if image else ""
        attrs = "".join(f' {escape(k)}="{escape(str(v))}"' for k, v in token.attrs.items()
                        if k not in ("src", "alt"))
        return (f'<img src="{escape(src)}" alt="{escape(plain_text(token.children))}"'
                f"{attrs} />")

    # --- pull quotes: {.pull} above a blockquote ---

    def blockquote_open(self, tokens: list[Token], idx: int, options, env) -> str:
        classes = str(tokens[idx].attrs.get("class", "")).split()
        self._quotes.append("pull" in classes)
        if "pull" in classes:
            epub_type = ' epub:type="pullquote"' if self.medium.name == "epub" else ""
            return f'<aside class="{escape(" ".join(classes))}"{epub_type} role="doc-pullquote">\n'
        return super().renderToken(tokens, idx, options, env)

    def blockquote_close(self, tokens: list[Token], idx: int, options, env) -> str:
        if self._quotes.pop():
            return "</aside>\n"
        return super().renderToken(tokens, idx, options, env)

    # --- footnotes ---

    def footnote_ref(self, tokens: list[Token], idx: int, options, env) -> str:
        note = self.section.footnotes[tokens[idx].meta["id"]]
        first = tokens[idx].meta.get("subId", 0) == 0
        if self.medium.name == "print":
            if not first:  # a second reference to the same note points at its number
                return f'<a class="footnote-again" href="#{note.id}">{note.number}</a>'
            self._footnote_depth += 1
            body = self.render(note.tokens, options, env)
            self._footnote_depth -= 1
            return f'<span class="footnote" id="{note.id}">{body.strip()}</span>'
        ref_id = f"{note.id}-ref" + ("" if first else f"-{tokens[idx].meta['subId']}")
        return (f'<a class="noteref" epub:type="noteref" role="doc-noteref" id="{ref_id}" '
                f'href="#{note.id}">{note.number}</a>')

    def paragraph_open(self, tokens, idx, options, env) -> str:
        if self._footnote_depth:
            return '<span class="footnote-para">'
        return super().renderToken(tokens, idx, options, env)

    def paragraph_close(self, tokens, idx, options, env) -> str:
        if self._footnote_depth:
            return "</span>"
        return super().renderToken(tokens, idx, options, env)

    def _epub_footnotes(self, section: Section, options) -> str:
        notes = []
        for note in sorted(section.footnotes.values(), key=lambda n: n.number):
            body = self.render(note.tokens, options, {})
            back = (f' <a class="noteback" href="#{note.id}-ref" role="doc-backlink" '
                    f'aria-label="Back to text">\u21a9\ufe0e</a>')
            notes.append(f'<aside class="footnote" epub:type="footnote" role="doc-footnote" '
                         f'id="{note.id}"><span class="footnote-number">{note.number}.</span> '
                         f"{body.strip()}{back}</aside>\n")
        return "".join(notes)

    # --- links between sections ---

    def link_open(self, tokens: list[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        href = str(token.attrs.get("href", ""))
        parts = urlsplit(href)
        if not parts.scheme and not parts.netloc:
            target = self.by_file.get(parts.path.rsplit("/", 1)[-1]) if parts.path else self.section
            if target is not None:
                href = (self.medium.anchor_url(target, parts.fragment)
                        if parts.fragment else self.medium.section_url(target))
                tokens = list(tokens)  # the model is read-only: render a patched copy
                tokens[idx] = token.copy(attrs={**token.attrs, "href": href})
        return super().renderToken(tokens, idx, options, env)
