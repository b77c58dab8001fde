"""A proofreader's checks on finished pages, made on WeasyPrint's layout before the PDF is written.

``check_pages(document, layout_fonts)`` walks the boxes of a rendered WeasyPrint document
and returns one ``Finding`` per problem a designer would mark on a proof: text or images outside
the live area, a heading stranded at a page foot, a split figure, widows and orphans, a figure far
from its reference or from its place in the text, and characters the layout's fonts lack.
Lengths in the layout tree are CSS pixels (1/96 in); messages give points. This module loads
the engine (WeasyPrint): import it where the PDF is rendered, not at the top of modules EPUB
builds load.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from .engine import (glyphs_of, has_glyphs, image_pixels, is_footnote_area, is_line, is_margin,
                     is_replaced, is_text, object_fit, page_boxes)
from .fonts import font_face_families  # noqa: F401 (the layout's fonts, for callers)

PT = 96 / 72                  # CSS px per point
TOLERANCE = 0.5 * PT          # how far past the live area a box may reach (0.5 pt)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class Finding:
    page: int          # 1-based page number
    kind: str          # outside-live-area | heading-at-page-foot | figure-split | caption-split
    #                    | widow | orphan | figure-far-from-reference | missing-glyph
    #                    | fallback-font | fallback-symbol | footnote-moved | picture-cropped
    #                    | picture-resolution
    message: str       # one line a designer understands
    #: For a keep rule broken (KEEP): the CSS selector of the element a forced page break
    #: before would hold it (see pressroom.keep), or None when no break can (the block already
    #: starts its page, or it lies outside the manuscript's blocks).
    keep: str | None = None


#: Findings that stop a build (exit 1): a printer would print them as empty boxes, or text of
#: a script in a face the designer never chose. A symbol from another face (fallback-symbol)
#: is a warning.
ERRORS = frozenset({"missing-glyph", "fallback-font"})
#: Findings of a keep rule: a heading or term (dt) parted from what follows it, a figure from its
#: caption, a table's caption from its table. The build holds them by a forced page break.
KEEP = frozenset({"heading-at-page-foot", "figure-split", "caption-split"})
#: Elements kept with what follows them.
KEPT_WITH_NEXT = HEADINGS | {"dt"}


def check_pages(document, layout_fonts: set[str] | None = None,
                sources: dict[str, str] | None = None, language: str = "en",
                forced=frozenset()) -> list[Finding]:
    """Every finding on the pages of a rendered (not yet written) WeasyPrint ``document``.
    ``sources`` (from ``block_sources``) lets findings name the manuscript file and line;
    ``forced``, the page breaks the build forced (pressroom.keep), that a keep rule broken
    there cannot be held."""
    pages = [_Page(number, box) for number, box in enumerate(page_boxes(document), 1)]
    findings: list[Finding] = []
    for page in pages:
        findings += _outside_live_area(page, sources or {})
    placed = _content_pages(pages)
    findings += keep_findings(document, sources, forced, pages, placed)
    findings += _widows_and_orphans(pages)
    findings += _figure_far_from_reference(pages, placed)
    findings += _glyphs_and_fonts(pages, layout_fonts, sources or {}, language)
    findings += _footnote_moved(pages, sources or {})
    for page in pages:
        findings += _pictures(page, sources or {})
    return sorted(findings, key=lambda finding: finding.page)


def keep_findings(document, sources: dict[str, str] | None = None, forced=frozenset(),
                  pages=None, placed=None) -> list[Finding]:
    """Only the keep rules broken on the pages of ``document`` (KEEP): what the build's
    re-layout (pressroom.keep) looks for after each layout; cheaper than every check.
    ``forced``: the selectors the layout already breaks before (a rule broken there cannot be
    held by a break)."""
    pages = pages or [_Page(number, box) for number, box in enumerate(page_boxes(document), 1)]
    if not pages or not pages[0].flow:
        return []
    placed = placed if placed is not None else _content_pages(pages)
    tree = _Tree(pages[0].flow[0][0].element, sources or {}, frozenset(forced))
    findings = []
    for page in pages[:-1]:
        findings += _heading_at_page_foot(page, tree)
    return findings + _figure_split(placed, tree) + _caption_split(placed, tree)


# ---------- The layout tree ----------

class _Page:
    """A page's box and its boxes in document order, each with its ancestors: ``flow`` (the root
    box), ``notes`` (footnote and note areas), ``text_boxes`` (all text, running heads too)."""

    def __init__(self, number: int, page_box):
        self.number, self.box = number, page_box
        self.flow = list(_walk(page_box.children[0])) if page_box.children else []
        self.notes = [item for child in page_box.children[1:]
                      if not is_margin(child) for item in _walk(child)]
        self.text_boxes = [box for box, _ in _walk(page_box) if is_text(box)
                           and box.text.strip() and has_glyphs(box)]


def _walk(box, ancestors=()):
    """``(box, ancestors)`` for ``box`` and its descendants, in document order."""
    yield box, ancestors
    inner = ancestors + (box,)
    for child in getattr(box, "children", ()):
        yield from _walk(child, inner)


def _elements(box, ancestors):
    """The elements of a box and its ancestors, innermost first, without repeats."""
    seen = []
    for each in (box, *reversed(ancestors)):
        if each.element is not None and (not seen or seen[-1] is not each.element):
            seen.append(each.element)
    return seen


def _is_content(box) -> bool:
    """Whether a box is visible matter: text that is not only spaces, or an image."""
    return (is_text(box) and bool(box.text.strip())) or is_replaced(box)


def _positioned(box, ancestors) -> bool:
    """Whether a box is placed outside the flow: absolutely, fixed or as a running element."""
    return any(each.is_absolutely_positioned() or each.is_running() for each in (box, *ancestors))


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def _text(element_or_text, limit: int = 40) -> str:
    text = element_or_text if isinstance(element_or_text, str) else "".join(
        element_or_text.itertext())
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _file_name(img) -> str:
    """An image's file name: ``data-file`` (the print HTML names each source image so; its
    ``src`` is a content key), else the end of its URL."""
    return (img.get("data-file") or (img.get("src") or "").rsplit("/", 1)[-1])[:40]


def _figure_name(figure) -> str:
    caption = next((child for child in figure.iter() if child.tag == "figcaption"), None)
    name = f"#{figure.get('id')}" if figure.get("id") else "(no id)"
    return name if caption is None else f'{name} "{_text(caption)}"'


def _content_pages(pages) -> dict:
    """For every element with visible content in the flow: the pages it appears on."""
    placed = defaultdict(set)
    for page in pages:
        for box, ancestors in page.flow + page.notes:
            if _is_content(box):
                for element in _elements(box, ancestors):
                    placed[element].add(page.number)
    return placed


class _Tree:
    """The document's elements around a keep finding: parents, the manuscript block an element
    lies in, and where to force a page break (``forced``: the breaks this layout has already)."""

    def __init__(self, root, sources: dict[str, str], forced: frozenset[str]):
        self.parents = {child: parent for parent in root.iter() for child in parent}
        self.sources, self.forced = sources, forced

    def block(self, element):
        """The element carrying ``data-block`` that holds ``element`` (itself included), or None."""
        while element is not None and not element.get("data-block"):
            element = self.parents.get(element)
        return element

    def source(self, element) -> str:
        """' (manuscript/file.md:line)' of the block holding ``element``, or ''."""
        block = self.block(element)
        found = self.sources.get(block.get("data-block")) if block is not None else None
        return f" ({found})" if found else ""

    def group_start(self, element):
        """The first of the blocks that must go to the next page with ``element``: the headings
        and terms right before it, and the first of a row of .half figures."""
        siblings = list(self.parents[element]) if element in self.parents else [element]
        index = siblings.index(element)
        half = "half" in _classes(element)
        while index > 0:
            before = siblings[index - 1]
            if before.tag in KEPT_WITH_NEXT or (half and "half" in _classes(before)):
                index -= 1
            else:
                break
        return siblings[index]

    def forced_break(self, element) -> tuple[str | None, bool]:
        """(selector, held): the CSS selector of the element before which a page break keeps
        ``element`` with its group, and whether such a break can still help (False: the layout
        has it already, and the rule is still broken). The selector is None outside the
        manuscript's blocks."""
        start = self.group_start(element)
        block = self.block(start)
        if block is None:
            return None, True
        path, each = [], start
        while each is not block:
            parent = self.parents[each]
            path.append(f":nth-child({list(parent).index(each) + 1})")
            each = parent
        value = block.get("data-block").replace("\\", "\\\\").replace('"', '\\"')
        selector = " > ".join([f'[data-block="{value}"]', *reversed(path)])
        return (None, False) if selector in self.forced else (selector, True)


# ---------- The checks ----------

def block_sources(publication) -> dict[str, str]:
    """``data-block`` value -> 'manuscript/file.md:line' of that block, for every section."""
    from .diagnostics import display_path
    from .render import block_ordinals

    found = {}
    for section in publication.sections:
        for index, ordinal in block_ordinals(section.tokens).items():
            token = section.tokens[index]
            line = f":{token.map[0] + 1}" if token.map else ""
            found[f"{section.id}/{ordinal}"] = f"{display_path(section.source)}{line}"
    return found


def _outside_live_area(page, sources: dict[str, str]) -> list[Finding]:
    """Text and images reaching past the live area (the page's content box) by more than 0.5 pt:
    one finding per table, and per word or image elsewhere, naming its source line."""
    box = page.box
    if not any((box.margin_top, box.margin_right, box.margin_bottom, box.margin_left)):
        return []                                   # a page designed to the edge (the cover)
    left, top = box.content_box_x(), box.content_box_y()
    right, bottom = left + box.width, top + box.height
    worst: dict = {}  # table element or content box -> (distance, edge, what, source)
    for child, ancestors in page.flow + page.notes:
        elements = _elements(child, ancestors) if _is_content(child) else []
        if not elements or _positioned(child, ancestors) or any(
                "full-bleed" in _classes(element) or (element.tag == "section"
                                                      and "cover" in _classes(element))
                for element in elements):
            continue
        x, width = child.content_box_x(), child.width
        if hasattr(child, "text"):          # a line's slot: its glyph box may outgrow line-height
            y, height = child.position_y, child.margin_height()
        else:
            y, height = child.content_box_y(), child.height
        past = {"left": left - x, "right": x + width - right,
                "top": top - y, "bottom": y + height - bottom}
        edge, distance = max(past.items(), key=lambda item: item[1])
        if distance <= TOLERANCE:
            continue
        table = next((element for element in elements if element.tag == "table"), None)
        block = next((element.get("data-block") for element in elements
                      if element.get("data-block")), None)
        source = f" ({sources[block]})" if block in sources else ""
        pre = next((element for element in elements if element.tag == "pre"), None)
        if table is not None:
            key, what = table, "a table"
        elif pre is not None:
            key, what = pre, "a line of code"
        elif hasattr(child, "text"):
            key, what = child, f'text "{_text(child.text, 30)}"'
        else:
            key, what = child, f'image "{_file_name(child.element)}"'
        if distance > worst.get(key, (0,))[0]:
            worst[key] = (distance, edge, what, source)
    advice = {"a table": "shorten its headings, drop columns or set it {.full-width}",
              "a line of code": "break the line in the manuscript"}
    return [Finding(page.number, "outside-live-area",
                    f"page {page.number}: {what}{source} reaches {distance / PT:.1f} pt past the "
                    f"{edge} edge of the live area; "
                    + advice.get(what, "break long words with a soft hyphen (&shy;) or shorten "
                                       "them" if what.startswith("text") else "scale it down"))
            for distance, edge, what, source in worst.values()]


#: A picture cropped by its box (``object-fit: cover``) to less than this share of its width or
#: height is a warning: a banner in a half-width box reads "you nee".
CROP_VISIBLE = 0.6
#: Below this many pixels per inch, printers refuse a picture (the preflight's threshold);
#: press files want PPI_GOOD.
PPI_REFUSED, PPI_GOOD = 200, 300


def _pictures(page, sources: dict[str, str]) -> list[Finding]:
    """Source pictures (figures, inline pictures, the cover) that the layout crops heavily
    or enlarges below the press's minimum resolution, each named by file and source line
    with the size it can print at."""
    findings = []
    for box, ancestors in page.flow:
        pixels = image_pixels(box) if is_replaced(box) else None
        element = box.element
        if not pixels or element is None or not (element.get("src") or "").startswith(
                "source-image:") or not box.width or not box.height:
            continue
        cover = "cover-image" in _classes(element)
        name = f"the cover picture \"{_file_name(element)}\"" if cover and not element.get(
            "data-file") else f'picture "{_file_name(element)}"'
        block = next((each.get("data-block") for each in _elements(box, ancestors)
                      if each.get("data-block")), None)
        where = f" ({sources[block]})" if block in sources else ""
        (iw, ih), (bw, bh) = pixels, (box.width, box.height)
        fit = object_fit(box)
        if fit == "cover":
            scale_x = scale_y = max(bw / iw, bh / ih)
        elif fit in ("contain", "scale-down"):
            scale_x = scale_y = min(bw / iw, bh / ih, 1 if fit == "scale-down" else 1e9)
        elif fit == "none":
            scale_x = scale_y = 1.0
        else:  # fill
            scale_x, scale_y = bw / iw, bh / ih
        seen_x, seen_y = min(1, bw / (iw * scale_x)), min(1, bh / (ih * scale_y))
        if min(seen_x, seen_y) < CROP_VISIBLE:
            share, side = (seen_x, "width") if seen_x <= seen_y else (seen_y, "height")
            findings.append(Finding(page.number, "picture-cropped", (
                f"page {page.number}: {name}{where} is cropped to {share:.0%} of its {side} by "
                f"its box in the layout ({bw / bh:.2f}:1; the picture is {iw / ih:.2f}:1); "
                "crop the picture to about the box's proportions yourself, or place it "
                "another way")))
        ppi = 96 / max(scale_x, scale_y)
        if ppi < PPI_REFUSED:
            largest = iw / PPI_REFUSED * 25.4
            good = iw / PPI_GOOD * 25.4
            findings.append(Finding(page.number, "picture-resolution", (
                f"page {page.number}: {name}{where} prints at {ppi:.0f} ppi, {bw / 96 * 25.4:.0f} "
                f"mm wide; printers refuse pictures below {PPI_REFUSED} ppi: print it at most "
                f"{largest:.0f} mm wide ({{width={largest:.0f}mm}}; {good:.0f} mm for "
                f"{PPI_GOOD} ppi), or supply a picture of {round(bw / 96 * PPI_GOOD)} px or more "
                "across")))
    return findings


def _heading_at_page_foot(page, tree: _Tree) -> list[Finding]:
    """A heading or term (dt) that is the last thing in the flow of a page the document continues
    after."""
    content = [(box, ancestors) for box, ancestors in page.flow
               if _is_content(box) and not _positioned(box, ancestors)] or [(page.box, ())]
    heading = next((element for element in _elements(*content[-1])
                    if element.tag in KEPT_WITH_NEXT), None)
    if heading is None:
        return []
    what = "term" if heading.tag == "dt" else "heading"
    keep, held = tree.forced_break(heading)
    message = (f'page {page.number}: {what} "{_text(heading)}"{tree.source(heading)} is the last '
               f"thing on the page; it should start the next page")
    if not held:
        message = (f'page {page.number}: {what} "{_text(heading)}"{tree.source(heading)} could '
                   "not be kept with what follows it, even at the top of a page: what follows "
                   "is too tall to join it there; scale its figure down or shorten what follows")
    return [Finding(page.number, "heading-at-page-foot", message, keep)]


def _figure_split(placed, tree: _Tree) -> list[Finding]:
    """A figure whose content is on more than one page (image and caption parted, or split)."""
    findings = []
    for figure, numbers in placed.items():
        if figure.tag != "figure" or len(numbers) < 2:
            continue
        parts = {child.tag: placed.get(child, set()) for child in figure.iter()
                 if child.tag in ("img", "figcaption")}
        if parts.get("img") and parts.get("figcaption") and parts["img"] != parts["figcaption"]:
            how = (f"its image is on page {_pages(parts['img'])} and its caption on page "
                   f"{_pages(parts['figcaption'])}")
        else:
            how = f"it runs over pages {_pages(numbers)}"
        keep, held = tree.forced_break(figure)
        advice = ("keep it on one page" if held else "it could not be kept whole even at the "
                  "top of a page; scale the image down or shorten its caption")
        findings.append(Finding(min(numbers), "figure-split",
                                f"page {min(numbers)}: figure {_figure_name(figure)}"
                                f"{tree.source(figure)} is split: {how}; {advice}", keep))
    return findings


def _caption_split(placed, tree: _Tree) -> list[Finding]:
    """A table whose caption is on an earlier page than its first row."""
    findings = []
    for table, numbers in placed.items():
        caption = next((child for child in table if child.tag == "caption"), None) \
            if table.tag == "table" else None
        rows = [placed[row] for row in table.iter() if row.tag == "tr" and row in placed]
        if caption is None or caption not in placed or not rows:
            continue
        at, first_row = max(placed[caption]), min(min(row) for row in rows)
        if at >= first_row:
            continue
        keep, held = tree.forced_break(table)
        advice = ("keep them on one page" if held else "even at the top of a page they could "
                  "not be kept together; shorten the table or split it in two, each captioned")
        findings.append(Finding(at, "caption-split",
                                f'page {at}: the caption "{_text(caption)}"{tree.source(table)} '
                                f"is parted from its table, which starts on page {first_row}; "
                                f"{advice}", keep))
    return findings


def _pages(numbers) -> str:
    return "–".join(str(n) for n in sorted({min(numbers), max(numbers)}))


def _widows_and_orphans(pages) -> list[Finding]:
    """A paragraph split across pages with a single line left at a foot or carried to a top."""
    lines = defaultdict(lambda: defaultdict(int))      # paragraph -> page -> its lines there
    for page in pages:
        for box, _ in page.flow:
            if is_line(box) and box.element_tag == "p":
                lines[box.element][page.number] += 1
    findings = []
    for paragraph, per_page in lines.items():
        if len(per_page) < 2:
            continue
        first, last = min(per_page), max(per_page)
        name = f'"{_text(paragraph, 30)}"'
        if per_page[first] == 1:
            findings.append(Finding(first, "orphan",
                                    f"page {first}: paragraph {name} leaves its first line alone "
                                    f"at the foot of the page (orphan)"))
        if per_page[last] == 1:
            findings.append(Finding(last, "widow",
                                    f"page {last}: the last line of paragraph {name} stands alone "
                                    f"at the top of the page (widow)"))
    return findings


def _figure_far_from_reference(pages, placed) -> list[Finding]:
    """A figure not on the page of its first reference or the next (later references may be
    anywhere: "as Figure 1 showed"), or not by its place in the text."""
    if not pages or not pages[0].flow:
        return []
    root = pages[0].flow[0][0].element
    parents = {child: parent for parent in root.iter() for child in parent}
    links = defaultdict(list)
    for element in placed:
        if element.tag == "a" and (element.get("href") or "").startswith("#"):
            links[element.get("href")[1:]].append(min(placed[element]))
    findings = []
    for figure, numbers in placed.items():
        if figure.tag != "figure" or not figure.get("id"):
            continue
        at, name = min(numbers), _figure_name(figure)
        for linked in sorted(links.get(figure.get("id"), ()))[:1]:
            if not 0 <= at - linked <= 1:
                findings.append(Finding(at, "figure-far-from-reference",
                                        f"page {at}: figure {name} is referred to on page {linked};"
                                        f" it should be on that page or the next"))
        before = _preceding_with_content(figure, parents, placed)
        if before is not None and not 0 <= at - max(placed[before]) <= 1:
            findings.append(Finding(at, "figure-far-from-reference",
                                    f"page {at}: figure {name} follows text that ends on page "
                                    f"{max(placed[before])}; it should be on that page or the "
                                    f"next"))
    return findings


def _preceding_with_content(element, parents, placed):
    """The nearest earlier sibling of ``element`` that has visible content in the flow."""
    siblings = list(parents.get(element, [element]))
    return next((sibling for sibling in reversed(siblings[:siblings.index(element)])
                 if sibling in placed), None)


def _footnote_moved(pages, sources: dict[str, str]) -> list[Finding]:
    """A footnote printed on another page than its call (the reader must turn the page). The
    build cannot force a break inside a paragraph, so these stay warnings, naming the call's
    manuscript line."""
    calls, notes, lines = {}, {}, {}
    for page in pages:
        for box, ancestors in page.flow:
            if (box.element_tag or "").endswith("::footnote-call"):
                calls.setdefault(box.element, page.number)
                lines.setdefault(box.element, _source_of(box, ancestors, sources))
        for box, ancestors in page.notes:
            if ancestors and is_footnote_area(ancestors[-1]):
                notes.setdefault(box.element, page.number)
    return [Finding(notes[element], "footnote-moved",
                    f'page {notes[element]}: footnote "{_text(element)}"'
                    + (f" ({lines[element]})" if lines.get(element) else "")
                    + f" is printed a page after its call on page {page}"
                    + ("; shorten the note, or move its call earlier in the paragraph"
                       if lines.get(element) else ""))
            for element, page in calls.items() if element in notes and notes[element] != page]


def _glyphs_and_fonts(pages, layout_fonts, sources, language) -> list[Finding]:
    """Characters drawn with .notdef, or (given the layout's fonts) with another font: one
    finding per page, manuscript line and font, naming the characters and their script."""
    from .fonts import is_symbol, script_name

    wanted = {name.casefold() for name in layout_fonts} if layout_fonts is not None else None
    found = {}                            # (page, kind, font, source) -> characters, in order
    for page in pages:
        for box, ancestors in _walk(page.box):
            if not (is_text(box) and box.text.strip() and has_glyphs(box)):
                continue
            for char, font, missing in glyphs_of(box):
                if unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cc", "Cf"):
                    continue
                if missing or (wanted is not None and font.casefold() not in wanted):
                    kind = ("missing-glyph" if missing else
                            "fallback-symbol" if is_symbol(char) else "fallback-font")
                    source = _source_of(box, ancestors, sources)
                    found.setdefault((page.number, kind, font, source), {})[char] = None
    findings = []
    for (number, kind, font, source), chars in found.items():
        shown = list(chars)[:8]
        quoted = f'"{"".join(shown)}" ({", ".join(f"U+{ord(c):04X}" for c in shown)}' + (
            ", …)" if len(chars) > 8 else ")")
        verb = "has" if len(chars) == 1 else "have"
        scripts = ", ".join(dict.fromkeys(script_name(char, language) for char in chars))
        where = f"{source}: " if source else ""
        if kind == "missing-glyph":
            message = (f"{where}page {number}: {quoted} {verb} no glyph in any font; it prints "
                       f"as an empty box (.notdef of {font}); give the layout a face for "
                       f"{scripts} (layout.yaml, fonts:)")
        else:
            message = (f"{where}page {number}: {quoted} {verb} no glyph in the layout's faces; "
                       f"Pango used {font}; give the layout a face for {scripts} "
                       "(layout.yaml, fonts:)")
        findings.append(Finding(number, kind, message))
    return findings


def _source_of(box, ancestors, sources) -> str:
    """The manuscript file and line of the block a box belongs to, or ''."""
    for element in _elements(box, ancestors):
        block = element.get("data-block")
        if block:
            return sources.get(block, "")
    return ""
