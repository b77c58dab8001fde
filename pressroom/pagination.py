"""Where each printed page starts, in the blocks of the section bodies.

``page_starts(document)`` reads a rendered WeasyPrint ``Document``: for every page, the first text
of the normal flow inside an element carrying ``data-block`` (which ``render.BodyRenderer`` writes
in print) and how many letters and digits of that block came on earlier pages. The EPUB places its
page-break markers from these, so "page 7" finds the same words in the e-book as in the brochure.
Offsets count only ``str.isalnum()`` characters: spaces, hyphenation and soft hyphens differ
between the two renderings, letters and digits do not.

Each start carries the page's folio (:mod:`pressroom.folios`): the number the page prints, or
would print (``vii``, ``1``), which names its marker and its entry in the EPUB's page list.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

#: Where a build keeps the screen PDF's page starts (in the output folder), for the EPUB.
STARTS = Path(".cache") / "pagination.json"
#: Text WeasyPrint generates that has no counterpart in the EPUB (list numbers, CSS content).
GENERATED = ("::before", "::after", "::marker")


@dataclass(frozen=True)
class PageStart:
    page: int      # the sheet's place in the PDF, 1-based
    block: str     # "<section-id>/<n>": the n-th top-level block of that section's body
    offset: int    # letters and digits of the block printed on earlier pages
    label: str | None = None   # the folio the page prints or would print (default: ``page``)
    id: str | None = None      # its marker's id in the EPUB (default: ``page-<label>``)

    @property
    def folio(self) -> str:
        return self.label if self.label is not None else str(self.page)

    @property
    def anchor(self) -> str:
        return self.id if self.id is not None else f"page-{self.folio}"


def alnum_count(text: str) -> int:
    return sum(1 for char in text if char.isalnum())


def page_starts(document) -> list[PageStart]:
    """One ``PageStart`` per page with body text, for a rendered WeasyPrint ``document``,
    labelled with the page's folio."""
    from .engine import page_boxes  # loaded by the render: EPUB builds import this module
    from .folios import folios

    labels = [folio.label for folio in folios(document)]
    ids = anchors(labels)
    seen: dict[str, int] = defaultdict(int)
    starts = []
    for number, page_box in enumerate(page_boxes(document), 1):
        first = None
        for text, block in _flow_text(page_box):
            if first is None:
                first = PageStart(number, block, seen[block], labels[number - 1],
                                  ids[number - 1])
            seen[block] += alnum_count(text)
        if first is not None:
            starts.append(first)
    return starts


def anchors(labels: list[str]) -> list[str]:
    """An id for each page's marker: ``page-`` and its folio; a folio that is no plain word
    (``[A-Za-z0-9_]``), or one printed on more than one page (the folios restarted), gets the
    sheet's place in the PDF as well (``page-1-s12``), so ids stay unique and valid."""
    repeated = {label for label, times in Counter(labels).items() if times > 1}
    return [f"page-{label}" if re.fullmatch(r"[A-Za-z0-9_]+", label) and label not in repeated
            else f"page-{re.sub(r'[^A-Za-z0-9_]+', '', label) or 'x'}-s{number}"
            for number, label in enumerate(labels, 1)]


def _flow_text(page_box):
    """``(text, block)`` for the text boxes of a page's normal flow that lie inside a block: not
    the margin boxes or the footnote area (the page box's other children), nor generated text."""
    from .engine import is_text

    if not page_box.children:
        return
    stack = [(page_box.children[0], None)]
    while stack:
        box, block = stack.pop()
        tag = box.element_tag or ""
        if tag.endswith(GENERATED) or box.is_running():
            continue
        element = box.element
        if element is not None and element.get("data-block"):
            block = element.get("data-block")
        if is_text(box):
            if block is not None and alnum_count(box.text):
                yield box.text, block
            continue
        stack.extend((child, block) for child in reversed(getattr(box, "children", ())))


def save(starts: list[PageStart], path: Path) -> None:
    from .atomic import atomic_output

    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps([asdict(start) for start in starts], indent=1), encoding="utf-8")


def load(path: Path) -> list[PageStart]:
    return [PageStart(**item) for item in json.loads(path.read_text(encoding="utf-8"))]
