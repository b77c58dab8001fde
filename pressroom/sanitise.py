"""Raw HTML in the manuscript, made safe: a small allowlist of book markup, nothing else.

Markdown may carry raw HTML (``H<sub>2</sub>O``, ``<abbr title="...">UN</abbr>``, a ``<div>``
or ``<table>`` block). Every piece of it goes through :func:`sanitise`:

1. ammonia (the ``nh3`` library, a real HTML5 parser) keeps only the elements and attributes
   of :data:`INLINE_TAGS` / :data:`BLOCK_TAGS` and :data:`ATTRIBUTES`; it drops scripts, styles,
   embedded content, forms, SVG and MathML *with their content*, unwraps every other element
   (its text stays), and drops comments. No URL attribute is allowed at all (no ``<a>``,
   ``<img>``, ``cite``...): pictures and links go through Markdown, which checks them.
2. The result is written again as well-formed XHTML (``<br/>``, no named entities, no
   characters XML forbids) by :class:`_Writer`, which also keeps to the content models an
   EPUB checker enforces (``<li>`` only in lists, no block inside a phrase, ``<time>`` only
   with a valid ``datetime``...).

markdown-it hands inline HTML over tag by tag (``<sup>``, text, ``</sup>``) and block HTML
block by block, with Markdown in between. :func:`sanitise` therefore takes the whole run of
parts of a paragraph (or of a section body): raw HTML (:class:`Raw`) and the renderer's own,
already safe, output (:class:`Open` / :class:`Close` for an element of Markdown's, and
:class:`Piece` for anything else). The renderer's output is replaced by placeholders during
sanitising, so the HTML parser balances raw and Markdown elements together, and a Markdown
text that sits inside a removed element (``<script>*x*</script>``) is removed with it.

:func:`findings` says, for the user, what was removed and what to do instead; the renderer
turns those into build warnings naming the manuscript file and line.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import Sequence, Union

import nh3

# ---------- The policy ----------

#: Phrasing elements, allowed anywhere raw HTML may appear (inside a paragraph too).
INLINE_TAGS = frozenset({
    "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup",
    "time", "u", "var", "wbr"})
#: Block elements, allowed in an HTML block (raw HTML on lines of its own) but not in a paragraph.
BLOCK_ONLY_TAGS = frozenset({
    "blockquote", "caption", "dd", "div", "dl", "dt", "hr", "li", "ol", "p", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul"})
BLOCK_TAGS = INLINE_TAGS | BLOCK_ONLY_TAGS
VOID_TAGS = frozenset({"br", "hr", "wbr"})

#: Attributes allowed on every allowed element, and per element.
GLOBAL_ATTRIBUTES = frozenset({"lang", "title", "dir"})
ATTRIBUTES = {
    "span": frozenset({"class"}), "div": frozenset({"class"}),
    "time": frozenset({"datetime"}), "del": frozenset({"datetime"}),
    "ins": frozenset({"datetime"}),
    "th": frozenset({"colspan", "rowspan", "scope"}), "td": frozenset({"colspan", "rowspan"}),
    "ol": frozenset({"start"}), "li": frozenset({"value"}),
}

#: Elements removed together with everything inside them.
CLEAN_CONTENT_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "noframes",
    "object", "embed", "applet", "audio", "video", "canvas", "svg", "math", "form", "button",
    "select", "textarea", "datalist", "title", "head", "xmp", "noembed", "plaintext", "map"})

#: An element only valid inside one of these parents; elsewhere it is unwrapped.
REQUIRED_PARENT = {"li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "rt": {"ruby"},
                   "rp": {"ruby"}}
#: An element only valid with this attribute (a valid value); without it, it is unwrapped.
REQUIRED_ATTRIBUTE = {"bdo": "dir", "time": "datetime"}

_LANGUAGE = re.compile(r"^(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)?$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?"
                       r"(?:Z|[+-](\d{2}):?(\d{2}))?$")
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$")
_DURATION = re.compile(r"^P(?=\d|T\d)(?:\d+D)?"
                       r"(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d{1,3})?S)?)?$")


def _valid_datetime(value: str) -> bool:
    """A machine-readable date or time as HTML's ``datetime`` attribute takes it (the common
    forms: 2024, 2024-03, 2024-03-15, 2024-03-15T09:30, 09:30, P3D, PT2H30M)."""
    value = value.strip()
    if _DURATION.match(value):
        return True
    if match := _DATE.match(value):
        year, month, day = match.groups()
        try:
            dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            return False
        return int(year) > 0
    if match := _DATETIME.match(value):
        try:
            dt.date.fromisoformat(match[1])
        except ValueError:
            return False
        hours, minutes = int(match[2]), int(match[3])
        seconds = int(match[4] or 0)
        return (hours < 24 and minutes < 60 and seconds < 60
                and int(match[5] or 0) < 24 and int(match[6] or 0) < 60)
    if match := _TIME.match(value):
        return int(match[1]) < 24 and int(match[2]) < 60 and int(match[3] or 0) < 60
    return False


def _integer(low: int, high: int):
    def check(value: str) -> bool:
        value = value.strip()
        return bool(re.fullmatch(r"[+-]?\d{1,6}", value)) and low <= int(value) <= high
    return check


#: What a valid value looks like, where it matters (EPUBCheck validates these).
_VALUES = {
    "lang": lambda value: bool(_LANGUAGE.match(value.strip())),
    "dir": lambda value: value.strip().lower() in ("ltr", "rtl", "auto"),
    "datetime": _valid_datetime,
    "colspan": _integer(1, 1000), "rowspan": _integer(0, 65534),
    "start": _integer(-999999, 999999), "value": _integer(-999999, 999999),
    "scope": lambda value: value.strip().lower() in ("row", "col", "rowgroup", "colgroup"),
}
_VALUE_HINTS = {
    "lang": "a language tag such as fr or zh-Hans", "dir": "ltr or rtl",
    "datetime": "a date such as 2024-03-15 (or 2024-03-15T09:30, 09:30)",
    "colspan": "a whole number from 1", "rowspan": "a whole number", "start": "a whole number",
    "value": "a whole number", "scope": "row, col, rowgroup or colgroup",
}


def allowed_attribute(tag: str, name: str, value: str) -> bool:
    """Whether raw HTML may keep ``name="value"`` on ``<tag>``."""
    if name not in GLOBAL_ATTRIBUTES and name not in ATTRIBUTES.get(tag, ()):
        return False
    if tag == "bdo" and name == "dir" and value.strip().lower() == "auto":
        return False
    check = _VALUES.get(name)
    return check is None or check(value)


# ---------- What the user is told ----------

#: Elements that hold no text of their own: removing them loses nothing but themselves.
EMPTY_TAGS = frozenset({"head", "meta", "base", "link", "img", "source", "image", "area", "track",
                        "input", "embed", "param", "col", "colgroup"})
#: What to do instead, per element. What happened to its text is not written here: it follows
#: from what the sanitiser does (CLEAN_CONTENT_TAGS lose it, others keep it), so the message
#: cannot say the opposite of what happens.
ADVICE = {
    **dict.fromkeys(("script", "noscript"), "a book cannot run scripts"),
    "style": "style the publication in its layout's CSS (layouts/<name>/print.css, epub.css), "
             'through a class: <span class="...">',
    **dict.fromkeys(("svg", "math", "canvas"), "save it as a file in images/ (SVG or PNG) and "
                                               "write ![what it shows](file.svg)"),
    **dict.fromkeys(("iframe", "frame", "frameset", "noframes", "object", "embed", "applet",
                     "audio", "video", "noembed"),
                    "embedded content cannot be printed: give a link [text](https://...) or a "
                    "picture"),
    **dict.fromkeys(("form", "button", "select", "textarea", "datalist", "input", "option",
                     "label", "fieldset", "legend", "output"), "forms cannot work in a book"),
    "title": "the publication's title comes from publication.yaml",
    **dict.fromkeys(("head", "meta", "base", "link", "html", "body"),
                    "a section cannot change the document: the publication's metadata comes "
                    "from publication.yaml and its styles from the layout"),
    **dict.fromkeys(("img", "picture", "source", "image", "map", "area", "track"),
                    "put the picture in images/ and write ![what it shows](file.jpg)"),
    "a": "write links in Markdown: [text](https://...) or [text](02-section.md#id)",
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "write headings in Markdown: ## Heading"),
    **dict.fromkeys(("figure", "figcaption"),
                    "a figure is a Markdown image alone in its paragraph: "
                    '![what it shows](file.jpg "Caption")'),
    "aside": "for a pull quote, put {.pull} on the line above a Markdown blockquote",
    "pre": "for code, use a fenced block between ``` lines",
    **dict.fromkeys(("xmp", "plaintext", "template"),
                    "it is not among the HTML a publication may use (README: Raw HTML)"),
}
_ALLOWED_LIST = ", ".join(sorted(BLOCK_TAGS))


def _tag_message(tag: str, inline: bool) -> str:
    if inline and tag in BLOCK_ONLY_TAGS:
        return (f"raw HTML <{tag}> inside a paragraph or a note removed (its text kept); "
                "block HTML belongs in the main text, on lines of its own with a blank line "
                "before and after")
    advice = ADVICE.get(tag, "it is not among the HTML a publication may use: " + _ALLOWED_LIST)
    return f"raw HTML <{tag}> {outcome(tag, inline)}; {advice}"


@functools.cache
def outcome(tag: str, inline: bool) -> str:
    """What removing the element does to the text inside it: found by cleaning a probe, so
    the message says what the sanitiser really does (an HTML parser keeps the text of some
    elements it is told to drop with their content, and drops the text of others)."""
    if tag in EMPTY_TAGS or tag in VOID_TAGS:
        return "removed"
    probe = "q" + secrets.token_hex(6)
    kept = probe in sanitise([Raw(f"<{tag}>{probe}</{tag}>")], inline, report=False).html
    return "removed (its text kept)" if kept else "removed with its content"


def _attribute_message(tag: str, name: str, value: str) -> str:
    if name.startswith("on"):
        advice = "a book cannot run scripts"
    elif name == "style":
        advice = (f'give it a class (<{tag} class="...">) and style the class in the layout\'s '
                  "CSS" if "class" in ATTRIBUTES.get(tag, ()) else
                  "style the publication in its layout's CSS")
    elif name == "id":
        advice = ("ids come from Markdown ({#id} after a heading, image or link), so they "
                  "stay unique")
    elif name in GLOBAL_ATTRIBUTES or name in ATTRIBUTES.get(tag, ()):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return (f"attribute {name}=\"{shown}\" removed from raw HTML <{tag}>; write "
                f"{_VALUE_HINTS.get(name, 'a valid value')}")
    else:
        allowed = sorted(GLOBAL_ATTRIBUTES | ATTRIBUTES.get(tag, frozenset()))
        advice = f"allowed on <{tag}>: {', '.join(allowed)}"
    return f"attribute '{name}' removed from raw HTML <{tag}>; {advice}"


# ---------- The parts of a run of HTML ----------

@dataclass(frozen=True)
class Raw:
    """Raw HTML from the manuscript, starting on ``line`` of its file."""
    html: str
    line: int | None = None


@dataclass(frozen=True)
class Open:
    """The renderer's own (safe) opening tag of a Markdown element; a :class:`Close` follows."""
    html: str


@dataclass(frozen=True)
class Close:
    html: str


@dataclass(frozen=True)
class Piece:
    """The renderer's own (safe) HTML: text, or a whole element (``block``: a figure, a rule,
    a code block; otherwise phrasing content)."""
    html: str
    block: bool = False


Part = Union[Raw, Open, Close, Piece, str]  # a str is a phrasing Piece


@dataclass
class Sanitised:
    html: str
    dropped: list[int]                       # indices of the renderer's parts left out
    findings: list[tuple[int | None, str]]   # (line, message) for each removal


#: Raw HTML may not contain these: they stand for the renderer's parts while sanitising (and
#: U+E000 for the EPUB's page-break markers).
_PRIVATE = re.compile("[\ue000-\ue00f]")
_PLACEHOLDER = re.compile("\ue001([0-9]+)\ue002")
#: Characters XML 1.0 forbids (the EPUB is XML).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_FIRST_TAG = re.compile(r"\s*<([A-Za-z][A-Za-z0-9]*)")


def clean(html: str, inline: bool = False) -> str:
    """One fragment of raw HTML as safe XHTML (``inline``: phrasing elements only)."""
    return sanitise([Raw(html)], inline).html


def sanitise(parts: Sequence[Part], inline: bool, report: bool = True) -> Sanitised:
    """Raw HTML among the renderer's parts, as one safe, well-formed XHTML string.

    ``inline``: the run is phrasing content (a paragraph, a heading, a table cell, a note
    printed at the page foot), so block elements are removed too. ``report``: with the
    findings (what was removed, for the user)."""
    marker = f"pr-{secrets.token_hex(8)}"  # stands for Markdown's elements: unguessable
    pairs: list[list] = []  # [opening html, closing html, tag, Open's index, Close's index]
    opened: list[int] = []
    combined: list[str] = []
    for index, part in enumerate(parts):
        if isinstance(part, str):
            part = Piece(part)
        if isinstance(part, Raw):
            combined.append(_PRIVATE.sub("", part.html))
        elif isinstance(part, Open):
            match = _FIRST_TAG.match(part.html)
            tag = match[1].lower() if match else ""
            pairs.append([part.html, f"</{tag}>" if tag else "", tag, index, None])
            opened.append(len(pairs) - 1)
            combined.append(f'<{marker} data-k="{len(pairs) - 1}">')
        elif isinstance(part, Close):
            if opened:
                key = opened.pop()
                pairs[key][1], pairs[key][4] = part.html, index
                combined.append(f"</{marker}>")
            else:  # nothing to close: keep it as a piece (never happens with markdown-it)
                combined.append(f"\ue001{index}\ue002")
        else:
            combined.append(f"\ue001{index}\ue002")
    allowed_tags = INLINE_TAGS if inline else BLOCK_TAGS
    cleaned = nh3.clean(
        "".join(combined), tags=set(allowed_tags) | {marker},
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={"*": set(GLOBAL_ATTRIBUTES), **{t: set(a) for t, a in ATTRIBUTES.items()},
                    marker: {"data-k"}},
        attribute_filter=lambda tag, name, value: (
            value if tag == marker or allowed_attribute(tag, name, value) else None),
        strip_comments=True, link_rel=None)
    writer = _Writer(marker, pairs, parts, allowed_tags)
    writer.feed(cleaned)
    writer.close()
    used = writer.used | writer.used_pairs | {  # a Markdown element written: both its tags
        pair[4] for pair in pairs if pair[3] in writer.used_pairs and pair[4] is not None}
    dropped = [index for index, part in enumerate(parts)
               if not isinstance(part, Raw) and index not in used]
    return Sanitised("".join(writer.out), dropped, findings(parts, inline) if report else [])


# ---------- Writing the sanitised HTML again, as XHTML ----------

_PHRASING = INLINE_TAGS | {"a", "img", "span", "code", "em", "strong", "s", "sup", "sub"}
_LIST_CHILD = {"ul": ("li", {"li"}), "ol": ("li", {"li"}), "dl": ("dd", {"dt", "dd", "div"})}


class _Writer(HTMLParser):
    """Reads ammonia's output (HTML5, balanced) and writes it as XHTML, putting the renderer's
    parts back in place of their placeholders. Keeps its own stack, so what it writes is
    balanced whatever it reads; checks every element and attribute against the policy again."""

    def __init__(self, marker: str, pairs: list[list], parts: Sequence[Part],
                 allowed: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.marker, self.pairs, self.parts, self.allowed = marker, pairs, parts, allowed
        self.out: list[str] = []
        self.stack: list[tuple[str, str, str]] = []  # (tag, kind: raw|md|implied, closing html)
        self.used: set[int] = set()        # parts written
        self.used_pairs: set[int] = set()  # indices (of Open parts) of Markdown elements written

    # -- structure --

    def _close_top(self) -> None:
        self.out.append(self.stack.pop()[2])

    def _before(self, tag: str | None, block: bool) -> None:
        """Make room for an element (``tag``; None for text or a piece) in the current
        context: a block closes the phrases open around it (as HTML closes a <p>); a list
        takes only its items, so anything else goes into an implied item."""
        if block:
            while self.stack and self.stack[-1][1] != "md" and (
                    self.stack[-1][0] in _PHRASING or self.stack[-1][0] == "p"):
                self._close_top()
        while self.stack and self.stack[-1][1] == "implied" and tag in _LIST_CHILD.get(
                self._parent_of_top(), ("", set()))[1]:
            self._close_top()
        parent = self.stack[-1][0] if self.stack else None
        if parent in _LIST_CHILD and tag not in _LIST_CHILD[parent][1]:
            item = _LIST_CHILD[parent][0]
            self.out.append(f"<{item}>")
            self.stack.append((item, "implied", f"</{item}>"))

    def _parent_of_top(self) -> str | None:
        return self.stack[-2][0] if len(self.stack) > 1 else None

    # -- events --

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == self.marker:
            try:
                key = int(values.get("data-k", ""))
                opening, closing, md_tag, index = self.pairs[key][:4]
            except (ValueError, IndexError):
                return
            if index in self.used_pairs:
                return  # never written twice
            self._before(md_tag or None, md_tag not in _PHRASING and md_tag != "")
            self.used_pairs.add(index)
            self.out.append(opening)
            self.stack.append((md_tag, "md", closing))
            return
        if tag not in self.allowed:
            return
        kept = {name: value for name, value in values.items()
                if allowed_attribute(tag, name, value)}
        required = REQUIRED_ATTRIBUTE.get(tag)
        if required and required not in kept:
            return  # unwrapped: its content stays
        self._before(tag, tag not in _PHRASING)
        parents = REQUIRED_PARENT.get(tag)
        if parents and (self.stack[-1][0] if self.stack else None) not in parents:
            return  # unwrapped: its content stays
        text = "".join(f' {name}="{_attribute(value)}"' for name, value in sorted(kept.items()))
        if tag in VOID_TAGS:
            self.out.append(f"<{tag}{text}/>")
        else:
            self.out.append(f"<{tag}{text}>")
            self.stack.append((tag, "raw", f"</{tag}>"))

    def handle_endtag(self, tag):
        if tag == self.marker:
            kinds = [kind for _, kind, _ in self.stack]
            if "md" in kinds:
                depth = len(kinds) - 1 - kinds[::-1].index("md")
                while len(self.stack) > depth:
                    self._close_top()
            return
        for depth in range(len(self.stack) - 1, -1, -1):
            name, kind, _ = self.stack[depth]
            if kind == "md":
                return  # a raw end tag never closes Markdown's elements
            if kind == "raw" and name == tag:
                while len(self.stack) > depth:
                    self._close_top()
                return

    def handle_data(self, data):
        position = 0
        for match in _PLACEHOLDER.finditer(data):
            self._text(data[position:match.start()])
            index = int(match[1])
            if index < len(self.parts) and index not in self.used:
                part = self.parts[index]
                part = Piece(part) if isinstance(part, str) else part
                if isinstance(part, Piece):
                    self._before(None, part.block)
                    self.used.add(index)
                    self.out.append(part.html)
            position = match.end()
        self._text(data[position:])

    def _text(self, text: str) -> None:
        text = _NOT_XML.sub("", _PRIVATE.sub("", text))
        if not text:
            return
        if text.strip():
            self._before(None, False)
        self.out.append(escape(text, quote=False))

    def close(self):
        super().close()
        while self.stack:
            self._close_top()


def _attribute(value: str) -> str:
    return escape(_NOT_XML.sub("", _PRIVATE.sub("", value)), quote=True)


# ---------- Telling the user ----------

class _Scanner(HTMLParser):
    """Reads the raw HTML as written and notes each element and attribute the policy removes."""

    def __init__(self, inline: bool):
        super().__init__(convert_charrefs=True)
        self.inline = inline
        self.allowed = INLINE_TAGS if inline else BLOCK_TAGS
        self.found: list[tuple[int, str]] = []  # (line in the stream, message)
        self.skipping: list[str] = []           # elements being removed with their content
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping.append(tag)
            return
        if tag not in self.allowed:
            self.found.append((line, _tag_message(tag, self.inline)))
            if tag in CLEAN_CONTENT_TAGS and tag != "head":
                self.skipping.append(tag)
            return
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if not allowed_attribute(tag, name, value):
                self.found.append((line, _attribute_message(tag, name, value)))
        required = REQUIRED_ATTRIBUTE.get(tag)
        if required and not (required in values and allowed_attribute(tag, required,
                                                                      values[required])):
            hint = ('dir="ltr" or dir="rtl"' if tag == "bdo"
                    else 'datetime="2024-03-15" (a date or time)')
            self.found.append((line, f"raw HTML <{tag}> without {required} removed (its text "
                                     f"kept); give it {hint}"))
        if self.stack and (tag == "li" and self.stack[-1] == "li"
                           or tag in ("dt", "dd") and self.stack[-1] in ("dt", "dd")):
            self.stack.pop()  # HTML closes the previous item
        parents = REQUIRED_PARENT.get(tag)
        if parents and (self.stack[-1] if self.stack else None) not in parents:
            within = " or ".join(f"<{p}>" for p in sorted(parents))
            self.found.append((line, f"raw HTML <{tag}> outside {within} removed (its text "
                                     f"kept); put it inside {within}"))
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping.pop()
            return
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_pi(self, data):
        self.found.append((self.getpos()[0], "raw HTML processing instruction <?...> removed; "
                                             "delete it"))

    def unknown_decl(self, data):
        self.found.append((self.getpos()[0], "raw HTML declaration <![...]> removed; write the "
                                             "text as Markdown"))

    def handle_decl(self, decl):
        name = decl.split()[0] if decl.split() else ""
        self.found.append((self.getpos()[0], f"raw HTML <!{name}> removed; delete it"))


def findings(parts: Sequence[Part], inline: bool) -> list[tuple[int | None, str]]:
    """(line, message) for each element or attribute the policy removes from the raw HTML among
    ``parts``, in order, each once per line. Lines come from the :class:`Raw` parts."""
    scanner = _Scanner(inline)
    found: dict[tuple[int | None, str], None] = {}
    stream_line, file_line = 1, None
    for part in parts:
        if not isinstance(part, Raw):
            continue
        first, file_line = stream_line, part.line
        seen = len(scanner.found)
        scanner.feed(_PRIVATE.sub("", part.html))
        for line, message in scanner.found[seen:]:
            found[(None if file_line is None else file_line + max(0, line - first), message)] = None
        stream_line += part.html.count("\n")
    if scanner.skipping:
        tag = scanner.skipping[0]
        found[(file_line, f"raw HTML <{tag}> is never closed, so everything after it is left "
                          f"out; close it with </{tag}> or remove it")] = None
    if scanner.rawdata.startswith("<!--"):
        found[(file_line, "raw HTML comment is never closed with -->, so everything after it "
                          "is left out; close it")] = None
    return list(found)
