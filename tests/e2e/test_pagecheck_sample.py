"""The sample brochure passes the proofreader's page checks: nothing outside the live area, no
stranded headings, split figures, widows, orphans, far figures or fonts outside the layout's."""

from __future__ import annotations

from weasyprint import CSS, HTML

from pressroom.build import load_publication
from pressroom.pagecheck import check_pages
from pressroom.targets.pdf import print_html, source_fetcher

from ..conftest import REPOSITORY


def render_sample():
    """The sample rendered as ``targets.pdf.write_pdf`` renders it, before it is written."""
    publication, layout = load_publication(REPOSITORY)
    fetcher = source_fetcher(publication.root, layout)
    html = HTML(string=print_html(publication, layout), base_url=layout.folder.as_uri() + "/",
                url_fetcher=fetcher)
    return html.render(stylesheets=[CSS(filename=str(layout.path("print.css")),
                                         url_fetcher=fetcher)])


def test_sample_pages_have_no_findings():
    document = render_sample()
    assert len(document.pages) > 4
    findings = check_pages(document, {"Charis SIL", "Inter"})
    assert findings == [], "\n" + "\n".join(f"{f.kind}: {f.message}" for f in findings)
