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
)


def print_html(publication: Publication, layout: Layout) -> str:
    """The one HTML document the layout makes of the whole publication."""
    renderer = BodyRenderer(PRINT_MEDIUM, publication.sections)
    return layout.render("print.html", publication=publication, settings=publication.settings,
                         sections=publication.sections, body=renderer.section_body,
                         modified=build_time(),
                         barcode_url=isbn_barcode(publication.settings.isbn)
                         if publication.settings.isbn else None,
                         cover_url=publication.cover.path.as_uri() if publication.cover else None)


def render(publication: Publication, layout: Layout):
    """Lay the publication out with WeasyPrint: (the rendered Document, warnings).

    Warnings are WeasyPrint's own and the page checks' findings (text outside the live area,
    stranded headings, split figures, widows, missing glyphs...).
    """
    from weasyprint import CSS, HTML  # imported here: EPUB-only builds never load WeasyPrint
    from weasyprint.text.fonts import FontConfiguration

    from ..pagecheck import check_pages, font_face_families

    fetcher = source_fetcher(publication.root, layout)
    stylesheet = layout.path("print.css")
    fonts = FontConfiguration()  # without it, the layout's @font-face rules are ignored
    with engine_warnings() as warnings:
        html = HTML(string=print_html(publication, layout), base_url=layout.folder.as_uri() + "/",
                    url_fetcher=fetcher)
        document = html.render(stylesheets=[CSS(filename=str(stylesheet), url_fetcher=fetcher,
                                                font_config=fonts)], font_config=fonts)
    families = font_face_families(stylesheet.read_text(encoding="utf-8"))
    return document, warnings + [finding.message for finding in check_pages(document, families)]


def write_pdf(publication: Publication, layout: Layout, path: Path) -> list[str]:
    """Render and write the screen PDF (tagged PDF/UA-1); return the warnings."""
    document, warnings = render(publication, layout)
    with engine_warnings() as writing, atomic_output(path) as tmp:
        document.write_pdf(tmp, pdf_variant="pdf/ua-1")
    return warnings + writing


def source_fetcher(root: Path, layout: Layout):
    """A WeasyPrint URL fetcher that reads ``data:`` URLs, files inside the publication and the
    layout's files (falling back along the layout's folders), and nothing else."""
    from weasyprint.urls import URLFetcher

    source = root.resolve()

    class SourceFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                found = layout.locate(path) or (path if path.is_relative_to(source) else None)
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
