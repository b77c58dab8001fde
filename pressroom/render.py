"""Section bodies as HTML for one medium.

The same tokens become print HTML (footnotes float to the page foot, images by file URL)
or EPUB XHTML (EPUB noteref/footnote pairs, images inside the package). Layout templates
receive the result; they own everything around it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from typing import Callable, Sequence
from urllib.parse import urlsplit

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from .model import Figure, Image, Section
from .manuscript import plain_text
from .pagination import PageStart, alnum_count

#: Top-level tokens that are a block without an opening/closing pair.
LEAF_BLOCKS = {"hr", "fence", "code_block", "figure"}
#: Stands for a page-break marker while a section renders (a private-use character: it survives
#: escaping and is replaced by the marker afterwards).
MARK = "\ue000"


def block_ordinals(tokens: Sequence[Token]) -> dict[int, int]:
    """Token index -> 1-based ordinal for every top-level block of a section body. Print and
    EPUB number the same tokens, so ``data-block`` in print names a block of the EPUB."""
    ordinals: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.level == 0 and (token.nesting == 1 or token.type in LEAF_BLOCKS):
            ordinals[index] = len(ordinals) + 1
    return ordinals


def pagebreak(page: int) -> str:
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{page}" '
            f'aria-label="{page}"></span>')


@dataclass(frozen=True)
class Medium:
    """How a target wants references written."""

    name: str  # "print" or "epub"
    image_url: Callable[[Image], str]
    section_url: Callable[[Section], str]  # where a link to a whole section points
    anchor_url: Callable[[Section, str], str]  # where a link to #anchor in a section points
    block_ids: bool = False  # write data-block="<section>/<n>" on top-level blocks (pagination)


class BodyRenderer(RendererHTML):
    """markdown-it's HTML renderer with figures, footnotes and links for one medium."""

    def __init__(self, medium: Medium, sections: list[Section],
                 page_starts: Sequence[PageStart] = ()):
        super().__init__()
        self.medium = medium
        self.by_file = {section.file_name: section for section in sections}
        self.section: Section | None = None
        self._footnote_depth = 0
        self._quotes: list[bool] = []  # open blockquotes: is each a pull quote?
        # EPUB page-break markers: block -> [(offset, page)], in order
        self._starts: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for start in sorted(page_starts, key=lambda start: start.page):
            self._starts[start.block].append((start.offset, start.page))
        self._pending: list[tuple[int, int]] = []  # the current block's markers still to place
        self._placed: list[int] = []               # the pages of the MARKs written, in order
        self._count = 0                            # letters and digits of the block so far

    def section_body(self, section: Section) -> Markup:
        self.section = section
        options = OptionsDict({"xhtmlOut": True, "breaks": False, "langPrefix": "language-",
                               "highlight": None})
        html = self._render_blocks(section, options)
        if self.medium.name == "epub" and section.footnotes:
            html += self._epub_footnotes(section, options)
        if self._placed:
            pages = iter(self._placed)
            html = re.sub(MARK, lambda _: pagebreak(next(pages)), html)
            self._placed = []
        return Markup(html)

    # --- blocks: numbered in both media, page-break markers in the EPUB ---

    def _render_blocks(self, section: Section, options) -> str:
        """``render`` for a section body: each top-level block gets ``data-block`` in print and
        its page-break markers in the EPUB."""
        tokens, env, out = list(section.tokens), {}, []
        ordinals = block_ordinals(tokens)
        for index, token in enumerate(tokens):
            if index in ordinals:
                block = f"{section.id}/{ordinals[index]}"
                if self.medium.block_ids:
                    tokens[index] = token = token.copy(attrs={**token.attrs, "data-block": block})
                elif self.medium.name == "epub":
                    out.append(self._flush())          # markers a previous block did not place
                    self._pending, self._count = list(self._starts.get(block, ())), 0
                    out.append(self._marks_due())
            if token.type == "inline":
                out.append(self.renderInline(token.children, options, env))
            elif token.type in self.rules:
                out.append(self.rules[token.type](tokens, index, options, env))
            else:
                out.append(self.renderToken(tokens, index, options, env))
        out.append(self._flush())
        return "".join(out)

    def _marks_due(self) -> str:
        """MARKs for the pending markers whose offset the block has reached."""
        due = 0
        while self._pending and self._pending[0][0] <= self._count:
            self._placed.append(self._pending.pop(0)[1])
            due += 1
        return MARK * due

    def _flush(self) -> str:
        self._count = 1 << 62
        marks = self._marks_due()
        self._count = 0
        return marks

    def _split(self, text: str) -> str:
        """``text`` with a MARK before the letter or digit at each pending marker's offset."""
        if not self._pending:
            self._count += alnum_count(text)
            return text
        out = []
        for char in text:
            if char.isalnum():
                out.append(self._marks_due())
                self._count += 1
            out.append(char)
        return "".join(out)

    def text(self, tokens, idx, options, env) -> str:
        return escapeHtml(self._split(tokens[idx].content))

    def code_inline(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        return (f"<code{self.renderAttrs(token)}>"
                f"{escapeHtml(self._split(token.content))}</code>")

    def fence(self, tokens, idx, options, env) -> str:
        return super().fence(self._split_content(tokens, idx), idx, options, env)

    def code_block(self, tokens, idx, options, env) -> str:
        return super().code_block(self._split_content(tokens, idx), idx, options, env)

    def _split_content(self, tokens, idx):
        tokens = list(tokens)
        tokens[idx] = tokens[idx].copy(content=self._split(tokens[idx].content))
        return tokens

    # --- figures and images ---

    def figure(self, tokens: list[Token], idx: int, options, env) -> str:
        figure: Figure = tokens[idx].meta["figure"]
        classes = " ".join(("figure",) + figure.classes)
        credit = f' <span class="credit">{escape(figure.credit)}</span>' if figure.credit else ""
        caption = (f'<figcaption><span class="caption">{escape(figure.caption)}</span>{credit}'
                   "</figcaption>") if figure.caption or credit else ""
        block = _block_attribute(tokens[idx])
        return (f'<figure id="{escape(figure.id)}" class="{escape(classes)}"{block}>'
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
            block = _block_attribute(tokens[idx])
            return (f'<aside class="{escape(" ".join(classes))}"{epub_type}{block} '
                    f'role="doc-pullquote">\n')
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
        marks = MARK * self._split(str(note.number)).count(MARK)  # the number is text in print
        return (f'{marks}<a class="noteref" epub:type="noteref" role="doc-noteref" id="{ref_id}" '
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


def _block_attribute(token: Token) -> str:
    """`` data-block="..."`` for elements the renderer writes by hand (figures, pull quotes)."""
    block = token.attrs.get("data-block")
    return f' data-block="{escape(str(block))}"' if block else ""
