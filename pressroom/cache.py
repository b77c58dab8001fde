"""The build cache: what each target was last built from, so unchanged work is never redone.

It lives in ``<out>/.cache/`` and is safe to delete (the next build is then a full one). Two
levels:

- a *stamp* of every file that can change a build (the source's manuscript, images and layouts,
  the built-in layouts, Pressroom's own code), from their sizes and modification times only: when
  it matches the last build's and the outputs are as that build left them, nothing is read at
  all (a no-op rebuild costs a few milliseconds);
- a *key* per target, from the contents that target depends on (Markdown, image digests,
  publication.yaml, the layout files of its medium, the code): a target whose key did not change
  and whose outputs are intact is not rebuilt, and its warnings are reported again.

This module imports nothing heavy: the no-op path must not load the engines.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .paths import BUILTIN_LAYOUTS, PACKAGE

CACHE = Path(".cache")
STATE = CACHE / "build.json"
FORMAT = 2  # the state file's format; a state of another format is ignored
CODE = PACKAGE  # the pressroom package


@dataclass
class TargetRecord:
    """One target as last built: its stamp and key, its outputs (relative to the output folder,
    with size and modification time) and what it reported."""

    stamp: str
    key: str
    outputs: dict[str, list[int]]
    warnings: list[str] = field(default_factory=list)
    preflight_errors: list[str] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)  # page count of each PDF output
    kept: dict[str, list[int]] = field(default_factory=dict)  # other files, not reported


class BuildState:
    """``<out>/.cache/build.json``: the targets as last built and the inspected images."""

    def __init__(self, out: Path):
        self.out = out
        self.targets: dict[str, TargetRecord] = {}
        self.images: dict[str, list] = {}  # path -> [size, mtime_ns, fields of model.Image]
        try:
            data = json.loads((out / STATE).read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                self.targets = {name: TargetRecord(**record)
                                for name, record in data["targets"].items()}
                self.images = data["images"]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no cache, or an unreadable one: build everything

    def current(self, target: str, *, stamp: str | None = None, key: str | None = None) -> bool:
        """True when ``target`` was last built from this stamp (or key) and its outputs are
        still exactly as that build left them."""
        record = self.targets.get(target)
        if record is None or (stamp is not None and record.stamp != stamp) or \
                (key is not None and record.key != key):
            return False
        return all(_signature(self.out / name) == signature
                   for name, signature in {**record.outputs, **record.kept}.items())

    def record(self, target: str, stamp: str, key: str, outputs: list[Path],
               warnings: list[str], preflight_errors: list[str] = (),
               kept: list[Path] = ()) -> None:
        """Note that ``target`` was built from ``stamp`` and ``key`` into ``outputs`` (and
        ``kept``: files it wrote that the report does not list)."""
        import pikepdf

        pages = {}
        for path in outputs:
            if path.suffix == ".pdf":
                with pikepdf.open(path) as pdf:
                    pages[path.relative_to(self.out).as_posix()] = len(pdf.pages)
        self.targets[target] = TargetRecord(
            stamp, key, {path.relative_to(self.out).as_posix(): _signature(path)
                         for path in outputs},
            list(warnings), list(preflight_errors), pages,
            {path.relative_to(self.out).as_posix(): _signature(path) for path in kept})

    def outputs(self, target: str) -> list[Path]:
        return [self.out / name for name in self.targets[target].outputs]

    def save(self) -> None:
        """Write the state (atomically: a stop never leaves half a file)."""
        from .atomic import atomic_output

        data = {"format": FORMAT,
                "targets": {name: asdict(record) for name, record in self.targets.items()},
                "images": self.images}
        with atomic_output(self.out / STATE) as tmp:
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _signature(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def source_stamp(source: Path, out: Path, edition: str | None = None) -> str:
    """A digest of the path, size and modification time of every file that can change a build:
    the source's manuscript/, images/ and layouts/ (and translations/<edition>/ for a
    translation), the built-in layouts and the package's code, with SOURCE_DATE_EPOCH. Nothing
    is read, so it costs milliseconds whatever the book's size."""
    digest = hashlib.sha256(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    translation = [source / "translations" / edition] if edition else []
    folders = dict.fromkeys(folder.resolve() for folder in (
        source / "manuscript", source / "images", source / "layouts", *translation,
        BUILTIN_LAYOUTS, CODE))
    skip = out.resolve()
    for folder in folders:
        for path, info in _walk(folder, skip):
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _walk(folder: Path, skip: Path):
    """(path, stat) of the files below ``folder`` in a stable order, leaving out ``skip`` and
    compiled Python. Links are not followed: a link is listed as itself (see :func:`_content`),
    so nothing outside the publication is ever read."""
    if not folder.is_dir() or folder == skip:
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    yield from _walk(path, skip)
            elif not entry.name.endswith(".pyc"):
                yield path, entry.stat(follow_symlinks=False)
        except OSError:
            continue


def _content(path: Path) -> bytes:
    """A file's bytes; for a link, where it points (the build itself refuses links that lead
    out of the publication, and the cache must not read them either)."""
    if path.is_symlink():
        return b"link:" + os.fsencode(os.readlink(path))
    return path.read_bytes()


def code_digest() -> str:
    """A digest of Pressroom's code (every file of the package, not the layouts an installed
    package holds): the same on two machines exactly when they run the same Pressroom."""
    key = Key()
    for path, _ in _walk(CODE, BUILTIN_LAYOUTS):
        key.add(path.relative_to(CODE).as_posix()).add(_content(path))
    return key.hexdigest()


class Key:
    """A content key: a SHA-256 fed with labelled parts."""

    def __init__(self, *parts):
        self.digest = hashlib.sha256()
        for part in parts:
            self.add(part)

    def add(self, part) -> Key:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        self.digest.update(len(data).to_bytes(8, "big") + data)
        return self

    def add_file(self, path: Path) -> Key:
        """The file's name and contents (nothing when it does not exist)."""
        return self.add(path.name).add(path.read_bytes() if path.is_file() else b"")

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def target_keys(publication, layout) -> dict[str, str]:
    """The content key of each target of the registry that has its own (``key_of`` unset),
    from one reading of the inputs: Pressroom's code, SOURCE_DATE_EPOCH, publication.yaml,
    every section's Markdown and the digest of every image (shared), and the layout files that
    target reads (the files no target claims in its ``reads``, and its own)."""
    from .fonts import system_key
    from .targets import REGISTRY

    common = Key(os.environ.get("SOURCE_DATE_EPOCH", ""), code_digest())
    common.add_file(publication.root / "manuscript" / "publication.yaml")
    common.add(settings_key(publication.settings))  # a translation's fields, through them
    for face in system_key(layout.fonts, set()):  # the system faces layout.yaml names
        common.add(face)
    for section in publication.sections:
        common.add_file(section.source)
    for image in sorted(publication.images, key=lambda image: image.path):
        common.add(image.path.name).add(image.sha256)
    keys = {name: common.digest.copy() for name, target in REGISTRY.items()
            if target.key_of is None}
    for folder in layout.folders:
        for path, _ in _walk(folder, folder / "__pycache__"):
            relative = path.relative_to(folder).as_posix()
            own = reader_of(relative, REGISTRY.values())
            part = Key(relative, _content(path)).hexdigest()
            for name, digest in keys.items():
                if own in (None, name):
                    digest.update(part.encode())
    return {name: digest.hexdigest() for name, digest in keys.items()}


def settings_key(settings) -> str:
    """The settings as text that is the same in every process (a set's order is not: string
    hashes are salted per process)."""
    from dataclasses import fields

    return repr([(item.name, sorted(value) if isinstance(value, (set, frozenset)) else value)
                 for item in fields(settings)
                 for value in [getattr(settings, item.name)]])


def reader_of(relative: str, targets) -> str | None:
    """The one target that reads a layout file (by the ``reads`` of ``targets``), or None when
    the file is shared."""
    for target in targets:
        if any(relative == name or (name.endswith("/") and relative.startswith(name))
               for name in target.reads):
            return target.name
    return None
