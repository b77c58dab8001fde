"""The document's pictures, taken out for images/: named after their description (or
``figure-N``), with the extension of their content, the same picture once."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import mammoth

from ..config import slugify

#: What every output can hold (pressroom.images.FORMATS), by the content type Word records.
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
              "image/webp": ".webp"}
#: Word's own pictures Pillow can read and write again as PNG.
CONVERTIBLE = {"image/tiff", "image/bmp", "image/x-ms-bmp"}
_GENERATED = "description automatically generated"


@dataclass
class Pictures:
    """mammoth's image converter: keeps each picture's bytes under its new name."""

    report: object  # markdown.Report
    files: dict[str, bytes] = field(default_factory=dict)  # name in images/ -> content
    count: int = 0
    _by_digest: dict[str, str] = field(default_factory=dict)

    def converter(self):
        return mammoth.images.img_element(self._convert)

    def _convert(self, image) -> dict:
        self.count += 1
        number = self.count
        description = " ".join((image.alt_text or "").split())
        try:
            with image.open() as stream:
                data = stream.read()
        except Exception:  # noqa: BLE001 - a linked picture, or a part missing from the file
            self.report.add(f"picture {number} is linked to a file outside the document (or "
                            "missing from it) and was left out; in Word, insert the picture "
                            "itself (Insert > Pictures, not 'Link to File') and import again")
            return {"src": ""}
        content_type = (image.content_type or "").lower()
        extension = EXTENSIONS.get(content_type)
        if extension is None and content_type in CONVERTIBLE:
            data, extension = _as_png(data), ".png"
        if extension is None or not data:
            kind = content_type.split("/")[-1].replace("x-", "").upper() or "unknown"
            self.report.add(f"picture {number}{_named(description)} is a {kind} file, which no "
                            "output can hold, and was left out; in Word, save it as PNG or "
                            "JPEG (right-click > Save as Picture), insert that and import again")
            return {"src": ""}
        if not description:
            self.report.add(f"picture {number} has no description; its caption stands in as "
                            "alt text (or it has none): describe the picture for readers who "
                            "cannot see it in the ![...] of its figure")
        elif description.lower().rstrip(". ").endswith(_GENERATED):
            self.report.add(f"picture {number}'s description was made by Word "
                            f"({_quoted(description)}); check it says what the picture shows")
        digest = hashlib.sha256(data).hexdigest()
        if digest in self._by_digest:
            return {"src": self._by_digest[digest]}
        stem = _stem(description) or f"figure-{number}"
        name, n = f"{stem}{extension}", 1
        while name in self.files:
            n += 1
            name = f"{stem}-{n}{extension}"
        self.files[name] = data
        self._by_digest[digest] = name
        return {"src": name}


def _stem(description: str) -> str:
    """A file name from the first words of a description, at most about 40 characters."""
    slug = slugify(description) if description else ""
    if slug == "publication" and "publication" not in description.lower():
        return ""
    if len(slug) > 40:
        slug = slug[:41].rsplit("-", 1)[0]
    return slug


def _as_png(data: bytes) -> bytes:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.save(out, "PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return b""


def _named(description: str) -> str:
    return f" ({_quoted(description)})" if description else ""


def _quoted(text: str, length: int = 40) -> str:
    return f"'{text if len(text) <= length else text[:length - 1].rstrip() + '…'}'"
