"""EPUB Accessibility metadata claims only what is true of the book."""

from __future__ import annotations

from PIL import Image

from pressroom.assemble import assemble
from pressroom.config import load_settings
from pressroom.manuscript import read_sections
from pressroom.targets.epub import accessibility_metadata


def publication(tmp_path, body: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "manuscript").mkdir()
    (tmp_path / "images").mkdir()
    Image.new("RGB", (300, 200), "teal").save(tmp_path / "images" / "pic.jpg")
    (tmp_path / "manuscript" / "publication.yaml").write_text("title: T\nlanguage: en\n")
    (tmp_path / "manuscript" / "01-a.md").write_text(body)
    return assemble(load_settings(tmp_path / "manuscript" / "publication.yaml"), tmp_path,
                    read_sections(tmp_path))


def claims(pub, page_list: bool = False) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop, value in accessibility_metadata(pub, page_list=page_list):
        found.setdefault(prop, []).append(value)
    return found


def test_a_book_whose_images_all_have_alt_text_claims_alternative_text(tmp_path):
    found = claims(publication(tmp_path, '# A\n\n![A teal square.](pic.jpg "Teal")\n'))
    assert found["schema:accessMode"] == ["textual", "visual"]
    assert found["schema:accessModeSufficient"] == ["textual", "textual,visual"]
    assert "alternativeText" in found["schema:accessibilityFeature"]
    assert found["schema:accessibilityHazard"] == ["none"]
    assert "All 1 images have text alternatives." in found["schema:accessibilitySummary"][0]


def test_an_inline_image_without_alt_text_withdraws_the_claims(tmp_path):
    found = claims(publication(tmp_path, "# A\n\nText with ![](pic.jpg) inside.\n"))
    assert "alternativeText" not in found["schema:accessibilityFeature"]
    assert found["schema:accessModeSufficient"] == ["textual,visual"]
    assert "lack text alternatives" in found["schema:accessibilitySummary"][0]


def test_a_text_only_book_is_textual_only(tmp_path):
    found = claims(publication(tmp_path, "# A\n\nWords only.\n"))
    assert found["schema:accessMode"] == ["textual"]
    assert found["schema:accessModeSufficient"] == ["textual"]
    assert "alternativeText" not in found["schema:accessibilityFeature"]


def test_conformance_is_claimed_only_when_every_image_is_described(tmp_path):
    described = claims(publication(tmp_path / "a", '# A\n\n![A teal square.](pic.jpg "Teal")\n'))
    assert described["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    undescribed = claims(publication(tmp_path / "b", "# A\n\nText with ![](pic.jpg) inside.\n"))
    assert "dcterms:conformsTo" not in undescribed
    assert "a11y:certifiedBy" not in undescribed


def test_the_publisher_certifies_the_conformance(tmp_path):
    pub = publication(tmp_path, "# A\n\nWords only.\n")
    assert "a11y:certifiedBy" not in claims(pub)  # no publisher, no author: nobody to name
    (tmp_path / "manuscript" / "publication.yaml").write_text(
        "title: T\nlanguage: en\nauthors: [A. Writer]\npublisher: The Office\n")
    pub = assemble(load_settings(tmp_path / "manuscript" / "publication.yaml"), tmp_path,
                   read_sections(tmp_path))
    assert claims(pub)["a11y:certifiedBy"] == ["The Office"]


# --- each sentence of the summary and each feature only where the book has what it names ---

def summary(pub, page_list: bool = False) -> str:
    return claims(pub, page_list)["schema:accessibilitySummary"][0]


def test_footnotes_are_claimed_only_in_a_book_with_footnotes(tmp_path):
    assert "Footnotes" not in summary(publication(tmp_path / "a", "# A\n\nNo notes here.\n"))
    noted = publication(tmp_path / "b", "# A\n\nA claim.[^1]\n\n[^1]: Its source.\n")
    assert "Footnotes are linked to their references and back." in summary(noted)


def test_tables_are_claimed_only_in_a_book_with_tables(tmp_path):
    assert "Tables" not in summary(publication(tmp_path / "a", "# A\n\nNo tables.\n"))
    table = "# A\n\n| Month | Tonnes |\n|---|---|\n| May | 3 |\n"
    assert "Tables have header rows." in summary(publication(tmp_path / "b", table))


def test_a_table_with_an_empty_header_row_is_not_claimed_to_have_one(tmp_path):
    table = "# A\n\n| | |\n|---|---|\n| May | 3 |\n"
    text = summary(publication(tmp_path, table))
    assert "Tables have header rows." not in text and "Some tables lack a header row." in text


def test_subsections_in_the_contents_only_when_there_are_some(tmp_path):
    flat = summary(publication(tmp_path / "a", "# A\n\nText.\n"))
    assert "to its sections, landmarks" in flat and "subsections" not in flat
    nested = summary(publication(tmp_path / "b", "# A\n\n## Part one\n\nText.\n"))
    assert "to its sections and their subsections" in nested


def test_print_page_numbers_only_with_a_page_list(tmp_path):
    pub = publication(tmp_path, "# A\n\nText.\n")
    without = claims(pub)
    assert not {"printPageNumbers", "pageNavigation"} & set(without["schema:accessibilityFeature"])
    assert "page list" not in summary(pub)
    with_pages = claims(pub, page_list=True)
    assert {"printPageNumbers", "pageNavigation"} <= set(with_pages["schema:accessibilityFeature"])
    assert "Page breaks and a page list follow the print edition." in summary(pub, page_list=True)


def test_no_feature_the_model_cannot_have(tmp_path):
    """MathML and long descriptions: a manuscript cannot hold them, so they are never claimed."""
    features = claims(publication(tmp_path, '# A\n\n## B\n\n![A teal square.](pic.jpg "Teal")[^1]\n\n'
                                             "[^1]: Note.\n"), page_list=True)["schema:accessibilityFeature"]
    assert not {"MathML", "longDescription", "describedMath", "captions", "audioDescription"} & set(features)
