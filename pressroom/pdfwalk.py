"""A walk over a PDF's resources: every content owner once, and what its resources hold.

A content owner is a page (with the resources it inherits from the page tree), a form XObject
or a tiling pattern: each has a content stream and resources. :class:`ResourceWalker` visits each
once, in document order, depth first (a page, then the forms and patterns its resources name,
then the next page), and on the way each image named in those resources and each shading (of a
shading pattern, or named for ``sh``). Annotation appearances and Type 3 glyph procedures are not
visited. Colour conversion (``colour``) and the images' stable names (below) are such walks.

The preflight's scanner (``pdfscan``) walks content as it is drawn instead (a form drawn twice is
two placements, with the CTM of each; what the content never draws does not count), and takes
a page's resources and the resources its operators name from here.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name


def page_resources(page: pikepdf.Page):
    """A page's resources: its own, or those it inherits from the page tree (None if neither)."""
    node, resources = page.obj, page.obj.get("/Resources")
    while resources is None and "/Parent" in node:
        node = node.Parent
        resources = node.get("/Resources")
    return resources


def resource(resources, category: str, name):
    """The resource ``name`` of ``category`` (``/Font``, ``/XObject``...), or None."""
    if not isinstance(resources, Dictionary) or not isinstance(name, Name):
        return None
    group = resources.get(category)
    return group.get(name) if isinstance(group, Dictionary) else None


class ResourceWalker:
    """Visits each content owner of a PDF once (see the module's notes); a subclass overrides
    :meth:`owner`, :meth:`image` and :meth:`shading` for what it does there."""

    def __init__(self):
        self.seen: set[tuple[int, int]] = set()

    def walk(self, pdf: pikepdf.Pdf) -> None:
        for page in pdf.pages:
            self.visit(page.obj, page_resources(page), page)

    def first_time(self, obj) -> bool:
        """Whether ``obj`` is met for the first time (a direct object always is)."""
        if obj.objgen == (0, 0):
            return True
        if obj.objgen in self.seen:
            return False
        self.seen.add(obj.objgen)
        return True

    def visit(self, obj, resources, page: pikepdf.Page | None = None) -> None:
        """A content owner: the owner itself first, then what its resources hold."""
        if not self.first_time(obj):
            return
        self.owner(obj, resources, page)
        if isinstance(resources, Dictionary):
            self.children(resources)

    def children(self, resources: Dictionary) -> None:
        xobjects = resources.get("/XObject")
        for name, xobject in list(xobjects.items()) if isinstance(xobjects, Dictionary) else ():
            subtype = xobject.get("/Subtype")
            if subtype == Name.Form:
                self.visit(xobject, xobject.get("/Resources"))
            elif subtype == Name.Image:
                self.image(xobjects, name, xobject, self.first_time(xobject))
        patterns = resources.get("/Pattern")
        for pattern in patterns.values() if isinstance(patterns, Dictionary) else ():
            if pattern.get("/PatternType") == 1:
                self.visit(pattern, pattern.get("/Resources"))
            elif "/Shading" in pattern:
                self.shading(pattern.Shading)
        shadings = resources.get("/Shading")
        for shading in shadings.values() if isinstance(shadings, Dictionary) else ():
            self.shading(shading)

    def owner(self, obj, resources, page: pikepdf.Page | None) -> None:
        """A page (``page`` given; ``obj`` is its dictionary), form XObject or tiling pattern,
        with its ``resources`` (may be None)."""

    def image(self, xobjects: Dictionary, name: str, image: pikepdf.Stream, first: bool) -> None:
        """An image XObject, named ``name`` in ``xobjects``: at each place it is named, ``first``
        the first time the walk meets it."""

    def shading(self, shading) -> None:
        """A shading: of a shading pattern, or in a resources' /Shading (at each place)."""


# ---------- Image names that do not hold the source's place ----------

class _ImageNames(ResourceWalker):
    """Renames WeasyPrint's image resources after their content, and remembers the owners
    whose content may name them."""

    def __init__(self, engine_name: re.Pattern):
        super().__init__()
        self.engine_name = engine_name
        self.renames: dict[bytes, bytes] = {}
        self.owners: list[tuple[pikepdf.Object, bool]] = []  # (owner, is a page)

    def owner(self, obj, resources, page) -> None:
        self.owners.append((obj, page is not None))

    def image(self, xobjects, name, image, first) -> None:
        if self.engine_name.fullmatch(name.encode("ascii", "replace")):
            old = name.encode("ascii")
            if old not in self.renames:
                self.renames[old] = _content_name(image, name[-1])
            del xobjects[name]
            xobjects[self.renames[old].decode("ascii")] = image


def stable_image_names(pdf: pikepdf.Pdf) -> None:
    """Rename WeasyPrint's image resources in a ``pikepdf.Pdf`` after their content (``/Im`` + a
    SHA-256 prefix), in the resources and content streams of pages, forms and tiling patterns:
    the file no longer depends on where the source or the output folder is."""
    from .engine import IMAGE_RESOURCE_NAME

    walk = _ImageNames(IMAGE_RESOURCE_NAME)
    walk.walk(pdf)
    if not walk.renames:
        return

    def rename(match: re.Match) -> bytes:
        return walk.renames.get(match.group(0), match.group(0))

    for owner, page in walk.owners:
        if not page:
            data = owner.read_bytes()
            new = IMAGE_RESOURCE_NAME.sub(rename, data)
            if new != data:
                owner.write(zlib.compress(new), filter=Name.FlateDecode)
            continue
        contents = owner.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        data = b"\n".join(stream.read_bytes() for stream in streams if stream is not None)
        new = IMAGE_RESOURCE_NAME.sub(rename, data)
        if new != data:
            owner.Contents = pdf.make_stream(zlib.compress(new), Filter=Name.FlateDecode)


def _content_name(image, interpolate: str) -> bytes:
    """``/Im`` + a digest of the image's data, size, colour and soft mask + WeasyPrint's flag."""
    digest = hashlib.sha256(image.read_raw_bytes())
    for key in ("/Width", "/Height", "/BitsPerComponent", "/ColorSpace", "/Decode", "/SMask"):
        value = image.get(key)
        digest.update(key.encode())
        digest.update(value.read_raw_bytes() if isinstance(value, pikepdf.Stream)
                      else repr(value).encode())
    return f"/Im{digest.hexdigest()[:24]}{interpolate}".encode("ascii")


def stable_pdf(path: Path) -> None:
    """Rewrite a PDF WeasyPrint wrote so that the same source gives the same bytes wherever it
    lies: images named after their content, the /ID made from the finished content."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        stable_image_names(pdf)
        if "/ID" in pdf.trailer:  # WeasyPrint's hashes the file it wrote; qpdf would keep half
            del pdf.trailer["/ID"]
        pdf.save(path, deterministic_id=True)
