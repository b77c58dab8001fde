"""Word documents for the tests of ``publish.py import``, made with python-docx.

What python-docx has no API for (footnotes, a picture's description, hyperlinks, tracked
changes, text boxes, headers with text) is written into the document's XML with lxml, as Word
itself writes it.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from PIL import Image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def picture(colour: str = "#3f6f8f", size: tuple[int, int] = (2000, 1333)) -> bytes:
    """A PNG large enough to print at the column width (over 200 ppi), the same bytes every time."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def manuscript(path: Path, *, title: str | None = "Harbour Notes",
               language: str | None = "en-GB", default_language: str | None = None) -> Path:
    """A report as offices write it: properties, two chapters (Heading 1) with a Heading 2, a
    captioned picture with its description, a captioned table, a footnote, lists, bold and
    italic, an external link, Markdown's special characters, a comment and a tracked
    insertion and deletion."""
    document = Document()
    properties = document.core_properties
    properties.title = title or ""
    properties.author = "Ada Lovelace; Charles Babbage"
    properties.language = language or ""
    properties.subject = "A field report"
    properties.comments = "How the harbour works, season by season."
    if default_language:
        rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{default_language}"/>'))

    document.add_paragraph("Harbour Notes", style="Title")
    document.add_heading("The Harbour at Dawn", level=1)
    intro = document.add_paragraph("The boats come back ")
    intro.add_run("before sunrise").bold = True
    intro.add_run(", ")
    intro.add_run("every day").italic = True
    intro.add_run(".")
    footnote(document, intro, 1, "Most boats are under twelve metres long.")
    special = document.add_paragraph("Prices went up by 5*3 % at the *old* quay_side [sic] "
                                     "<tag> {x} & more -- see #7.")
    document.add_paragraph("1. This line is not a list.")
    document.add_paragraph("# Neither is this a heading.")
    document.add_paragraph(": nor a definition")
    link = document.add_paragraph("Read the ")
    hyperlink(document, link, "https://example.org/harbour", "harbour archive")
    link.add_run(" online.")
    special.runs[0].add_break()
    special.add_run("A second line.")

    document.add_heading("On the Quay", level=2)
    bullets = bulleted_list(document)
    for item, level in (("Nets are mended on the quay.", 0), ("Crates are stacked by size.", 0),
                        ("Small crates first.", 1)):
        document.add_paragraph(item, style="List Paragraph")._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                      f'<w:numId w:val="{bullets}"/></w:numPr>'))
    for item in ("Unload the catch.", "Weigh it."):
        document.add_paragraph(item, style="List Number")

    holder = document.add_paragraph()
    holder.add_run().add_picture(io.BytesIO(picture()), width=Mm(80))
    describe(holder, "Fishing boats moored along a stone quay.")
    document.add_paragraph("Boats in the harbour at dawn", style="Caption")

    document.add_heading("The Catch in Numbers", level=1)
    document.add_paragraph("Landings by month", style="Caption")
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, (("Month", "Catch (t)"), ("January", "3.4"),
                                       ("February | March", "2.9"))):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    commented = document.add_paragraph("The figures are provisional.")
    document.add_comment(commented.runs, text="Check with the harbour master.",
                         author="Ada Lovelace", initials="AL")
    tracked = document.add_paragraph("Landings rose ")
    insertion(tracked, "sharply ", "Charles Babbage")
    deletion(tracked, "slowly ", "Charles Babbage")
    tracked.add_run("in March.")
    document.save(path)
    return path


def bulleted_list(document) -> int:
    """A two-level bulleted list definition, as Word's bullet button makes; its numId."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        f'<w:lvlText w:val="{char}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{720 * (level + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for level, char in ((0, "•"), (1, "o")))
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return 90


def footnote(document, paragraph, number: int, text: str) -> None:
    """A footnote reference at the end of ``paragraph``, its text in word/footnotes.xml."""
    part = document.part
    notes = next((rel.target_part for rel in part.rels.values() if rel.reltype == RT.FOOTNOTES),
                 None)
    if notes is None:
        xml = (f'<w:footnotes {nsdecls("w")}>'
               '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
               '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
               '</w:footnotes>')
        notes = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml.encode(), part.package)
        part.relate_to(notes, RT.FOOTNOTES)
    from lxml import etree

    root = etree.fromstring(notes.blob)
    root.append(etree.fromstring(
        f'<w:footnote {nsdecls("w")} w:id="{number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'))
    notes._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteReference w:id="{number}"/></w:r>'))


def describe(paragraph, description: str) -> None:
    """Set the description (alt text) of the picture in ``paragraph``, as Word's Alt Text pane."""
    doc_pr = paragraph._p.xpath(".//wp:docPr")[0]
    doc_pr.set("descr", description)


def hyperlink(document, paragraph, url: str, text: str) -> None:
    rel = document.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{rel}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/>'
        f'</w:rPr><w:t>{text}</w:t></w:r></w:hyperlink>'))


def insertion(paragraph, text: str, author: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="901" w:author="{author}" w:date="2024-03-01T10:00:00Z">'
        f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:ins>'))


def deletion(paragraph, text: str, author: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="902" w:author="{author}" w:date="2024-03-01T10:00:00Z">'
        f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'))


def text_box(paragraph, text: str) -> None:
    """A VML text box (as Word writes in mc:Fallback) holding ``text``, anchored in
    ``paragraph``."""
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape id="box1" style="width:100pt;height:40pt">'
        f'<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>'
        '</v:textbox></v:shape></w:pict></w:r>'))


def header_text(document, text: str) -> None:
    document.sections[0].header.paragraphs[0].text = text


def equation(paragraph) -> None:
    paragraph._p.append(parse_xml(
        '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
        '<m:r><m:t>E=mc2</m:t></m:r></m:oMath>'))


def without_caption_or_description(path: Path) -> Path:
    """A document with a picture that has neither a description nor a caption, and one with
    a caption only."""
    document = Document()
    document.core_properties.title = "Pictures"
    document.core_properties.language = "en"
    document.add_heading("Pictures", level=1)
    first = document.add_paragraph()
    first.add_run().add_picture(io.BytesIO(picture("#884422")), width=Mm(40))
    second = document.add_paragraph()
    second.add_run().add_picture(io.BytesIO(picture("#224488")), width=Mm(40))
    document.add_paragraph("The blue one", style="Caption")
    document.save(path)
    return path



def cross_references(path: Path) -> Path:
    """Text before the first chapter (a paragraph and a Quote), and a link to a bookmarked
    Heading 2 of another chapter, and one to a bookmark that is no heading."""
    document = Document()
    document.core_properties.title, document.core_properties.language = "Links", "en"
    document.add_paragraph("A short abstract before any chapter.")
    document.add_paragraph("Said by someone wise.", style="Quote")
    document.add_heading("First Chapter", level=1)
    document.add_paragraph("Text.")
    details = document.add_heading("Details Here", level=2)
    details._p.insert(1, parse_xml(
        f'<w:bookmarkStart {nsdecls("w")} w:id="5" w:name="_Ref1"/>'))
    document.add_heading("Second Chapter", level=1)
    paragraph = document.add_paragraph("See ")
    for anchor, text in (("_Ref1", "the details"), ("_Nowhere", " and nowhere")):
        paragraph._p.append(parse_xml(
            f'<w:hyperlink {nsdecls("w")} w:anchor="{anchor}"><w:r><w:t xml:space="preserve">'
            f'{text}</w:t></w:r></w:hyperlink>'))
    document.save(path)
    return path


def numbered_caption(path: Path) -> Path:
    """A picture captioned as Word's Insert Caption writes it: 'Figure {SEQ Figure}: text'."""
    document = Document()
    document.core_properties.title, document.core_properties.language = "Numbered", "en"
    document.add_heading("Numbered", level=1)
    holder = document.add_paragraph()
    holder.add_run().add_picture(io.BytesIO(picture()), width=Mm(40))
    describe(holder, "A blue rectangle.")
    caption = document.add_paragraph("Figure ", style="Caption")
    for xml in ('<w:fldChar w:fldCharType="begin"/>',
                '<w:instrText xml:space="preserve"> SEQ Figure \\* ARABIC </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', '<w:t>1</w:t>',
                '<w:fldChar w:fldCharType="end"/>', '<w:t xml:space="preserve">: Boats at dawn</w:t>'):
        caption._p.append(parse_xml(f'<w:r {nsdecls("w")}>{xml}</w:r>'))
    document.save(path)
    return path
