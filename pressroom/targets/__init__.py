"""Output targets: each reads the finished model and writes its files, nothing else.

Every target is one module of this package with a ``build(job) -> Built`` function, and one
line in :data:`REGISTRY` saying what it is called, which layout files only it reads (the rest
of a layout is shared, see :func:`pressroom.cache.target_keys`) and which targets it needs
first. The pipeline (:mod:`pressroom.build`), the build cache, the command line's ``--target``,
``serve`` and the ``--json`` report all take the list from here. The registry imports nothing
heavy: a target's module is loaded only when it is built.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Built:
    """What building a target gave: the files it wrote (outputs, and files of its own in the
    cache the build state keeps an eye on), the warnings and the errors (press files a printer
    would refuse; the build still writes them, and exits with 1)."""

    outputs: list[Path]
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Job:
    """What a target's build step reads: the finished model, the layout, the output folder,
    the build state (what else is current), the content keys and where to show progress.
    ``processes``: how many processes the step may keep busy (1 when another target runs in a
    second process beside it)."""

    publication: object
    layout: object
    out: Path
    state: object  # cache.BuildState
    keys: dict[str, str]  # each target's content key (see Target.key)
    progress: object  # progress.Progress
    processes: int = 2

    def path(self, suffix: str) -> Path:
        """An output of the publication in ``out``: ``<slug><suffix>``."""
        return self.out / f"{self.publication.settings.slug}{suffix}"


@dataclass(frozen=True)
class Target:
    """One output target: its ``name`` (``--target NAME``), what it makes (``summary``, for
    ``--help``; ``stage``, for progress), the layout files only it reads (``reads``: file
    names, or folders ending in ``/``), the targets whose outputs it reads (``needs``: built
    first, and asked for with it), whether it renders in a process of its own beside the
    others (``separate``), and the target whose content key it shares (``key_of``)."""

    name: str
    summary: str
    stage: str
    reads: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    separate: bool = False
    key_of: str | None = None

    @property
    def module(self):
        return importlib.import_module(f"{__name__}.{self.name}")

    def key(self, job: Job) -> str:
        """The content key the target is built from: its medium's, or what its module's
        ``key(job)`` makes of it (the EPUB adds the screen PDF it takes its pages from)."""
        own = getattr(self.module, "key", None)
        return own(job) if own else job.keys[self.key_of or self.name]

    def build(self, job: Job) -> Built:
        return self.module.build(job)


#: Every output target, in build order. Adding a target: a module here and a line below.
REGISTRY: dict[str, Target] = {target.name: target for target in (
    Target("pdf", "the designers' screen PDF", "screen PDF"),
    Target("proof", "the screen PDF's proof sheet (every page as spreads in one PNG)",
           "proof sheet", needs=("pdf",), key_of="pdf"),
    Target("epub", "the e-book", "EPUB", reads=("epub.css", "epub/")),
    Target("press", "PDF/X press files, imposed sheets, preflight report and job ticket in "
           "OUT/press/", "press files", reads=("press.css", "profiles/"), separate=True),
)}


def wanted(names) -> tuple[Target, ...]:
    """The targets ``names`` asks for (``all``: every one), with those they need, in build
    order."""
    names = set(REGISTRY) if "all" in names else set(names)
    while needed := {need for name in names for need in REGISTRY[name].needs} - names:
        names |= needed
    return tuple(target for name, target in REGISTRY.items() if name in names)


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
