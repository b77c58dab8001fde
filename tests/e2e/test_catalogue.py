"""What a library catalogue and a store read from the EPUB: identifiers, titles, series,
contributors, the title and copyright pages, the contents' depth; and calibre reading it."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdfium2
import pytest

from pressroom.build import build

from ..conftest import epub_documents, output


def package(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        return archive.read("EPUB/content.opf").decode("utf-8")


def ncx(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        return archive.read("EPUB/toc.ncx").decode("utf-8")


def refinements(opf: str, uid: str) -> dict[str, str]:
    return dict(re.findall(rf'<meta refines="#{uid}" property="([^"]+)"(?: scheme="[^"]+")?>([^<]*)<', opf))


def element_ids(opf: str, element: str) -> dict[str, str]:
    """``{text: id}`` of each ``dc:<element>`` of the package."""
    return {text: uid for uid, text in re.findall(rf'<dc:{element} id="([^"]+)">([^<]+)<', opf)}


# --- the features publication: print ISBN as identifier, isbn.ebook, contributors ---

def test_the_ebook_is_identified_by_its_own_isbn_and_names_the_print_edition(features):
    opf = package(output(features, ".epub"))
    assert re.search(r'unique-identifier="id"', opf)
    assert '<dc:identifier id="id">urn:isbn:9781861978769</dc:identifier>' in opf
    assert "<dc:source>urn:isbn:9783161484100</dc:source>" in opf
    assert opf.count("<dc:identifier") == 1  # the print ISBN is never the e-book's identifier
    assert '<meta property="pageBreakSource">urn:isbn:9783161484100</meta>' in opf


def test_title_and_subtitle_have_their_types(features):
    opf = package(output(features, ".epub"))
    titles = element_ids(opf, "title")
    main = titles["Field Notes on “Typesetting” &amp; Other Crafts"]
    assert refinements(opf, main) == {"title-type": "main"}
    assert refinements(opf, titles["A test of every feature"]) == {"title-type": "subtitle"}


def test_contributors_have_roles_and_file_as(features):
    opf = package(output(features, ".epub"))
    creators, contributors = element_ids(opf, "creator"), element_ids(opf, "contributor")
    assert list(creators) == ["Ada Lovelace", "Charles Babbage"]
    assert refinements(opf, creators["Ada Lovelace"]) == {"role": "aut", "file-as": "Lovelace, Ada"}
    assert refinements(opf, contributors["Jane Roe"]) == {"role": "edt", "file-as": "Roe, Jane"}
    assert refinements(opf, contributors["Harbour Studio Ltd"]) == {
        "role": "dsr", "file-as": "Harbour Studio Ltd"}  # an organisation: filed as written
    assert re.search(r'property="role" scheme="marc:relators">edt<', opf)


def test_title_and_copyright_pages_follow_the_cover_in_the_reading_order(features):
    epub = output(features, ".epub")
    opf = package(epub)
    spine = re.findall(r'<itemref idref="([^"]+)"', opf)
    assert spine[:4] == ["cover", "title_page", "copyright_page", "nav"]
    assert 'linear="no"' not in opf
    docs = epub_documents(epub)
    title = re.sub(r"<[^>]+>", " ", docs["EPUB/title_page.xhtml"])
    for expected in ("Field Notes", "A test of every feature", "Ada Lovelace, Charles Babbage",
                     "Edited by Jane Roe", "Design by Harbour Studio Ltd", "Pressroom Test Press"):
        assert expected in title
    copyright_page = re.sub(r"<[^>]+>", " ", docs["EPUB/copyright_page.xhtml"])
    for expected in ("E-book: ISBN 978-1-86197-876-9", "Print edition: ISBN 978-3-16-148410-0",
                     "CC BY 4.0", "Published by Pressroom Test Press, 15 March 2024"):
        assert expected in copyright_page


def test_print_editions_show_the_print_isbn_never_the_ebooks(features):
    text = " ".join(" ".join(page.get_textpage().get_text_range().split())
                    for page in pypdfium2.PdfDocument(output(features, ".pdf")))
    assert "ISBN 978-3-16-148410-0" in text
    assert "86197" not in text and "9781861978769" not in text


def test_contents_reach_the_subsections_with_real_nesting(features):
    epub = output(features, ".epub")
    nav = epub_documents(epub)["EPUB/nav.xhtml"]
    toc = nav[nav.index('epub:type="toc"'):nav.index("</nav>")]
    assert re.search(r'<a href="harbour.xhtml">The Harbour at Dawn</a>\s*<ol>\s*<li>\s*'
                     r'<a href="harbour.xhtml#closer">A Closer Look</a>', toc)
    text = ncx(epub)
    assert '<meta content="2" name="dtb:depth"/>' in text
    assert re.search(r'<text>The Harbour at Dawn</text>.*?<content src="harbour.xhtml"/>\s*'
                     r'<navPoint[^>]*>\s*<navLabel>\s*<text>A Closer Look</text>', text, re.S)


# --- small publications, EPUB only ---

SECTIONS = {
    "01-harbour.md": "# The Harbour\n\nText.\n\n## Boats\n\nMore.\n\n### Nets\n\nAnd more.\n\n"
                     "## Fish\n\nThe end.\n",
    "02-town.md": "# The Town\n\nWords only.\n",
}


def publish(tmp_path: Path, settings: str) -> Path:
    source = tmp_path / "source"
    (source / "manuscript").mkdir(parents=True)
    (source / "images").mkdir()
    (source / "manuscript" / "publication.yaml").write_text(settings, encoding="utf-8")
    for name, text in SECTIONS.items():
        (source / "manuscript" / name).write_text(text, encoding="utf-8")
    return output(build(source, tmp_path / "out", targets=("epub",)), ".epub")


def test_series_with_its_position_and_a_corporate_author(tmp_path):
    epub = publish(tmp_path, "title: Harbour Notes\nlanguage: en\nseries: Coastal Studies\n"
                   "series_number: 4\nauthors: [Beijing Foreign Affairs Office]\n")
    opf = package(epub)
    assert '<meta property="belongs-to-collection" id="series_1">Coastal Studies</meta>' in opf
    assert refinements(opf, "series_1") == {"collection-type": "series", "group-position": "4"}
    creator = element_ids(opf, "creator")["Beijing Foreign Affairs Office"]
    assert refinements(opf, creator)["file-as"] == "Beijing Foreign Affairs Office"
    assert "Coastal Studies, no. 4" in epub_documents(epub)["EPUB/title_page.xhtml"]


def test_a_print_isbn_alone_is_not_the_ebooks_identifier(tmp_path):
    epub = publish(tmp_path, "title: Harbour Notes\nlanguage: en\nidentifier: 978-3-16-148410-0\n")
    opf = package(epub)
    identifier = re.search(r'<dc:identifier id="id">([^<]+)<', opf)[1]
    assert identifier.startswith("urn:uuid:") and "9783161484100" not in identifier
    assert "<dc:source>urn:isbn:9783161484100</dc:source>" in opf
    copyright_page = epub_documents(epub)["EPUB/copyright_page.xhtml"]
    assert "Print edition: ISBN 978-3-16-148410-0" in copyright_page
    assert "E-book: ISBN" not in copyright_page


def test_no_isbn_no_source(tmp_path):
    opf = package(publish(tmp_path, "title: Harbour Notes\nlanguage: en\n"))
    assert re.search(r'<dc:identifier id="id">urn:uuid:', opf) and "<dc:source>" not in opf


@pytest.mark.parametrize("depth, nested, ncx_depth", [(1, [], 1), (2, ["Boats", "Fish"], 2),
                                                      (3, ["Boats", "Nets", "Fish"], 3)])
def test_toc_depth(tmp_path, depth, nested, ncx_depth):
    epub = publish(tmp_path, f"title: Harbour Notes\nlanguage: en\ntoc_depth: {depth}\n")
    nav = epub_documents(epub)["EPUB/nav.xhtml"]
    toc = nav[nav.index('epub:type="toc"'):nav.index("</nav>")]
    assert re.findall(r"<a href=\"harbour.xhtml#[^\"]+\">([^<]+)</a>", toc) == nested
    assert f'<meta content="{ncx_depth}" name="dtb:depth"/>' in ncx(epub)
    if depth == 3:  # Nets under Boats, not beside it
        assert re.search(r">Boats</a>\s*<ol>\s*<li>\s*<a [^>]+>Nets</a>", toc)


# --- calibre, as stores' and libraries' tools read the package ---

@pytest.mark.skipif(not shutil.which("ebook-meta"), reason="calibre's ebook-meta is not installed")
def test_calibre_reads_title_authors_series_and_isbn(tmp_path):
    epub = publish(tmp_path, "title: Harbour Notes\nlanguage: en\nseries: Coastal Studies\n"
                   "series_number: 4\nauthors: [Ada Lovelace, Beijing Foreign Affairs Office]\n"
                   "isbn:\n  print: 978-3-16-148410-0\n  ebook: 978-1-86197-876-9\n")
    found = subprocess.run(["ebook-meta", str(epub)], capture_output=True, text=True, check=True,
                           timeout=300).stdout
    fields = dict(line.split(":", 1) for line in found.splitlines() if ":" in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    assert fields["Title"] == "Harbour Notes"
    assert fields["Author(s)"] == ("Ada Lovelace & Beijing Foreign Affairs Office "
                                   "[Lovelace, Ada & Beijing Foreign Affairs Office]")
    assert fields["Series"] == "Coastal Studies #4"
    assert fields["Identifiers"] == "isbn:9781861978769"
