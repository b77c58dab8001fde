"""The designers' screen PDF, rendered by WeasyPrint from the layout's ``print.html``.

Tagged (PDF/UA-1) so it is accessible, with bookmarks from the headings and metadata from
the publication. WeasyPrint may read only files inside the publication and its layout.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..imprint import isbn_barcode
from ..layouts import Layout
from ..model import Publication
from ..render import BodyRenderer, Medium
from . import atomic_output, build_time

PRINT_MEDIUM = Medium(
    name="print",
    image_url=lambda image: image.path.as_uri(),
    section_url=lambda section: f"#{section.id}",
    anchor_url=lambda section, anchor: f"#{anchor}",
    block_ids=True,
)


def print_html(publication: Publication, layout: Layout, medium: Medium = PRINT_MEDIUM,
               bleed_mm: float = 0) -> str:
    """The one HTML document the layout makes of the whole publication (press files: with the
    bleed and their own image variants)."""
    renderer = BodyRenderer(medium, publication.sections)
    return layout.render("print.html", publication=publication, settings=publication.settings,
                         sections=publication.sections, body=renderer.section_body,
                         modified=build_time(), bleed_mm=bleed_mm,
                         barcode_url=isbn_barcode(publication.settings.isbn)
                         if publication.settings.isbn else None,
                         cover_url=medium.image_url(publication.cover) if publication.cover else None)


def render(publication: Publication, layout: Layout, medium: Medium = PRINT_MEDIUM,
           bleed_mm: float = 0, stylesheets: tuple[Path | str, ...] = (),
           readable: tuple[Path, ...] = (),
           check: bool = True):
    """Lay the publication out with WeasyPrint: (the rendered Document, warnings).

    Warnings are WeasyPrint's own and, with ``check``, the page checks' findings (text outside
    the live area, stranded headings, split figures, widows, missing glyphs...). Press files add
    ``stylesheets`` (files, or CSS text) after the layout's print.css and ``readable`` folders
    (their image variants).
    """
    from weasyprint import CSS, HTML  # imported here: EPUB-only builds never load WeasyPrint
    from weasyprint.text.fonts import FontConfiguration

    from ..pagecheck import check_pages, font_face_families

    fetcher = source_fetcher(publication.root, layout, readable)
    stylesheet = layout.path("print.css")
    fonts = FontConfiguration()  # without it, the layout's @font-face rules are ignored
    with engine_warnings() as warnings:
        html = HTML(string=print_html(publication, layout, medium, bleed_mm),
                    base_url=layout.folder.as_uri() + "/", url_fetcher=fetcher)
        document = html.render(stylesheets=[
            CSS(string=css, url_fetcher=fetcher, font_config=fonts) if isinstance(css, str)
            else CSS(filename=str(css), url_fetcher=fetcher, font_config=fonts)
            for css in (stylesheet, *stylesheets)], font_config=fonts)
    if check:
        families = font_face_families(stylesheet.read_text(encoding="utf-8"))
        warnings += [finding.message for finding in check_pages(document, families)]
    return document, warnings


def write_pdf(publication: Publication, layout: Layout, path: Path,
              pagination: Path | None = None) -> list[str]:
    """Render and write the screen PDF (tagged PDF/UA-1); return the warnings. With
    ``pagination``, also write there where each page starts (``pagination.page_starts``), for
    the EPUB's page list."""
    from ..pagination import page_starts, save

    document, warnings = render(publication, layout)
    with engine_warnings() as writing, atomic_output(path) as tmp:
        document.write_pdf(tmp, pdf_variant="pdf/ua-1")
    if pagination is not None:
        save(page_starts(document), pagination)
    return warnings + writing


def source_fetcher(root: Path, layout: Layout, readable: tuple[Path, ...] = ()):
    """A WeasyPrint URL fetcher that reads ``data:`` URLs, files inside the publication, the
    layout's files (falling back along the layout's folders) and ``readable`` folders, and
    nothing else."""
    from weasyprint.urls import URLFetcher

    allowed = [folder.resolve() for folder in (root, *readable)]

    class SourceFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                inside = any(path.is_relative_to(folder) for folder in allowed)
                found = layout.locate(path) or (path if inside else None)
                if found is not None and found.is_file():
                    return super().fetch(found.as_uri(), headers)
            raise ValueError(f"not fetched (outside the publication and its layout): {url}")

    return SourceFetcher(allowed_protocols=("file", "data"))


class engine_warnings:
    """Collect WeasyPrint's warnings during a render instead of letting them print."""

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
