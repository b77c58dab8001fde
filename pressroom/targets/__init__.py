"""Output targets: each reads the finished model and writes its files, nothing else.

Every target is one module of this package with a ``build(job) -> Built`` function, and one
line in :data:`REGISTRY` saying what it is called, which layout files only it reads (the rest
of a layout is shared, see :func:`pressroom.cache.target_keys`) and which targets it needs
first. The pipeline (:mod:`pressroom.build`), the build cache, the command line's ``--target``,
``serve`` and the ``--json`` report all take the list from here. The registry imports nothing
heavy: a target's module is loaded only when it is built.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Built:
    """What building a target gave: the files it wrote (``outputs``, which the report lists,
    and ``kept``, which it does not: an edition's other files, files of its own in the cache;
    the build state keeps an eye on both), the warnings and the errors (press files a printer
    would refuse; the build still writes them, and exits with 1)."""

    outputs: list[Path]
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


@dataclass
class Job:
    """What a target's build step reads: the finished model, the layout, the output folder,
    the build state (what else is current), the content keys and where to show progress.
    ``cache``: the content cache, where work is kept by what it is made from (image variants,
    sanitised drawings, fonts, covers), which several builds may share (a catalogue's titles,
    a source's editions); ``processes``: how many processes the step may keep busy (1 when
    another target runs in a second process beside it)."""

    publication: object
    layout: object
    out: Path
    state: object  # cache.BuildState
    keys: dict[str, str]  # each target's content key (see Target.key)
    progress: object  # progress.Progress
    cache: Path
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
    Target("onix", "ONIX 3.0 product records of the print edition and the e-book, for the book "
           "trade (with an ISBN)", "ONIX message", needs=("pdf",), key_of="pdf"),
    Target("web", "the web edition in OUT/web/ (a page per section, for phones and desktops)",
           "web edition", reads=("web.html", "web.css")),
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
