"""The Word document as a package (a zip of XML parts): is it a .docx at all, its properties,
its default language, and what it holds that the import cannot carry over into Markdown.

mammoth converts the body; this module reads what mammoth leaves out silently (comments,
tracked changes, headers and footers, equations, charts, text boxes, embedded objects), so the
import can say so, one line each.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..diagnostics import fail

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "o": "urn:schemas-microsoft-com:office:office",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc), and encrypted .docx files
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Properties:
    """What File > Info > Properties says (docProps/core.xml)."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    subject: str | None = None
    description: str | None = None


def open_document(path: Path) -> zipfile.ZipFile:
    """The .docx as a zip; a SourceError in one line when it is not one (a .doc, an .odt, a
    damaged or password-protected file)."""
    try:
        with open(path, "rb") as file:
            head = file.read(8)
    except OSError as error:
        raise fail(f"cannot be read ({error.strerror}); check the file's name and permissions",
                   path) from None
    if head == _OLE:
        raise fail("is a Word 97-2003 document (.doc) or a password-protected one; open it in "
                   "Word, remove any password and save it as 'Word Document (.docx)'", path)
    try:
        package = zipfile.ZipFile(path)
        names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise fail("is not a Word document (.docx) or is damaged; open it in Word and save it "
                   "as 'Word Document (.docx)'", path) from None
    try:
        _check(package, names, path)
    except BaseException:
        package.close()
        raise
    return package


def _check(package: zipfile.ZipFile, names: set[str], path: Path) -> None:
    """A SourceError when the zip is no Word document, or a part of it is damaged."""
    if "mimetype" in names and b"opendocument" in package.read("mimetype"):
        raise fail("is an OpenDocument text (.odt); save it as 'Word 2007-365 (.docx)' and "
                   "import that", path)
    if "word/document.xml" not in names:
        raise fail("is a zip file but not a Word document (no word/document.xml); save it from "
                   "Word as 'Word Document (.docx)'", path)
    try:
        damaged = package.testzip()  # every part's checksum
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        damaged = str(error)
    if damaged:
        raise fail(f"is damaged ({damaged} cannot be read); open it in Word, which offers to "
                   "repair it, and save it again", path)


def read_part(package: zipfile.ZipFile, name: str, path: Path) -> etree._Element | None:
    """A part's XML root, or None when the document has no such part."""
    try:
        data = package.read(name)
    except KeyError:
        return None
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise fail(f"is damaged ({name} is not well-formed XML: {error}); open it in Word, "
                   "which offers to repair it, and save it again", path) from None


def properties(package: zipfile.ZipFile, path: Path) -> Properties:
    root = read_part(package, "docProps/core.xml", path)
    if root is None:
        return Properties()

    def text(tag: str) -> str | None:
        found = root.find(tag, NS)
        value = " ".join((found.text or "").split()) if found is not None else ""
        return value or None

    creator = text("dc:creator")
    authors = tuple(name.strip() for name in re.split(r"\s*;\s*", creator or "") if name.strip())
    return Properties(title=text("dc:title"), authors=authors, language=text("dc:language"),
                      subject=text("dc:subject"), description=text("dc:description"))


def default_language(package: zipfile.ZipFile, path: Path) -> str | None:
    """The language Word spell-checks new text in (styles.xml's docDefaults), e.g. en-US."""
    root = read_part(package, "word/styles.xml", path)
    if root is None:
        return None
    found = root.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    value = found.get(f"{{{NS['w']}}}val") if found is not None else None
    return value or None


def _text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _quoted(text: str, length: int = 40) -> str:
    return f"'{text if len(text) <= length else text[:length - 1].rstrip() + '…'}'"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def findings(package: zipfile.ZipFile, path: Path) -> list[str]:
    """What the document holds that Markdown cannot: one line each, with what happened and
    what to do."""
    lines: list[str] = []
    body = read_part(package, "word/document.xml", path)
    if body is None:
        return lines
    w = f"{{{NS['w']}}}"

    comments = read_part(package, "word/comments.xml", path)
    if comments is not None:
        found = comments.findall("w:comment", NS)
        if found:
            authors = sorted({c.get(f"{w}author") for c in found if c.get(f"{w}author")})
            by = f" (by {', '.join(authors)})" if authors else ""
            lines.append(f"{_count(len(found), 'comment')}{by} left out: a publication has no "
                         "comments; resolve them in Word (Review > Delete All Comments) or "
                         "write what they ask into the text")

    changes = Counter()
    people = set()
    for kind in ("ins", "del", "moveFrom", "moveTo"):
        for change in body.iter(f"{w}{kind}"):
            if change.getparent().tag == f"{w}rPr":  # a paragraph mark's change: no text
                continue
            if not _text_of(change):
                continue
            changes[kind] += 1
            if change.get(f"{w}author"):
                people.add(change.get(f"{w}author"))
    if changes:
        parts = []
        if changes["ins"]:
            parts.append(f"{_count(changes['ins'], 'insertion')} kept")
        if changes["del"]:
            parts.append(f"{_count(changes['del'], 'deletion')} carried out (the text left out)")
        if changes["moveTo"] or changes["moveFrom"]:
            parts.append(f"{_count(max(changes['moveTo'], changes['moveFrom']), 'move')} carried out")
        by = f" by {', '.join(sorted(people))}" if people else ""
        lines.append(f"tracked changes{by}: {', '.join(parts)}, as if all were accepted; if "
                     "some should be rejected, review them in Word (Review > Accept/Reject) and "
                     "import again")

    boxes = [box for box in body.iter(f"{w}txbxContent")
             if not any(a.tag == f"{{{NS['mc']}}}Fallback" for a in box.iterancestors())]
    if boxes:
        first = next((_text_of(box) for box in boxes if _text_of(box)), "")
        lines.append(f"{_count(len(boxes), 'text box', 'text boxes')}"
                     f"{' (the first: ' + _quoted(first) + ')' if first else ''} placed as "
                     "ordinary paragraphs where they are anchored; move the text where it "
                     "belongs in the section")

    equations = [e for e in body.iter(f"{{{NS['m']}}}oMath")
                 if not any(a.tag == f"{{{NS['m']}}}oMath" for a in e.iterancestors())]
    if equations:
        lines.append(f"{_count(len(equations), 'equation')} (the first: "
                     f"{_quoted(_text_of(equations[0]))}) left out: Markdown has no equations; "
                     "write them as text, or insert each as a picture in Word and import again")

    graphics = Counter()
    for data in body.iter(f"{{{NS['a']}}}graphicData"):
        uri = data.get("uri", "")
        if uri.endswith("/chart") or "chartex" in uri:
            graphics["chart"] += 1
        elif uri.endswith("/diagram"):
            graphics["SmartArt graphic"] += 1
    for kind, n in graphics.items():
        lines.append(f"{_count(n, kind)} left out; in Word, right-click each and 'Save as "
                     "Picture...', insert the picture in its place (with its Alt Text) and "
                     "import again")

    objects = list(body.iter(f"{w}object"))
    if objects:
        programs = sorted({ole.get("ProgID") for obj in objects
                           for ole in obj.iter(f"{{{NS['o']}}}OLEObject") if ole.get("ProgID")})
        what = f" ({', '.join(programs)})" if programs else ""
        lines.append(f"{_count(len(objects), 'embedded object')}{what} imported as the picture "
                     "Word shows of it, or left out where that picture is a Windows metafile; "
                     "paste the content as text or as a picture in Word and import again")

    contents = [p for p in body.iter(f"{w}p")
                if (p.find("w:pPr/w:pStyle", NS) is not None and re.match(
                    r"(?i)toc\s*\d|contents", p.find("w:pPr/w:pStyle", NS).get(f"{w}val") or ""))]
    if contents:
        lines.append("the table of contents left out: the layout makes its own from the "
                     "headings")

    for kind in ("header", "footer"):
        texts = []
        for name in sorted(package.namelist()):
            if re.fullmatch(rf"word/{kind}\d*\.xml", name):
                root = read_part(package, name, path)
                text = _text_of(root) if root is not None else ""
                if text and text not in texts:
                    texts.append(text)
        if texts:
            lines.append(f"the {kind}s' text ({', '.join(_quoted(t) for t in texts)}) left "
                         "out: the layout sets running heads and page numbers itself; put what "
                         "must show in manuscript/publication.yaml (title, publisher, rights)")
    return lines


def captions_numbered(package: zipfile.ZipFile, path: Path) -> bool:
    """True when Caption paragraphs carry Word's number fields (Insert Caption's
    'Figure { SEQ Figure }'), whose labels the layout's own numbering replaces."""
    body = read_part(package, "word/document.xml", path)
    if body is None:
        return False
    w = f"{{{NS['w']}}}"
    for paragraph in body.iter(f"{w}p"):
        style = paragraph.find("w:pPr/w:pStyle", NS)
        if style is None or (style.get(f"{w}val") or "").lower() != "caption":
            continue
        codes = [e.text or "" for e in paragraph.iter(f"{w}instrText")]
        codes += [e.get(f"{w}instr") or "" for e in paragraph.iter(f"{w}fldSimple")]
        if any(re.match(r"\s*SEQ\b", code) for code in codes):
            return True
    return False
