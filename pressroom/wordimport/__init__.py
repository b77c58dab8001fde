"""``publish.py import FILE.docx --source DIR``: a Word document as a publication folder.

mammoth reads the document's body into HTML through a style map (headings, Title, Subtitle,
Caption, Quote); :mod:`.markdown` walks that HTML into one section file per Heading 1;
:mod:`.pictures` takes the pictures out into images/; :mod:`.package` reads the properties
(publication.yaml) and what Markdown cannot hold (comments, tracked changes, text boxes,
equations, charts, headers), which the import reports, one line each, instead of dropping it
silently.

Everything is written into a temporary folder beside DIR and renamed into place at the end, so
a failed or stopped import leaves nothing half written; an existing manuscript is replaced
only with ``--force``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..diagnostics import EXIT_OK, LOGGER, SourceError, display_path, fail, stopped
from ..interrupt import interruptible, uninterruptible
from ..paths import COMMAND
from . import package as docx_package
from .markdown import Converted, Report, Walker
from .pictures import Pictures

#: Word's paragraph and character styles -> mammoth's HTML (what the walker understands).
STYLE_MAP = """
p[style-name='Title'] => p.title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='caption'] => p.caption:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name^='toc '] => !
p[style-name^='TOC '] => !
p[style-name='TOC Heading'] => !
p.FootnoteText => p:fresh
p.EndnoteText => p:fresh
p.CommentText => p:fresh
p[style-name='Body Text'] => p:fresh
r.FootnoteReference =>
r.EndnoteReference =>
r.CommentReference =>
r.Hyperlink =>
r[style-name='Emphasis'] => em
"""
#: mammoth's messages the import says better itself (package.findings, pictures) or that
#: lose nothing.
_SILENT = (re.compile(r"style with ID .* was referenced but not defined"),
           re.compile(r"^Image of type"), re.compile(r"^Unsupported break type"),
           re.compile(r"unrecognised element was ignored: (m:|\{[^}]*/math\}|w:object|"
                      r"w:footnoteRef|w:endnoteRef|w:separator|w:continuationSeparator)"))


@dataclass(frozen=True)
class Imported:
    folder: Path
    sections: int
    pictures: int
    tables: int
    notes: int
    report: list[str]


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register the ``import`` command with the command line's subcommands."""
    command = commands.add_parser(
        "import", help="make a publication from a Word document (.docx)",
        description="Write DIR/manuscript/ (publication.yaml from the document's properties, "
                    "one section per Heading 1) and DIR/images/ (its pictures) from a Word "
                    "document, then print what could not be carried over, one line each.")
    command.add_argument("document", type=Path, metavar="FILE.docx", help="the Word document")
    command.add_argument("--source", type=Path, required=True, metavar="DIR",
                         help="the publication folder to make (new, empty, or with --force)")
    command.add_argument("--force", action="store_true",
                         help="replace DIR/manuscript/ and images of the same names in "
                              "DIR/images/ when they exist")
    command.add_argument("--language", metavar="TAG",
                         help="the text's language (a BCP 47 tag: en, en-GB, fr), when the "
                              "document does not name one")
    command.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def run(args: argparse.Namespace) -> int:
    """Carry out ``publish.py import``; the exit code."""
    try:
        with interruptible():  # SIGTERM and SIGHUP unwind like Ctrl-C: the temporary folder goes
            imported = import_document(args.document, args.source, force=args.force,
                                       language=args.language)
    except (KeyboardInterrupt, SourceError, OSError) as error:  # OSError: e.g. a full disk
        return stopped(error, "interrupted; nothing was imported")
    for line in imported.report:
        print(f"warning: {display_path(args.document)}: {line}", file=sys.stderr)
    LOGGER.info("imported %s into %s: %s", display_path(args.document),
                display_path(imported.folder), ", ".join(
                    _count(n, what) for n, what in ((imported.sections, "section"),
                                                    (imported.pictures, "picture"),
                                                    (imported.tables, "table"),
                                                    (imported.notes, "note"))))
    LOGGER.info("next: %s build --source %s", COMMAND,
                shlex.quote(display_path(imported.folder)))
    return EXIT_OK


def import_document(document: Path, folder: Path, force: bool = False,
                    language: str | None = None) -> Imported:
    """Import ``document`` into the publication folder ``folder``."""
    document, folder = Path(document), Path(folder).absolute()
    _refuse_to_overwrite(folder, force)
    report = Report()
    with docx_package.open_document(document) as package:
        properties = docx_package.properties(package, document)
        default_language = docx_package.default_language(package, document)
        for line in docx_package.findings(package, document):
            report.add(line)
        numbered = docx_package.captions_numbered(package, document)
        pictures = Pictures(report)
        import mammoth

        with open(document, "rb") as stream:
            try:
                result = mammoth.convert_to_html(stream, style_map=STYLE_MAP,
                                                 convert_image=pictures.converter())
            except (KeyError, ValueError, LookupError, AttributeError) as error:
                raise fail(f"cannot be read as a Word document ({type(error).__name__}: "
                           f"{error}); open it in Word and save it again as 'Word Document "
                           "(.docx)'", document) from None
    for message in result.messages:
        line = _message(message.message)
        if line:
            report.add(line)
    walker = Walker(report, captions_numbered=numbered)
    converted = walker.convert(result.value, properties.title)
    settings = _settings(document, properties, default_language, language, converted, report)
    _write(folder, converted, pictures.files, settings, force)
    return Imported(folder, len(converted.sections), len(pictures.files), converted.tables,
                    converted.notes, report.lines)


def _refuse_to_overwrite(folder: Path, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise fail("exists and is not a folder; give a new or empty folder with --source", folder)
    manuscript = folder / "manuscript"
    if force or not manuscript.exists():
        return
    if not manuscript.is_dir() or any(manuscript.iterdir()):
        raise fail("already holds a manuscript; import into a new folder, or add --force to "
                   "replace manuscript/", folder)


def _settings(document: Path, properties, default_language: str | None, given: str | None,
              converted: Converted, report: Report) -> str:
    """publication.yaml's text, from the properties; a SourceError naming what is missing."""
    from ..config import PUBLICATION_FIELDS

    def valid(field: str, value):
        try:
            return PUBLICATION_FIELDS[field](value)
        except ValueError:
            return None

    language = None
    for value, where in ((given, "--language"), (properties.language, "the document's "
                         "properties"), (default_language, "its default language")):
        if value and valid("language", value):
            language = valid("language", value)
            break
        if value and where == "--language":
            raise fail(f"--language {value!r} is not a BCP 47 language tag; give one such as "
                       "en, en-GB, fr or zh-Hans")
        if value:
            report.add(f"{where} name the language as {value!r}, which is no BCP 47 tag; "
                       "ignored")
    if language is None:
        raise fail("names no language (neither in its properties nor as its default "
                   "language); give the text's language with --language TAG, e.g. "
                   "--language en-GB", document)
    title = valid("title", properties.title or "")
    if title is None:
        title = valid("title", converted.title or "") or valid("title", document.stem)
        source = (f"its first {converted.title_from} paragraph" if converted.title
                  else "the file's name")
        report.add(f"the document's properties have no title: used {source}, {title!r}; "
                   "change it at 'title:' in manuscript/publication.yaml (and in Word, File > "
                   "Info > Title, for the next import)")
    values = {"title": title}
    subtitle = valid("subtitle", converted.subtitle or "") or (
        valid("subtitle", properties.subject or "") if properties.subject != title else None)
    if subtitle:
        values["subtitle"] = subtitle
    authors = tuple(a for a in (valid("title", name) for name in properties.authors) if a)
    if authors:
        values["authors"] = list(authors)
    values["language"] = language
    if properties.description and valid("description", properties.description):
        values["description"] = valid("description", properties.description)
    values["layout"] = "brochure"
    return (f"# Imported from {document.name} on {dt.date.today().isoformat()} by "
            f"'{COMMAND} import'. Only title and language are required; Pressroom's README "
            "lists every key.\n"
            + yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=100))


def _write(folder: Path, converted: Converted, images: dict[str, bytes], settings: str,
           force: bool) -> None:
    """Write the publication in a temporary folder beside ``folder``, then rename it into
    place (manuscript/ whole, each picture into images/)."""
    if not force:
        clashing = [name for name, data in images.items()
                    if (folder / "images" / name).exists()
                    and (folder / "images" / name).read_bytes() != data]
        if clashing:
            raise fail(f"images/ already holds {', '.join(clashing)}, different from the "
                       "document's; import into a new folder, or add --force to replace them",
                       folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", suffix=".import", dir=folder.parent))
    try:
        made = work / folder.name
        (made / "manuscript").mkdir(parents=True)
        (made / "manuscript" / "publication.yaml").write_text(settings, encoding="utf-8")
        for section in converted.sections:
            (made / "manuscript" / section.name).write_text(section.text, encoding="utf-8")
        (made / "images").mkdir()
        for name, data in images.items():
            (made / "images" / name).write_bytes(data)
        with uninterruptible():
            if not folder.exists():
                made.rename(folder)
                return
            manuscript = folder / "manuscript"
            if manuscript.exists() or manuscript.is_symlink():
                manuscript.rename(work / "replaced-manuscript")
            (made / "manuscript").rename(manuscript)
            (folder / "images").mkdir(exist_ok=True)
            for entry in sorted((made / "images").iterdir()):
                entry.replace(folder / "images" / entry.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _message(message: str) -> str | None:
    """mammoth's message as a line that says what happened and what to do; None when the
    import says it better elsewhere or nothing was lost."""
    if any(pattern.search(message) for pattern in _SILENT):
        return None
    style = re.match(r"Unrecognised (paragraph|run) style: '?(.*?)'? \(Style ID: (.*)\)", message)
    if style:
        name = style[2] if style[2] != "None" else style[3]
        if style[1] == "paragraph":
            return (f"paragraphs in the Word style '{name}' imported as ordinary paragraphs; "
                    "if they are headings, lists or quotes, give them that style in Word, or "
                    "mark them in the section's Markdown")
        return (f"text in the character style '{name}' imported without it (bold and italic "
                "set directly are kept)")
    symbol = re.match(r"A w:sym element with an unsupported character was ignored: char (\w+) "
                      r"in font (.*)", message)
    if symbol:
        return (f"a symbol (character {symbol[1]} of the font {symbol[2]}) left out; type the "
                "character itself in the section, from a text font")
    element = re.match(r"An unrecognised element was ignored: (\S+)", message)
    if element:
        kind = re.sub(r"^\{.*\}", "", element[1])
        return (f"Word content of the kind {kind} left out; if text is missing, write it "
                "into the section")
    return f"{message[:1].lower()}{message[1:]} (Word import)"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' * (n != 1)}"
