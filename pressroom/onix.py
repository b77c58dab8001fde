"""ONIX 3.0 for the book trade: one message with a product record per format that has an ISBN.

Distributors, stores and libraries take a book's metadata as ONIX (EDItEUR's ONIX for Books,
release 3.0, reference tags). The message holds the print edition (its binding as the product
form, its trimmed size and thickness, its page count) and the e-book (EPUB, no DRM, the
accessibility features the EPUB itself claims), each with its ISBN-13 and GTIN-13, linked to
each other, with the title, series, contributors, language, subjects, description, publisher,
publication date and prices of ``publication.yaml``. Code lists: ONIX for Books code lists
(the numbers in the comments below), as the schema in EDItEUR's XSD names them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from .config import Settings, padded_page_count
from .model import Publication
from .printers import PAPERS, spine_mm

NAMESPACE = "http://ns.editeur.org/onix/3.0/reference"

#: List 150: the print edition's product form, from print.binding.
PRINT_FORM = {"perfect": "BC",        # paperback / softback
              "saddle-stitch": "BF",  # pamphlet, stapled
              "none": "BD"}           # loose-leaf
#: List 17: contributor roles, from the roles publication.yaml names.
ROLES = {"author": "A01", "editor": "B01", "translator": "B06", "illustrator": "A12",
         "photographer": "A13", "designer": "A11"}
#: List 196: the EPUB's schema:accessibilityFeature claims (EPUB Accessibility 1.1) as ONIX
#: e-publication accessibility details (product form feature type 09).
ACCESSIBILITY_FEATURES = {
    "tableOfContents": "11", "readingOrder": "13", "alternativeText": "14",
    "printPageNumbers": "19", "structuralNavigation": "29",
    "displayTransformability": "36", "pageNavigation": "41",
}
#: List 143 (product form feature type 12): an EPUB without hazards has none of the three the
#: EPUB's schema:accessibilityHazard names (flashing, sound, motion simulation).
NO_HAZARDS = ("14", "16", "18")
#: List 27: subject schemes.
SUBJECT_SCHEMES = {"bisac": "10", "keywords": "20", "thema": "93"}


@dataclass(frozen=True)
class Contributor:
    name: str
    role: str  # a key of ROLES
    file_as: str | None = None
    corporate: bool = False


def _isbns(settings: Settings) -> dict[str, str]:
    """The ISBN-13 of each format that has one: ``print`` and ``ebook``. ``isbn: {print,
    ebook}`` in publication.yaml; without it, the identifier's ISBN is the print edition's."""
    isbns = {"print": getattr(settings, "isbn_print", None),
             "ebook": getattr(settings, "isbn_ebook", None)}
    if not any(isbns.values()):
        isbns["print"] = settings.isbn
    return {medium: isbn for medium, isbn in isbns.items() if isbn}


def _contributors(settings: Settings) -> tuple[Contributor, ...]:
    """Everyone credited, in order: ``contributors`` when publication.yaml has them, else the
    authors (an author named as the publisher is taken as a corporate body)."""
    given = getattr(settings, "contributors", None)
    if given:
        return tuple(Contributor(item.name, item.role, getattr(item, "file_as", None),
                                 bool(getattr(item, "corporate", False))) for item in given)
    return tuple(Contributor(name, "author", corporate=name == settings.publisher)
                 for name in settings.authors)


def _series_number(settings: Settings) -> str | None:
    number = getattr(settings, "series_number", None)
    return None if number is None else str(number)


def language_code(tag: str) -> str:
    """ISO 639-2/B (ONIX list 74) of a BCP 47 tag's language: en-GB -> eng, zh-Hans -> chi."""
    import pycountry

    primary = tag.split("-")[0].lower()
    language = (pycountry.languages.get(alpha_2=primary) if len(primary) == 2
                else pycountry.languages.get(alpha_3=primary))
    if language is None:
        return "und"  # a tag the checks let through but no ISO 639 list knows
    return getattr(language, "bibliographic", None) or language.alpha_3


def thickness_mm(pages: int, settings: Settings) -> float:
    """A perfect-bound book's spine (leaves times caliper and the cover's wrap); a stapled or
    unbound one's leaves times caliper."""
    press = settings.print
    if press.binding == "perfect":
        return spine_mm(pages, press.paper, press.printer)
    return pages / 2 * PAPERS[press.paper].caliper_mm


def onix_message(publication: Publication, pages: int, sent: dt.datetime,
                 page_list: bool = True) -> bytes:
    """The ONIX 3.0 message (UTF-8 XML) of the formats with an ISBN; ``pages``: the screen
    PDF's page count (the press PDF paginates as it does); ``sent``: the message's time (the
    build's); ``page_list``: the EPUB carries the print edition's page breaks."""
    settings = publication.settings
    isbns = _isbns(settings)
    if not isbns:
        raise ValueError("an ONIX message needs an ISBN")
    root = etree.Element("ONIXMessage", release="3.0", nsmap={None: NAMESPACE})
    header = _add(root, "Header")
    sender = _add(header, "Sender")
    _add(sender, "SenderName", settings.publisher or settings.authors[0])
    _add(header, "SentDateTime", sent.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    _add(header, "DefaultLanguageOfText", language_code(settings.language))
    for medium, isbn in isbns.items():
        other = {key: value for key, value in isbns.items() if key != medium}
        _product(root, publication, medium, isbn, other, pages, sent.date(), page_list)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add(parent, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", **attributes)
    if text is not None:
        element.text = text
    return element


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _product(root, publication: Publication, medium: str, isbn: str, others: dict[str, str],
             pages: int, today: dt.date, page_list: bool) -> None:
    settings = publication.settings
    forthcoming = settings.date is not None and settings.date > today
    product = _add(root, "Product")
    _add(product, "RecordReference", f"{settings.slug}.{medium}.{isbn}")
    _add(product, "NotificationType", "02" if forthcoming else "03")  # list 1
    _identifiers(product, "ProductIdentifier", isbn)

    detail = _add(product, "DescriptiveDetail")
    _add(detail, "ProductComposition", "00")  # list 2: a single-item retail product
    if medium == "print":
        _add(detail, "ProductForm", PRINT_FORM[settings.print.binding])
        press_pages = padded_page_count(pages, settings.print.binding)
        trim = settings.print.trim
        for kind, value in (("01", trim.height_mm), ("02", trim.width_mm),
                            ("03", thickness_mm(press_pages, settings))):  # list 48
            measure = _add(detail, "Measure")
            _add(measure, "MeasureType", kind)
            _add(measure, "Measurement", _number(value))
            _add(measure, "MeasureUnitCode", "mm")  # list 50
    else:
        _add(detail, "ProductForm", "ED")  # list 150: digital download
        _add(detail, "ProductFormDetail", "E101")  # list 175: EPUB
        _accessibility(detail, publication, page_list)
        _add(detail, "EpubTechnicalProtection", "00")  # list 144: none
    if settings.series:
        collection = _add(detail, "Collection")
        _add(collection, "CollectionType", "10")  # list 148: the publisher's collection
        title = _add(collection, "TitleDetail")
        _add(title, "TitleType", "01")
        element = _add(title, "TitleElement")
        _add(element, "TitleElementLevel", "02")  # list 149: collection level
        if (number := _series_number(settings)) is not None:
            _add(element, "PartNumber", number)
        _add(element, "TitleText", settings.series)
    title = _add(detail, "TitleDetail")
    _add(title, "TitleType", "01")  # list 15: distinctive title
    element = _add(title, "TitleElement")
    _add(element, "TitleElementLevel", "01")  # list 149: product level
    _add(element, "TitleText", settings.title)
    if settings.subtitle:
        _add(element, "Subtitle", settings.subtitle)
    contributors = _contributors(settings)
    for number, person in enumerate(contributors, 1):
        contributor = _add(detail, "Contributor")
        _add(contributor, "SequenceNumber", str(number))
        _add(contributor, "ContributorRole", ROLES[person.role])
        if person.corporate:
            _add(contributor, "CorporateName", person.name)
            continue
        _add(contributor, "PersonName", person.name)
        if person.file_as:
            _add(contributor, "PersonNameInverted", person.file_as)
            _add(contributor, "KeyNames", person.file_as.split(",")[0].strip())
    if not contributors:
        _add(detail, "NoContributor")
    language = _add(detail, "Language")
    _add(language, "LanguageRole", "01")  # list 22: language of text
    _add(language, "LanguageCode", language_code(settings.language))
    for kind, count in ((("06", padded_page_count(pages, settings.print.binding)), ("11", pages))
                        if medium == "print" else (("08", pages),)):
        extent = _add(detail, "Extent")  # list 23: production / content / print counterpart
        _add(extent, "ExtentType", kind)
        _add(extent, "ExtentValue", str(count))
        _add(extent, "ExtentUnit", "03")  # list 24: pages
    _subjects(detail, settings)

    if settings.description:
        collateral = _add(product, "CollateralDetail")
        text = _add(collateral, "TextContent")
        _add(text, "TextType", "03")  # list 153: description
        _add(text, "ContentAudience", "00")  # list 154: unrestricted
        _add(text, "Text", settings.description)

    publishing = _add(product, "PublishingDetail")
    if settings.publisher:
        publisher = _add(publishing, "Publisher")
        _add(publisher, "PublishingRole", "01")  # list 45: publisher
        _add(publisher, "PublisherName", settings.publisher)
    _add(publishing, "PublishingStatus", "02" if forthcoming else "04")  # list 64
    if settings.date:
        date = _add(publishing, "PublishingDate")
        _add(date, "PublishingDateRole", "01")  # list 163: publication date
        _add(date, "Date", settings.date.strftime("%Y%m%d"))

    if others:
        related = _add(product, "RelatedMaterial")
        for other_isbn in others.values():
            relation = _add(related, "RelatedProduct")
            # list 51: alternative format, and "electronic version available as" (print) or
            # "epublication based on (print product)" (e-book)
            for code in ("06", "27" if medium == "print" else "13"):
                _add(relation, "ProductRelationCode", code)
            _identifiers(relation, "ProductIdentifier", other_isbn)

    prices = [price for price in settings.prices if price.format in (None, medium)]
    if prices:
        supply = _add(product, "ProductSupply")
        supply_detail = _add(supply, "SupplyDetail")
        supplier = _add(supply_detail, "Supplier")
        _add(supplier, "SupplierRole", "01")  # list 93: publisher to resellers
        _add(supplier, "SupplierName", settings.publisher or settings.authors[0])
        _add(supply_detail, "ProductAvailability", "10" if forthcoming else "20")  # list 65
        for given in prices:
            price = _add(supply_detail, "Price")
            _add(price, "PriceType", "02")  # list 58: recommended retail price, tax included
            _add(price, "PriceAmount", _amount(given.amount))
            _add(price, "CurrencyCode", given.currency)
            if given.territory:
                territory = _add(price, "Territory")
                if given.territory == ("WORLD",):
                    _add(territory, "RegionsIncluded", "WORLD")
                else:
                    _add(territory, "CountriesIncluded", " ".join(given.territory))


def _amount(amount) -> str:
    """A price as shops show it: whole, or with at least two decimals (9.5 -> 9.50)."""
    if amount == amount.to_integral_value():
        return str(amount.to_integral_value())
    return str(amount.quantize(type(amount)(1).scaleb(min(-2, amount.as_tuple().exponent))))


def _identifiers(parent, tag: str, isbn: str) -> None:
    for kind in ("15", "03"):  # list 5: ISBN-13, GTIN-13 (the same 13 digits)
        identifier = _add(parent, tag)
        _add(identifier, "ProductIDType", kind)
        _add(identifier, "IDValue", isbn)


def accessibility_codes(publication: Publication,
                        page_list: bool) -> list[tuple[str, str, str | None]]:
    """The EPUB's accessibility claims (pressroom.targets.epub.accessibility_metadata) as ONIX
    product form features: (type, value, description)."""
    from .targets.epub import accessibility_metadata

    features: list[tuple[str, str, str | None]] = []
    for name, value in accessibility_metadata(publication, page_list):
        if name == "schema:accessibilitySummary":
            features.insert(0, ("09", "00", value))
        elif name == "schema:accessibilityFeature":
            features.append(("09", ACCESSIBILITY_FEATURES[value], None))
        elif name == "schema:accessibilityHazard" and value == "none":
            features += [("12", code, None) for code in NO_HAZARDS]
        elif name == "dcterms:conformsTo":
            features += [("09", code, None) for code in _conformance(value)]
        elif name == "a11y:certifiedBy":
            features.append(("09", "90", value))
    return features


def _conformance(claim: str) -> list[str]:
    """'EPUB Accessibility 1.1 - WCAG 2.1 Level AA' -> list 196's 04 (EPUB Accessibility 1.1),
    81 (WCAG 2.1), 85 (level AA)."""
    match = re.fullmatch(r"EPUB Accessibility (1\.[01]) - WCAG (2\.[012]) Level (A{1,3})", claim)
    if not match:
        raise ValueError(f"no ONIX code for the conformance claim {claim!r}")
    epub, wcag, level = match.groups()
    codes = ["04"] if epub == "1.1" else ["03" if level != "A" else "02"]
    return codes + [{"2.0": "80", "2.1": "81", "2.2": "82"}[wcag],
                    {"A": "84", "AA": "85", "AAA": "86"}[level]]


def _accessibility(detail, publication: Publication, page_list: bool) -> None:
    for kind, value, description in accessibility_codes(publication, page_list):
        feature = _add(detail, "ProductFormFeature")
        _add(feature, "ProductFormFeatureType", kind)  # list 79
        _add(feature, "ProductFormFeatureValue", value)
        if description:
            _add(feature, "ProductFormFeatureDescription", description)


def _subjects(detail, settings: Settings) -> None:
    main = set()
    for subject in getattr(settings, "subjects", ()):
        element = _add(detail, "Subject")
        if subject.scheme != "keywords" and subject.scheme not in main:
            main.add(subject.scheme)
            _add(element, "MainSubject")  # the first of each category scheme
        _add(element, "SubjectSchemeIdentifier", SUBJECT_SCHEMES[subject.scheme])
        if subject.code:
            _add(element, "SubjectCode", subject.code)
        if subject.heading:
            _add(element, "SubjectHeadingText", subject.heading)
