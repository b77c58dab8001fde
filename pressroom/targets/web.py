"""The web edition: a folder of static HTML pages from the same model.

``index.html`` (cover, title, contents, colophon), one page per section (``<id>.html``) with
its notes linked both ways and links to the previous and next sections, the layout's
``web.css`` with the fonts it names, and the images: the e-reader variants (sRGB, at most
2048 px) and smaller copies of them for ``srcset``, each ``<img>`` with the pixel size of the
file its ``src`` names. Nothing is requested from another host.

All files are staged and renamed into place together (``staged_outputs``), so a failed or
interrupted build leaves the previous edition whole; files of that edition the new one no
longer has (a removed section, a replaced image) are deleted only afterwards, as listed in
the edition's manifest (``.pressroom-web``). The same source gives the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from markupsafe import Markup

from .. import images
from ..atomic import atomic_output, made_once, staged_outputs
from ..colour import srgb_icc
from ..diagnostics import Problem, SourceError
from ..interrupt import checkpoint, uninterruptible
from ..layouts import Layout
from ..model import Image, Publication, Section
from ..render import BodyRenderer, Medium
from ..language import script as script_of
from . import Built, Job
from ..words import cover_alt
from .epub import image_href

TEMPLATE = "web.html"
STYLESHEET = "web.css"
INDEX = "index.html"
#: The files of the edition, one relative path a line: what the next build may delete.
MANIFEST = ".pressroom-web"
#: Widths of the smaller copies made of each image (when it is wider by a fifth or more):
#: a phone's column at 2x and 3x, a desktop column at 2x.
WIDTHS = (640, 1280)
#: The column the images are shown in (web.css: main's max-width less nothing, figures at
#: 100 % of it; the body's padding on narrow screens).
SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2.5rem)"
#: The cover: as wide as the window on a phone, at most 60rem (web.css: .cover-picture).
COVER_SIZES = "(max-width: 30rem) 100vw, (min-width: 62.5rem) 60rem, calc(100vw - 2.5rem)"
#: The most an image inside a line of text is shown (web.css: ``max-height`` of such images).
INLINE_SIZE = "2em"
#: What may stand in a url() of web.css: a relative path inside the layout.
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")
#: Versions of the resized copies and the WOFF2 fonts in the cache: bump to remake them.
RESIZE_VERSION = 1
WOFF2_VERSION = 1


@dataclass(frozen=True)
class WebImage:
    """One image of the edition: the file ``src`` names, its size, and the srcset."""

    href: str
    width: int
    height: int
    srcset: tuple[tuple[str, int], ...]  # (href, pixel width), smallest first; () for one size

    def attributes(self, inline: bool = False, lazy: bool = True,
                   sizes: str | None = None) -> dict[str, str]:
        """``<img>`` attributes besides src and alt: an inline image is shown at most
        INLINE_SIZE high (web.css), a figure or the cover in the column (SIZES)."""
        attrs = {"width": str(self.width), "height": str(self.height)}
        if len(self.srcset) > 1:
            attrs["srcset"] = ", ".join(f"{href} {width}w" for href, width in self.srcset)
            attrs["sizes"] = sizes or (INLINE_SIZE if inline else SIZES)
        if lazy:
            attrs["loading"] = "lazy"
        attrs["decoding"] = "async"
        return attrs


def section_href(section: Section) -> str:
    return f"{section.id}.html"


def direction(settings) -> str | None:
    """``dir`` for the pages: ``rtl`` for a right-to-left publication (its language's, or
    ``dir:`` in publication.yaml), ``ltr`` only when publication.yaml says so, else None (left
    to right, the default: no attribute)."""
    return settings.direction if settings.direction == "rtl" or settings.dir else None


def build(job: Job) -> Built:
    """The web edition in ``OUT/web/``; its images come from the e-reader variants the EPUB
    uses too (one cache). The report names its front page; the build state watches every file."""
    written, warnings = write_web(job.publication, job.layout, job.out / "web",
                                  cache=job.cache / "ereader", progress=job.progress)
    index = job.out / "web" / INDEX
    return Built([index], warnings, kept=[path for path in written if path != index])


def write_web(publication: Publication, layout: Layout, folder: Path, cache: Path,
              progress=None) -> tuple[list[Path], list[str]]:
    """Write the web edition into ``folder``; ``cache`` keeps the image variants and their
    smaller copies between builds. (outputs written, warnings)."""
    variants = images.ereader_variants(publication.images, cache, progress)
    files: dict[str, bytes] = {}  # relative path -> content, in writing order
    web_images: dict[Path, WebImage] = {}
    for image in publication.images:
        web_images[image.path] = _web_image(image, variants[image.path], cache, files)

    def image_url(image: Image) -> str:
        return web_images[image.path].href

    def image_attributes(image: Image, inline: bool) -> dict[str, str]:
        return web_images[image.path].attributes(inline)

    medium = Medium(name="web", image_url=image_url, section_url=section_href,
                    anchor_url=lambda section, anchor: f"{section_href(section)}#{anchor}",
                    image_attributes=image_attributes)
    words = layout.words(publication.settings.language)
    renderer = BodyRenderer(medium, publication.sections, words=words)

    css = layout.path(STYLESHEET)
    css_text = css.read_text(encoding="utf-8")
    renamed = {}
    for relative in _stylesheet_files(css_text, css):
        if relative.lower().endswith((".ttf", ".otf")):  # served as WOFF2: a third of the bytes
            renamed[relative] = posixpath.splitext(relative)[0] + ".woff2"
            font = layout.path(relative)
            files[renamed[relative]] = _woff2(font, cache)
            for licence in sorted(font.parent.glob("LICENSE-*.txt")):  # the font's licence with it
                if font.stem.startswith(licence.stem[len("LICENSE-"):]):
                    files[posixpath.join(posixpath.dirname(relative), licence.name)] = \
                        licence.read_bytes()
        else:
            files[relative] = layout.path(relative).read_bytes()
    css_text = _renamed_urls(css_text, renamed)

    settings = publication.settings
    cover = None
    if publication.cover is not None:
        web_cover = web_images[publication.cover.path]
        cover = dict(src=web_cover.href, alt=cover_alt(publication, words),
                     attributes=_attributes(web_cover.attributes(lazy=False, sizes=COVER_SIZES)))
    sections = publication.sections
    context = dict(publication=publication, settings=settings, sections=sections,
                   lang=settings.language, dir=direction(settings), stylesheet=STYLESHEET,
                   index=INDEX, url=section_href, cover=cover,
                   credits=_credits(publication), words=words)
    pages: dict[str, str] = {}
    for number, section in enumerate(sections):
        previous = sections[number - 1] if number > 0 else None
        following = sections[number + 1] if number + 1 < len(sections) else None
        pages[section_href(section)] = layout.render(
            TEMPLATE, page="section", section=section, body=renderer.section_body(section),
            previous=previous, next=following, **context)
    pages[INDEX] = layout.render(TEMPLATE, page="index", section=None, body=Markup(""),
                                 previous=None, next=sections[0] if sections else None, **context)
    for name, html in pages.items():
        files[name] = html.encode("utf-8")
    css_text += script_faces(publication, layout, css_text, "".join(pages.values()), cache, files)
    files[STYLESHEET] = css_text.encode("utf-8")
    files[MANIFEST] = "".join(f"{name}\n" for name in sorted([*files, MANIFEST])).encode()

    previous_files = _manifest(folder)
    written = [folder / name for name in files]
    with staged_outputs() as staging:
        for name, data in files.items():
            staging(folder / name).write_bytes(data)
        checkpoint("web writing")
    _remove_stale(folder, previous_files - set(files))
    return written, list(words.warnings)


def script_faces(publication: Publication, layout: Layout, css_text: str, text: str,
                 cache: Path, files: dict[str, bytes]) -> str:
    """CSS for the scripts the edition's text uses whose faces (layout.yaml) are system faces,
    not web.css's own: each face subset to the characters the pages hold, as WOFF2 in
    ``fonts/`` with its licence, and the stylesheet's ``--font-text`` and ``--font-display``
    with them (the publication's own script first, another script's before the generic
    family). Nothing for a publication whose text the layout's web fonts set."""
    from ..fonts import face_file, font_face_families, licence_of, scripts_used, subset_woff2

    own = {family.casefold() for family in font_face_families(css_text)}
    language = publication.settings.language
    rules, stacks = [], {"text": [], "display": []}
    for code in scripts_used(text, language, layout.fonts):
        faces = layout.fonts[code]
        for role in stacks:
            family = faces.face(role)
            if family.casefold() in own or family in stacks[role]:
                continue
            made = False
            for weight in (400, 700):
                face = face_file(family, weight)
                if face is None:
                    continue
                name = f"fonts/{re.sub(r'[^a-z0-9]+', '-', family.lower())}-{weight}.woff2"
                if name not in files:
                    files[name] = subset_woff2(face, text, cache)
                rules.append(f'@font-face {{ font-family: "{family}"; font-style: normal; '
                             f'font-weight: {weight}; font-display: swap; '
                             f'src: url("{name}") format("woff2"); }}')
                made = True
            if made:
                stacks[role].append((code, family))
                licence = licence_of(faces.package)
                if licence:
                    files[f"fonts/{licence[0]}"] = licence[1]
    if not rules:
        return ""
    own_script = script_of(language)
    declarations = []
    for role, added in stacks.items():
        given = _root_value(css_text, f"--font-{role}")
        if not added or given is None:
            continue
        parts = [part.strip() for part in given.split(",")]
        first = [f'"{family}"' for code, family in added if code == own_script]
        others = [f'"{family}"' for code, family in added if code != own_script]
        generic = parts[-1:] if parts and parts[-1].strip("\"'") in GENERIC else []
        body = parts[:-1] if generic else parts
        declarations.append(f"--font-{role}: {', '.join(first + body + others + generic)};")
    return ("\n/* The faces of the scripts this edition uses beyond the fonts above (layout.yaml, "
            "fonts:), with only the characters its pages hold. */\n" + "\n".join(rules)
            + (f"\n:root {{ {' '.join(declarations)} }}\n" if declarations else "\n"))


GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
           "ui-serif", "ui-sans-serif", "ui-monospace"}


def _root_value(css_text: str, name: str) -> str | None:
    """The value a ``:root`` rule of the stylesheet gives the custom property ``name``."""
    import tinycss2

    value = None
    for rule in tinycss2.parse_stylesheet(css_text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            for item in tinycss2.parse_blocks_contents(rule.content, True, True):
                if item.type == "declaration" and item.name == name:
                    value = tinycss2.serialize(item.value).strip()
    return value


def _web_image(image: Image, variant: tuple[bytes, str], cache: Path,
               files: dict[str, bytes]) -> WebImage:
    """The image's files in the edition (the e-reader variant, and smaller copies of it when
    it is wide), added to ``files``."""
    data, media_type = variant
    href = image_href(image)
    if image.vector:  # a drawing: one file, sharp at every width, shown at its natural size
        files[href] = data
        return WebImage(href, image.width, image.height, ())
    with _opened(data) as img:
        width, height = img.size
    files[href] = data
    srcset = [(href, width)]
    stem, ext = posixpath.splitext(href)
    for target in WIDTHS:
        if width < target * 1.2:
            continue
        small_href = f"{stem}-{target}w{ext}"
        small, small_size = _resized(data, media_type, target, cache)
        files[small_href] = small
        srcset.append((small_href, small_size[0]))
    srcset.sort(key=lambda entry: entry[1])
    # src (what a browser without srcset shows): the largest file about 1280 px wide or less
    src_href, src_width = max((entry for entry in srcset if entry[1] <= max(WIDTHS) * 1.2),
                              key=lambda entry: entry[1], default=srcset[0])
    src_height = height
    if src_href != href:
        with _opened(files[src_href]) as img:
            src_width, src_height = img.size
    return WebImage(src_href, src_width, src_height, tuple(srcset) if len(srcset) > 1 else ())


def _resized(data: bytes, media_type: str, width: int, cache: Path) -> tuple[bytes, tuple[int, int]]:
    """A copy of an e-reader variant ``width`` pixels wide, kept in ``cache`` by content."""
    from PIL import Image as PILImage

    suffix = ".png" if media_type == "image/png" else ".jpg"
    key = hashlib.sha256(data + f":{width}:{RESIZE_VERSION}".encode()).hexdigest()[:24]
    kept = cache / f"web-{key}{suffix}"
    if kept.is_file():
        small = kept.read_bytes()
        with _opened(small) as img:
            return small, img.size
    with _opened(data) as img:
        height = max(1, round(img.height * width / img.width))
        img = img.resize((width, height), PILImage.LANCZOS)
        out = io.BytesIO()
        if suffix == ".png":
            img.save(out, "PNG", optimize=True, icc_profile=srgb_icc())
        else:
            img.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True,
                                    icc_profile=srgb_icc(), dpi=(150, 150))
    small = out.getvalue()
    with atomic_output(kept) as tmp:
        tmp.write_bytes(small)
    return small, (width, height)


@contextlib.contextmanager
def _opened(data: bytes):
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(data)) as img:
        img.load()
        yield img


def _stylesheet_files(css: str, path: Path) -> list[str]:
    """The layout files ``url()`` names in the stylesheet (fonts, images), as relative paths;
    a URL of another host or outside the layout is a source problem: the edition requests
    nothing from elsewhere."""
    found = []
    for match in _CSS_URL.finditer(re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        url = next(group for group in match.groups() if group is not None).strip()
        if url.startswith("#") or not url:
            continue
        clean = PurePosixPath(url.split("#", 1)[0].split("?", 1)[0])
        if (re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) or url.startswith("/")
                or ".." in clean.parts):
            raise SourceError(Problem(f"url({url}) is not a file of the layout; the web edition "
                                      "requests nothing from another host: copy the file into "
                                      "the layout and name it by a relative path", path))
        if str(clean) not in found:
            found.append(str(clean))
    return found


def _woff2(font: Path, cache: Path) -> bytes:
    """A TrueType or OpenType font as WOFF2 (the same glyphs), kept in ``cache`` by content."""
    data = font.read_bytes()
    key = hashlib.sha256(data + f":woff2:{WOFF2_VERSION}".encode()).hexdigest()[:24]

    def woff2() -> bytes:
        from fontTools.ttLib import TTFont

        with TTFont(io.BytesIO(data), recalcTimestamp=False) as ttfont:  # no build time inside
            ttfont.flavor = "woff2"
            out = io.BytesIO()
            ttfont.save(out, reorderTables=True)
        return out.getvalue()

    return made_once(cache / f"web-{key}.woff2", woff2)


def _renamed_urls(css: str, renamed: dict[str, str]) -> str:
    """The stylesheet with each ``url(old)`` (and the ``format()`` after it) naming the WOFF2."""
    if not renamed:
        return css

    def swap(match: re.Match) -> str:
        url = next(group for group in match.groups()[:3] if group is not None).strip()
        if url not in renamed:
            return match.group(0)
        return f'url("{renamed[url]}")' + (' format("woff2")' if match.group(4) else "")

    return re.sub(_CSS_URL.pattern + r"""(\s*format\(\s*["']?(?:truetype|opentype)["']?\s*\))?""",
                  swap, css)


def _credits(publication: Publication) -> list[tuple[str, list[str]]]:
    """(credit, figure numbers as printed) in order of first figure; an unnumbered figure's
    credit is under it only."""
    credits: dict[str, list[str]] = {}
    for figure in publication.figures:
        if figure.credit and figure.numbered:
            credits.setdefault(figure.credit, []).append(figure.number_text)
    return list(credits.items())


def _attributes(attrs: dict[str, str]) -> Markup:
    return Markup("".join(f' {key}="{Markup.escape(value)}"' for key, value in attrs.items()))


def _manifest(folder: Path) -> set[str]:
    """The files the edition now in ``folder`` consists of (none when there is none)."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return set()
    names = set()
    for line in text.splitlines():
        name = PurePosixPath(line.strip())
        if line.strip() and not name.is_absolute() and ".." not in name.parts:
            names.add(str(name))
    return names


def _remove_stale(folder: Path, names: set[str]) -> None:
    """Delete the previous edition's files the new one does not have, and folders they leave
    empty; only once the new edition is in place."""
    with uninterruptible():
        for name in sorted(names):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                os.unlink(folder / name)
            parent = (folder / name).parent
            while parent != folder and parent.is_relative_to(folder):
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent


def manifest_names(folder: Path) -> list[str]:
    """The files of the web edition in ``folder``, from its manifest (for tests and tools)."""
    return sorted(_manifest(folder))


