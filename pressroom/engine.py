"""The layout engine: WeasyPrint, and pydyf, which writes its PDFs, behind one module.

This is the only module that imports them or reaches into their internals (a page's private
``_page_box``, Pango's glyphs through WeasyPrint's FFI, pydyf's ``page_references``, the names
WeasyPrint gives image resources, the words of its log). The rest of Pressroom calls the small
functions below, so an engine upgrade shows what it breaks here, in one file.

Importing this module loads WeasyPrint and checks that it and pydyf are versions Pressroom
supports (:data:`SUPPORTED`): another version raises :class:`EngineVersionError`, one line that
names both (also when that version fails to import at all). Import it where a PDF is laid out or
written, never at the top of modules that EPUB-only or no-op builds load.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from .diagnostics import Problem, SourceError

#: The engine versions Pressroom is written and tested against, per package: (lowest, below).
#: WeasyPrint's major version; pydyf's minor one (its 0.x releases change the API in minors).
SUPPORTED = {"weasyprint": ((70,), (71,)), "pydyf": ((0, 13), (0, 14))}
NAMES = {"weasyprint": "WeasyPrint", "pydyf": "pydyf"}


class EngineVersionError(SourceError):
    """The installed WeasyPrint or pydyf is not a version Pressroom supports. A SourceError, so
    the command line prints it as one ``error:`` line."""

    def __init__(self, message: str):
        super().__init__(Problem(message))


def _release(version: str) -> tuple[int, ...]:
    """``"70.0"`` -> ``(70, 0)``; ``"71.0b1"`` -> ``(71, 0)``."""
    found = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in found.group(0).split(".")) if found else ()


def supported_range(package: str) -> str:
    """``">=70,<71"``: the versions of ``package`` Pressroom supports, as pip writes them."""
    lowest, below = SUPPORTED[package]
    return f">={'.'.join(map(str, lowest))},<{'.'.join(map(str, below))}"


def installed_versions() -> dict[str, str | None]:
    """The installed version of each package of :data:`SUPPORTED` (None: not installed), from
    the packages' metadata, without importing them (a first call costs some 40 ms)."""
    from importlib import metadata

    found: dict[str, str | None] = {}
    for package in SUPPORTED:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def check_versions(installed: dict[str, str | None] | None = None) -> None:
    """Raise :class:`EngineVersionError` unless every package of :data:`SUPPORTED` is installed
    (``installed``: name -> version, or None when missing; default: :func:`installed_versions`)
    in a supported version."""
    installed = installed_versions() if installed is None else installed
    wrong = []
    for package, (lowest, below) in SUPPORTED.items():
        version = installed.get(package)
        release = _release(version) if version else ()
        if not release or not lowest <= release[:len(lowest)] < below:
            wrong.append(f"{NAMES[package]} {version} is installed" if version
                         else f"{NAMES[package]} is not installed")
    if wrong:
        wanted = " and ".join(f"{NAMES[package]} {supported_range(package)}"
                              for package in SUPPORTED)
        pins = " ".join(f"'{package}{supported_range(package)}'" for package in SUPPORTED)
        raise EngineVersionError(f"{'; '.join(wrong)}, but Pressroom supports {wanted}; "
                                 f"install those: .venv/bin/pip install {pins}")


try:
    import pydyf
    import weasyprint
except ImportError:
    check_versions()  # another version may fail on import itself: say which, if it is that
    raise
check_versions({"weasyprint": weasyprint.__version__, "pydyf": pydyf.__version__})

from weasyprint import CSS, HTML  # noqa: E402 - WeasyPrint's inner modules, once it is checked
from weasyprint.css.counters import CounterStyle  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.formatting_structure.build import update_counters  # noqa: E402
from weasyprint.html import UA_COUNTER_STYLE  # noqa: E402
from weasyprint.text.ffi import ffi, pango  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

#: What a render's URL fetcher subclasses: its ``fetch(url, headers)`` reads ``data:`` and
#: ``file:`` URLs.
URL_FETCHER_BASE = URLFetcher

#: WeasyPrint names an image resource after the MD5 of its URL ("/i" + 32 hex digits + 1 when
#: interpolated, else 0), so the names of images read by file URL (a layout's own, named in its
#: CSS) hold the folder they were read from; the source's images go by content (source-image:).
IMAGE_RESOURCE_NAME = re.compile(rb"/i[0-9a-f]{32}[01](?![^\s/\[\]<>(){}%])")

#: The start of the message WeasyPrint's progress logger gives for each page it lays out.
PAGE_LAID_OUT = "Step 5 - Creating layout - Page"
PROGRESS_LOGGER = "weasyprint.progress"


def versions() -> tuple[str, str]:
    """The versions of WeasyPrint and pydyf as they name themselves (for a file's /ID)."""
    return weasyprint.__version__, pydyf.__version__


# ---------- Rendering and writing ----------

def render_document(html: str, base_url: str, fetcher, stylesheets: list[Path | str]):
    """Lay ``html`` out: the rendered (not yet written) document. ``stylesheets`` are files or
    CSS text, in order; every URL is read through ``fetcher`` (see :data:`URL_FETCHER_BASE`)."""
    index_page_references()
    justify_between_characters()
    indent_right_to_left()
    fonts = FontConfiguration()  # without it, the layout's @font-face rules are ignored
    counter_styles = CounterStyle()  # kept: page_folios writes numbers in the layout's styles
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    rendered = document.render(stylesheets=[
        CSS(string=css, url_fetcher=fetcher, font_config=fonts, counter_style=counter_styles)
        if isinstance(css, str)
        else CSS(filename=str(css), url_fetcher=fetcher, font_config=fonts,
                 counter_style=counter_styles)
        for css in stylesheets], font_config=fonts, counter_style=counter_styles)
    rendered.counter_styles = counter_styles
    return rendered


def write_pdf(document, target: Path, variant: str, identifier: bool | None = None,
              page_labels: list[tuple[int, dict]] | None = None) -> None:
    """Write a rendered document to ``target`` as the PDF ``variant`` ("pdf/ua-1", "pdf/x-4",
    ...); ``identifier=False`` leaves out the file identifier (pydyf would hold the whole file
    in memory to hash it), None lets WeasyPrint write it. A right-to-left document (its root's
    direction) gets ``/ViewerPreferences << /Direction /R2L >>``, so viewers show its spreads
    and scroll its pages right to left. ``page_labels``: the catalog's ``/PageLabels`` number
    tree, as ``(first page index, {"S": "r", "St": 1, "P": "..."})`` ranges
    (:func:`pressroom.folios.number_tree`)."""
    finishers = ([_right_to_left] if direction_of(document) == "rtl" else []) + (
        [lambda document, pdf: _page_labels(pdf, page_labels)] if page_labels else [])

    def finish(document, pdf):
        for finisher in finishers:
            finisher(document, pdf)

    document.write_pdf(target, pdf_variant=variant, pdf_identifier=identifier,
                       finisher=finish if finishers else None)


def _page_labels(pdf, ranges: list[tuple[int, dict]]) -> None:
    """A WeasyPrint finisher's part: the catalog's ``/PageLabels`` number tree (one node)."""
    nums = pydyf.Array()
    for index, label in ranges:
        entry = pydyf.Dictionary({"Type": "/PageLabel"})
        if "S" in label:
            entry["S"] = f"/{label['S']}"
        if "St" in label:
            entry["St"] = label["St"]
        if "P" in label:
            entry["P"] = pydyf.String(label["P"])
        nums.extend((index, entry))
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})


def direction_of(document) -> str:
    """``ltr`` or ``rtl``: the direction of a rendered document's root element."""
    pages = page_boxes(document)
    if not pages or not pages[0].children:
        return "ltr"
    return pages[0].children[0].style["direction"]


def _right_to_left(document, pdf) -> None:
    """A WeasyPrint finisher: the PDF's viewer preferences say it reads right to left."""
    preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
    preferences["Direction"] = "/R2L"  # beside PDF/UA's DisplayDocTitle
    pdf.catalog["ViewerPreferences"] = preferences


class PageReferences:
    """pydyf's ``PDF.page_references`` as a view of the page tree's kids. pydyf builds the tuple
    of every page's reference at each access, and WeasyPrint's tagging (PDF/UA, PDF/X) and links
    ask once per tagged element: quadratic in the pages (0.5 to 1 s of the 306-page book's
    writes)."""

    def __init__(self, pdf):
        self.kids = pdf.pages["Kids"]  # [number, 0, "R", number, 0, "R", ...]

    def __getitem__(self, index: int) -> bytes:
        return f"{self.kids[::3][index]} 0 R".encode("ascii")

    def __len__(self) -> int:
        return len(self.kids) // 3

    def __iter__(self):
        return (f"{number} 0 R".encode("ascii") for number in self.kids[::3])


def index_page_references() -> None:
    """Give pydyf the :class:`PageReferences` view, if its ``page_references`` is still the
    property that builds the tuple (another version of pydyf keeps its own)."""
    current = pydyf.PDF.__dict__.get("page_references")
    if isinstance(current, property) and current.fget.__qualname__ == "PDF.page_references":
        pydyf.PDF.page_references = property(PageReferences, doc=current.__doc__)


# ---------- Justification of Chinese and Japanese ----------

#: Languages whose justified lines stretch between characters (CSS text-justify:
#: inter-character), not only at spaces: Chinese and Japanese, written without spaces.
INTER_CHARACTER = re.compile(r"^(zh|ja)(-|$)", re.I)


def justify_between_characters() -> None:
    """Make WeasyPrint 70 justify Chinese and Japanese lines between characters.

    WeasyPrint stretches a justified line only at its spaces (``layout.inline.justify_line``):
    a line of Chinese has none, so it stays short, and one space in a Latin word puts all the
    slack there. In a line whose language is Chinese or Japanese, the slack is shared between
    all its characters instead: each text box's Pango layout gets a letter spacing (Pango's
    attribute, drawn and extracted as glyph offsets, no added characters), which Pango puts
    between a box's characters and not at its ends; the same space goes between one box and
    the next. Lines of other languages are justified as before."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    if getattr(inline.justify_line, "pressroom", False):
        return
    original_justify, original_set_text = inline.justify_line, line_break.Layout.set_text

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        spacing = getattr(self, "inter_character", 0)
        if justify and spacing and self.text:
            _letter_space(self, spacing)

    def justify_line(context, line, extra_width):
        if not INTER_CHARACTER.match(str(line.style["lang"] or "")) or extra_width <= 0:
            return original_justify(context, line, extra_width)
        texts = [box for box in _line_boxes(line) if isinstance(box, boxes.TextBox) and box.text]
        gaps = sum(len(box.text) for box in texts) - 1
        if gaps < 1:
            return original_justify(context, line, extra_width)
        _space_line(context, line, texts, extra_width / gaps)

    justify_line.pressroom = True
    inline.justify_line = justify_line
    line_break.Layout.set_text = set_text


def indent_right_to_left() -> None:
    """Make WeasyPrint 70 put a right-to-left paragraph's first-line indent (text-indent) on
    the right, where the line starts. It adds the indent on the left whatever the direction:
    the first line's left end stood in by the indent and its start flush right. The line is
    moved back by the indent (``layout.inline.text_align`` gives the line's offset, negated
    for right-to-left lines, from which WeasyPrint then takes the line's width)."""
    from weasyprint.layout import inline

    if getattr(inline.text_align, "pressroom", False):
        return
    original = inline.text_align

    def text_align(context, line, available_width, last):
        offset = original(context, line, available_width, last)
        indent = getattr(line, "text_indent", 0)
        if indent and line.style["direction"] == "rtl":
            offset += indent
        return offset

    text_align.pressroom = True
    inline.text_align = text_align


def _line_boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        if child.is_in_normal_flow():
            yield from _line_boxes(child)


def _letter_space(layout, spacing: float) -> None:
    """A letter spacing of ``spacing`` (CSS px) over the whole text of a Pango layout."""
    from weasyprint.text.ffi import TO_UNITS
    from weasyprint.text.line_break import unicode_to_char_p

    _, bytestring = unicode_to_char_p(layout.text)
    attributes = pango.pango_layout_get_attributes(layout.layout)
    if attributes == ffi.NULL:
        attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    attribute = pango.pango_attr_letter_spacing_new(int(spacing * TO_UNITS))
    attribute.start_index, attribute.end_index = 0, len(bytestring)
    pango.pango_attr_list_change(attributes, attribute)
    pango.pango_layout_set_attributes(layout.layout, attributes)


def _space_line(context, line, texts, spacing: float) -> None:
    """Give each text box of ``line`` the letter spacing ``spacing`` (between its characters),
    put ``spacing`` between one box and the next too, and move the boxes along."""
    from weasyprint.text.line_break import create_layout, line_size

    shift: dict[int, float] = {}
    for number, box in enumerate(texts, 1):
        layout = create_layout(box.text, box.style, context, max_width=None,
                               justification_spacing=0)
        layout.inter_character = spacing
        layout.set_text(box.text, justify=True)
        first, _ = layout.get_first_line()
        width, _ = line_size(first, box.style)
        layout.deactivate()
        shift[id(box)] = width - box.width + (spacing if number < len(texts) else 0)
        box.width = width
        box.pango_layout = layout
    _shift(line, shift, 0.0)


def _shift(box, shift: dict[int, float], offset: float) -> float:
    """Move each box by the growth of the text boxes before it; grow inline boxes by theirs."""
    box.position_x += offset
    if isinstance(box, boxes.TextBox):
        return offset + shift.get(id(box), 0.0)
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        start = offset
        for child in box.children:
            if child.is_in_normal_flow():
                offset = _shift(child, shift, offset)
        box.width += offset - start
        return offset
    return offset


class engine_warnings:
    """Collect WeasyPrint's warnings during a render or a write instead of letting them print."""

    def __enter__(self) -> list[str]:
        self.messages: list[str] = []
        self.logger = logging.getLogger("weasyprint")
        self.handler = logging.Handler(logging.WARNING)
        self.handler.emit = lambda record: self.messages.append(record.getMessage())
        self.logger.addHandler(self.handler)
        self.propagate, self.logger.propagate = self.logger.propagate, False
        return self.messages

    def __exit__(self, *exc) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate


class counting_pages:
    """Within the block, ``step(n)`` for the n-th page WeasyPrint lays out."""

    def __init__(self, step):
        self.step, self.counted = step, 0

    def __enter__(self) -> None:
        self.logger = logging.getLogger(PROGRESS_LOGGER)
        self.handler = logging.Handler(logging.INFO)
        self.handler.emit = self._emit
        self.level, self.logger.level = self.logger.level, logging.INFO
        self.propagate, self.logger.propagate = self.logger.propagate, False
        self.logger.addHandler(self.handler)

    def _emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(PAGE_LAID_OUT):
            self.counted += 1
            self.step(self.counted)

    def __exit__(self, *exc) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.level, self.logger.propagate = self.level, self.propagate


# ---------- The laid-out pages ----------

def page_boxes(document) -> list:
    """The root box of each page of a rendered document: its children are the flow (first),
    the footnote and note areas and the margin boxes."""
    return [page._page_box for page in document.pages]


def page_folios(document) -> list[tuple[int, str | None, str | None]]:
    """For each page of a rendered document: ``(the value of its page counter, the counter
    style of the margin box that prints it, that box's text)``; style and text are None on a
    page that prints no folio (a cover, a blank page, an opener). The counter is replayed with
    WeasyPrint's own ``update_counters`` over the pages' computed @page styles, as the layout
    did (counter-reset, counter-set, counter-increment: page)."""
    state = ([0], {"pages": [0]}, [{"pages"}], [])
    folios = []
    for page_box in page_boxes(document):
        update_counters(state, page_box.style)
        value = state[1].get("page", [0])[-1]
        style = text = None
        for box in page_box.children:
            if not is_margin(box) or not box.is_generated:
                continue
            for kind, argument in box.style["content"] or ():
                if kind == "counter()" and argument[0] == "page" and argument[-1] != "none":
                    style = argument[-1]
                    text = "".join(child.text for child in _text_boxes(box))
        folios.append((value, style, text))
    return folios


def format_counter(document, value: int, style: str) -> str:
    """``value`` written in the counter ``style`` (``decimal``, ``lower-roman``, a layout's own
    @counter-style) as the rendered document's CSS writes it."""
    styles = getattr(document, "counter_styles", None) or UA_COUNTER_STYLE  # rendered elsewhere
    return styles.render_value(value, style)


def _text_boxes(box):
    if is_text(box):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def is_text(box) -> bool:
    """A run of text on one line (``box.text``)."""
    return isinstance(box, boxes.TextBox)


def is_line(box) -> bool:
    return isinstance(box, boxes.LineBox)


def is_replaced(box) -> bool:
    """An image (or other replaced element)."""
    return isinstance(box, boxes.ReplacedBox)


def image_pixels(box) -> tuple[int, int] | None:
    """The pixel size of the raster image a replaced box shows; None for a drawing (SVG)."""
    from weasyprint.images import RasterImage

    image = getattr(box, "replacement", None)
    return (image.width, image.height) if isinstance(image, RasterImage) else None


def object_fit(box) -> str:
    """How a replaced box fits its image: fill, contain, cover, none or scale-down."""
    return box.style["object_fit"]


def is_margin(box) -> bool:
    """A page margin box (running heads, folios)."""
    return isinstance(box, boxes.MarginBox)


def is_footnote_area(box) -> bool:
    return isinstance(box, boxes.FootnoteAreaBox)


def has_glyphs(text_box) -> bool:
    """Whether a text box kept the shaped line :func:`glyphs_of` reads."""
    return hasattr(text_box, "pango_layout")


def glyphs_of(text_box) -> list[tuple[str, str, bool]]:
    """``(character, font family, missing)`` for each glyph of a text box's line, as drawn
    (after ``weasyprint.draw.text.draw_first_line``)."""
    layout = text_box.pango_layout
    layout.reactivate(text_box.style)           # as draw_text does; the layout is kept inactive
    try:
        line, _ = layout.get_first_line()
        utf8 = layout.text.encode()
        run, glyphs = line.runs, []
        while run != ffi.NULL:
            item, string = run.data.item, run.data.glyphs
            run = run.next
            description = ffi.gc(pango.pango_font_describe_with_absolute_size(item.analysis.font),
                                 pango.pango_font_description_free)
            family = pango.pango_font_description_get_family(description)
            family = ffi.string(family).decode() if family != ffi.NULL else "an unnamed font"
            for i in range(string.num_glyphs):
                glyph = string.glyphs[i].glyph
                if glyph == pango.PANGO_GLYPH_EMPTY:
                    continue
                if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                    glyphs.append((chr(glyph & ~pango.PANGO_GLYPH_UNKNOWN_FLAG), family, True))
                    continue
                start = item.offset + string.log_clusters[i]
                char = utf8[start:start + 4].decode("utf-8", "ignore")[:1]
                if char:
                    glyphs.append((char, family, glyph == 0))
        return glyphs
    finally:
        layout.deactivate()
