"""mammoth's HTML of a Word document -> the manuscript's Markdown, one section per Heading 1.

The walker writes the dialect ``manuscript.py`` reads: ``![alt](file "Caption")`` figures,
pipe tables with a ``: Caption`` line, ``[^n]`` notes defined at the end of their section.
Word's text is escaped so that it reads the same after the build: every character Markdown
(or the typographer: ``--``, ``(c)``) would take as syntax is written with a backslash.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote

import lxml.html
import yaml

from ..config import UNPUBLISHABLE, slugify

_SPECIAL = re.compile(r"([\\`*_\[\]<>{}#&|~^!$])")
_TYPOGRAPHER = [
    (re.compile(r"--"), r"-\\-"),                        # en and em dashes
    (re.compile(r"\((c|r|tm|p)\)", re.I), r"\\(\1)"),   # (c) -> ©
    (re.compile(r"\+-"), r"+\\-"),                      # +- -> ±
    (re.compile(r"([?!,.])(?=\1)"), r"\\\1"),           # .. -> …, ???? -> ???, ,, -> ,
]
_LINE_START = [
    (re.compile(r"^(\d+)([.)])(?=[ \t]|$)"), r"\1\\\2"),  # 1. or 1) would start a list
    (re.compile(r"^([-+:])(?=[ \t]|$)"), r"\\\1"),     # a list item, a definition
    (re.compile(r"^="), r"\\="),                       # a setext heading's underline
]
_NOTE = re.compile(r"^#(?:.*-)?(footnote|endnote)-(-?\d+)$")
_NOTE_BACK = re.compile(r"^#(?:.*-)?(footnote|endnote)-ref-")
_EXTERNAL = re.compile(r"^(https?|mailto|ftp):", re.I)
_URL_SAFE = ":/?#[]@!$&'*+,;=%~"  # all but spaces, parentheses and angle brackets stay as given
_HEADING = {f"h{n}": n for n in range(1, 7)}
#: "Figure 3: ", "Table 1.2 – ": the number label Word's Insert Caption writes.
_CAPTION_LABEL = re.compile(r"^\w+\.?\s+\d+(?:[.\-–]\d+)*\s*[:.–—-]?\s+")


def escape(text: str) -> str:
    """Word's text as Markdown that renders to the same text (not at a line's start)."""
    text = _SPECIAL.sub(r"\\\1", text)
    for pattern, replacement in _TYPOGRAPHER:
        text = pattern.sub(replacement, text)
    return text


def escape_line_start(markdown: str) -> str:
    """Escape what would make a line a list, a setext underline or a definition."""
    for pattern, replacement in _LINE_START:
        markdown = pattern.sub(replacement, markdown)
    return markdown


def _punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith(("P", "S")) or char == "\\"


def plain(element) -> str:
    return " ".join("".join(element.itertext()).split())


@dataclass
class Report:
    """What could not be carried over, one line each, in order and without repeats."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        if line not in self.lines:
            self.lines.append(line)


@dataclass
class Section:
    """One manuscript file: its file name, title and Markdown."""

    name: str
    title: str
    text: str


@dataclass
class Converted:
    title: str | None
    title_from: str | None  # which paragraph gave the title, when properties had none
    subtitle: str | None
    sections: list[Section]
    tables: int
    notes: int


class _Notes:
    """The notes called in one section, numbered in order of call."""

    def __init__(self, bodies: dict[str, object]):
        self.bodies = bodies
        self.called: list[str] = []

    def call(self, key: str) -> int | None:
        if key not in self.bodies:
            return None
        if key not in self.called:
            self.called.append(key)
        return self.called.index(key) + 1


class Walker:
    """Turns mammoth's HTML (top-level blocks) into sections of Markdown."""

    def __init__(self, report: Report, captions_numbered: bool = False):
        self.report = report
        self.captions_numbered = captions_numbered
        self.targets: dict[str, str] = {}  # bookmark id -> link target (file or file#id)
        self.heading_ids: dict[int, str] = {}  # id(heading element) -> its explicit id
        self.notes = _Notes({})
        self.note_count = 0
        self.table_count = 0
        self.unpublishable = 0

    # --- the document ---

    def convert(self, html: str, fallback_title: str | None) -> Converted:
        root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
        bodies = {}
        for item in root.xpath("./ol/li[@id]"):
            match = _NOTE.match("#" + item.get("id"))
            if match:
                bodies[f"{match[1]}-{match[2]}"] = item
        for item in bodies.values():
            parent = item.getparent()
            if parent.getparent() is not None:
                parent.getparent().remove(parent)
        for comments in root.xpath("./dl"):
            root.remove(comments)
        self.notes = _Notes(bodies)
        blocks = [block for block in root if isinstance(block.tag, str)]

        title = subtitle = title_from = None
        first_h1 = next((i for i, b in enumerate(blocks) if b.tag == "h1"), len(blocks))
        for block in blocks[:first_h1]:
            if block.tag == "p" and "title" in block.classes and title is None and plain(block):
                title, title_from = plain(block), "Title"
                blocks.remove(block)
            elif block.tag == "p" and "subtitle" in block.classes and subtitle is None:
                subtitle = plain(block) or None
                blocks.remove(block)
        if title is None and first_h1 < len(blocks):
            title_from = "Heading 1"
            title = plain(next(b for b in blocks if b.tag == "h1"))

        captions = self._pair_captions(blocks)
        groups: list[tuple[object | None, list]] = [(None, [])]
        for block in blocks:
            if block.tag == "h1":
                groups.append((block, []))
            else:
                groups[-1][1].append(block)
        if not any(self._has_content(b) for b in groups[0][1]):
            groups.pop(0)
        names = self._names(groups, fallback_title or title)
        self._find_targets(groups, names)

        sections = []
        for (heading, body), (name, section_title) in zip(groups, names):
            sections.append(Section(name, section_title,
                                    self._section(heading, body, section_title, captions,
                                                  front=heading is None and len(groups) > 1)))
        if self.unpublishable:
            self.report.add(f"{self.unpublishable} invisible control character"
                            f"{'s' * (self.unpublishable != 1)} left out (no output can hold "
                            "them)")
        return Converted(title, title_from if title else None, subtitle, sections,
                         self.table_count, self.note_count)

    def _has_content(self, block) -> bool:
        return bool(plain(block)) or block.find(".//img") is not None

    def _names(self, groups, title: str | None) -> list[tuple[str, str]]:
        names, used = [], set()
        for number, (heading, _) in enumerate(groups, 1):
            text = plain(heading) if heading is not None else (title or "Introduction")
            slug = slugify(text)
            if slug == "publication" and "publication" not in text.lower():
                slug = "section"
            candidate, n = slug, 1
            while candidate in used:
                n += 1
                candidate = f"{slug}-{n}"
            used.add(candidate)
            names.append((f"{number:02d}-{candidate}.md", text))
        return names

    def _find_targets(self, groups, names) -> None:
        """Where each bookmark in a heading leads: a Heading 1's to its section file, a lower
        heading's to the file and the id written on the heading."""
        for (heading, body), (name, _) in zip(groups, names):
            section_id = name[3:-3]
            used: set[str] = set()
            for block in ([heading] if heading is not None else []) + body:
                if block.tag not in _HEADING:
                    continue
                marks = [a.get("id") for a in block.iter("a") if a.get("id")]
                if block.tag == "h1":
                    for mark in marks:
                        self.targets[mark] = name
                    continue
                base = f"{section_id}-{slugify(plain(block))}"
                candidate, n = base, 1
                while candidate in used:
                    n += 1
                    candidate = f"{base}-{n}"
                used.add(candidate)
                if marks:
                    self.heading_ids[id(block)] = candidate
                    for mark in marks:
                        self.targets[mark] = f"{name}#{candidate}"

    # --- captions ---

    def _is_figure(self, block) -> bool:
        if block.tag != "p" or "caption" in block.classes:
            return False
        images = block.findall(".//img")
        if not images:
            return False
        return not "".join(block.itertext()).strip()

    def _pair_captions(self, blocks) -> dict[int, object]:
        """Each figure's or table's Caption paragraph (the one after it, else the one before),
        removed from the blocks; id(figure or table) -> caption element."""
        captions: dict[int, object] = {}

        def captionable(block) -> bool:
            return (block.tag == "table" or self._is_figure(block)) and id(block) not in captions

        for block in list(blocks):
            if block.tag != "p" or "caption" not in block.classes:
                continue
            i = blocks.index(block)
            before = blocks[i - 1] if i > 0 else None
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            owner = (before if before is not None and captionable(before) else
                     after if after is not None and captionable(after) else None)
            if owner is None:
                if plain(block):
                    self.report.add(f"the caption {_quoted(plain(block))} is next to no picture "
                                    "or table; kept as an ordinary paragraph")
                continue
            captions[id(owner)] = block
            blocks.remove(block)
        return captions

    def _caption_text(self, caption) -> str:
        text = plain(caption)
        if self.captions_numbered and _CAPTION_LABEL.match(text):
            self.report.add(f"caption numbers such as {_quoted(_CAPTION_LABEL.match(text)[0].strip())}"
                            " left out: the layout numbers figures and tables itself")
            text = _CAPTION_LABEL.sub("", text, count=1)
        return self._clean(text)

    # --- sections and blocks ---

    def _section(self, heading, body, title, captions, front: bool) -> str:
        self.notes = _Notes(self.notes.bodies)
        parts = []
        if front:
            parts.append("---\n" + yaml.safe_dump({"title": escape(title), "kind": "front"},
                                                   allow_unicode=True, sort_keys=False,
                                                   width=1000) + "---")
        else:
            parts.append("# " + (self._inline(heading, "heading") if heading is not None
                                 else escape(title)))
        for block in body:
            text = self._block(block, captions)
            if text.strip():
                parts.append(text)
        defined = 0
        while defined < len(self.notes.called):  # a note may call another
            key = self.notes.called[defined]
            defined += 1
            parts.append(self._note(defined, self.notes.bodies[key]))
        self.note_count += len(self.notes.called)
        return "\n\n".join(parts) + "\n"

    def _block(self, block, captions) -> str:
        tag = block.tag
        if tag in _HEADING:
            text = "#" * _HEADING[tag] + " " + self._inline(block, "heading")
            if id(block) in self.heading_ids:
                text += f" {{#{self.heading_ids[id(block)]}}}"
            return text
        if tag == "table":
            return self._table(block, captions.get(id(block)))
        if tag in ("ul", "ol"):
            return self._list(block, "")
        if tag == "blockquote":
            inner = "\n\n".join(t for t in (self._block(b, captions) for b in block) if t.strip())
            return "\n".join(("> " + line).rstrip() for line in inner.split("\n"))
        if self._is_figure(block):
            return self._figure(block, captions.get(id(block)))
        return self._inline(block, "text")

    def _figure(self, block, caption) -> str:
        caption_text = self._caption_text(caption) if caption is not None else ""
        out = []
        images = [img for img in block.iter("img") if img.get("src")]
        for n, img in enumerate(images, 1):
            alt = self._clean(img.get("alt") or "")
            title = caption_text if n == len(images) else ""
            if not alt:
                alt = title
            title_src = escape(title).replace("\\", "\\\\").replace('"', '\\"')
            out.append(f"![{escape(alt)}]({img.get('src')}" +
                       (f' "{title_src}"' if title else "") + ")")
        return "\n\n".join(out)

    def _table(self, table, caption) -> str:
        self.table_count += 1
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        grid: list[list[str]] = []
        pending: dict[int, int] = {}  # column -> rows still covered by a cell above
        merged = simplified = False
        for row in rows:
            cells, column = [], 0
            for cell in row.xpath("./td|./th"):
                while pending.get(column):
                    pending[column] -= 1
                    cells.append("")
                    column += 1
                paragraphs = [c for c in cell if isinstance(c.tag, str)]
                if len([p for p in paragraphs if plain(p)]) > 1 or any(
                        p.tag not in ("p",) for p in paragraphs):
                    simplified = True
                text = " ".join(t for t in (self._inline(p, "cell") for p in paragraphs) if t)
                if not paragraphs:
                    text = self._inline(cell, "cell")
                span = int(cell.get("colspan", "1") or 1)
                down = int(cell.get("rowspan", "1") or 1)
                if span > 1 or down > 1:
                    merged = True
                for extra in range(span):
                    cells.append(text if extra == 0 else "")
                    if down > 1:
                        pending[column] = down - 1
                    column += 1
            while pending.get(column):
                pending[column] -= 1
                cells.append("")
                column += 1
            grid.append(cells)
        width = max((len(r) for r in grid), default=0)
        if not width:
            return ""
        grid = [r + [""] * (width - len(r)) for r in grid]
        where = _quoted(" ".join(c for c in grid[0] if c) or "(empty)")
        if merged:
            self.report.add(f"table {self.table_count} (first row {where}): merged cells split "
                            "into single cells, the text in the first; check it reads right")
        if simplified:
            self.report.add(f"table {self.table_count} (first row {where}): cells with several "
                            "paragraphs or lists joined into one line each")
        lines = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in grid[1:]]
        text = "\n".join(line.replace("|  |", "| |") for line in lines)
        if caption is not None:
            text += "\n\n: " + escape(self._caption_text(caption))
        return text

    def _list(self, block, indent: str) -> str:
        lines = []
        for number, item in enumerate(block.xpath("./li"), 1):
            marker = "-" if block.tag == "ul" else f"{number}."
            pad = indent + " " * (len(marker) + 1)
            nested = [child for child in item if child.tag in ("ul", "ol")]
            for child in nested:
                item.remove(child)
            text = self._inline(item, "text").replace("\n", "\n" + pad)
            lines.append(f"{indent}{marker} {text}".rstrip())
            for child in nested:
                lines.append(self._list(child, pad))
        return "\n".join(lines)

    def _note(self, number: int, item) -> str:
        paragraphs = [p for p in item if isinstance(p.tag, str)] or [item]
        texts = [t for t in (self._block(p, {}) for p in paragraphs) if t.strip()]
        if not texts:
            texts = [""]
        first = f"[^{number}]: {texts[0]}"
        rest = ["    " + t.replace("\n", "\n    ") for t in texts[1:]]
        return "\n\n".join([first.replace("\n", "\n    "), *rest])

    # --- inline content ---

    def _clean(self, text: str) -> str:
        text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
        cleaned, n = UNPUBLISHABLE.subn("", text)
        self.unpublishable += n
        return cleaned

    def _inline(self, element, mode: str) -> str:
        """An element's content as inline Markdown; ``mode`` is text, heading or cell (no line
        breaks in the last two)."""
        pieces: list[str] = []
        self._children(element, mode, pieces)
        text = "".join(pieces)
        lines = []
        for line in text.split("\n"):
            line = line.strip(" ")
            lines.append(escape_line_start(line))
        text = "\n".join(lines)
        if mode != "text":
            text = " ".join(text.split())
        return text.strip()

    def _children(self, element, mode: str, pieces: list[str]) -> None:
        if element.text:
            pieces.append(escape(self._clean(element.text)))
        for child in element:
            if isinstance(child.tag, str):
                pieces.append(self._element(child, mode))
            if child.tail:
                pieces.append(escape(self._clean(child.tail)))

    def _element(self, element, mode: str) -> str:
        tag = element.tag
        if tag == "br":
            return "\\\n" if mode == "text" else " "
        if tag == "img":
            if not element.get("src"):
                return ""
            return f"![{escape(self._clean(element.get('alt') or ''))}]({element.get('src')})"
        if tag == "a":
            return self._link(element, mode)
        inner_pieces: list[str] = []
        self._children(element, mode, inner_pieces)
        inner = "".join(inner_pieces)
        if tag == "strong":
            return self._emphasis(element, inner, "**", "strong")
        if tag == "em":
            return self._emphasis(element, inner, "*", "em")
        if tag in ("sup", "sub", "s"):
            if tag == "sup" and _only_note_calls(element):
                return inner  # a note call, already marked as one
            return f"<{tag}>{inner}</{tag}>" if inner.strip() else inner
        if tag in ("p", "li", "span", "u", "div"):
            return inner
        return inner

    def _emphasis(self, element, inner: str, marker: str, tag: str) -> str:
        core = inner.strip(" ")
        if not core:
            return inner
        lead = inner[:len(inner) - len(inner.lstrip(" "))]
        trail = inner[len(inner.rstrip(" ")):]
        touching = ((element.getprevious() is not None and not (element.getprevious().tail or "")
                     and element.getprevious().tag in ("strong", "em"))
                    or (not (element.tail or "") and element.getnext() is not None
                        and element.getnext().tag in ("strong", "em")))
        if touching or "\n" in core or _punctuation(core[0]) or _punctuation(core[-1]):
            return f"{lead}<{tag}>{core}</{tag}>{trail}"
        return f"{lead}{marker}{core}{marker}{trail}"

    def _link(self, element, mode: str) -> str:
        href = element.get("href") or ""
        inner_pieces: list[str] = []
        self._children(element, mode, inner_pieces)
        inner = "".join(inner_pieces)
        if not href or _NOTE_BACK.match(href):
            return inner if href == "" else ""
        note = _NOTE.match(href)
        if note:
            if mode == "heading":
                self.report.add(f"a note called in the heading {_quoted(plain(element.getparent()))}"
                                " left out: call it from the text instead")
                return ""
            number = self.notes.call(f"{note[1]}-{note[2]}")
            return f"[^{number}]" if number else ""
        if not inner.strip():
            return inner
        if href.startswith("#"):
            target = self.targets.get(href[1:])
            if target:
                return f"[{inner}]({target})"
            self.report.add(f"the link {_quoted(plain(element))} to a place inside the document "
                            "that is no heading became plain text; link it again as "
                            "[text](NN-section.md#heading-id)")
            return inner
        if not _EXTERNAL.match(href):
            self.report.add(f"the link {_quoted(plain(element))} to {_quoted(href, 60)} (not a "
                            "web address) became plain text")
            return inner
        return f"[{inner}]({quote(href, safe=_URL_SAFE)})"


def _only_note_calls(element) -> bool:
    """True when ``element`` holds note calls and nothing else (mammoth's <sup><a>[1]</a>)."""
    links = list(element.iter("a"))
    return bool(links) and all(_NOTE.match(a.get("href") or "") for a in links) and \
        " ".join(element.itertext()).split() == " ".join(
            "".join(a.itertext()) for a in links).split()


def _quoted(text: str, length: int = 40) -> str:
    return f"'{text if len(text) <= length else text[:length - 1].rstrip() + '…'}'"
