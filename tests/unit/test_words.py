"""pressroom.words: the layout's words by language, their fallbacks, malformed catalogues, and
dates and numbers through CLDR."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from pressroom.cache import target_keys
from pressroom.config import Settings
from pressroom.diagnostics import SourceError
from pressroom.layouts import BUILTIN, find_layout
from pressroom.words import BASE, FOLDER, PATTERNS, candidates, read_catalogue

#: Every language the built-in layouts have words in.
LANGUAGES = ("en", "fr", "de", "es", "ru", "zh-Hans", "zh-Hant", "ja", "ko", "ar", "he")
DATE = dt.date(2024, 3, 15)


def own_words(tmp_path, layout="brochure", **catalogues: str):
    """The source's own ``layouts/<layout>/words/<tag>.yaml`` files, with the given texts."""
    folder = tmp_path / "layouts" / layout / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for tag, text in catalogues.items():
        (folder / f"{tag.replace('_', '-')}.yaml").write_text(text, encoding="utf-8")
    return find_layout(layout, tmp_path)


def words_error(layout, tag: str):
    with pytest.raises(SourceError) as caught:
        layout.words(tag)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0]


def test_candidates_go_from_the_tag_to_its_script_to_its_language():
    assert candidates("fr") == ["fr-Latn", "fr"]
    assert candidates("zh") == ["zh-Hans", "zh"]
    assert candidates("zh-CN") == ["zh-CN", "zh-Hans", "zh"]
    assert candidates("zh-TW") == ["zh-TW", "zh-Hant", "zh"]
    assert candidates("zh-hant-hk") == ["zh-Hant-HK", "zh-Hant", "zh"]
    assert candidates("en_GB") == ["en-GB", "en-Latn", "en"]
    assert candidates("sr-Cyrl") == ["sr-Cyrl", "sr"]


@pytest.mark.parametrize("layout", ["brochure", "book"])
@pytest.mark.parametrize("tag", LANGUAGES)
def test_every_builtin_language_has_every_word(tmp_path, layout, tag):
    words = find_layout(layout, tmp_path).words(tag)
    assert words.warnings == ()
    english = find_layout(layout, tmp_path).words("en")
    assert set(words.entries) == set(english.entries)
    if tag != "en":  # translated, not copied (list_separator may be ", " in both)
        same = {key for key in english.entries if words.entries[key] == english.entries[key]}
        assert same <= {"list_separator", "notes", "pages", "sections", "colophon", "copyright",
                        "spine_reading",  # a convention, shared by languages
                        "figure_credit", "figures_credit", "text_by",
                        "figure_label", "section_label", "label_separator"}, same


@pytest.mark.parametrize("tag, contents", [
    ("zh-Hans", "目录"), ("zh-CN", "目录"), ("zh", "目录"), ("zh-Hant", "目錄"), ("zh-TW", "目錄"),
    ("ar", "المحتويات"), ("ar-EG", "المحتويات"), ("he", "תוכן העניינים"), ("ja", "目次"),
    ("ko", "차례"), ("fr-CA", "Sommaire"), ("de-AT", "Inhalt"), ("en-GB", "Contents")])
def test_lookup_by_tag_then_script_then_language(tmp_path, tag, contents):
    assert find_layout("brochure", tmp_path).words(tag).contents == contents


def test_the_book_overrides_a_word_and_adds_its_own(tmp_path):
    brochure, book = find_layout("brochure", tmp_path), find_layout("book", tmp_path)
    assert brochure.words("fr").contents == "Sommaire"
    assert book.words("fr").contents == "Table des matières"  # layouts/book/words/fr.yaml
    assert book.words("fr").previous == "Précédent"  # from the brochure it extends
    assert book.words("en").set_in.startswith("Set in EB Garamond")
    assert not hasattr(brochure.words("en"), "set_in")


def test_a_source_overrides_one_word_and_keeps_the_rest(tmp_path):
    layout = own_words(tmp_path, fr="contents: Table\n")
    words = layout.words("fr")
    assert words.contents == "Table" and words.next == "Suivant" and words.warnings == ()


def test_a_more_specific_tag_wins_key_by_key(tmp_path):
    layout = own_words(tmp_path, **{"fr-CA": "contents: Table des matières\n"})
    assert layout.words("fr-CA").contents == "Table des matières"
    assert layout.words("fr-CA").previous == "Précédent"
    assert layout.words("fr").contents == "Sommaire"


def test_a_language_without_words_falls_back_to_english_with_one_warning(tmp_path):
    layout = find_layout("brochure", tmp_path)
    words = layout.words("sw")
    assert words.contents == "Contents" and words.published_by == "Published by {publisher}"
    assert len(words.warnings) == 1
    warning = words.warnings[0]
    assert "layout 'brochure'" in warning and "Swahili" in warning and "'sw'" in warning
    assert str(BUILTIN / "brochure" / FOLDER / "sw.yaml") in warning or \
        "layouts/brochure/words/sw.yaml" in warning
    # its dates are still the language's own (CLDR knows Swahili)
    assert words.date(DATE) == "15 Machi 2024"
    # a Chinese tag without catalogues names the script's file
    (chinese,) = own_words(tmp_path / "x", layout="bare", en="contents: Contents\n").words(
        "zh-TW").warnings
    assert "bare/words/zh-Hant.yaml" in chinese


def test_missing_keys_fall_back_to_english_reported_once(tmp_path):
    layout = own_words(tmp_path, layout="leaflet",
                       en="contents: Contents\nnext: Next\nprevious: Previous\n"
                          "date_format: d MMMM y\n",
                       it="contents: Indice\n")
    words = layout.words("it")
    assert (words.contents, words.next, words.previous) == ("Indice", "Next", "Previous")
    (warning,) = words.warnings
    assert "2 words missing" in warning and "next, previous" in warning
    assert "leaflet/words/it.yaml" in warning
    # the English date pattern is not Italian's: the locale's own long format
    assert "date_format" not in warning and words.date(DATE) == "15 marzo 2024"
    assert layout.words("en").date(DATE) == "15 March 2024"
    assert layout.words("en").warnings == ()


def test_an_unknown_word_in_a_template_is_an_error(tmp_path):
    words = find_layout("brochure", tmp_path).words("fr")
    with pytest.raises(AttributeError, match="no word 'contnets'"):
        words.contnets


def test_placeholders_are_filled(tmp_path):
    words = find_layout("brochure", tmp_path).words("zh-Hans")
    assert words.fill("published_by_on", publisher="外文出版社", date=words.date(DATE)) == \
        "出版：外文出版社，2024年3月15日"
    assert words.fill("figures_credit", numbers="1、2", credit="新华社") == "图1、2：新华社"


@pytest.mark.parametrize("tag, long, month_year", [
    ("en", "15 March 2024", "March 2024"),  # the brochure's en.yaml sets date_format
    ("en-GB", "15 March 2024", "March 2024"),
    ("fr", "15 mars 2024", "mars 2024"),
    ("de", "15. März 2024", "März 2024"),
    ("es", "15 de marzo de 2024", "marzo de 2024"),
    ("ru", "15 марта 2024\u202fг.", "март 2024\u202fг."),
    ("zh-Hans", "2024年3月15日", "2024年3月"),
    ("zh-TW", "2024年3月15日", "2024年3月"),
    ("ja", "2024年3月15日", "2024年3月"),
    ("ko", "2024년 3월 15일", "2024년 3월"),
    ("ar", "15 مارس 2024", "مارس 2024"),
    ("he", "15 במרץ 2024", "מרץ 2024"),
])
def test_dates_as_the_locale_writes_them(tmp_path, tag, long, month_year):
    words = find_layout("brochure", tmp_path).words(tag)
    assert (words.date(DATE), words.month_year(DATE)) == (long, month_year)


def test_numbers_through_cldr(tmp_path):
    layout = find_layout("brochure", tmp_path)
    assert layout.words("en").number(12345) == "12,345"
    assert layout.words("de").number(12345) == "12.345"
    assert layout.words("ar").number(3) == "3"


def test_the_filters_in_a_template(tmp_path):
    folder = tmp_path / "layouts" / "brochure"
    folder.mkdir(parents=True)
    (folder / "t.html").write_text(
        "{{ words.contents }}|{{ day | long_date }}|{{ day | month_year }}|"
        "{{ words.published_by | fill(publisher=name) }}|{{ [1, 2] | map('number') | join(words.list_separator) }}")
    layout = find_layout("brochure", tmp_path)
    assert layout.render("t.html", words=layout.words("ja"), day=DATE, name="<A&B>") == \
        "目次|2024年3月15日|2024年3月|発行：&lt;A&amp;B&gt;|1、2"


@pytest.mark.parametrize("text, line, message", [
    ("contents: Sommaire\nnext: Suivant: x\n", 2, "invalid YAML"),
    ("- contents\n- next\n", 1, "must be a mapping"),
    ("contents: Sommaire\nContents: Sommaire\n", 2, "'Contents' is not a key of words"),
    ("contents: Sommaire\ncontents: Table\n", 2, "'contents' is given twice"),
    ("contents:\n", 1, "'contents' must be one word or phrase"),
    ("next: Suivant\ncontents:\n  - Sommaire\n", 2, "'contents' must be one word or phrase"),
    ("text_by: \"Texte : {authors\"\n", 1, "unmatched brace"),
    ("next: Suivant\npublished_by: \"Publié par {éditeur}\"\n", 2,
     "'published_by' must hold the placeholders the English word has ({publisher})"),
])
def test_a_malformed_catalogue_is_one_error_with_file_and_line(tmp_path, text, line, message):
    layout = own_words(tmp_path, fr=text)
    problem = words_error(layout, "fr")
    assert problem.file == tmp_path / "layouts" / "brochure" / FOLDER / "fr.yaml"
    assert problem.line == line and message in problem.message, problem
    assert "\n" not in str(problem)


def test_a_layout_without_english_words_is_an_error(tmp_path):
    (tmp_path / "layouts" / "leaflet").mkdir(parents=True)
    problem = words_error(find_layout("leaflet", tmp_path), "fr")
    assert "has no words/en.yaml" in problem.message


def test_builtin_catalogues_are_well_formed():
    for path in sorted(BUILTIN.glob(f"*/{FOLDER}/*.yaml")):
        entries = read_catalogue(path)
        assert entries, path
        assert yaml.safe_load(path.read_text(encoding="utf-8"))  # plain YAML too
    english = read_catalogue(BUILTIN / "brochure" / FOLDER / f"{BASE}.yaml")
    assert set(PATTERNS) & set(english) == {"date_format"}


def test_editing_a_word_changes_every_target_key(tmp_path):
    class Publication:  # what target_keys reads
        root = tmp_path
        sections = ()
        images = ()
        settings = Settings("T", "fr")

    (tmp_path / "manuscript").mkdir()
    (tmp_path / "manuscript" / "publication.yaml").write_text("title: T\nlanguage: fr\n")
    layout = own_words(tmp_path, fr="contents: Sommaire\n")
    before = target_keys(Publication, layout)
    (tmp_path / "layouts" / "brochure" / FOLDER / "fr.yaml").write_text("contents: Table\n")
    after = target_keys(Publication, layout)
    assert before.keys() == after.keys() and all(before[name] != after[name] for name in before)
