"""Output targets: each reads the finished model and writes its files, nothing else."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path


#: WeasyPrint names an image resource after the MD5 of its URL ("/i" + 32 hex digits + 1 when
#: interpolated, else 0), so the names of images read by file URL (a layout's own, named in its
#: CSS) hold the folder they were read from; the source's images go by content (source-image:).
WEASYPRINT_IMAGE = re.compile(rb"/i[0-9a-f]{32}[01](?![^\s/\[\]<>(){}%])")


def stable_image_names(pdf) -> None:
    """Rename WeasyPrint's image resources in a ``pikepdf.Pdf`` after their content (``/Im`` + a
    SHA-256 prefix), in the resources and content streams of pages, forms and tiling patterns:
    the file no longer depends on where the source or the output folder is."""
    import zlib

    import pikepdf

    renames: dict[bytes, bytes] = {}
    owners, seen = [], set()

    def visit(owner, resources, page: bool = False) -> None:
        key = owner.objgen if owner.objgen != (0, 0) else id(owner)
        if key in seen:
            return
        seen.add(key)
        owners.append((owner, page))
        if not isinstance(resources, pikepdf.Dictionary):
            return
        xobjects = resources.get("/XObject")
        for name, xobject in list(xobjects.items()) if xobjects is not None else ():
            if xobject.get("/Subtype") == pikepdf.Name.Image and \
                    WEASYPRINT_IMAGE.fullmatch(name.encode("ascii", "replace")):
                old = name.encode("ascii")
                if old not in renames:
                    renames[old] = _content_name(xobject, name[-1])
                del xobjects[name]
                xobjects[renames[old].decode("ascii")] = xobject
            elif xobject.get("/Subtype") == pikepdf.Name.Form:
                visit(xobject, xobject.get("/Resources"))
        for pattern in (resources.get("/Pattern") or {}).values():
            if pattern.get("/PatternType") == 1:
                visit(pattern, pattern.get("/Resources"))

    for page in pdf.pages:
        node, resources = page.obj, page.obj.get("/Resources")
        while resources is None and "/Parent" in node:  # inherited from the page tree
            node = node.Parent
            resources = node.get("/Resources")
        visit(page.obj, resources, page=True)
    if not renames:
        return

    def rename(match: re.Match) -> bytes:
        return renames.get(match.group(0), match.group(0))

    for owner, page in owners:
        if not page:
            data = owner.read_bytes()
            new = WEASYPRINT_IMAGE.sub(rename, data)
            if new != data:
                owner.write(zlib.compress(new), filter=pikepdf.Name.FlateDecode)
            continue
        contents = owner.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        data = b"\n".join(stream.read_bytes() for stream in streams if stream is not None)
        new = WEASYPRINT_IMAGE.sub(rename, data)
        if new != data:
            owner.Contents = pdf.make_stream(zlib.compress(new), Filter=pikepdf.Name.FlateDecode)


def _content_name(image, interpolate: str) -> bytes:
    """``/Im`` + a digest of the image's data, size, colour and soft mask + WeasyPrint's flag."""
    import pikepdf

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
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        stable_image_names(pdf)
        if "/ID" in pdf.trailer:  # WeasyPrint's hashes the file it wrote; qpdf would keep half
            del pdf.trailer["/ID"]
        pdf.save(path, deterministic_id=True)
