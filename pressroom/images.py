"""Images: find them inside ``images/``, inspect them, and make the e-reader variant."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import io
import os
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image as PILImage
from PIL import ImageCms, ImageFile, ImageOps

from . import vector
from .colour import srgb_icc
from .diagnostics import Problem, SourceError
from .model import Image

#: Formats that the PDF and EPUB targets both accept as they are.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}

#: E-reader images: longest side and pixel count that every retailer accepts.
EREADER_MAX_SIDE = 2048
EREADER_MAX_PIXELS = 4_000_000

_SRGB = ImageCms.createProfile("sRGB")


def resolve(src: str, images_dir: Path, file: Path, line: int | None) -> Path:
    """The file an image reference names, which must be inside ``images_dir``."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        raise SourceError(Problem(f"image '{src}' is a URL; copy the file into images/ and "
                                  "refer to it by name", file, line))
    name = unquote(parts.path)
    if name.startswith("images/"):
        name = name[len("images/"):]
    candidate = (images_dir / name)
    root = images_dir.resolve()
    try:
        resolved = candidate.resolve()
        resolved.relative_to(root)
        resolved.relative_to(images_dir.parent.resolve())  # images/ itself may be a link out
    except (ValueError, OSError):
        raise SourceError(Problem(f"image '{src}' is outside images/; copy it into images/ and "
                                  "refer to it by name", file, line)) from None
    if not resolved.is_file():
        hint = _similar_names(images_dir, Path(name).name)
        raise SourceError(Problem(f"image '{src}' not found in images/{hint}", file, line))
    return resolved


#: Images inspected by earlier builds (see :func:`remembering`): path -> [size, mtime_ns, fields].
_remembered: dict[str, list] | None = None
#: Within :func:`remembering`: images inspected anew whose pixels are still to be decoded.
_undecoded: list[tuple[Path, Path, int | None]] | None = None


@contextlib.contextmanager
def remembering(known: dict[str, list]):
    """Within the block, :func:`inspect` reuses what ``known`` holds for an image file of the
    same path, size and modification time, and adds what it inspects anew (the build cache
    keeps ``known`` between builds, unless the build fails): decoding a hundred print photos
    costs seconds. The new images' pixels are decoded together when the block ends, in as many
    threads as the machine has cores; the first that does not decode raises its error there."""
    global _remembered, _undecoded
    previous = _remembered, _undecoded
    _remembered, _undecoded = known, []
    undecoded = _undecoded
    try:
        yield known
    finally:
        _remembered, _undecoded = previous
    decoded(undecoded)


def inspect(path: Path, file: Path, line: int | None) -> Image:
    """Open an image enough to know its size, format and resolution; errors name the figure.
    Its pixels are decoded (truncated files fail) now, or at the end of :func:`remembering`."""
    if _remembered is None:
        image = _inspect(path, file, line)
        if not image.vector:
            decoded([(path, file, line)])
        return image
    info = path.stat()
    entry = _remembered.get(str(path))
    if entry and entry[:2] == [info.st_size, info.st_mtime_ns]:
        return Image(path=path, **entry[2])
    image = _inspect(path, file, line)
    if not image.vector:
        _undecoded.append((path, file, line))
    fields = dataclasses.asdict(image)
    del fields["path"]
    _remembered[str(path)] = [info.st_size, info.st_mtime_ns, fields]
    return image


def _inspect(path: Path, file: Path, line: int | None) -> Image:
    """The image's description from its header (verified); SVG and PDF drawings from
    :mod:`pressroom.vector`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(Problem(f"image '{path.name}' cannot be read ({error.strerror}); check "
                                  "the file's permissions", file, line)) from None
    if not data:
        raise SourceError(Problem(f"image '{path.name}' is empty (0 bytes); copy the image file "
                                  "into images/ again", file, line))
    if vector.is_vector(path, data):
        return vector.inspect(path, data, file, line)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as img:
                img.verify()
            with PILImage.open(io.BytesIO(data)) as img:
                fmt, mode = img.format, img.mode
                width, height = _upright_size(img)
                dpi = img.info.get("dpi")
    except (PILImage.DecompressionBombWarning, PILImage.DecompressionBombError):
        raise SourceError(Problem(f"image '{path.name}' is too large to open safely; "
                                  "scale it down to under 90 megapixels", file, line)) from None
    except Exception:  # Pillow raises many types for broken files
        raise _unreadable(path, file, line) from None
    if fmt not in FORMATS:
        raise SourceError(Problem(f"image '{path.name}' is {fmt}; convert it to JPEG (photos), "
                                  "PNG or SVG (drawings)", file, line))
    return Image(path=path, width=width, height=height, format=fmt, mode=mode,
                 dpi=float(dpi[0]) if dpi and dpi[0] else None,
                 sha256=hashlib.sha256(data).hexdigest())


def _unreadable(path: Path, file: Path, line: int | None) -> SourceError:
    return SourceError(Problem(f"image '{path.name}' is not a readable image (corrupt or "
                               "truncated); export it again as JPEG or PNG", file, line))


def decoded(images: list[tuple[Path, Path, int | None]]) -> None:
    """Decode every pixel of each image (path, file, line), in threads: verify() misses
    truncated JPEG data. The first that fails raises."""
    from concurrent.futures import ThreadPoolExecutor

    def fails(path: Path) -> bool:
        try:
            with PILImage.open(path) as img:
                if img.format == "JPEG":  # the whole file is read, at an eighth of the pixels
                    img.draft(img.mode, (max(1, img.width // 8), max(1, img.height // 8)))
                img.load()
        except Exception:  # Pillow raises many types for broken files
            return True
        return False

    # WeasyPrint sets LOAD_TRUNCATED_IMAGES when imported; a truncated file must still fail here.
    truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            failed = [entry for entry, bad in zip(images, pool.map(fails, (e[0] for e in images)))
                      if bad]
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok
    if failed:
        path, file, line = failed[0]
        raise _unreadable(path, file, line)


#: Bump when ereader_variant makes different pixels: the cached variants are then made anew.
EREADER_VERSION = 2


def ereader_variants(images: list[Image], cache: Path, progress=None) -> dict[Path, tuple[bytes, str]]:
    """The e-reader variant of each image (see :func:`ereader_variant`), by path: made once per
    image content and kept in ``cache``, the new ones made in parallel. A vector figure's is
    its sanitised SVG (kept in ``cache``'s sibling ``vector/``)."""
    def one(image: Image) -> tuple[bytes, str]:
        if image.vector:  # drawn by the reader: the sanitised SVG, in every size
            return vector.svg_file(image, cache.parent)[0].read_bytes(), vector.MEDIA_TYPE
        key = hashlib.sha256(f"{image.sha256}:{EREADER_MAX_SIDE}:{EREADER_MAX_PIXELS}:"
                             f"{EREADER_VERSION}".encode()).hexdigest()[:24]
        from .atomic import atomic_output, made_by_one

        def kept() -> tuple[bytes, str] | None:
            for suffix, media_type in ((".jpg", "image/jpeg"), (".png", "image/png")):
                if (cache / f"{key}{suffix}").is_file():
                    return (cache / f"{key}{suffix}").read_bytes(), media_type
            return None

        if found := kept():
            return found
        with made_by_one(cache / key):  # a catalogue's titles share the cache
            if found := kept():
                return found
            data, media_type = ereader_variant(image)
            with atomic_output(cache / f"{key}{'.png' if media_type == 'image/png' else '.jpg'}") as tmp:
                tmp.write_bytes(data)
        return data, media_type

    return made_in_parallel(one, images, progress, "images for e-readers")


def made_in_parallel(make, images: list[Image], progress=None, what: str = "images") -> dict:
    """``make(image)`` for each image, in as many threads as the machine has cores (Pillow and
    LittleCMS work without holding Python's lock), by path; each one done is a progress step."""
    from concurrent.futures import ThreadPoolExecutor

    made = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for done, (image, result) in enumerate(zip(images, pool.map(make, images)), 1):
            made[image.path] = result
            if progress is not None:
                progress.step(what, done, len(images))
    return made


def ereader_variant(image: Image) -> tuple[bytes, str]:
    """The image for e-readers: upright, sRGB, at most 2048 px and 4 MP; (bytes, media type)."""
    with PILImage.open(image.path) as img:
        scale = min(1.0, EREADER_MAX_SIDE / max(img.size),
                    (EREADER_MAX_PIXELS / (img.width * img.height)) ** 0.5)
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        turned = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # EXIF: shown a quarter turned
        if scale < 1.0 and img.format == "JPEG":
            img.draft(None, size)  # decode at 1/2, 1/4 or 1/8 of the size when that suffices
        img = ImageOps.exif_transpose(img)
        img = to_srgb(img)
        if scale < 1.0:
            img = img.resize(size[::-1] if turned else size, PILImage.LANCZOS)
        out = io.BytesIO()
        icc = srgb_icc()  # the same bytes in every build (a new profile carries the time)
        if img.mode in ("RGBA", "LA") or image.format in ("PNG", "GIF"):
            img.save(out, "PNG", optimize=True, icc_profile=icc)
            return out.getvalue(), "image/png"
        img.convert("RGB").save(out, "JPEG", quality=85, optimize=True, icc_profile=icc,
                                dpi=(150, 150))
        return out.getvalue(), "image/jpeg"


def to_srgb(img: PILImage.Image) -> PILImage.Image:
    """Convert an image from its embedded profile (or a plain CMYK/grey assumption) to sRGB."""
    icc = img.info.get("icc_profile")
    has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    if img.mode in ("P", "PA", "1", "I", "I;16", "F", "LA", "L") or "transparency" in img.info:
        img = img.convert("RGBA" if has_alpha else "RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = "RGBA" if img.mode == "RGBA" else "RGB"
            return ImageCms.profileToProfile(img, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    if img.mode not in ("RGB", "RGBA"):
        img = img.convert("RGB")
    return img


def _upright_size(img: PILImage.Image) -> tuple[int, int]:
    """Width and height as displayed, honouring the EXIF orientation."""
    orientation = img.getexif().get(0x0112, 1)
    return (img.height, img.width) if orientation in (5, 6, 7, 8) else img.size


def _similar_names(folder: Path, name: str) -> str:
    names = [p.name for p in folder.glob("*") if p.is_file()] if folder.is_dir() else []
    close = difflib.get_close_matches(name, names, n=1)
    return f"; did you mean '{close[0]}'?" if close else "; add the file there or fix the name"
