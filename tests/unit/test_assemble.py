"""pressroom.assemble: numbering, unique ids and the cover, across the whole publication."""

from __future__ import annotations

import pytest

from pressroom.assemble import assemble
from pressroom.config import load_settings
from pressroom.diagnostics import SourceError
from pressroom.manuscript import read_sections


def publish(source, files: dict[str, str], extra_yaml: str = ""):
    manuscript = source / "manuscript"
    (manuscript / "publication.yaml").write_text(f"title: T\nlanguage: en\n{extra_yaml}")
    for name, text in files.items():
        (manuscript / name).write_text(text)
    settings = load_settings(manuscript / "publication.yaml")
    return assemble(settings, source, read_sections(source))


def problems(source, files, extra_yaml=""):
    with pytest.raises(SourceError) as caught:
        publish(source, files, extra_yaml)
    return caught.value.problems


FRONT = "---\ntitle: Preface\nkind: front\n---\nHi.\n"
BACK = "---\ntitle: Credits\nkind: back\n---\nBye.\n"


def test_body_sections_are_numbered_from_one(source):
    publication = publish(source, {"00-preface.md": FRONT, "01-a.md": "# A\n",
                                   "02-b.md": "# B\n", "99-credits.md": BACK})
    assert [(s.id, s.number) for s in publication.sections] == [
        ("preface", None), ("a", 1), ("b", 2), ("credits", None)]


def test_figures_are_numbered_across_sections(source, make_image):
    make_image(source / "images" / "other.jpg")
    publication = publish(source, {
        "01-a.md": "# A\n\n![One](photo.jpg)\n",
        "02-b.md": "# B\n\n![Two](other.jpg)\n\n![Three](photo.jpg){#fig-again}\n"})
    assert [(f.id, f.number) for f in publication.figures] == [
        ("fig-photo", 1), ("fig-other", 2), ("fig-again", 3)]
    assert [i.name for i in publication.images] == ["photo.jpg", "other.jpg"]


def test_duplicate_section_ids(source):
    found = problems(source, {"01-a.md": "---\nid: same\n---\n# A\n",
                              "02-b.md": "---\nid: same\n---\n# B\n"})
    assert len(found) == 1
    assert "section id 'same' is already used by 01-a.md" in found[0].message
    assert (found[0].file.name, found[0].line) == ("02-b.md", 2)


def test_reserved_section_id(source):
    found = problems(source, {"01-a.md": "---\nid: nav\n---\n# A\n"})
    assert "section id 'nav' is reserved" in found[0].message
    assert (found[0].file.name, found[0].line) == ("01-a.md", 1)


def test_the_same_photo_twice_gets_numbered_ids(source):
    publication = publish(source, {"01-a.md": "# A\n\n![One](photo.jpg)\n",
                                   "02-b.md": "# B\n\n![Two](photo.jpg)\n\n![3](photo.jpg)\n"})
    assert [f.id for f in publication.figures] == ["fig-photo", "fig-photo-2", "fig-photo-3"]


def test_duplicate_figure_ids(source):
    found = problems(source, {"01-a.md": "# A\n\n![One](photo.jpg){#fig-x}\n",
                              "02-b.md": "# B\n\nText.\n\n![Two](photo.jpg){#fig-x}\n"})
    assert len(found) == 1
    assert "id 'fig-x' is used twice" in found[0].message
    assert (found[0].file.name, found[0].line) == ("02-b.md", 5)


def test_figure_id_may_not_repeat_a_section_id(source):
    found = problems(source, {"01-a.md": "# A\n\n![One](photo.jpg){#b}\n", "02-b.md": "# B\n"})
    assert "id 'b' is used twice" in found[0].message


def test_cover_image_is_resolved_and_inspected(source):
    publication = publish(source, {"01-a.md": "# A\n"}, "cover:\n  image: photo.jpg\n")
    cover = publication.cover
    assert cover.path == (source / "images" / "photo.jpg").resolve()
    assert (cover.width, cover.height, cover.format) == (600, 400, "JPEG")
    assert publication.cover_alt == "Cover photograph of T"
    assert publication.images == [cover]


def test_cover_alt_comes_from_its_figure(source):
    publication = publish(source, {"01-a.md": "# A\n\n![A red wall](photo.jpg)\n"},
                          "cover:\n  image: photo.jpg\n")
    assert publication.cover_alt == "A red wall"


def test_missing_cover_image_names_publication_yaml(source):
    found = problems(source, {"01-a.md": "# A\n"}, "cover:\n  image: cover.jpg\n")
    assert len(found) == 1
    assert "image 'cover.jpg' not found in images/" in found[0].message
    assert found[0].file == source / "manuscript" / "publication.yaml"
