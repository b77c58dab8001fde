"""The sample brochure passes the proofreader's page checks: nothing outside the live area, no
stranded headings, split figures, widows, orphans, far figures or fonts outside the layout's."""

from __future__ import annotations

from pressroom.build import load_publication
from pressroom.pagecheck import check_pages
from pressroom.targets.pdf import render

from ..conftest import REPOSITORY


def test_sample_pages_have_no_findings():
    document, warnings = render(*load_publication(REPOSITORY))
    assert len(document.pages) > 4
    findings = check_pages(document, {"Charis SIL", "Inter"})
    assert findings == [], "\n" + "\n".join(f"{f.kind}: {f.message}" for f in findings)
    assert warnings == []
