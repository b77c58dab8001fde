"""Keep rules held on any content: the layout again, with page breaks forced where WeasyPrint 70
left a rule broken.

The layouts' CSS asks for the keeps (``break-after: avoid`` on headings and terms,
``break-inside: avoid`` on figures, a table's caption with its table), and WeasyPrint holds them
between blocks of the flow; not always (a floated figure is laid out as if alone on its page and
splits from its caption). After each layout, ``pagecheck.keep_findings`` finds the rules broken
and the element a page break before would hold each one (the heading, or the first of the
headings right before a figure or a table, or the first of a row of ``.half`` figures); the
document is laid out again with ``break-before: page`` on those elements, at most
:data:`MORE_LAYOUTS` times, and only when a rule is broken. The breaks are CSS given to the
render, addressed by the ``data-block`` every top-level block of the print HTML carries: the
press render runs the same rounds on the same pages and gets the same breaks, so both PDFs
paginate alike. A rule a break cannot hold (a heading followed by a figure taller than the room
under it on an empty page) is left to the page checks, whose warning names the block's file and
line and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

#: Layouts after the first, at most (each one only when the previous broke a keep rule).
MORE_LAYOUTS = 3


@dataclass
class Kept:
    """The breaks a document was laid out with, and how many layouts it took."""
    breaks: tuple[str, ...] = ()   # CSS selectors of the elements a page break is forced before
    layouts: int = 1
    unsettled: list[str] = field(default_factory=list)  # still broken after the last layout


def forced_breaks_css(breaks: tuple[str, ...]) -> str:
    """The stylesheet that forces a page break before each element of ``breaks``."""
    return "".join(f"{selector} {{ break-before: page !important; }}\n" for selector in breaks)


def lay_out_kept(lay_out: Callable[[tuple[str, ...]], tuple[object, list[str]]],
                 sources: dict[str, str] | None = None):
    """``lay_out(breaks)`` (a render with :func:`forced_breaks_css` of ``breaks``: (document,
    warnings)) until no keep rule a break can hold is broken, at most 1 + MORE_LAYOUTS times:
    (document, warnings, Kept). ``sources`` (``pagecheck.block_sources``) names the lines."""
    from .pagecheck import keep_findings

    breaks: tuple[str, ...] = ()
    document, warnings = lay_out(breaks)
    kept = Kept()
    for _ in range(MORE_LAYOUTS + 1):
        wanted = tuple(dict.fromkeys(finding.keep for finding in
                                     keep_findings(document, sources, frozenset(breaks))
                                     if finding.keep))
        if not wanted:
            break
        if kept.layouts > MORE_LAYOUTS:
            kept.unsettled = list(wanted)
            break
        breaks += wanted
        document, warnings = lay_out(breaks)
        kept.layouts += 1
    kept.breaks = breaks
    return document, warnings, kept
