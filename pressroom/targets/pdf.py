"""The designers' screen PDF, rendered by WeasyPrint from the layout's ``print.html``.

Tagged (PDF/UA-1) so it is accessible, with bookmarks from the headings and metadata from
the publication. WeasyPrint may read only files inside the publication and its layout.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from ..atomic import atomic_output
from ..fonts import stacks_css
from ..imprint import build_time, isbn_barcode
from ..interrupt import checkpoint
from ..layouts import BUILTIN, Layout
from ..model import Publication
from ..progress import Progress
from ..pdfwalk import stable_pdf
from ..render import BodyRenderer, Medium
from ..words import Words, cover_alt
from . import Built, Job

#: The source's images reach WeasyPrint by content, not by place: WeasyPrint names each PDF
#: image after the MD5 of its URL, and a file URL would make the PDF's bytes depend on where
#: the source lies. The fetcher reads them from the publication's images by their SHA-256.
SOURCE_IMAGE = "source-image"

PRINT_MEDIUM = Medium(
    name="print",
    image_url=lambda image: f"{SOURCE_IMAGE}:{image.sha256}",
    section_url=lambda section: f"#{section.id}",
    anchor_url=lambda section, anchor: f"#{anchor}",
    block_ids=True,
)


def build(job: Job) -> Built:
    """The screen PDF and where its pages start (for the EPUB). With two processes, the PDF is
    written in a second process while this one checks the pages; with one (the press render has
    the other core), one after the other."""
    from ..background import Background
    from ..pagination import STARTS, page_starts, save

    path = job.path(".pdf")
    document, warnings = render_kept(job.publication, job.layout, progress=job.progress,
                                     images=source_images(job.publication, job.cache))
    pages = len(document.pages)
    writer = Background(write_pdf, document, path) if job.processes > 1 else None
    try:
        job.progress.step("checking pages", 0, pages)
        found, errors = check(document, job.publication, job.layout, document.kept.breaks)
        warnings += found
        save(page_starts(document), job.out / STARTS)
        job.progress.step("writing the PDF", 0, pages)
        warnings += writer.result() if writer else write_pdf(document, path)
    finally:
        if writer:
            writer.stop()
    return Built([path], warnings, errors, kept=[job.out / STARTS])


def print_html(publication: Publication, layout: Layout, medium: Medium = PRINT_MEDIUM,
               bleed_mm: float = 0, words: Words | None = None, template: str = "print.html",
               **context) -> str:
    """The one HTML document the layout makes of the whole publication (press files: with the
    bleed and their own image variants), with the layout's ``words`` in its language; or, with
    ``template`` and its ``context``, another print document of the layout (the cover spread)."""
    words = words or layout.words(publication.settings.language)
    renderer = BodyRenderer(medium, publication.sections, words=words)
    html = layout.render(template, publication=publication, settings=publication.settings,
                         sections=publication.sections, body=renderer.section_body,
                         words=words, cover_alt=cover_alt(publication, words),
                         modified=build_time(), bleed_mm=bleed_mm,
                         font_stacks=Markup(stacks_css(layout.fonts, publication.settings.language)),
                         barcode_url=isbn_barcode(publication.settings.isbn)
                         if publication.settings.isbn else None,
                         cover_url=medium.image_url(publication.cover) if publication.cover else None,
                         **context)
    return html.translate(LINE_SEPARATORS)


#: Unicode's line and paragraph separators (and NEL) as spaces: WeasyPrint 70 stops with an
#: AssertionError on a U+2029 in running text (Pango breaks the paragraph there). Not as line
#: ends: a space and a line end closing a footnote ("P \x85") trip the same assertion.
LINE_SEPARATORS = dict.fromkeys((0x85, 0x2028, 0x2029), " ")


def render_kept(publication: Publication, layout: Layout, **arguments):
    """:func:`render` with the keep rules held (pressroom.keep): laid out again, with page breaks
    forced where a heading, a figure or a table's caption was parted from what it keeps with.
    The screen PDF and the press render both come from here, so they break alike. The document's
    ``kept`` tells the breaks and how many layouts they took."""
    from ..keep import forced_breaks_css, lay_out_kept
    from ..pagecheck import block_sources

    stylesheets = tuple(arguments.pop("stylesheets", ()))
    document, warnings, kept = lay_out_kept(
        lambda breaks: render(publication, layout, stylesheets=stylesheets + (
            (forced_breaks_css(breaks),) if breaks else ()), **arguments),
        block_sources(publication))
    document.kept = kept
    return document, warnings


def render(publication: Publication, layout: Layout, medium: Medium = PRINT_MEDIUM,
           bleed_mm: float = 0, stylesheets: tuple[Path | str, ...] = (),
           images: dict[str, Path] | None = None, progress: Progress | None = None,
           template: str = "print.html", stylesheet: str = "print.css", **context):
    """Lay the publication out with WeasyPrint: (the rendered Document, WeasyPrint's warnings).
    (The screen PDF and the press files lay out through :func:`render_kept`.)

    Press files add ``stylesheets`` (files, or CSS text) after the layout's print.css, and
    ``images``: their image variants, which their medium names ``source-image:`` + the key.
    The document's ``read_by_place`` tells whether an image may have been read by file URL.
    Another ``template`` of the layout, with its own ``stylesheet`` and ``context``, makes
    another print document (the press cover spread).
    """
    from ..engine import engine_warnings, render_document  # EPUB-only builds never load it

    progress = progress or Progress()
    faces_installed(layout)
    fetcher = source_fetcher(publication.root, layout, images or source_images(publication))
    css = layout.path(stylesheet)  # Layout.path refuses links out of the layout
    words = layout.words(publication.settings.language)
    with engine_warnings() as warnings, progress.engine_pages():
        document = render_document(print_html(publication, layout, medium, bleed_mm, words,
                                              template, **context),
                                   layout.folder.as_uri() + "/", fetcher, [css, *stylesheets])
    warnings[:0] = words.warnings  # a language the layout has no words in
    # What the fetcher refused, where WeasyPrint's own warning does not say it (fonts)
    warnings += [why for url, why in dict(fetcher.refused).items()
                 if not any(url in warning for warning in warnings)]
    document.read_by_place = bool(fetcher.placed)  # (see write_pdf)
    return document, warnings


def source_images(publication: Publication, cache: Path | None = None) -> dict[str, Path]:
    """The files the screen PDF draws, by the source images' SHA-256: each image itself, a
    vector figure's sanitised SVG (kept in ``cache``, default a temporary folder of this
    process), never the drawing as given."""
    from ..vector import scratch_cache, svg_files

    drawings = svg_files(publication.images, cache or scratch_cache())
    return {image.sha256: drawings.get(image.path, image.path) for image in publication.images}


def check(document, publication: Publication, layout: Layout,
          forced: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """The page checks' findings on a rendered document, as (warnings, errors): text outside
    the live area, stranded headings, split figures, widows...; characters printed as empty
    boxes or in a face the layout does not name are errors. ``forced``: the page breaks the
    render forced to hold the keep rules (a rule still broken there cannot be held)."""
    from ..pagecheck import ERRORS, block_sources, check_pages

    found = check_pages(document, layout_families(layout), block_sources(publication),
                        publication.settings.language, frozenset(forced))
    return ([finding.message for finding in found if finding.kind not in ERRORS],
            [finding.message for finding in found if finding.kind in ERRORS])


def faces_installed(layout: Layout) -> None:
    """Stop (a SourceError naming the Debian package) when a face layout.yaml names for a
    script is neither the layout's own nor installed: Pango would set the text in whatever it
    finds."""
    from ..fonts import check_installed

    check_installed(layout.fonts, own_families(layout), layout.name, layout.fonts_file)


def layout_families(layout: Layout) -> set[str]:
    """The faces a layout sets text in: its own (@font-face in print.css) and the system faces
    its layout.yaml names per script."""
    return own_families(layout) | {family for faces in layout.fonts.values()
                                   for family in faces.families}


def own_families(layout: Layout) -> set[str]:
    """The families the layout's print.css declares with @font-face: its own fonts."""
    from ..fonts import font_face_families

    return font_face_families(layout.path("print.css").read_text(encoding="utf-8"))


def write_pdf(document, path: Path) -> list[str]:
    """Write a rendered document as the screen PDF (tagged PDF/UA-1, its pages labelled with
    their folios); WeasyPrint's warnings."""
    from ..engine import engine_warnings, write_pdf as write
    from ..folios import page_labels

    with engine_warnings() as writing, atomic_output(path) as tmp:
        checkpoint("pdf writing")
        # the folios as /PageLabels: a viewer's "go to page vii" finds the page printing vii
        write(document, tmp, "pdf/ua-1", page_labels=page_labels(document))
        if getattr(document, "read_by_place", True):  # e.g. an image the layout's CSS names
            stable_pdf(tmp)  # the same source gives the same bytes, wherever it lies
    return writing


def source_fetcher(root: Path, layout: Layout, images: dict[str, Path] | None = None):
    """A WeasyPrint URL fetcher that reads ``data:`` URLs, the publication's ``images`` (by
    ``source-image:`` + their key), files inside the publication and the layout's files
    (falling back along the layout's folders), and nothing else: no network,
    and no file that only a link (a symlink, ``..``) leads to from inside. What it refuses,
    WeasyPrint reports as a warning that names the URL. ``placed`` lists the files it read by
    their URL that may be images (not fonts or stylesheets)."""
    from ..engine import URL_FETCHER_BASE

    allowed = allowed_folders(root)

    class SourceFetcher(URL_FETCHER_BASE):
        refused: list[tuple[str, str]] = []  # (url, why), for the warnings
        placed: list[str] = []  # files read by their URL that may be images

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == SOURCE_IMAGE and parts.path in (images or {}):
                return super().fetch(images[parts.path].as_uri(), headers)
            if scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path))
                found = readable_file(path, layout, allowed)
                if found is not None:
                    if found.suffix.lower() not in NOT_IMAGES:
                        self.placed.append(url)
                    return super().fetch(found.as_uri(), headers)
                located = _located(path, layout)
                inside = any(Path(os.path.normpath(place)).is_relative_to(folder)
                             for place in (path, located) if place is not None
                             for folder in allowed)  # named inside; a link leads out
                shown = f"{url} ({located})" if located not in (None, path) else url
                why = (f"refused {shown}: it is a link to a file outside the publication, or "
                       "not a regular file; copy the file itself into the layout's folder"
                       if inside else f"refused {url}: only files inside the publication and "
                       "its layout are read; copy the file into the layout's folder and refer "
                       "to it by a relative path")
            elif scheme == SOURCE_IMAGE:
                why = (f"refused {url}: no image of this publication has that SHA-256; name "
                       "images by their path in images/")
            else:
                why = (f"refused {url}: a build never uses the network; copy the file into "
                       "the layout's folder and refer to it by a relative path")
            self.refused.append((url, why))
            raise ValueError(why)

    return SourceFetcher(allowed_protocols=("file", "data"))


#: Files a render reads that never become PDF images (whose names would hold their place).
NOT_IMAGES = {".css", ".woff", ".woff2", ".ttf", ".otf", ".ttc", ".icc", ".icm"}


def allowed_folders(root: Path) -> list[Path]:
    """The folders a render may read: the publication (its own layouts too) and the built-in
    layouts. A layout folder that is a link to elsewhere is not among them."""
    return [folder.resolve() for folder in (root, BUILTIN)]


def readable_file(path: Path, layout: Layout, allowed: list[Path]) -> Path | None:
    """The regular file ``path`` names (through the layout's fallback folders), when it really
    lies inside ``allowed``, links followed; otherwise None (devices, pipes, folders, files
    outside, a link pointing outside)."""
    candidate = _located(path, layout)
    try:
        real = candidate.resolve() if candidate is not None else None
    except (OSError, RuntimeError):  # a link loop, an unreadable folder
        return None
    if real is None or not any(real.is_relative_to(folder) for folder in allowed):
        return None
    return real if real.is_file() else None


def _located(path: Path, layout: Layout) -> Path | None:
    """The file a render asks for as ``path``: through the layout's folders (a source's own
    file before the built-in one), links not yet followed."""
    try:
        path = path.resolve()
    except (OSError, RuntimeError):
        return None
    return layout.locate(path) or path
