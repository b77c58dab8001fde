"""The EPUB under DAISY Ace, the accessibility checker retailers run: no violations on the
sample and the test publications, and Ace really reports a broken book."""

from __future__ import annotations

import os
import re
import zipfile

import pytest

from pressroom.ebookcheck import AceUnavailable, ace, ace_command
from pressroom.targets.epub import CONFORMANCE

from ..conftest import output


@pytest.fixture(scope="module", autouse=True)
def ace_installed():
    try:
        ace_command()
    except AceUnavailable as why:
        if os.environ.get("PRESSROOM_REQUIRE_TOOLS"):
            pytest.fail(f"{why} (PRESSROOM_REQUIRE_TOOLS is set: CI must run the real check)")
        pytest.skip(str(why))


def test_the_sample_epub_has_no_accessibility_violations(sample):
    assert ace(output(sample, ".epub")) == []


def test_the_features_epub_has_no_accessibility_violations(features):
    assert ace(output(features, ".epub")) == []


def test_the_sample_claims_conformance_and_names_who_certifies_it(sample):
    with zipfile.ZipFile(output(sample, ".epub")) as epub:
        opf = epub.read("EPUB/content.opf").decode()
    assert f'<meta property="dcterms:conformsTo">{CONFORMANCE}</meta>' in opf
    assert '<meta property="a11y:certifiedBy">Beijing Foreign Affairs Office</meta>' in opf
    assert re.search(r'<package [^>]*xml:lang="en"', opf)


def test_ace_reports_a_book_without_languages_and_alt_text(sample, tmp_path):
    """The check can fail: the sample with its language and one alt text taken out."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(output(sample, ".epub")) as source, \
            zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "EPUB/content.opf":
                data = data.replace(b' xml:lang="en"', b"")
            elif info.filename == "EPUB/workforce-training.xhtml":
                data = re.sub(rb' alt="[^"]*"', b"", data, count=1)
            target.writestr(info, data)
    findings = ace(broken)
    assert any(line.startswith("serious epub-lang EPUB/content.opf") for line in findings), findings
    assert any(" image-alt workforce-training.xhtml" in line for line in findings), findings
    assert all(re.match(r"(minor|moderate|serious|critical) \S+ \S+", line) for line in findings)
