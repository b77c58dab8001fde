"""Section bodies as HTML for one medium.

The same tokens become print HTML (footnotes float to the page foot, images by file URL),
EPUB XHTML (EPUB noteref/footnote pairs, images inside the package) or web HTML (notes listed
at the end of the section's page, linked both ways; images with their pixel sizes and smaller
copies). Layout templates receive the result; they own everything around it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from typing import Callable, Sequence
from urllib.parse import urlsplit

from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup

from .code import UnknownLanguage, breakable, highlight, is_url_text, language_of, with_bare_urls
from .diagnostics import Problem
from .model import Figure, Image, Section
from .manuscript import plain_text
from .pagination import PageStart, alnum_count
from .sanitise import Close, Open, Piece, Raw, sanitise
from .words import Words, builtin_english as english_words

#: Top-level tokens that are a block without an opening/closing pair.
LEAF_BLOCKS = {"hr", "fence", "code_block", "figure"}
#: Stands for a page-break marker while a section renders (a private-use character: it survives
#: escaping and is replaced by the marker afterwards; removed from the manuscript's own text).
MARK = "\ue000"
#: Link targets a reader can follow from a book; other schemes (``ftp:``, ``data:``, ``file:``,
#: ``javascript:`` that markdown-it already refuses...) leave the text without a link.
LINK_SCHEMES = ("http", "https", "mailto", "tel")
#: Attributes that Markdown's ``{key=value}`` syntax may not set: scripts, styles (they could
#: load URLs), other URL-valued attributes, and namespaced names (``xml:base``, ``xmlns:x``).
_UNSAFE_ATTRIBUTE = re.compile(
    r"^(on.*|style|srcset|srcdoc|action|formaction|background|poster|ping|longdesc|cite|data|"
    r"codebase|manifest|lowsrc|dynsrc|xlink:href|.*:.*)$", re.I)
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_TABLE_ALIGN = re.compile(r"^text-align:(left|center|right)$")
#: Pixels per inch at which a figure without a width is at its largest in print.
NATURAL_PPI = 150


def block_ordinals(tokens: Sequence[Token]) -> dict[int, int]:
    """Token index -> 1-based ordinal for every top-level block of a section body. Print and
    EPUB number the same tokens, so ``data-block`` in print names a block of the EPUB."""
    ordinals: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.level == 0 and (token.nesting == 1 or token.type in LEAF_BLOCKS):
            ordinals[index] = len(ordinals) + 1
    return ordinals


def pagebreak(start: PageStart) -> str:
    """The EPUB's marker where a print page starts: named by the folio that page prints (or
    would print), ``page-vii``, ``page-1``."""
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="{escape(start.anchor)}" '
            f'aria-label="{escape(start.folio)}"></span>')


@dataclass(frozen=True)
class Medium:
    """How a target wants references written."""

    name: str  # "print", "epub" or "web"
    image_url: Callable[[Image], str]
    section_url: Callable[[Section], str]  # where a link to a whole section points
    anchor_url: Callable[[Section, str], str]  # where a link to #anchor in a section points
    block_ids: bool = False  # write data-block="<section>/<n>" on top-level blocks (pagination)
    #: The ``<img>`` attributes of an image besides src and alt (width and height of the file
    #: written, srcset, sizes...), given the image and whether it stands inline in the text
    #: (else it is a figure); None: the source image's width and height on figures.
    image_attributes: Callable[[Image, bool], dict[str, str]] | None = None


class BodyRenderer(RendererHTML):
    """markdown-it's HTML renderer with figures, footnotes and links for one medium."""

    def __init__(self, medium: Medium, sections: list[Section],
                 page_starts: Sequence[PageStart] = (), words: Words | None = None):
        super().__init__()
        self.medium = medium
        self.words = words  # the layout's words in the publication's language (notes' titles)
        self.by_file = {section.file_name: section for section in sections}
        self.section: Section | None = None
        self._footnote_depth = 0
        self._quotes: list[bool] = []  # open blockquotes: is each a pull quote?
        # EPUB page-break markers: block -> [(offset, page start)], in order
        self._starts: dict[str, list[tuple[int, PageStart]]] = defaultdict(list)
        for start in sorted(page_starts, key=lambda start: start.page):
            self._starts[start.block].append((start.offset, start))
        self._pending: list[tuple[int, PageStart]] = []  # the block's markers still to place
        self._placed: list[PageStart] = []         # the pages of the MARKs written, in order
        self._count = 0                            # letters and digits of the block so far
        self._line: int | None = None              # the manuscript line being rendered
        self._unlinked: list[bool] = []            # open links: was the <a> left out?
        self._url_links: list[bool] = []           # open links: is the text an address?
        self._problems: dict[tuple, Problem] = {}  # what was removed from the source, once each

    @property
    def problems(self) -> list[Problem]:
        """What the renderer removed from the manuscript (raw HTML, unsafe attributes, links
        no reader can follow) and code languages it does not know, with file and line: build
        warnings."""
        return list(self._problems.values())

    def _warn(self, message: str, line: int | None = None) -> None:
        source = self.section.source if self.section is not None else None
        problem = Problem(message, source, line if line is not None else self._line)
        self._problems.setdefault((problem.file, problem.line, message), problem)

    def section_body(self, section: Section) -> Markup:
        self.section = section
        self._heading_levels(section)
        # void elements closed XML-style (``<br />``) but on the web, where it means nothing
        options = OptionsDict({"xhtmlOut": self.medium.name != "web", "breaks": False, "langPrefix": "language-",
                               "highlight": None})
        html = self._render_blocks(section, options)
        if self.medium.name == "epub" and section.footnotes:
            html += self._epub_footnotes(section, options)
        elif self.medium.name == "web" and section.footnotes:
            html += self._web_footnotes(section, options)
        if self._placed:
            pages = iter(self._placed)
            html = re.sub(MARK, lambda _: pagebreak(next(pages)), html)
            self._placed = []
        return Markup(html)

    def _heading_levels(self, section: Section) -> None:
        """A heading more than one level below the one before it (``##`` then ``####``; the
        section's title is the level-1 heading) skips a level: screen readers list headings by
        level, and accessibility checkers (DAISY Ace, axe) report the gap."""
        previous = 1
        for token in section.tokens:
            if token.type != "heading_open":
                continue
            level = int(token.tag[1])
            if level > previous + 1:
                self._warn(f"a level-{level} heading ({'#' * level}) follows a level-{previous} "
                           f"one: write {'#' * (previous + 1)}, or add the heading between; "
                           "accessibility checkers refuse skipped levels",
                           token.map[0] + 1 if token.map else None)
            previous = level

    # --- blocks: numbered in both media, page-break markers in the EPUB ---

    def _render_blocks(self, section: Section, options) -> str:
        """``render`` for a section body: each top-level block gets ``data-block`` in print and
        its page-break markers in the EPUB."""
        tokens, env, parts = list(section.tokens), {}, []
        ordinals = block_ordinals(tokens)
        for index, token in enumerate(tokens):
            if token.map:
                self._line = token.map[0] + 1
            if index in ordinals:
                block = f"{section.id}/{ordinals[index]}"
                if self.medium.block_ids:
                    tokens[index] = token = token.copy(attrs={**token.attrs, "data-block": block})
                elif self.medium.name == "epub":
                    parts.append(self._flush())        # markers a previous block did not place
                    self._pending, self._count = list(self._starts.get(block, ())), 0
                    parts.append(self._marks_due())
            parts.append(self._part(tokens, index, options, env))
        parts.append(self._flush())
        return self._assemble(parts, inline=False)

    def render(self, tokens, options, env) -> str:
        """A footnote's body. Its raw HTML may be phrasing only: in print the note is set
        inside the paragraph that calls it."""
        parts = []
        for index, token in enumerate(tokens):
            if token.map:
                self._line = token.map[0] + 1
            parts.append(self._part(tokens, index, options, env))
        return self._assemble(parts, inline=True)

    def renderInline(self, tokens, options, env) -> str:
        """An inline token's children (a paragraph's, a heading's...); the line of each is
        counted, for warnings; raw HTML among them is sanitised with them."""
        gone = _inside_removed_html(tokens)
        parts, start = [], self._line
        line = start
        for index, token in enumerate(tokens):
            self._line = line
            parts.append(Piece("") if index in gone else self._part(tokens, index, options, env))
            if line is not None:  # the line of each child: count the line breaks before it
                line += (token.type in ("softbreak", "hardbreak")) + (
                    token.content.count("\n") if token.type == "html_inline" else 0)
        self._line = start
        return self._assemble(parts, inline=True)

    def _part(self, tokens, index: int, options, env):
        """One token as a part for the sanitiser: raw HTML, or the renderer's own output."""
        token = tokens[index]
        if token.type in ("html_block", "html_inline"):
            return Raw(token.content, self._line)
        if token.type == "inline":
            html = self.renderInline(token.children or [], options, env)
        elif token.type in self.rules:
            html = self.rules[token.type](tokens, index, options, env)
        else:
            html = self.renderToken(tokens, index, options, env)
        if token.nesting == 1:
            return Open(html)
        if token.nesting == -1:
            return Close(html)
        return Piece(html, block=token.type in LEAF_BLOCKS or (token.block
                                                                and token.type != "inline"))

    def _assemble(self, parts: list, inline: bool) -> str:
        """The parts as one string; raw HTML among them sanitised (sanitise.py), and each
        removal a warning. Page-break markers inside removed content are kept, after it."""
        if not any(isinstance(part, Raw) for part in parts):
            return "".join(_html(part) for part in parts)
        result = sanitise(parts, inline)
        for line, message in result.findings:
            self._warn(message, line)
        lost = "".join(MARK * _html(parts[index]).count(MARK) for index in result.dropped)
        return result.html + lost

    def html_block(self, tokens, idx, options, env) -> str:
        """Raw HTML, never as it is (only reached outside ``_render_blocks`` and ``render``)."""
        return self._assemble([Raw(tokens[idx].content, self._line)], inline=False)

    def html_inline(self, tokens, idx, options, env) -> str:
        return self._assemble([Raw(tokens[idx].content, self._line)], inline=True)

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
        """``text`` with a MARK before the letter or digit at each pending marker's offset (any
        MARK the manuscript itself holds is dropped)."""
        text = text.replace(MARK, "")
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

    def renderAttrs(self, token: Token) -> str:
        """A token's attributes, without those Markdown's ``{key=value}`` may not set."""
        return "".join(f' {escapeHtml(key)}="{escapeHtml(str(value))}"'
                       for key, value in self._safe_attributes(token).items())

    def _safe_attributes(self, token: Token) -> dict:
        safe = {}
        for key, value in token.attrs.items():
            key = str(key)
            if (token.type in ("th_open", "td_open") and key == "style"
                    and _TABLE_ALIGN.match(str(value))):
                safe[key] = str(value)  # markdown-it's own column alignment
                continue
            if not _ATTRIBUTE_NAME.match(key) or _UNSAFE_ATTRIBUTE.match(key):
                why = ("a book cannot run scripts" if key.lower().startswith("on") else
                       "style it through a class ({.name}) in the layout's CSS"
                       if key.lower() == "style" else "it is not allowed in a publication")
                self._warn(f"attribute '{key}' removed from a Markdown {{...}} attribute list; "
                           f"{why}")
                continue
            safe[key] = str(value).replace(MARK, "")
        return safe

    def text(self, tokens, idx, options, env) -> str:
        text = self._split(tokens[idx].content)
        if self._url_links and self._url_links[-1]:  # the text of a link that is its address
            return breakable(text, self._wbr, MARK)
        return with_bare_urls(text, self._bare_url)

    # --- code and addresses: never hyphenated, broken where Chicago breaks URLs (code.py) ---

    def code_inline(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        return (f"<code{self.renderAttrs(token)}>"
                f"{breakable(self._split(token.content), self._wbr, MARK)}</code>")

    def _bare_url(self, url: str) -> str:
        """A web address written in running text, not as a link."""
        return f'<span class="url">{breakable(url, self._wbr, MARK)}</span>'

    @property
    def _wbr(self) -> str:
        return f"<wbr{self._void_end}>"

    def fence(self, tokens, idx, options, env) -> str:
        """A fenced code block; with a language (```` ```python ````), its tokens as spans with
        Pygments' short classes, coloured by the layout's CSS; an unknown language is a warning
        and the block is set plain."""
        token = tokens[idx]
        language = language_of(unescapeAll(token.info)) if token.info else ""
        if language:
            token = token.copy(attrs=dict(token.attrs))
            token.attrJoin("class", options.langPrefix + language)
        return (f"<pre><code{self.renderAttrs(token)}>{self._code(token.content, language)}"
                "</code></pre>\n")

    def code_block(self, tokens, idx, options, env) -> str:
        """An indented code block: plain code."""
        token = tokens[idx]
        return f"<pre{self.renderAttrs(token)}><code>{self._code(token.content, '')}</code></pre>\n"

    def _code(self, content: str, language: str) -> str:
        content = content.replace(MARK, "")
        pieces = [("", content)]
        if language:
            try:
                pieces = highlight(content, language)
            except UnknownLanguage as unknown:
                self._warn(unknown.advice())
        # piece by piece through _split: the page-break markers fall where they fall in print
        return "".join(f'<span class="{css}">{escapeHtml(self._split(text))}</span>' if css
                       else escapeHtml(self._split(text)) for css, text in pieces)

    # --- figures and images ---

    def figure(self, tokens: list[Token], idx: int, options, env) -> str:
        figure: Figure = tokens[idx].meta["figure"]
        classes = " ".join(("figure",) + ("drawing",) * figure.image.vector + figure.classes)
        credit = (f' <span class="credit">{escape(_plain(figure.credit))}</span>'
                  if figure.credit else "")
        label = self._label(figure.label, "figure-label", bool(figure.caption))
        caption = (f'<figcaption>{label}<span class="caption">{escape(_plain(figure.caption))}'
                   f"</span>{credit}</figcaption>") if figure.caption or credit or label else ""
        block = _block_attribute(tokens[idx])
        sizes = (self.medium.image_attributes(figure.image, False) if self.medium.image_attributes
                 else {"width": str(figure.image.width), "height": str(figure.image.height)})
        sizes = {**sizes, **self._figure_size(figure)}
        attrs = "".join(f' {escape(key)}="{escape(value)}"' for key, value in sizes.items())
        return (f'<figure id="{escape(figure.id)}" class="{escape(classes)}"{block}>'
                f'<img src="{escape(self.medium.image_url(figure.image))}" '
                f'alt="{escape(_plain(figure.alt))}"{attrs}{self._void_end}>{caption}</figure>\n')

    def _figure_size(self, figure: Figure) -> dict[str, str]:
        """The picture's width: the author's ``{width=...}``; else, in print, never wider than
        its pixels at ``NATURAL_PPI`` (a 300 px sketch is not blown up to the column), unless
        it is set to the bleed. In print, ``data-file`` names the file for the page checks."""
        style = {}
        if figure.width:
            style["width"] = figure.width
        elif (self.medium.name == "print" and not figure.image.vector
              and "full-bleed" not in figure.classes):
            style["max-width"] = f"{figure.image.width * 25.4 / NATURAL_PPI:.1f}mm"
        attrs = {"style": "; ".join(f"{key}: {value}" for key, value in style.items())} if style else {}
        if self.medium.name == "print":
            attrs["data-file"] = figure.image.name
        return attrs

    def image(self, tokens: list[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        image: Image | None = token.meta.get("image")
        src = self.medium.image_url(image) if image else ""
        given = {k: v for k, v in self._safe_attributes(token).items() if k not in ("src", "alt")}
        if image and self.medium.image_attributes:
            given = {**self.medium.image_attributes(image, True), **given}
        if image and self.medium.name == "print":
            given["data-file"] = image.name  # the page checks name the file
        attrs = "".join(f' {escape(k)}="{escape(v)}"' for k, v in given.items())
        return (f'<img src="{escape(src)}" alt="{escape(_plain(_alt_text(token.children)))}"'
                f"{attrs}{self._void_end}>")

    def _label(self, label: str, css_class: str, separated: bool) -> str:
        """"Figure 3" (and the layout's separator before the caption's words)."""
        if not label:
            return ""
        separator = (f'<span class="label-separator">{escape(self._word("label_separator"))}'
                     "</span>") if separated else ""
        return f'<span class="{css_class}">{escape(label)}</span>{separator}'

    # --- tables with captions, cross-references ---

    def table_open(self, tokens: list[Token], idx: int, options, env) -> str:
        """A captioned table: its ``<caption>`` ("Table 2: ..."), kept with it in every medium."""
        html = super().renderToken(tokens, idx, options, env)
        table = tokens[idx].meta.get("table")
        if table is None:
            return html
        words = self.renderInline(table.caption.children or [], options, env)
        label = self._label(table.label, "table-label", bool(words.strip()))
        return f'{html}<caption>{label}<span class="caption">{words}</span></caption>\n'

    def crossref(self, tokens: list[Token], idx: int, options, env) -> str:
        """``@fig-x``: a link reading "Figure 3" (``[-@fig-x]``: "3") to the figure."""
        token = tokens[idx]
        target = token.meta.get("target")
        if target is None:  # unresolved: assemble has stopped the build; source_warnings
            return escapeHtml(self._split(token.content))
        text = escapeHtml(self._split(target.number if token.meta.get("bare") else target.text))
        if self._unlinked:  # inside a link already: its text only
            return text
        href = (self.medium.anchor_url(target.section, target.anchor) if target.anchor
                else self.medium.section_url(target.section))
        return f'<a class="xref" href="{escape(href)}">{text}</a>'

    @property
    def _void_end(self) -> str:
        return "" if self.medium.name == "web" else " /"

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
            line = self._line  # an inline note ^[...] has no lines of its own: the caller's
            body = self.render(note.tokens, options, env)
            self._line = line
            self._footnote_depth -= 1
            # a word joiner: the call never starts a line, parted from the word it follows
            return f'\u2060<span class="footnote" id="{note.id}">{body.strip()}</span>'
        ref_id = f"{note.id}-ref" + ("" if first else f"-{tokens[idx].meta['subId']}")
        marks = MARK * self._split(str(note.number)).count(MARK)  # the number is text in print
        epub_type = ' epub:type="noteref"' if self.medium.name == "epub" else ""
        return (f'{marks}<a class="noteref"{epub_type} role="doc-noteref" id="{ref_id}" '
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
            self._line = None
            body = self.render(note.tokens, options, {})
            back = (f' <a class="noteback" href="#{note.id}-ref" role="doc-backlink" '
                    f'aria-label="{escape(self._word("back_to_text"))}">\u21a9\ufe0e</a>')
            notes.append(f'<aside class="footnote" epub:type="footnote" role="doc-footnote" '
                         f'id="{note.id}"><span class="footnote-number">{note.number}.</span> '
                         f"{body.strip()}{back}</aside>\n")
        return "".join(notes)

    def _web_footnotes(self, section: Section, options) -> str:
        """The section's notes as a numbered list after its text, each with a link back to
        where it is called (HTML has no EPUB footnotes: no ``epub:type``)."""
        notes = []
        for note in sorted(section.footnotes.values(), key=lambda n: n.number):
            self._line = None
            body = self.render(note.tokens, options, {}).strip()
            back = (f' <a class="noteback" href="#{note.id}-ref" role="doc-backlink" '
                    f'aria-label="{escape(self._word("back_to_note", number=note.number))}">'
                    '\u21a9\ufe0e</a>')
            # inside the note's last paragraph, not on a line of its own
            body = body[:-4] + back + "</p>" if body.endswith("</p>") else body + back
            notes.append(f'<li id="{note.id}" value="{note.number}">{body}</li>\n')
        return (f'<section class="footnotes" aria-labelledby="{section.id}-notes">\n'
                f'<h2 class="footnotes-title" id="{section.id}-notes">{escape(self._word("notes"))}</h2>\n'
                f'<ol>\n{"".join(notes)}</ol>\n</section>\n')

    def _word(self, key: str, **values) -> str:
        """One of the layout's words (English without a publication's words)."""
        if self.words is None:
            self.words = english_words()
        return self.words.fill(key, **values)

    # --- links between sections ---

    def link_open(self, tokens: list[Token], idx: int, options, env) -> str:
        token = tokens[idx]
        href = str(token.attrs.get("href", ""))
        parts = urlsplit(href)
        if parts.scheme.lower() not in LINK_SCHEMES and (parts.scheme or parts.netloc):
            # markdown-it has already refused javascript:, vbscript:, file: and most data:
            self._warn(f"link to '{href[:60]}' removed (its text kept); a book links to web "
                       "(https://), mail (mailto:) or phone (tel:) addresses, or to a section "
                       "(02-section.md#id)")
            self._unlinked.append(True)
            self._url_links.append(False)
            return ""
        self._unlinked.append(False)
        is_url = token.markup == "autolink" or is_url_text(_link_text(tokens, idx), href)
        self._url_links.append(is_url)
        if is_url:  # never hyphenated (the layouts' a.url)
            tokens = list(tokens)
            tokens[idx] = token = token.copy(attrs=dict(token.attrs))
            token.attrJoin("class", "url")
        if not parts.scheme and not parts.netloc:
            target = self.by_file.get(parts.path.rsplit("/", 1)[-1]) if parts.path else self.section
            if target is not None:
                href = (self.medium.anchor_url(target, parts.fragment)
                        if parts.fragment else self.medium.section_url(target))
                tokens = list(tokens)  # the model is read-only: render a patched copy
                tokens[idx] = token.copy(attrs={**token.attrs, "href": href})
        return super().renderToken(tokens, idx, options, env)

    def link_close(self, tokens: list[Token], idx: int, options, env) -> str:
        if self._url_links:
            self._url_links.pop()
        if self._unlinked and self._unlinked.pop():
            return ""
        return super().renderToken(tokens, idx, options, env)


def source_warnings(sections: list[Section]) -> list[str]:
    """What rendering removes from the manuscript (raw HTML outside the allowed set, unsafe
    ``{...}`` attributes, links no reader can follow) and code blocks in a language Pygments
    does not know, one warning each with file and line.
    The same for every medium, so a build reports them once."""
    medium = Medium(name="print", image_url=lambda image: image.name,
                    section_url=lambda section: f"#{section.id}",
                    anchor_url=lambda section, anchor: f"#{anchor}")
    renderer = BodyRenderer(medium, sections)
    for section in sections:
        renderer.section_body(section)
    order = {section.source: number for number, section in enumerate(sections)}
    return [str(problem) for problem in sorted(
        renderer.problems, key=lambda p: (order.get(p.file, -1), p.line or 0))]


def _inside_removed_html(tokens) -> set[int]:
    """The children of an inline token that end up inside removed raw HTML
    (``<script>*x*</script>``). They are not rendered at all, so their letters do not count
    towards the EPUB's page-break offsets: print never shows them."""
    if not any(token.type == "html_inline" for token in tokens):
        return set()
    probe = [Raw(token.content) if token.type == "html_inline" else Open("<i>")
             if token.nesting == 1 else Close("</i>") if token.nesting == -1 else Piece("")
             for token in tokens]
    return set(sanitise(probe, inline=True, report=False).dropped)


def _link_text(tokens, idx: int) -> str:
    """The text of the link opened at ``idx`` when it is text only (no emphasis, code or
    image in it), else ""."""
    text = []
    for token in tokens[idx + 1:]:
        if token.type == "link_close":
            return "".join(text)
        if token.type != "text":
            return ""
        text.append(token.content)
    return ""


def _html(part) -> str:
    return part if isinstance(part, str) else part.html


def _alt_text(tokens) -> str:
    """An image description as alt text: raw HTML in it is text there, as markdown-it has it."""
    return "".join(token.content if token.type == "html_inline" else plain_text([token])
                   for token in tokens or [])


def _plain(text: str) -> str:
    """Text from the manuscript for an attribute or a caption: without page-break stand-ins."""
    return text.replace(MARK, "")


def _block_attribute(token: Token) -> str:
    """`` data-block="..."`` for elements the renderer writes by hand (figures, pull quotes)."""
    block = token.attrs.get("data-block")
    return f' data-block="{escape(str(block))}"' if block else ""
