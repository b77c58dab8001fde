"""``publish.py new DIR``: a new publication that builds at once, to start from.

The text files are templates in ``template/`` beside this module: the settings of each layout
(``settings/<layout>.yaml``, which becomes ``manuscript/publication.yaml``) and ``README.md``,
with ``$title``, ``$date`` and the like filled in, and the sections in ``manuscript/``, copied
as they are. The placeholder pictures are drawn with Pillow, the same bytes every time.

Everything is written into a temporary folder beside DIR and renamed into place at the end, so
a failure or an interruption leaves nothing half made; an existing file is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shlex
import shutil
import tempfile
from pathlib import Path
from string import Template

from ..diagnostics import EXIT_OK, LOGGER, SourceError, display_path, fail, stopped
from ..interrupt import interruptible
from ..paths import BUILTIN_LAYOUTS as BUILTIN, COMMAND, SCAFFOLD_TEMPLATE as TEMPLATE

LAYOUTS = ("brochure", "book")
#: How the README's build commands are given: from a checkout of Pressroom, or installed.
_COMMANDS = {"publish.py": {"where": "From the Pressroom folder",
                            "command": ".venv/bin/python publish.py"},
             "publish": {"where": "From the folder where `new` was run", "command": "publish"}}
FONTS = BUILTIN / "brochure" / "fonts"
#: The placeholder pictures: size in pixels (over 300 ppi across an A4 cover with its bleed,
#: 216 mm, and across the brochure's text) and the gradient's colours, top left to bottom right.
IMAGES = {
    "cover-photo.jpg": ((3000, 2000), ("#3f4a52", "#b8aa93")),
    "figure-photo.jpg": ((2480, 1654), ("#5d6b62", "#d9d3c3")),
}


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register the ``new`` command with the command line's subcommands."""
    new = commands.add_parser(
        "new", help="start a new publication that builds at once",
        description="Make DIR (new or empty) with manuscript/publication.yaml, three short "
                    "sections that show the source syntax by example, placeholder pictures in "
                    "images/ and a README.md, then print the command that builds it.")
    new.add_argument("folder", type=Path, metavar="DIR", help="the new publication's folder")
    new.add_argument("--layout", choices=LAYOUTS, default="brochure",
                     help="brochure: A4, stapled (default); book: A5, perfect-bound")
    new.add_argument("--title", help="the publication's title (default: from DIR's name)")
    new.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def run(args: argparse.Namespace) -> int:
    """Carry out ``publish.py new``; the exit code."""
    try:
        title = _title(args.title, args.folder)
        with interruptible():  # SIGTERM and SIGHUP unwind like Ctrl-C: the temporary folder goes
            create(args.folder, args.layout, title)
    except (KeyboardInterrupt, SourceError, OSError) as error:  # OSError: e.g. a full disk
        return stopped(error, "interrupted; nothing was made")
    LOGGER.info("made %s (%s layout): manuscript/, images/ and README.md",
                display_path(args.folder), args.layout)
    LOGGER.info("next: %s build --source %s", COMMAND, shlex.quote(display_path(args.folder)))
    return EXIT_OK


def _title(given: str | None, folder: Path) -> str:
    """The title from ``--title``, checked as publication.yaml's is, or made from the folder's
    name: 'field-notes' -> 'Field Notes'."""
    if given is None:
        words = re.split(r"[-_.\s]+", Path(folder).absolute().name)
        return " ".join(word[:1].upper() + word[1:] for word in words if word) or "New Publication"
    try:
        from ..config import PUBLICATION_FIELDS

        return PUBLICATION_FIELDS["title"](given)
    except ValueError as error:
        raise fail(f"--title {error}") from None


def create(folder: Path, layout: str, title: str) -> None:
    """Make the publication: in a temporary folder beside ``folder``, renamed into place."""
    folder = Path(folder).absolute()
    _refuse_unless_empty(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", suffix=".new", dir=folder.parent))
    try:
        made = work / folder.name
        made.mkdir()  # not mkdtemp's folder: this one gets the usual permissions
        write_publication(made, layout, title, source=display_path(folder))
        _move_into_place(made, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _refuse_unless_empty(folder: Path) -> None:
    """Raise a SourceError unless ``folder`` is missing or an empty folder."""
    if not folder.exists() and not folder.is_symlink():
        return
    if not folder.is_dir():
        raise fail("exists and is not a folder; choose an empty or new folder", folder)
    if any(folder.iterdir()):
        raise fail("is not empty; choose an empty or new folder", folder)


def _move_into_place(made: Path, folder: Path) -> None:
    """Rename ``made`` to ``folder``; into an existing empty folder entry by entry, which keeps
    the folder itself (a shell may be working in it)."""
    if folder.is_dir():
        for entry in sorted(made.iterdir()):
            entry.rename(folder / entry.name)
    else:
        made.rename(folder)


def write_publication(folder: Path, layout: str, title: str, source: str) -> None:
    """Write the publication's files into the empty ``folder``; ``source`` is how the README's
    build command names the folder."""
    today = dt.date.today()
    from ..config import slugify

    slug = slugify(title)
    settings = {"title": json.dumps(title, ensure_ascii=False),  # a YAML double-quoted string
                "date": today.isoformat(), "year": today.year, "slug": slug}
    shutil.copytree(TEMPLATE / "manuscript", folder / "manuscript")
    _fill(TEMPLATE / "settings" / f"{layout}.yaml", folder / "manuscript" / "publication.yaml",
          settings)
    _fill(TEMPLATE / "README.md", folder / "README.md",
          {"title": title, "layout": layout, "slug": slug, "source": shlex.quote(source),
           "program": COMMAND, **_COMMANDS[COMMAND]})
    (folder / "images").mkdir()
    for name, (size, colours) in IMAGES.items():
        placeholder(size, colours, f"images/{name}").save(
            folder / "images" / name, "JPEG", quality=90, dpi=(300, 300))


def _fill(template: Path, target: Path, values: dict) -> None:
    """Write ``template`` to ``target`` with its ``$name`` fields filled from ``values``."""
    text = Template(template.read_text(encoding="utf-8")).substitute(values)
    target.write_text(text, encoding="utf-8")


def placeholder(size: tuple[int, int], colours: tuple[str, str], name: str):
    """A neutral diagonal gradient with 'Placeholder' across the middle and, below it, the
    file's name and size, so a reader of the proof knows which picture to replace."""
    from PIL import Image, ImageDraw, ImageFont, ImageOps

    width, height = size
    ramp = Image.linear_gradient("L")
    diagonal = Image.blend(ramp.resize(size), ramp.rotate(90).resize(size), 0.5)
    image = ImageOps.colorize(diagonal, *colours)
    draw = ImageDraw.Draw(image)
    centre = (width / 2, height / 2)
    big = ImageFont.truetype(str(FONTS / "Inter-Bold.otf"), width // 9)
    small = ImageFont.truetype(str(FONTS / "Inter-Regular.otf"), width // 40)
    draw.text(centre, "Placeholder", font=big, fill="#ffffff", anchor="ms")
    draw.text((centre[0], centre[1] + width // 25), f"{name}  ·  {width} × {height} px",
              font=small, fill="#f4f1ea", anchor="mt")
    return image
