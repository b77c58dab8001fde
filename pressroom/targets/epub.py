"""The EPUB 3 for staff to distribute, made with EbookLib from the same model.

One XHTML document per section (from the layout's ``epub/section.xhtml``), a linear cover
page, nav document and NCX, landmarks, EPUB footnotes, images resized to sRGB for
e-readers. EbookLib's known traps are avoided: no automatic cover page or page-list, one id
per creator, a UTC ``dcterms:modified``, errors raised, and the zip re-packed with fixed
timestamps (mimetype first, stored) so the same source gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from html import escape
from pathlib import Path

from ebooklib import epub

from .. import images
from ..layouts import Layout
from ..manuscript import plain_text
from ..model import Image, Publication, Section
from ..pagination import STARTS, PageStart, load
from ..render import BodyRenderer, Medium
from ..words import Words, cover_alt as photo_alt
from . import Built, Job
from ..atomic import atomic_output
from ..imprint import build_time
from ..interrupt import checkpoint

STYLESHEET = "styles/epub.css"
FRONT_COVER = "images/cover.jpg"
#: The conformance claimed when every image has a text alternative (EPUB Accessibility 1.1).
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


def key(job: Job) -> str:
    """The EPUB's content key: its medium's and the screen PDF's (its page list is the print
    pages'; the cover is the layout's cover.html, in every target's key)."""
    from ..cache import Key

    return Key(job.keys["epub"]).add(job.keys["pdf"]).hexdigest()


def build(job: Job) -> Built:
    """The EPUB, with the print pages' page list: the screen PDF's page starts when it is
    current, else the print document laid out here (not written) for them, so an EPUB-only
    build makes the same book."""
    print_edition = job.state.current("pdf", key=job.keys["pdf"])
    path = job.path(".epub")
    warnings = write_epub(job.publication, job.layout, path,
                          page_starts=print_page_starts(job, print_edition),
                          cache=job.cache / "ereader", progress=job.progress)
    return Built([path], warnings)


def print_page_starts(job: Job, pdf_current: bool) -> list[PageStart]:
    """Where the print pages start: the screen PDF's saved starts when that PDF is current,
    else the print document's, laid out as the screen PDF is (its keep rules held) but not
    written; its warnings are the screen PDF's to report."""
    if pdf_current and (job.out / STARTS).is_file():
        return load(job.out / STARTS)
    from ..pagination import page_starts
    from .pdf import render_kept, source_images

    job.progress.step("laying out the print pages", 0)
    document, _ = render_kept(job.publication, job.layout, progress=job.progress,
                              images=source_images(job.publication, job.cache))
    return page_starts(document)


def image_href(image: Image) -> str:
    """Where an image lives inside the package: its name in ASCII letters, digits and hyphens
    (spaces and other characters trouble older reading systems), made unique by a hash of the
    original name when it had to change."""
    ext = ("svg" if image.vector else
           "png" if image.format in ("PNG", "GIF") or image.mode in ("RGBA", "LA") else "jpg")
    stem = image.path.stem
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")
    if safe != stem:
        safe = f"{safe or 'image'}-{hashlib.sha1(stem.encode()).hexdigest()[:8]}"
    return f"images/{safe}.{ext}"


def section_href(section: Section) -> str:
    return f"{section.id}.xhtml"


def epub_medium(variants: dict[Path, tuple[bytes, str]]) -> Medium:
    """The EPUB's medium: images inside the package, a figure's ``width`` and ``height`` those
    of the file packaged (its e-reader variant in ``variants``, resized: not the source's
    pixels, which would stretch it in converters that trust them), a drawing's its natural size
    in CSS px; inline images none (the text's line sets them)."""
    def image_attributes(image: Image, inline: bool) -> dict[str, str]:
        if inline:
            return {}
        width, height = packaged_size(image, variants[image.path])
        return {"width": str(width), "height": str(height)}

    return Medium(name="epub", image_url=image_href, section_url=section_href,
                  anchor_url=lambda section, anchor: f"{section_href(section)}#{anchor}",
                  image_attributes=image_attributes)


def packaged_size(image: Image | None, variant: tuple[bytes, str]) -> tuple[int, int]:
    """The pixels of an image's packaged file (a drawing: its natural size in CSS px)."""
    data, media_type = variant
    if media_type == "image/svg+xml":
        return image.width, image.height
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(data)) as packaged:  # reads the header only
        return packaged.size


def front_cover_alt(publication: Publication, words: Words) -> str:
    """The front cover's text alternative: what is on it, in the book's language: its title,
    its authors and, when it has one, the cover photo (described)."""
    settings = publication.settings
    name = "epub_cover_alt" + ("_authors" if settings.authors else "") + (
        "_photo" if publication.cover else "")
    return words.fill(name, title=settings.title,
                      authors=words.list_separator.join(settings.authors),
                      photo=photo_alt(publication, words) if publication.cover else "")


def make_book(publication: Publication, layout: Layout,
              variants: dict[Path, tuple[bytes, str]], front_cover: bytes | None = None,
              page_starts: list[PageStart] | None = None,
              words: Words | None = None) -> epub.EpubBook:
    """The EbookLib book: metadata, images (their e-reader ``variants``: bytes and media type,
    by path), cover page, sections, navigation. The cover is ``front_cover`` (a JPEG of the
    layout's front cover, :func:`pressroom.cover.front_cover`) when given, else the cover photo. With ``page_starts`` (from the
    screen PDF), the sections carry the print edition's page breaks; ``page_list`` then gives
    the nav's page list. ``words``: the layout's words in the book's language (the cover's
    and the navigation's titles)."""
    settings = publication.settings
    page_starts = page_starts or []
    words = words or layout.words(settings.language)
    book = epub.EpubBook()
    direction = "rtl" if settings.direction == "rtl" else None  # ltr: the default, no attribute
    if direction:
        book.set_direction(direction)  # the spine's page-progression-direction
    package_metadata(book, settings)
    for prop, value in accessibility_metadata(publication, page_list=bool(page_starts)):
        book.add_metadata(None, "meta", value, {"property": prop})
    if page_starts:
        book.add_metadata(None, "meta", page_break_source(publication),
                          {"property": "pageBreakSource"})

    stylesheet = epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                               content=layout.path("epub.css").read_bytes())
    book.add_item(stylesheet)

    items = {}
    for image in publication.images:
        data, media_type = variants[image.path]
        href = image_href(image)
        item = epub.EpubImage(uid=f"img-{Path(href).stem}", file_name=href,
                              media_type=media_type, content=data)
        items[image.path] = item
        book.add_item(item)

    renderer = BodyRenderer(epub_medium(variants), publication.sections, page_starts, words=words)
    context = dict(publication=publication, settings=settings, sections=publication.sections,
                   words=words)
    spine: list = []
    cover_item = None
    if front_cover is not None:  # the layout's designed front cover, as on the press spread
        cover_item = epub.EpubImage(uid="cover-image", file_name=FRONT_COVER,
                                    media_type="image/jpeg", content=front_cover)
        book.add_item(cover_item)
        cover_alt = front_cover_alt(publication, words)
    elif publication.cover:
        cover_item, cover_alt = items[publication.cover.path], photo_alt(publication, words)
    if cover_item is not None:
        cover_item.properties = ["cover-image"]
        cover_width, cover_height = packaged_size(
            None if front_cover else publication.cover, (cover_item.content, cover_item.media_type))
        book.add_metadata(None, "meta", "", {"name": "cover", "content": cover_item.id})
        cover = _document(book, "cover", "cover.xhtml", words.cover, settings.language, direction,
                          stylesheet, layout.render("epub/cover.xhtml", cover_url=cover_item.file_name,
                                        cover_alt=cover_alt, cover_width=cover_width,
                                        cover_height=cover_height, **context))
        spine.append(cover)
        book.guide.append({"type": "cover", "href": "cover.xhtml", "title": words.cover})

    # the title page and the copyright page, in the reading order after the cover (their
    # names have an underscore, which no section's id has)
    for name, title in (("title", words.title_page), ("copyright", words.copyright)):
        spine.append(_document(book, f"{name}_page", f"{name}_page.xhtml", title,
                               settings.language, direction, stylesheet,
                               layout.render(f"epub/{name}.xhtml", **context)))

    documents = [
        _document(book, section.id, section_href(section), section.title, settings.language,
                  direction, stylesheet, layout.render("epub/section.xhtml", section=section,
                                            body=renderer.section_body(section), **context))
        for section in publication.sections]

    book.toc = contents(publication, settings.toc_depth)
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title=words.contents, direction=direction)
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.guide.append({"type": "toc", "href": "nav.xhtml", "title": words.contents})
    first_body = next((s for s in publication.sections if s.kind == "body"),
                      publication.sections[0])
    book.guide.append({"type": "text", "href": section_href(first_body), "title": words.start})
    book.spine = spine + ["nav"] + documents
    return book


def package_metadata(book: epub.EpubBook, settings) -> None:
    """The package's metadata as a library catalogue and a store read it: the e-book's own
    identifier (``urn:isbn:``, else a stable URN, never the print ISBN), the print edition as
    ``dc:source``, the title and subtitle (``title-type``), the series (a collection with its
    position), every contributor with a MARC relator role and a ``file-as`` for sorting, the
    publisher, rights, description and date. The ids have an underscore, which no section's
    id (a manifest item's) has."""
    book.set_identifier(settings.ebook_identifier)
    book.title = settings.title  # the nav's and the NCX's title
    titles = [("title_main", settings.title, "main")]
    if settings.subtitle:
        titles.append(("title_sub", settings.subtitle, "subtitle"))
    for uid, text, kind in titles:
        book.add_metadata("DC", "title", text, {"id": uid})
        _refine(book, uid, "title-type", kind)
    book.set_language(settings.language)
    for number, person in enumerate(settings.contributors, start=1):
        element = "creator" if person.role == "author" else "contributor"
        uid = f"{element}_{number}"
        book.add_metadata("DC", element, person.name, {"id": uid})
        _refine(book, uid, "role", person.relator, scheme="marc:relators")
        _refine(book, uid, "file-as", person.file_as)
    if settings.series:
        book.add_metadata(None, "meta", settings.series,
                          {"property": "belongs-to-collection", "id": "series_1"})
        _refine(book, "series_1", "collection-type", "series")
        if settings.series_number is not None:
            _refine(book, "series_1", "group-position", f"{settings.series_number:g}")
    if settings.isbn_print:
        book.add_metadata("DC", "source", f"urn:isbn:{settings.isbn_print}")
    for name, value in (("publisher", settings.publisher), ("rights", settings.rights),
                        ("description", settings.description),
                        ("date", settings.date.isoformat() if settings.date else None)):
        if value:
            book.add_metadata("DC", name, value)


def _refine(book: epub.EpubBook, uid: str, prop: str, value: str, scheme: str | None = None):
    attributes = {"refines": f"#{uid}", "property": prop}
    if scheme:
        attributes["scheme"] = scheme
    book.add_metadata(None, "meta", value, attributes)


def contents(publication: Publication, depth: int = 2) -> list:
    """The table of contents as EbookLib's toc: each section, and with ``depth`` 2 or 3 its
    ``##`` (and ``###``) headings nested under it (a tuple of the entry and its children)."""
    def entry(section: Section, heading=None):
        if heading is None:
            return epub.Link(section_href(section), section.title, section.id)
        anchor, title = heading
        return epub.Link(f"{section_href(section)}#{anchor}", title, f"{section.id}--{anchor}")

    toc: list = []
    for section in publication.sections:
        tree: list = []  # (link, children) per h2; children: links of h3
        for level, anchor, title in headings(section):
            if level == 2 and depth >= 2:
                tree.append((entry(section, (anchor, title)), []))
            elif level == 3 and depth >= 3 and tree:
                tree[-1][1].append(entry(section, (anchor, title)))
        children = [(link, kids) if kids else link for link, kids in tree]
        toc.append((entry(section), children) if children else entry(section))
    return toc


def headings(section: Section) -> list[tuple[int, str, str]]:
    """``(level, id, text)`` of the section's ``##`` and ``###`` headings, in order."""
    found = []
    tokens = section.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3") and token.attrs.get("id"):
            text = plain_text(tokens[index + 1].children or []).strip()
            if text:
                found.append((int(token.tag[1]), str(token.attrs["id"]), text))
    return found


def toc_depth(toc: list) -> int:
    """How many levels an EbookLib toc has (the NCX's ``dtb:depth``)."""
    return max((1 + (toc_depth(item[1]) if isinstance(item, tuple) else 0) for item in toc),
               default=0)


def page_break_source(publication: Publication) -> str:
    """The edition the page breaks come from: the print ISBN as a URN, else its title."""
    settings = publication.settings
    return f"urn:isbn:{settings.isbn_print}" if settings.isbn_print else \
        f"{settings.title}, print edition (PDF)"


def page_list(publication: Publication, page_starts: list[PageStart]) -> list[tuple[str, str]]:
    """``(folio, href of its marker)`` for the nav's page list, in page order."""
    sections = {section.id: section for section in publication.sections}
    return [(start.folio, f"{section_href(sections[start.block.split('/')[0]])}#{start.anchor}")
            for start in sorted(page_starts, key=lambda start: start.page)]


def accessibility_metadata(publication: Publication,
                           page_list: bool = False) -> list[tuple[str, str]]:
    """EPUB Accessibility 1.1 metadata, claiming only what is true of this book (``page_list``:
    it has the print edition's page breaks and a page list): each feature and each sentence of
    the summary is there because the book has what it names."""
    images = publication.images
    all_described = all(figure.alt for figure in publication.figures) and all(
        plain_text(token.children).strip()
        for section in publication.sections for token in _inline_images(section))
    footnotes = any(section.footnotes for section in publication.sections)
    tables = [table for section in publication.sections for table in _tables(section)]
    subsections = publication.settings.toc_depth >= 2 and any(
        level == 2 for section in publication.sections for level, _, _ in headings(section))
    modes = [("schema:accessMode", "textual")]
    if images:
        modes.append(("schema:accessMode", "visual"))
    sufficient = ["textual"] if not images or all_described else []
    if images:
        sufficient.append("textual,visual")
    # every section opens with a heading and is in the contents; the stylesheet leaves
    # colours and sizes to the reading system
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if images and all_described:
        features.insert(0, "alternativeText")
    if page_list:
        features += ["printPageNumbers", "pageNavigation"]
    summary = [("A reflowable EPUB with a table of contents to its sections"
                + (" and their subsections" if subsections else "")
                + ", landmarks, and headings in reading order.")]
    if footnotes:
        summary.append("Footnotes are linked to their references and back.")
    if tables:
        summary.append("Tables have header rows." if all(tables) else
                       "Some tables lack a header row.")
    if page_list:
        summary.append("Page breaks and a page list follow the print edition.")
    summary.append(f"All {len(images)} images have text alternatives." if images and all_described
                   else "Some images lack text alternatives." if images else "It has no images.")
    # hazards: no sound, video or script; images are still pictures (the e-reader variants keep
    # one frame; the SVG sanitiser drops animation)
    claims = (modes + [("schema:accessModeSufficient", mode) for mode in sufficient]
              + [("schema:accessibilityFeature", feature) for feature in features]
              + [("schema:accessibilityHazard", "none"),
                 ("schema:accessibilitySummary", " ".join(summary))])
    # The conformance claim stands only where the book can meet it: an image without a text
    # alternative fails WCAG 1.1.1. The rest is what 'publish.py check' verifies with Ace.
    certifier = publication.settings.publisher or next(iter(publication.settings.authors), None)
    if all_described or not images:
        claims.append(("dcterms:conformsTo", CONFORMANCE))
        if certifier:
            claims.append(("a11y:certifiedBy", certifier))
    return claims


def _tables(section: Section):
    """For each table of the section: whether its header row has text (a table written in
    Markdown always has a header row, which may be left empty)."""
    tokens = section.tokens
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            header = []
            for inner in tokens[index + 1:]:
                if inner.type == "thead_close" or inner.type == "table_close":
                    break
                if inner.type == "inline":
                    header.append(plain_text(inner.children or []).strip())
            yield any(header)


def _inline_images(section: Section):
    for token in section.tokens:
        for child in token.children or []:
            if child.type == "image":
                yield child


def write_epub(publication: Publication, layout: Layout, path: Path,
               page_starts: list[PageStart] | None = None,
               cache: Path | None = None, progress=None) -> list[str]:
    """Write the EPUB; its cover is the layout's front cover (the press spread's design), its page
    breaks and page list those of the screen PDF when ``page_starts`` are given. ``cache``
    keeps the e-reader image variants and the cover between builds (default: beside ``path``)."""
    modified = build_time()
    cache = cache or path.parent / ".cache" / "ereader"
    variants = images.ereader_variants(publication.images, cache, progress)
    from ..cover import TEMPLATE as COVER_TEMPLATE, front_cover  # pikepdf: only when writing

    designed = any((folder / COVER_TEMPLATE).is_file() for folder in layout.folders)
    front = front_cover(publication, layout, cache) if designed else None
    words = layout.words(publication.settings.language)
    book = make_book(publication, layout, variants, front, page_starts, words)
    with atomic_output(path) as tmp:
        checkpoint("epub writing")
        # compresslevel 0: _repack writes the final zip (EbookLib deflated the photos too,
        # most of the time of a long book's EPUB)
        epub.write_epub(str(tmp), book, {"epub3_pages": False, "raise_exceptions": True,
                                         "mtime": modified.replace(tzinfo=None),
                                         "landmark_title": words.landmarks,
                                         "compresslevel": 0})
        _repack(tmp, modified, publication.settings.language,
                page_list(publication, page_starts or []), words.pages,
                "rtl" if publication.settings.direction == "rtl" else None,
                max(1, toc_depth(book.toc)))
    return list(words.warnings)


def _document(book, uid, file_name, title, language, direction, stylesheet,
              content) -> epub.EpubHtml:
    document = epub.EpubHtml(uid=uid, file_name=file_name, title=title, lang=language,
                             direction=direction, content=content)
    document.add_item(stylesheet)
    book.add_item(document)
    return document


def _repack(path: Path, when: dt.datetime, language: str,
            pages: list[tuple[str, str]] = (), pages_title: str = "Pages",
            direction: str | None = None, depth: int = 1) -> None:
    """Rewrite the zip with fixed entry times, mimetype first and stored, the package's
    ``language`` on its root element (EbookLib writes only dc:language) and the page list
    (``pages``, headed ``pages_title``) in the nav document (EbookLib's own page list is
    unusable)."""
    stamp = max(when, dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)).timetuple()[:6]
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    entries = [(name, _nav(data, pages, pages_title, direction) if name.endswith("/nav.xhtml")
                else data) for name, data in entries]
    entries = [(name, _with_package_language(data, language) if name.endswith(".opf") else data)
               for name, data in entries]
    # EbookLib writes dtb:depth 0 whatever the nesting; reading systems take it as given
    entries = [(name, data.replace(b'<meta content="0" name="dtb:depth"/>',
                                   f'<meta content="{depth}" name="dtb:depth"/>'.encode())
                if name.endswith(".ncx") else data) for name, data in entries]
    entries.sort(key=lambda entry: entry[0] != "mimetype")
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            # mimetype must be stored; images are compressed already, deflating them again
            # costs time for a percent or two
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" or name.lower().endswith(
                STORED_AS_IS) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data, compresslevel=9)


#: Files a zip gains nothing by compressing.
STORED_AS_IS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".woff", ".woff2")


def _nav(nav: bytes, pages: list[tuple[str, str]], title: str = "Pages",
         direction: str | None = None) -> bytes:
    """The nav document with its landmarks hidden (they are for reading systems; the contents
    page shows only the contents), ``dir`` on its root as on every document (EbookLib puts it on
    the body only) and, with ``pages``, a hidden ``page-list`` before ``</body>``, headed
    ``title``."""
    nav = nav.replace(b'<nav epub:type="landmarks">', b'<nav epub:type="landmarks" hidden="">')
    root = re.search(rb"<html\b[^>]*>", nav)
    if direction and root and b" dir=" not in root[0]:
        nav = nav[:root.start()] + b'<html dir="' + direction.encode() + b'"' + nav[root.start() + 5:]
    if not pages:
        return nav
    items = "".join(f'<li><a href="{escape(href)}">{escape(folio)}</a></li>'
                    for folio, href in pages)
    page_nav = (f'<nav epub:type="page-list" hidden=""><h2>{escape(title)}</h2>'
                f'<ol>{items}</ol></nav>\n')
    head, body_end, tail = nav.decode("utf-8").rpartition("</body>")
    if not body_end:
        raise ValueError("nav.xhtml has no </body>")
    return (head + page_nav + body_end + tail).encode("utf-8")


def _with_package_language(opf: bytes, language: str) -> bytes:
    """The package document with ``xml:lang`` on ``<package>``, which reading systems and Ace
    take as the language of the metadata."""
    text = opf.decode("utf-8")
    start = text.index("<package ")
    if "xml:lang=" in text[start:text.index(">", start)]:
        return opf
    return (text[:start] + f'<package xml:lang="{escape(language)}" '
            + text[start + len("<package "):]).encode("utf-8")
