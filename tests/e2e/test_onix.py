"""The ONIX message a build writes: the sample given an ISBN, series and prices, and the
features publication, each validated against EDItEUR's ONIX 3.0 schema (onixcheck)."""

from __future__ import annotations

import shutil

import pikepdf
from lxml import etree
from onixcheck import validate

from pressroom.build import build
from pressroom.onix import NAMESPACE

from ..conftest import PUBLICATIONS, REPOSITORY

NS = {"o": NAMESPACE}
EXTRA = """
identifier: 978-0-306-40615-7
subjects:
  - {scheme: thema, code: JPS, heading: International relations}
  - {scheme: bisac, code: POL011000}
  - diplomacy; enterprises; Beijing
price:
  - {amount: 9.50, currency: GBP, territory: GB}
  - {amount: 12, currency: EUR}
"""


def test_the_sample_with_an_isbn_has_a_valid_onix_message(tmp_path):
    source, out = tmp_path / "source", tmp_path / "out"
    for folder in ("manuscript", "images"):
        shutil.copytree(REPOSITORY / folder, source / folder)
    yaml = source / "manuscript" / "publication.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")

    report = build(source, out, ("onix",))
    onix = out / "people-to-people-diplomacy-enterprises-onix.xml"
    assert onix in report.outputs and report.rebuilt == ["pdf", "onix"]
    assert validate(str(onix)) == [] and validate(str(onix), schemas=("rng",)) == []
    root = etree.parse(str(onix)).getroot()
    product, = root.findall("o:Product", NS)
    detail = product.find("o:DescriptiveDetail", NS)
    assert detail.findtext("o:ProductForm", namespaces=NS) == "BF"  # saddle-stitched
    with pikepdf.open(out / "people-to-people-diplomacy-enterprises.pdf") as pdf:
        pages = len(pdf.pages)
    extent = {e.findtext("o:ExtentType", namespaces=NS): int(e.findtext("o:ExtentValue", namespaces=NS))
              for e in detail.findall("o:Extent", NS)}
    assert extent == {"06": pages + -pages % 4, "11": pages}
    # The sample's author is its publisher: a corporate body
    assert [c.findtext("o:CorporateName", namespaces=NS)
            for c in detail.findall("o:Contributor", NS)] == ["Beijing Foreign Affairs Office"]
    assert [(p.findtext("o:PriceAmount", namespaces=NS), p.findtext("o:CurrencyCode", namespaces=NS))
            for p in product.findall(".//o:Price", NS)] == [("9.50", "GBP"), ("12", "EUR")]
    assert build(source, out, ("onix",)).rebuilt == []  # kept, as the other outputs


def test_the_features_publication_has_a_valid_onix_message(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    report = build(PUBLICATIONS / "features", tmp_path / "one", ("onix",))
    onix = tmp_path / "one" / "field-notes-onix.xml"
    assert onix in report.outputs
    build(PUBLICATIONS / "features", tmp_path / "two", ("onix",))  # reproducible: the same bytes
    assert (tmp_path / "two" / "field-notes-onix.xml").read_bytes() == onix.read_bytes()
    assert validate(str(onix)) == [] and validate(str(onix), schemas=("rng",)) == []
    text = onix.read_text(encoding="utf-8")
    assert "<ProductForm>BC</ProductForm>" in text and "<IDValue>9783161484100</IDValue>" in text


def test_without_an_isbn_or_a_publisher_there_is_no_onix_message(tmp_path):
    source, out = tmp_path / "source", tmp_path / "out"
    for folder in ("manuscript", "images"):
        shutil.copytree(REPOSITORY / folder, source / folder)
    yaml = source / "manuscript" / "publication.yaml"
    original = yaml.read_text(encoding="utf-8")
    yaml.write_text(original + "identifier: 978-0-306-40615-7\n", encoding="utf-8")
    assert build(source, out, ("onix",)).rebuilt == ["pdf", "onix"]
    assert list(out.glob("*-onix.xml"))

    yaml.write_text(original, encoding="utf-8")  # the ISBN taken out: the message goes too
    report = build(source, out, ("onix",))
    assert not list(out.glob("*-onix.xml")) and report.warnings == []
    assert not any("onix" in str(path) for path in report.outputs)

    lines = [line for line in original.splitlines() if not line.startswith("publisher:")]
    yaml.write_text("\n".join(lines) + "\nidentifier: 978-0-306-40615-7\n", encoding="utf-8")
    report = build(source, out, ("onix",))
    assert not list(out.glob("*-onix.xml"))
    assert [warning for warning in report.warnings if "ONIX" in warning] == [
        f"{yaml}: no ONIX message: it names the publisher as its sender and the book's "
        "publisher; add 'publisher: ...'"]
