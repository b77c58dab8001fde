"""publication.yaml's catalogue fields: ISBNs per format, contributors and how they are filed,
the series number, the contents' depth."""

from __future__ import annotations

import pytest

from pressroom.config import Contributor, Settings, file_as, is_corporate

from tests.unit.test_config import load, only_problem

BASE = "title: T\nlanguage: en\n"


# --- ISBNs: print and e-book ---

def test_an_isbn_identifier_is_the_print_isbn_and_the_ebook_gets_its_own_urn(tmp_path):
    settings = load(tmp_path, BASE + "identifier: 978-3-16-148410-0\n")
    assert settings.isbn_print == "9783161484100" and settings.isbn == "9783161484100"
    assert settings.isbn_ebook is None
    assert settings.isbn_print_text == "978-3-16-148410-0"
    # one ISBN never serves both formats: the e-book is a URN, the same every build
    assert settings.ebook_identifier.startswith("urn:uuid:")
    assert settings.ebook_identifier == load(tmp_path, BASE + "identifier: 9783161484100\n").ebook_identifier


def test_isbns_for_print_and_ebook(tmp_path):
    settings = load(tmp_path, BASE + "isbn:\n  print: 978-3-16-148410-0\n  ebook: 978-1-86197-876-9\n")
    assert (settings.isbn_print, settings.isbn_ebook) == ("9783161484100", "9781861978769")
    assert settings.ebook_identifier == "urn:isbn:9781861978769"
    assert settings.isbn_ebook_text == "978-1-86197-876-9"


def test_an_isbn10_is_taken_as_isbn13(tmp_path):
    assert load(tmp_path, BASE + "isbn:\n  ebook: ISBN 0-306-40615-2\n").isbn_ebook == "9780306406157"


def test_identifier_may_be_the_ebook_isbn(tmp_path):
    settings = load(tmp_path, BASE + "identifier: 978-1-86197-876-9\nisbn:\n  print: 978-3-16-148410-0\n"
                    "  ebook: 978-1-86197-876-9\n")
    assert (settings.isbn_print, settings.isbn_ebook) == ("9783161484100", "9781861978769")


def test_an_isbn_with_a_wrong_check_digit_is_refused_with_its_line(tmp_path):
    message, line = only_problem(tmp_path, BASE + "isbn:\n  print: 978-3-16-148410-0\n"
                                 "  ebook: 978-1-86197-876-0\n")
    assert line == 5 and "'isbn.ebook'" in message and "check digit" in message


def test_one_isbn_for_both_formats_is_refused(tmp_path):
    message, line = only_problem(tmp_path, BASE + "isbn:\n  print: 978-3-16-148410-0\n"
                                 "  ebook: 9783161484100\n")
    assert line == 5 and "needs an ISBN of its own" in message


def test_an_identifier_isbn_that_is_neither_is_refused(tmp_path):
    message, line = only_problem(tmp_path, "title: T\nidentifier: 978-0-306-40615-7\nlanguage: en\n"
                                 "isbn:\n  print: 978-3-16-148410-0\n")
    assert line == 2 and "neither 'isbn.print' nor 'isbn.ebook'" in message


def test_unknown_isbn_key(tmp_path):
    message, line = only_problem(tmp_path, BASE + "isbn:\n  pdf: 978-3-16-148410-0\n")
    assert line == 4 and "unknown key 'isbn.pdf'" in message


# --- contributors and filing ---

@pytest.mark.parametrize("name, filed", [
    ("Ada Lovelace", "Lovelace, Ada"),
    ("Mary Wollstonecraft Shelley", "Shelley, Mary Wollstonecraft"),
    ("Plato", "Plato"),
    ("Lovelace, Ada", "Lovelace, Ada"),
    ("Beijing Foreign Affairs Office", "Beijing Foreign Affairs Office"),
    ("Ministry of Culture", "Ministry of Culture"),
    ("Oxford University Press", "Oxford University Press"),
    ("Acme Widgets Ltd.", "Acme Widgets Ltd."),
    ("北京市人民政府外事办公室", "北京市人民政府外事办公室"),
])
def test_file_as_inverts_personal_names_only(name, filed):
    assert file_as(name) == filed


def test_corporate_words_are_whole_words():
    assert is_corporate("Harbour Press") and not is_corporate("Pressley Martin")


def test_authors_as_names_and_mappings(tmp_path):
    settings = load(tmp_path, BASE + "authors:\n  - Ada Lovelace\n  - Beijing Foreign Affairs Office\n"
                    "  - {name: Wu Cheng'en, file_as: \"Wu, Cheng'en\"}\n"
                    "  - {name: The Harbour Collective, corporate: true}\n")
    assert settings.authors == ("Ada Lovelace", "Beijing Foreign Affairs Office", "Wu Cheng'en",
                                "The Harbour Collective")
    assert [c.file_as for c in settings.contributors] == [
        "Lovelace, Ada", "Beijing Foreign Affairs Office", "Wu, Cheng'en", "The Harbour Collective"]
    assert [c.corporate for c in settings.contributors] == [False, True, False, True]
    assert {c.role for c in settings.contributors} == {"author"}


def test_contributors_have_roles_and_relator_codes(tmp_path):
    settings = load(tmp_path, BASE + "authors: [Ada Lovelace]\ncontributors:\n"
                    "  - {name: Jane Roe, role: editor}\n  - {name: Li Wei, role: translator, file_as: \"Li, Wei\"}\n"
                    "  - {name: Studio North, role: designer, corporate: true}\n")
    assert settings.contributors == (
        Contributor("Ada Lovelace", "author", "Lovelace, Ada", False),
        Contributor("Jane Roe", "editor", "Roe, Jane", False),
        Contributor("Li Wei", "translator", "Li, Wei", False),
        Contributor("Studio North", "designer", "Studio North", True))
    assert [c.relator for c in settings.contributors] == ["aut", "edt", "trl", "dsr"]
    assert settings.with_role("editor") == (settings.contributors[1],)


@pytest.mark.parametrize("entry, expected", [
    ("{name: Jane Roe}", "needs a 'role'"),
    ("{name: Jane Roe, role: proofreader}", "needs a 'role', one of: editor, translator"),
    ("{role: editor}", "has no 'name'"),
    ("{name: Jane Roe, role: editor, corporate: maybe}", "'corporate' must be true or false"),
    ("{name: Jane Roe, role: editor, email: j@r.org}", "unknown key 'email'"),
    ("Jane Roe", "must be a mapping"),
    ("{name: Jane Roe, role: [editor]}", "needs a 'role'"),
    ("{name: [Jane, Roe], role: editor}", "the name must be a non-empty text"),
])
def test_bad_contributors_are_refused_with_their_line(tmp_path, entry, expected):
    message, line = only_problem(tmp_path, BASE + f"contributors:\n  - {entry}\n")
    assert line == 4 and expected in message and "'contributors' entry 1" in message


def test_an_author_mapping_may_not_give_a_role(tmp_path):
    message, line = only_problem(tmp_path, BASE + "authors:\n  - {name: A B, role: editor}\n")
    assert line == 4 and "unknown key 'role'" in message


def test_settings_made_in_code_with_author_names_have_them_as_contributors():
    settings = Settings(title="T", language="en", authors=("Ada Lovelace",))
    assert settings.contributors == (Contributor("Ada Lovelace", "author", "Lovelace, Ada"),)


# --- series number, contents depth ---

def test_series_number(tmp_path):
    assert load(tmp_path, BASE + "series: S\nseries_number: 3\n").series_number == 3
    for bad in ("third", ".nan", ".inf", "0", "-2"):
        message, line = only_problem(tmp_path, BASE + f"series: S\nseries_number: {bad}\n")
        assert line == 4 and "must be a positive number" in message


def test_toc_depth(tmp_path):
    assert load(tmp_path, BASE).toc_depth == 2
    assert load(tmp_path, BASE + "toc_depth: 1\n").toc_depth == 1
    message, line = only_problem(tmp_path, BASE + "toc_depth: 5\n")
    assert line == 3 and "must be 1 (sections)" in message
