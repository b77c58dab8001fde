"""Folios: the page numbers a laid-out document prints, and the PDF page labels made of them.

The book numbers its front matter in lower-roman and restarts at 1 with its first chapter; the
brochure counts from its cover. Those numbers come from the layout's CSS (``counter(page, ...)``
in the @page margin boxes, ``counter-reset: page`` in the @page rules) as the engine laid the
pages out (:func:`pressroom.engine.page_folios`); nothing here counts pages again. A page that
prints no folio (a cover, a half-title, a blank page) is named by the folio it would carry: its
page counter written in the style of the nearest page before it that prints one (else after it).

:func:`number_tree` turns the folios into the ranges of a PDF's ``/PageLabels`` (PDF 32000-1,
12.4.2), so viewers show and find "vii" or "12" as the page's number.
"""

from __future__ import annotations

from dataclasses import dataclass

#: CSS counter styles a PDF page label can write itself (its /S numbering styles).
PDF_STYLES = {"decimal": "D", "lower-roman": "r", "upper-roman": "R", "lower-alpha": "a",
              "lower-latin": "a", "upper-alpha": "A", "upper-latin": "A"}


@dataclass(frozen=True)
class Folio:
    value: int      # the page counter
    style: str      # its counter style (printed, or the nearest printed page's)
    label: str      # the folio as printed, or as it would print
    printed: bool   # whether the page prints it


def folios(document) -> list[Folio]:
    """Every page's folio, for a rendered WeasyPrint ``document``."""
    from .engine import format_counter, page_folios

    found = page_folios(document)
    styles = inferred_styles([style for _, style, _ in found])
    return [Folio(value, style, text if text is not None else format_counter(document, value, style),
                  text is not None)
            for (value, _, text), style in zip(found, styles)]


def inferred_styles(styles: list[str | None]) -> list[str]:
    """Each page's counter style: its own, else the nearest printed one before it, else the
    first one after it (a book's half-title takes the roman of its contents), else decimal."""
    result, last = [], None
    following = next((style for style in styles if style), "decimal")
    for style in styles:
        if style:
            last = style
        elif last is None:
            following = next((later for later in styles[len(result):] if later), "decimal")
        result.append(style or last or following)
    return result


def number_tree(folios: list[Folio]) -> list[tuple[int, dict]]:
    """The ``/PageLabels`` ranges for pages with these folios: ``(first page index, label
    dictionary)``, a new range wherever the style changes or the numbers do not run on. A
    style the PDF cannot write (another script's digits, a layout's own @counter-style) or a
    number below 1 is written out as the range's prefix (/P), one page at a time."""
    ranges: list[tuple[int, dict]] = []
    expected = None  # (/S, next value) that would continue the current range
    for index, folio in enumerate(folios):
        pdf_style = PDF_STYLES.get(folio.style)
        if pdf_style is None or folio.value < 1:
            ranges.append((index, {"P": folio.label}))
            expected = None
            continue
        if expected == (pdf_style, folio.value):
            expected = (pdf_style, folio.value + 1)
            continue
        label = {"S": pdf_style}
        if folio.value != 1:
            label["St"] = folio.value
        ranges.append((index, label))
        expected = (pdf_style, folio.value + 1)
    return ranges


def page_labels(document) -> list[tuple[int, dict]]:
    """The ``/PageLabels`` ranges of a rendered document."""
    return number_tree(folios(document))


def padded(folios: list[Folio], added: int) -> list[Folio]:
    """The folios once ``added`` blank pages go before the last page (the back cover, as the
    press files pad for the binding): the blanks and the back cover number on."""
    if not added or not folios:
        return list(folios)
    before, last = folios[:-1], folios[-1]
    base = before[-1] if before else last
    blanks = [Folio(base.value + n, base.style, _write(base.value + n, base.style), False)
              for n in range(1, added + 1)]
    moved = Folio(last.value + added, last.style, _write(last.value + added, last.style),
                  last.printed)
    return before + blanks + [moved]


def _write(value: int, style: str) -> str:
    """A padded page's label text: read only when its style is one a PDF cannot write (the
    number tree writes the others from the value), where the arabic number stands in."""
    return str(value)


def set_page_labels(pdf, ranges: list[tuple[int, dict]]) -> None:
    """Put the ``/PageLabels`` number tree of ``ranges`` in a pikepdf ``pdf``'s catalog."""
    import pikepdf

    nums = pikepdf.Array()
    for index, label in ranges:
        entry = pikepdf.Dictionary(Type=pikepdf.Name.PageLabel)
        if "S" in label:
            entry.S = pikepdf.Name("/" + label["S"])
        if "St" in label:
            entry.St = label["St"]
        if "P" in label:
            entry.P = pikepdf.String(label["P"])
        nums.append(index)
        nums.append(entry)
    pdf.Root.PageLabels = pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
