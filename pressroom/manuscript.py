"""The manuscript reader: ``manuscript/*.md`` (with optional front matter) -> Sections.

Markdown is CommonMark (markdown-it-py) plus footnotes, tables, attributes
(``{#id .class key=value}``) and typographic quotes and dashes. A paragraph that holds
nothing but one image becomes a :class:`~pressroom.model.Figure`; other images stay inline.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attrs
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.deflist import deflist_plugin

from . import images
from .config import FRONT_MATTER_FIELDS, UNPUBLISHABLE, parse_yaml, read_mapping, slugify
from .diagnostics import Problem, SourceError
from .crossref import crossref_plugin
from .model import Figure, Footnote, Image, Section, Table, walk_tokens

PLACEMENTS = ("full-width", "full-bleed", "half")
#: ``{width=...}`` on a figure: a percentage of the text width, or a length in mm, cm or in.
_WIDTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|mm|cm|in)\s*$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(\r?\n|\Z)", re.S)


@functools.cache
def markdown() -> MarkdownIt:
    """The one Markdown dialect of every manuscript."""
    return (MarkdownIt("commonmark", {"typographer": True, "html": True})  # sanitised: render.py
            .enable(["replacements", "smartquotes", "table"])
            .use(footnote_plugin)
            .use(deflist_plugin)  # pandoc's definition lists: "Term" then ": definition"
            .use(attrs_plugin)
            .use(attrs_block_plugin)
            .use(crossref_plugin))  # @fig-x, [-@tbl-x]: crossref.py


def read_sections(root: Path, folder: Path | None = None) -> list[Section]:
    """Every section of the manuscript (or of ``folder``: a translation's), in file-name order;
    all problems reported together."""
    folder = folder or root / "manuscript"
    files = sorted(folder.glob("*.md"))
    if not files:
        raise SourceError(Problem("no sections found; add Markdown files (01-intro.md, ...)",
                                  folder))
    md = markdown()
    sections: list[Section] = []
    problems: list[Problem] = []
    images_dir = root / "images"
    inside = root.resolve()
    for path in files:
        if not path.resolve().is_relative_to(inside):
            problems.append(Problem("is a link to a file outside the publication; copy the file "
                                    "into manuscript/", path))
            continue
        try:
            sections.append(read_section(path, md, images_dir))
        except SourceError as error:
            problems.extend(error.problems)
    if problems:
        raise SourceError(problems)
    return sections


def read_section(path: Path, md: MarkdownIt, images_dir: Path) -> Section:
    """One Markdown file -> a Section (tokens, figures, footnotes), checked."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(Problem(f"cannot be read ({error.strerror}); check the file's "
                                  "permissions", path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(Problem("is not UTF-8 text; save it as UTF-8", path, line)) from None
    text = text.replace("\r\n", "\n")
    unpublishable(text, path)
    front, body, body_line = split_front_matter(text, path)
    if not body.strip() and "title" not in front:
        raise SourceError(Problem("is empty; write the section's text or remove the file", path, 1))

    env: dict = {}
    tokens = md.parse(body, env)
    offset = body_line - 1
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + offset, token.map[1] + offset]

    decoded: list[Problem] = []
    _decoded_controls(tokens, path, decoded)
    if decoded:
        raise SourceError(decoded)
    section_id = front.get("id") or slugify(re.sub(r"^[0-9]+[-_ .]*", "", path.stem))
    _image_attributes(tokens)
    _heading_attributes(tokens, section_id)
    title = typographic(front["title"]) if "title" in front else None
    if title is None:
        title, tokens = _take_title(tokens)
    if not title:
        raise SourceError(Problem("has no title; start it with a '# Heading' line or add "
                                  "'title:' in front matter", path, 1))

    tokens, footnote_tokens = _split_footnotes(tokens)
    problems: list[Problem] = []
    tables: list[Table] = []
    tokens = _table_captions(tokens, path, tables, problems)
    footnotes = _footnotes(footnote_tokens, env, section_id)
    figures: list[Figure] = []
    _undefined_footnotes(tokens, path, problems)
    _resolve_images(tokens, path, images_dir, problems)
    tokens = _make_figures(tokens, path, images_dir, figures, problems)
    if problems:
        raise SourceError(problems)
    id_line = next((number for number, line in enumerate(text.splitlines()[:body_line], 1)
                    if "id" in front and re.match(r"id\s*:", line)), 1)
    return Section(id=section_id, title=title, kind=front.get("kind", "body"), source=path,
                   tokens=tokens, figures=figures, tables=tables, footnotes=footnotes,
                   id_line=id_line)


def unpublishable(text: str, path: Path) -> None:
    """A problem for each line holding a character no output can hold."""
    problems = {}
    for match in UNPUBLISHABLE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        problems.setdefault(line, Problem(
            f"contains the invisible character U+{ord(match[0]):04X}, which no output can hold; "
            "delete it", path, line))
    if problems:
        raise SourceError(list(problems.values()))


def split_front_matter(text: str, path: Path) -> tuple[dict, str, int]:
    """(front matter values, Markdown body, line number where the body starts)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1
    problems: list[Problem] = []
    node = parse_yaml(match[1] or "", path, first_line=2)
    values = read_mapping(node, FRONT_MATTER_FIELDS, path, 2, problems)
    if problems:
        raise SourceError(problems)
    return values, text[match.end():], match[0].count("\n") + 1


def typographic(text: str) -> str:
    """Plain text with the manuscript's typography: curly quotes, en and em dashes."""
    md = markdown()
    return plain_text(md.parseInline(text)[0].children) if text else text


def plain_text(tokens: list[Token] | None, keep_html: bool = False) -> str:
    """The text of inline tokens without markup (for titles); with ``keep_html``, raw HTML is
    kept as the characters the author typed (alt text is plain text: ``<red>`` is words)."""
    out = []
    for token in tokens or []:
        if token.type in ("text", "code_inline") or (keep_html and token.type == "html_inline"):
            out.append(token.content)
        elif token.type == "crossref":  # "Figure 3" once resolved (assemble), else as written
            target = token.meta.get("target")
            out.append(target.text if target else token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.children:
            out.append(plain_text(token.children, keep_html))
    return "".join(out)


def _take_title(tokens: list[Token]) -> tuple[str | None, list[Token]]:
    """The first level-1 heading becomes the title and leaves the body."""
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            return plain_text(tokens[i + 1].children).strip(), tokens[:i] + tokens[i + 3:]
    return None, tokens


def _heading_attributes(tokens: list[Token], section_id: str) -> None:
    """``## Heading {#id .class}`` sets the heading's attributes; other headings get an id."""
    used: set[str] = set()
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        children = tokens[i + 1].children or []
        last = children[-1] if children else None
        if last is not None and last.type == "text" and last.content.rstrip().endswith("}"):
            start = last.content.rfind("{")
            attrs = attributes(last.content[start:].rstrip()) if start >= 0 else None
            if attrs is not None:
                last.content = last.content[:start].rstrip()
                for key, value in attrs.items():
                    token.attrs[key] = value
        if "id" not in token.attrs:
            base = f"{section_id}-{heading_slug(plain_text(children))}"
            candidate, n = base, 1
            while candidate in used:
                n += 1
                candidate = f"{base}-{n}"
            token.attrs["id"] = candidate
        used.add(str(token.attrs["id"]))


#: An id with a dot or colon, which pandoc allows (``{#sec.alpha}``) and markdown-it's attribute
#: syntax does not: written again as ``id="sec.alpha"``, which both read the same.
_DOTTED_ID = re.compile(r"(?<=[{\s])#([^\s{}#.\"'][^\s{}#\"']*)(?=[\s}])")


#: A value pandoc reads without quotes that markdown-it's syntax needs quoted (``width=50%``).
_BARE_VALUE = re.compile(r"(?<=[{\s])([A-Za-z_][\w:-]*)=([^\s\"'{}=]+)(?=[\s}])")


def attributes(text: str) -> dict | None:
    """A ``{#id .class key=value}`` list (pandoc's syntax, dotted ids included) as a dict;
    None when ``text`` is not one."""
    pandoc = _BARE_VALUE.sub(lambda match: f'{match[1]}="{match[2]}"',
                             _DOTTED_ID.sub(lambda match: f'id="{match[1]}"', text))
    for attempt in (text, pandoc):
        try:
            end, attrs = parse_attrs(attempt)
        except ParseError:
            continue
        if end == len(attempt) - 1:
            return attrs
    return None


def _image_attributes(tokens: list[Token]) -> None:
    """An image followed by an attribute list markdown-it could not read (a dotted id:
    ``![..](x.png){#fig.x}``) gets it, as pandoc would give it."""
    for token in tokens:
        children = token.children or []
        for image, after in zip(children, children[1:]):
            if image.type != "image" or after.type != "text" or not after.content.startswith("{"):
                continue
            end = after.content.find("}")
            attrs = attributes(after.content[:end + 1]) if end > 0 else None
            if attrs is not None:
                for key, value in attrs.items():
                    image.attrs[key] = (f"{image.attrs[key]} {value}" if key == "class"
                                        and image.attrs.get(key) else value)
                after.content = after.content[end + 1:]


def _table_captions(tokens: list[Token], path: Path, tables: list[Table],
                    problems: list[Problem]) -> list[Token]:
    """A paragraph ``: Caption {#tbl-id}`` (or ``Table: Caption``) right after a table, or
    right before it, becomes the table's caption: a :class:`Table` on the ``table_open``
    token's meta, kept with its table in every output."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "table_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close"
                       and tokens[j].level == token.level)
            before = out[-3:] if _caption_paragraph(out[-3:]) else None
            after = tokens[end + 1:end + 4] if _caption_paragraph(tokens[end + 1:end + 4]) else None
            caption = after or before
            if caption and token.level == caption[0].level and not caption[0].hidden:
                if caption is before:
                    del out[-3:]
                table = _table(token, caption[1], path, problems)
                tables.append(table)
                token.meta["table"] = table
                out.extend(tokens[i:end + 1])
                i = end + 1 + (3 if caption is after else 0)
                continue
        out.append(token)
        i += 1
    return out


_CAPTION_START = re.compile(r"^(?::|Table:)[ \t]+")


def _caption_paragraph(tokens: list[Token]) -> bool:
    """Whether three tokens are a paragraph that starts ``: `` or ``Table: ``."""
    if [token.type for token in tokens] != ["paragraph_open", "inline", "paragraph_close"]:
        return False
    children = tokens[1].children
    return (bool(children) and children[0].type == "text"
            and bool(_CAPTION_START.match(children[0].content)))


def _table(table_open: Token, inline: Token, path: Path, problems: list[Problem]) -> Table:
    """The table's caption: its text without ``:``, its trailing attributes on the table."""
    line = inline.map[0] + 1 if inline.map else None
    children = list(inline.children)
    first = children[0]
    children[0] = first.copy(content=_CAPTION_START.sub("", first.content, count=1))
    attrs: dict = {}
    last = children[-1]
    if last.type == "text" and last.content.rstrip().endswith("}"):
        start = last.content.rfind("{")
        found = attributes(last.content[start:].rstrip()) if start >= 0 else None
        if found is not None:
            attrs = found
            children[-1] = last.copy(content=last.content[:start].rstrip())
    caption = inline.copy(children=[child for child in children
                                    if child.type != "text" or child.content])
    if not plain_text(caption.children).strip():
        problems.append(Problem("table caption is empty; write what the table shows after the "
                                "colon: ': Landings by month {#tbl-landings}'", path, line))
    classes = tuple(str(attrs.get("class", "")).split())
    table_id = str(attrs["id"]) if attrs.get("id") else None
    if table_id:
        table_open.attrs["id"] = table_id
    if classes:
        table_open.attrs["class"] = " ".join(classes)
    return Table(id=table_id, caption=caption, classes=classes, line=line,
                 numbered="unnumbered" not in classes)


def heading_slug(text: str) -> str:
    """A heading's id part: the ASCII slug of a Latin heading (``Café`` -> ``cafe``, as before),
    else the heading's own letters and digits (``目录`` -> ``目录``: Unicode ids are valid in HTML
    and EPUB), never the "publication" of an empty ASCII slug."""
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", text).encode(
        "ascii", "ignore").decode().lower()).strip("-")
    if ascii_slug:
        return slugify(text)
    own = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", text).lower()).strip("-")
    return own or "heading"


def _split_footnotes(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    for i, token in enumerate(tokens):
        if token.type == "footnote_block_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "footnote_block_close")
            return tokens[:i] + tokens[end + 1:], tokens[i + 1:end]
    return tokens, []


def _footnotes(tokens: list[Token], env: dict, section_id: str) -> dict[int, Footnote]:
    """Footnote definitions keyed by markdown-it's id, numbered in order of reference."""
    notes: dict[int, Footnote] = {}
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = []
            note_id = token.meta["id"]
            label = token.meta.get("label") or str(note_id + 1)
            number = len(notes) + 1
            notes[note_id] = Footnote(id=f"{section_id}-fn{number}", label=label,
                                      tokens=current, number=number)
        elif token.type == "footnote_close":
            current = None
        elif token.type != "footnote_anchor" and current is not None:
            current.append(token)
    for note_id, note in notes.items():  # an inline note ^[...] keeps its text in env
        if not note.tokens:
            entry = env["footnotes"]["list"][note_id]
            note.tokens.extend([Token("paragraph_open", "p", 1), Token("inline", "", 0,
                                children=entry.get("tokens", [])), Token("paragraph_close", "p", -1)])
    return notes


_FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


#: Image syntax markdown-it refuses to link (it validates URLs) and so leaves as text.
_REFUSED_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?((?:file|data|javascript|vbscript):[^)\s>]*)", re.I)


def _undefined_footnotes(tokens: list[Token], path: Path, problems: list[Problem]) -> None:
    """A ``[^label]`` left as text: the plugin found no ``[^label]: ...`` definition for it.
    Likewise an image with a ``file:``, ``data:`` or script URL, which must not pass silently."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        text = "".join(child.content for child in token.children if child.type == "text")
        for url in _REFUSED_IMAGE.findall(text):
            problems.append(Problem(f"image '{url}' is a URL; copy the file into images/ and "
                                    "refer to it by name", path,
                                    token.map[0] + 1 if token.map else None))
        for label in dict.fromkeys(_FOOTNOTE_CALL.findall(text)):
            problems.append(Problem(
                f"footnote [^{label}] has no definition; add a line '[^{label}]: the note' "
                "after the paragraph, or remove the call", path,
                token.map[0] + 1 if token.map else None))


def _decoded_controls(tokens: list[Token], path: Path, problems: list[Problem]) -> None:
    """A character reference (``&#12;``) that Markdown decodes to a character no output can
    hold (the file itself was checked by :func:`unpublishable`)."""
    lines = set()
    for token in tokens:
        for child in walk_tokens(token.children or []):
            if child.type == "text" and UNPUBLISHABLE.search(child.content):
                line = token.map[0] + 1 if token.map else None
                if line not in lines:
                    lines.add(line)
                    char = UNPUBLISHABLE.search(child.content)[0]
                    problems.append(Problem(
                        f"a character reference stands for U+{ord(char):04X}, a control "
                        "character no output can hold; delete it", path, line))


def _resolve_images(tokens: list[Token], path: Path, images_dir: Path,
                    problems: list[Problem]) -> None:
    """Attach an inspected Image to every image token (``token.meta['image']``)."""
    line = 1
    for token in tokens:
        if token.map:
            line = token.map[0] + 1
        for child in token.children or []:
            if child.type != "image":
                continue
            try:
                found = images.resolve(child.attrs.get("src", ""), images_dir, path, line)
                child.meta["image"] = images.inspect(found, path, line)
            except SourceError as error:
                problems.extend(error.problems)


def _make_figures(tokens: list[Token], path: Path, images_dir: Path, figures: list[Figure],
                  problems: list[Problem]) -> list[Token]:
    """Replace each paragraph holding one image (and nothing else) by a ``figure`` token."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (token.type == "paragraph_open" and i + 2 < len(tokens)
                and _lone_image(tokens[i + 1]) is not None):
            image_token = _lone_image(tokens[i + 1])
            line = token.map[0] + 1 if token.map else None
            figure = _figure(image_token, path, line, len(figures) + 1, problems)
            if figure is not None:
                figures.append(figure)
                out.append(Token("figure", "figure", 0, meta={"figure": figure}, map=token.map))
            i += 3
            continue
        out.append(token)
        i += 1
    return out


def _lone_image(inline: Token) -> Token | None:
    if inline.type != "inline":
        return None
    children = [c for c in inline.children or []
                if not (c.type == "text" and not c.content.strip()) and c.type != "softbreak"]
    if len(children) == 1 and children[0].type == "image":
        return children[0]
    return None


def _figure(token: Token, path: Path, line: int | None, index: int,
            problems: list[Problem]) -> Figure | None:
    image: Image | None = token.meta.get("image")
    if image is None:  # the image's own problem is already reported
        return None
    alt = plain_text(token.children, keep_html=True).strip()
    caption = typographic(str(token.attrs.get("title") or "").strip())
    classes = tuple(str(token.attrs.get("class", "")).split())
    if not alt:
        problems.append(Problem(f"figure '{image.name}' has no alt text; describe the picture "
                                "for readers who cannot see it: ![what it shows](file \"Caption\")",
                                path, line))
    if len([c for c in classes if c in PLACEMENTS]) > 1:
        problems.append(Problem(f"figure '{image.name}' has more than one placement; choose one "
                                f"of .{', .'.join(PLACEMENTS)}", path, line))
    width = None
    if token.attrs.get("width"):
        match = _WIDTH.match(str(token.attrs["width"]))
        if not match or float(match[1]) <= 0 or (match[2] == "%" and float(match[1]) > 100):
            problems.append(Problem(f"figure '{image.name}': width '{token.attrs['width']}' is "
                                    "not a width; write a share of the text width (width=50%) "
                                    "or a length (width=60mm)", path, line))
        else:
            width = f"{float(match[1]):g}{match[2]}"
    figure_id = str(token.attrs.get("id") or f"fig-{slugify(image.path.stem)}")
    return Figure(id=figure_id, image=image, alt=alt, caption=caption,
                  credit=typographic(str(token.attrs["credit"])) if token.attrs.get("credit") else None,
                  classes=classes, line=line, number=index, id_given=bool(token.attrs.get("id")),
                  numbered="unnumbered" not in classes, width=width)
