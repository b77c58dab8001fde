"""Code and web addresses in a publication: where they may break, and code blocks highlighted.

Code and URLs are never hyphenated (the layouts' CSS says so): a hyphen at a line's end would
read as part of the name or the address. They may still break, without a hyphen, where the
Chicago Manual of Style (17th edition, 7.42) breaks a URL:

- after a colon or a double slash (``//``);
- before a single slash, a tilde, a period, a comma, a hyphen, an underline, a question mark,
  a number sign or a percent symbol;
- before or after an equals sign or an ampersand.

So a period or a hyphen begins the next line, where nobody takes it for punctuation or a
hyphenation hyphen. Two details of ours: a colon followed by a slash (``https:`` + ``//``) does
not break, the break coming after the ``//`` instead, and a run of the same mark (``__``,
``..``) is kept together, the break before it. E-mail addresses also break before the ``@``.

``breakable`` writes ``<wbr>`` at those places, and wraps the pieces between that hold other
marks in ``<span class="nobreak">`` (``white-space: nowrap`` in the layouts): the engines'
own line breaking (Unicode's) would otherwise break after a slash or a hyphen as well.

``highlight`` splits a code block into Pygments' tokens: ``(class, text)`` pairs with
Pygments' short CSS class names (``k`` keyword, ``s2`` string, ``c1`` comment...); the token
colours live in the layouts' CSS.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Callable, Iterator

from markdown_it.common.utils import escapeHtml

#: Break after these (Chicago 7.42), and after a double slash.
BREAK_AFTER = frozenset(":")
#: Break before these (Chicago 7.42; ``@`` for e-mail addresses).
BREAK_BEFORE = frozenset("/~.,-_?#%@")
#: Break before and after these (Chicago 7.42).
BREAK_AROUND = frozenset("=&")
#: A web address written in running text (not a link): a scheme and ``//``, or ``www.``.
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.I)
#: Closing punctuation of the sentence around a bare address, not part of it.
_URL_TRAILER = ".,;:!?)]'\u2019\u201d"
#: A link's text that is an address, whatever its link points to.
_URL_TEXT = re.compile(r"^(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|mailto:\S+@\S+)$", re.I)


def break_opportunities(text: str, ignore: str = "") -> list[int]:
    """The indexes ``i`` (``0 < i < len(text)``) at which ``text`` may break between
    ``text[i - 1]`` and ``text[i]``, by the Chicago rule above. Never next to white space (a
    break opportunity already); characters in ``ignore`` (stand-ins that vanish later) are
    passed over as if absent."""
    kept = [index for index, char in enumerate(text) if char not in ignore]
    chars = [text[index] for index in kept]
    points: set[int] = set()
    runs = [(match.start(), match.end()) for match in re.finditer(r"(.)\1*", "".join(chars), re.S)]
    for number, (start, end) in enumerate(runs):
        char = chars[start]
        following = chars[end] if end < len(chars) else ""
        if char == "/" and end - start >= 2 or char in BREAK_AFTER and following != "/":
            points.add(end)
        elif char in BREAK_BEFORE:
            points.add(start)
        elif char in BREAK_AROUND:
            points.update((start, end))
    result = []
    for point in sorted(points):
        if 0 < point < len(chars) and not chars[point - 1].isspace() and not chars[point].isspace():
            result.append(kept[point])  # in ``text``: before the character kept there
    return result


def breakable(text: str, wbr: str, ignore: str = "") -> str:
    """``text`` (code or an address, not yet escaped) as HTML with ``wbr`` (``<wbr>`` or
    ``<wbr/>``) at its break opportunities; the pieces between that hold marks the engines
    would break after are wrapped in ``<span class="nobreak">``. Nothing is added to the text
    a reader copies."""
    points = break_opportunities(text, ignore)
    if not points:
        return escapeHtml(text)
    out, start = [], 0
    for end in [*points, len(text)]:
        piece = text[start:end]
        out.append(_piece(piece, ignore))
        start = end
    return wbr.join(out)


def _piece(piece: str, ignore: str) -> str:
    """One piece between break opportunities; its words kept whole (white space between them
    stays a break opportunity)."""
    def word(match: re.Match) -> str:
        text = match.group(0)
        if all(char.isalnum() or char in ignore for char in text):
            return escapeHtml(text)
        return f'<span class="nobreak">{escapeHtml(text)}</span>'
    return "".join(word(m) if not m.group(0).isspace() else escapeHtml(m.group(0))
                   for m in re.finditer(r"\s+|\S+", piece))


def is_url_text(text: str, href: str = "") -> bool:
    """Whether a link's text is an address: its own target (with or without the scheme,
    ``mailto:`` included) or anything written like a URL."""
    text = text.strip()
    if not text:
        return False
    if href:
        bare = re.sub(r"^(?:[a-z][a-z0-9+.-]*://|mailto:|tel:)", "", href, flags=re.I)
        if text in (href, bare, bare.rstrip("/")):
            return True
    return bool(_URL_TEXT.match(text))


def bare_urls(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each web address written as text in ``text`` (``https://...``,
    ``www....``), without the sentence's closing punctuation after it."""
    for match in _BARE_URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _URL_TRAILER:
            end -= 1
        if end > match.start():
            yield match.start(), end


def with_bare_urls(text: str, url: Callable[[str], str]) -> str:
    """``text`` escaped, each bare web address in it written by ``url`` (given the address,
    not escaped)."""
    out, start = [], 0
    for begin, end in bare_urls(text):
        out.append(escapeHtml(text[start:begin]))
        out.append(url(text[begin:end]))
        start = end
    out.append(escapeHtml(text[start:]))
    return "".join(out)


# --- highlighting ---


class UnknownLanguage(LookupError):
    """A code block's language that Pygments does not know; ``suggestions``: close names."""

    def __init__(self, name: str, suggestions: list[str]):
        super().__init__(name)
        self.name = name
        self.suggestions = suggestions

    def advice(self) -> str:
        """What to tell the author, after ``unknown code language 'x'``."""
        close = " or ".join(f"'{name}'" for name in self.suggestions)
        hint = f" (did you mean {close}?)" if close else ""
        return (f"unknown code language '{self.name}'{hint}; the block is set as plain code: "
                "name a language Pygments knows (https://pygments.org/languages/), or none")


def highlight(code: str, language: str) -> list[tuple[str, str]]:
    """``code`` as Pygments' tokens of ``language``: ``(short CSS class, text)`` pairs whose
    texts join to ``code`` exactly; class ``""`` for plain text, neighbours of one class
    merged. Raises :class:`UnknownLanguage`."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False, tabsize=0)
    except ClassNotFound:
        raise UnknownLanguage(language, _close_names(language)) from None
    pieces: list[tuple[str, str]] = []
    for token_type, value in lexer.get_tokens(code):
        if not value:
            continue
        css = _css_class(token_type)
        if pieces and pieces[-1][0] == css:
            pieces[-1] = (css, pieces[-1][1] + value)
        else:
            pieces.append((css, value))
    if "".join(value for _, value in pieces) != code:  # a lexer that changed the text
        return [("", code)]
    return pieces


def _css_class(token_type) -> str:
    """Pygments' short class of a token type, or of its nearest parent that has one (as its
    HtmlFormatter does); ``""`` for plain text and white space."""
    from pygments.token import STANDARD_TYPES, Text

    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    if token_type in Text:
        return ""
    return STANDARD_TYPES[token_type]


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Every name Pygments knows a language by -> the language (its lexer's name)."""
    from pygments.lexers import get_all_lexers

    return {alias: name for name, aliases, _, _ in get_all_lexers() for alias in aliases}


def _close_names(name: str) -> list[str]:
    """Up to three known names close to ``name``, one per language (the closest)."""
    names = _language_names()
    close: dict[str, str] = {}
    for alias in difflib.get_close_matches(name.lower(), list(names), n=10, cutoff=0.7):
        close.setdefault(names[alias], alias)
    return list(close.values())[:3]


def language_of(info: str) -> str:
    """A fence's language: the first word of its info string (```` ```python ````)."""
    words = info.split(maxsplit=1)
    return words[0] if words else ""
