"""Ace's report in the project's terms: one line per violation, passes left out."""

from __future__ import annotations

from pressroom.ebookcheck import ace_findings


def assertion(outcome, rule="image-alt", impact="critical", found="", css=None):
    result = {"earl:outcome": outcome, "dct:description": found}
    if css:
        result["earl:pointer"] = {"css": css, "cfi": ["/4/2"]}
    return {"earl:result": result, "earl:test": {
        "earl:impact": impact, "dct:title": rule,
        "help": {"url": "http://kb.daisy.org/x.html", "dct:description": "Images must have alternative text"}}}


def test_each_violation_is_one_line_with_impact_rule_place_and_advice():
    report = {"assertions": [
        {"earl:testSubject": {"url": "/EPUB/nav.xhtml"}, "assertions": []},
        {"earl:testSubject": {"url": "a.xhtml"}, "assertions": [
            assertion("fail", found="Element does not have an alt attribute\naria-label ...",
                      css=['img[src$="b.jpg"]']),
            assertion("pass")]},
        {"earl:testSubject": {"url": "EPUB/content.opf"}, "assertions": [
            assertion("fail", rule="epub-lang", impact="serious",
                      found="The language must be specified")]},
    ]}
    assert ace_findings(report) == [
        'critical image-alt a.xhtml (img[src$="b.jpg"]): Element does not have an alt attribute; '
        "Images must have alternative text [http://kb.daisy.org/x.html]",
        "serious epub-lang EPUB/content.opf: The language must be specified; "
        "Images must have alternative text [http://kb.daisy.org/x.html]"]


def test_a_clean_report_has_no_findings():
    assert ace_findings({"assertions": [{"earl:testSubject": {"url": "a.xhtml"},
                                          "assertions": [assertion("pass")]}]}) == []
