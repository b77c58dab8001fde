"""The ONIX 3.0 message (pressroom.onix) read back, and its publication.yaml fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import types
from pathlib import Path

import pytest
from lxml import etree
from onixcheck import validate

from pressroom.build import load_publication
from pressroom.config import Price, Subject, load_settings
from pressroom.diagnostics import SourceError
from pressroom.onix import NAMESPACE, language_code, onix_message

PUBLICATIONS = Path(__file__).resolve().parent.parent / "publications"

SENT = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
PRINT_ISBN, EBOOK_ISBN = "9783161484100", "9780306406157"
NS = {"o": NAMESPACE}


@pytest.fixture(scope="module")
def features():
    """The features publication with its print ISBN only (its ``identifier``): one product."""
    publication, _ = load_publication(PUBLICATIONS / "features")
    return dataclasses.replace(publication, settings=dataclasses.replace(
        publication.settings, isbn_ebook=None))


def with_fields(publication, **fields):
    """The publication with settings that have ``fields`` besides their own (the per-format
    ISBNs, contributors and series number publication.yaml gives)."""
    settings = publication.settings
    values = {item.name: getattr(settings, item.name) for item in dataclasses.fields(settings)}
    return dataclasses.replace(publication, settings=types.SimpleNamespace(
        **{**values, "isbn": settings.isbn, **fields}))


def products(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(data)
    return {product.findtext("o:DescriptiveDetail/o:ProductForm", namespaces=NS): product
            for product in root.findall("o:Product", NS)}


def texts(element, path: str) -> list[str]:
    return [found.text for found in element.findall(path, NS)]


def valid(data: bytes, tmp_path) -> list:
    path = tmp_path / "onix.xml"
    path.write_bytes(data)
    return validate(str(path)) + validate(str(path), schemas=("rng",))


def test_the_identifier_isbn_makes_one_print_product(features, tmp_path):
    data = onix_message(features, 11, SENT)
    assert valid(data, tmp_path) == []
    root = etree.fromstring(data)
    assert root.get("release") == "3.0"
    assert root.findtext("o:Header/o:Sender/o:SenderName", namespaces=NS) == "Pressroom Test Press"
    assert root.findtext("o:Header/o:SentDateTime", namespaces=NS) == "20231114T221320Z"
    (form, product), = products(data).items()
    assert form == "BC"  # perfect binding: a paperback
    assert texts(product, "o:ProductIdentifier/o:ProductIDType") == ["15", "03"]
    assert texts(product, "o:ProductIdentifier/o:IDValue") == [PRINT_ISBN, PRINT_ISBN]
    detail = product.find("o:DescriptiveDetail", NS)
    measures = {m.findtext("o:MeasureType", namespaces=NS): (
        m.findtext("o:Measurement", namespaces=NS), m.findtext("o:MeasureUnitCode", namespaces=NS))
        for m in detail.findall("o:Measure", NS)}
    # A5; 12 pages (11 padded to an even count) of coated 115 g/m2 paper: 6 leaves x 0.1 mm
    assert measures == {"01": ("210", "mm"), "02": ("148", "mm"), "03": ("0.6", "mm")}
    extents = {e.findtext("o:ExtentType", namespaces=NS): e.findtext("o:ExtentValue", namespaces=NS)
               for e in detail.findall("o:Extent", NS)}
    assert extents == {"06": "12", "11": "11"}
    # two authors, an editor and a design studio (publication.yaml's contributors)
    assert texts(detail, "o:Contributor/o:ContributorRole") == ["A01", "A01", "B01", "A11"]
    assert texts(detail, "o:Contributor/o:PersonName") == ["Ada Lovelace", "Charles Babbage",
                                                            "Jane Roe"]
    assert texts(detail, "o:Contributor/o:CorporateName") == ["Harbour Studio Ltd"]
    assert texts(detail, "o:Language/o:LanguageCode") == ["eng"]  # en-GB
    assert texts(detail, "o:TitleDetail/o:TitleElement/o:Subtitle") == ["A test of every feature"]
    assert product.findtext("o:PublishingDetail/o:PublishingDate/o:Date", namespaces=NS) == "20240315"
    assert product.find("o:RelatedMaterial", NS) is None
    assert product.find("o:ProductSupply", NS) is None  # no price given


def test_two_formats_linked_with_contributors_subjects_and_prices(features, tmp_path):
    person = types.SimpleNamespace
    publication = with_fields(
        features, isbn_print=PRINT_ISBN, isbn_ebook=EBOOK_ISBN, series_number=3,
        contributors=(person(name="Ada Lovelace", role="author", file_as="Lovelace, Ada",
                             corporate=False),
                      person(name="Harbour Studio", role="photographer", file_as=None,
                             corporate=True),
                      person(name="Jane Roe", role="translator", file_as="Roe, Jane",
                             corporate=False)),
        subjects=(Subject("thema", "KNTP", "Printing industry"), Subject("keywords", None, "type")),
        prices=(Price(decimal.Decimal("12.99"), "EUR", ("DE", "AT")),
                Price(decimal.Decimal("7.99"), "GBP", ("GB",), "ebook"),
                Price(decimal.Decimal("15"), "USD", ("WORLD",))))
    data = onix_message(publication, 11, SENT)
    assert valid(data, tmp_path) == []
    found = products(data)
    assert list(found) == ["BC", "ED"]
    paperback, ebook = found["BC"], found["ED"]
    assert texts(ebook, "o:DescriptiveDetail/o:ProductFormDetail") == ["E101"]
    assert texts(ebook, "o:DescriptiveDetail/o:EpubTechnicalProtection") == ["00"]
    assert texts(ebook, "o:ProductIdentifier/o:IDValue") == [EBOOK_ISBN, EBOOK_ISBN]
    for product, other, codes in ((paperback, EBOOK_ISBN, ["06", "27"]),
                                  (ebook, PRINT_ISBN, ["06", "13"])):
        related = product.find("o:RelatedMaterial/o:RelatedProduct", NS)
        assert texts(related, "o:ProductRelationCode") == codes
        assert texts(related, "o:ProductIdentifier/o:IDValue") == [other, other]
        detail = product.find("o:DescriptiveDetail", NS)
        assert texts(detail, "o:Contributor/o:ContributorRole") == ["A01", "A13", "B06"]
        assert texts(detail, "o:Contributor/o:CorporateName") == ["Harbour Studio"]
        assert texts(detail, "o:Contributor/o:KeyNames") == ["Lovelace", "Roe"]
        assert texts(detail, "o:Contributor/o:PersonNameInverted") == ["Lovelace, Ada", "Roe, Jane"]
        assert texts(detail, "o:Collection/o:TitleDetail/o:TitleElement/o:PartNumber") == ["3"]
        assert texts(detail, "o:Subject/o:SubjectSchemeIdentifier") == ["93", "20"]
        assert len(detail.findall("o:Subject/o:MainSubject", NS)) == 1
    prices = lambda product: [(p.findtext("o:PriceAmount", namespaces=NS),  # noqa: E731
                               p.findtext("o:CurrencyCode", namespaces=NS))
                              for p in product.findall(".//o:Price", NS)]
    assert prices(paperback) == [("12.99", "EUR"), ("15", "USD")]
    assert prices(ebook) == [("12.99", "EUR"), ("7.99", "GBP"), ("15", "USD")]
    assert texts(ebook, ".//o:Price/o:Territory/o:RegionsIncluded") == ["WORLD"]


def test_the_ebook_claims_what_the_epub_claims(features):
    from pressroom.onix import accessibility_codes
    from pressroom.targets.epub import accessibility_metadata

    for page_list in (True, False):
        claims = accessibility_metadata(features, page_list)
        codes = accessibility_codes(features, page_list)
        features_claimed = [value for name, value in claims if name == "schema:accessibilityFeature"]
        assert len([code for code in codes if code[0] == "09" and code[2] is None]) == \
            len(features_claimed) + 3  # and EPUB Accessibility 1.1, WCAG 2.1, level AA
        assert ("09", "19", None) in codes if page_list else ("09", "19", None) not in codes
        assert ("09", "14", None) in codes  # every figure has its alt text
        summary = dict(claims)["schema:accessibilitySummary"]
        assert ("09", "00", summary) in codes


@pytest.mark.parametrize("tag, code", [("en", "eng"), ("en-GB", "eng"), ("zh-Hans", "chi"),
                                       ("ar", "ara"), ("de-CH", "ger"), ("fr", "fre"),
                                       ("haw", "haw")])
def test_languages_as_iso_639_2_b(tag, code):
    assert language_code(tag) == code


def test_saddle_stitch_is_a_pamphlet_padded_to_four_pages(features, tmp_path):
    settings = features.settings
    stapled = dataclasses.replace(settings, print=dataclasses.replace(
        settings.print, binding="saddle-stitch"))
    data = onix_message(dataclasses.replace(features, settings=stapled), 9, SENT)
    assert valid(data, tmp_path) == []
    (form, product), = products(data).items()
    assert form == "BF"
    extents = texts(product, "o:DescriptiveDetail/o:Extent/o:ExtentValue")
    assert extents == ["12", "9"]


def publication_yaml(tmp_path, text: str):
    path = tmp_path / "publication.yaml"
    path.write_text("title: T\nlanguage: en\n" + text, encoding="utf-8")
    return path


def test_subjects_and_prices_read(tmp_path):
    settings = load_settings(publication_yaml(tmp_path, (
        "subjects:\n  - {scheme: thema, code: jphv}\n  - just a keyword\n"
        "price: {amount: 12.5, currency: eur, territory: 'DE, AT'}\n")))
    assert settings.subjects == (Subject("thema", "JPHV"), Subject("keywords", None, "just a keyword"))
    assert settings.prices == (Price(decimal.Decimal("12.5"), "EUR", ("DE", "AT")),)


def test_bad_subjects_and_prices_name_their_lines(tmp_path):
    path = publication_yaml(tmp_path, (
        "subjects:\n"
        "  - {scheme: bisac, code: POL11}\n"     # line 4
        "  - {scheme: dewey, code: '123'}\n"     # line 5
        "price:\n"
        "  - {amount: -3, currency: EUR}\n"      # line 7
        "  - {amount: 3, currency: EURO}\n"      # line 8
        "  - {amount: 3, currency: EUR, territory: XX}\n"))  # line 9
    with pytest.raises(SourceError) as caught:
        load_settings(path)
    lines = str(caught.value).splitlines()
    assert [line.split(":")[1] for line in lines] == ["4", "5", "7", "8", "9"]
    assert "'POL11' is not a bisac code" in lines[0]
    assert "'subjects[2].scheme' 'dewey' must be one of: thema, bisac, keywords" in lines[1]
    assert "'price[1].amount' -3 must be a price above zero" in lines[2]
    assert "'EURO' is not an ISO 4217 currency code" in lines[3]
    assert "'XX' is not an ISO 3166-1 country code" in lines[4]


def test_a_price_that_is_not_a_mapping(tmp_path):
    with pytest.raises(SourceError, match=r"publication.yaml:3: 'price' must be a list or one "
                                          r"mapping, e.g. 'price: \[\{amount: 12.99"):
        load_settings(publication_yaml(tmp_path, "price: 12.99\n"))
