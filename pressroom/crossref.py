"""Cross-references and numbering, in the syntax Quarto and pandoc authors already write.

A figure, a captioned table (``: Caption {#tbl-id}`` after it) or a section or heading
(``{#sec-id}``) is referred to as ``@fig-id``, ``@tbl-id`` or ``@sec-id``: the reference
becomes a link reading "Figure 3", "Table 2" or "Section II" in the layout's words
(``[-@fig-id]`` or ``-@fig-id``: the number alone, for languages that decline the noun). Figures and tables are numbered through the publication or
through each section ("Figure 2.3"), as the layout's ``numbering`` says. The reader
(:func:`crossref_plugin`) makes ``crossref`` tokens; :func:`number_and_resolve` numbers and
resolves them once the whole manuscript is read, so every output reads the same.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from .diagnostics import Problem
from .model import Section, Target
from .words import Words

#: The kinds of id a reference may name, as Quarto prefixes them. Pandoc ids may hold dots and
#: colons (``sec.alpha``); a dot or colon at the end is punctuation, not id.
ID = r"(?:fig|tbl|sec)-[\w-]*\w(?:[.:][\w-]*\w)*"
_BARE = re.compile(ID)
_BRACKETED = re.compile(r"\[(-?)@(" + ID + r")\]")
#: What may stand before ``@`` for it to start a reference (not ``name@fig-host.org``).
_WORD_BEFORE = re.compile(r"[\w.@/-]")


@dataclass(frozen=True)
class Numbering:
    """How the layout numbers figures and tables (``layout.yaml``'s ``numbering:``)."""

    scope: str = "publication"  # or "section": Figure 2.3
    sections: str = "upper-roman"  # how "Section II" writes a section's number


NUMBERING_SCOPES = ("publication", "section")
NUMERAL_STYLES = ("decimal", "upper-roman", "lower-roman")


def crossref_plugin(md: MarkdownIt) -> None:
    """``@fig-x``, ``[@fig-x]``, ``[-@fig-x]`` and ``-@fig-x`` as ``crossref`` tokens (meta:
    id, bare)."""
    md.inline.ruler.before("link", "crossref", _crossref)


def _crossref(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] == "[":
        match = _BRACKETED.match(src, pos)
        bare = bool(match and match[1])
        ref = match[2] if match else None
    elif src[pos] in "-@" and not (pos and _WORD_BEFORE.match(src[pos - 1])):
        bare = src[pos] == "-"  # -@fig-x: the number alone ("на рисунке -@fig-x")
        match = _BARE.match(src, pos + 1 + bare) if src.startswith("@", pos + bare) else None
        ref = match[0] if match else None
    else:
        return False
    if not match:
        return False
    if not silent:
        token = state.push("crossref", "", 0)
        token.meta = {"id": ref, "bare": bare}
        token.content = src[pos:match.end()]
    state.pos = match.end()
    return True


def number_and_resolve(sections: list[Section], numbering: Numbering,
                       words: Words) -> list[Problem]:
    """Number the figures and captioned tables, label them in the layout's words, and point
    every reference at its target; a reference to no id is a problem with file and line."""
    targets: dict[str, Target] = {}
    problems: list[Problem] = []
    by_publication = {"figure": 0, "table": 0}
    for section in sections:
        by_section = {"figure": 0, "table": 0}
        for kind, item in _numbered(section):
            if not item.numbered:
                continue
            by_publication[kind] += 1
            by_section[kind] += 1
            item.number = (by_section if numbering.scope == "section" else by_publication)[kind]
            item.number_text = (f"{section.number}.{item.number}" if numbering.scope == "section"
                                and section.number else str(item.number))
            item.label = unbroken(words.fill(f"{kind}_label", number=item.number_text),
                                  item.number_text)
            if item.id:
                targets[item.id] = Target(section, item.id, item.label, item.number_text)
        _section_targets(section, numbering, words, targets)
    for section in sections:
        for line, token in section.inline_tokens():
            if token.type != "crossref":
                continue
            target = targets.get(token.meta["id"])
            if target is None:
                problems.append(Problem(_unresolved(token.meta["id"], targets, sections),
                                        section.source, line))
            token.meta["target"] = target
    return problems


def _numbered(section: Section):
    """(kind, item) for the section's figures and captioned tables, in reading order."""
    items = [(figure.line or 0, "figure", figure) for figure in section.figures]
    items += [(table.line or 0, "table", table) for table in section.tables]
    return [(kind, item) for _, kind, item in sorted(items, key=lambda entry: entry[0])]


def _section_targets(section: Section, numbering: Numbering, words: Words,
                     targets: dict[str, Target]) -> None:
    """The section itself (by its id) and each of its headings (by theirs): a numbered section
    reads "Section II"; a heading, or a section without a number, reads as its title."""
    from .manuscript import plain_text  # (manuscript imports this module)

    number = numeral(section.number, numbering.sections) if section.number else ""
    text = unbroken(words.fill("section_label", number=number), number) if number else section.title
    targets.setdefault(section.id, Target(section, None, text, number))
    for index, token in enumerate(section.tokens):
        if token.type == "heading_open" and token.attrs.get("id"):
            title = plain_text(section.tokens[index + 1].children).strip()
            targets.setdefault(str(token.attrs["id"]), Target(section, str(token.attrs["id"]),
                                                              title, title))


def unbroken(label: str, number: str) -> str:
    """"Figure 3" with a no-break space: a line never ends between a label and its number."""
    return re.sub(r"[ \t]+(?=" + re.escape(number) + ")|(?<=" + re.escape(number) + r")[ \t]+",
                  "\u00a0", label, count=1)


def numeral(number: int, style: str) -> str:
    from .layouts import roman

    if style == "upper-roman":
        return roman(number)
    if style == "lower-roman":
        return roman(number).lower()
    return str(number)


def _unresolved(ref: str, targets: dict[str, Target], sections: list[Section]) -> str:
    kind = {"fig": "figure", "tbl": "table", "sec": "section or heading"}[ref.split("-", 1)[0]]
    close = difflib.get_close_matches(ref, list(targets), n=1)
    hint = (f"did you mean @{close[0]}?" if close else
            f"give the {kind} the id: {{#{ref}}}" + (
                " (a table's id goes on its caption line after it: ': Caption {#" + ref + "}')"
                if kind == "table" else ""))
    return f"reference @{ref}: no {kind} has the id '{ref}'; {hint}"
