"""Fuzzing the whole pipeline with generated manuscripts (Hypothesis).

Each example is a publication folder: a ``publication.yaml`` (well formed or not: keys missing,
of the wrong type, unknown, or no mapping at all), one to three sections of Markdown made from
a grammar of pieces (headings, emphasis, links, footnotes with and without definitions, lists,
ragged tables, quotes, code, figures naming the one real image or missing ones, attributes, raw
HTML) and hostile text (right-to-left scripts, combining marks, zero-width and control
characters, NUL, very long words). ``publish.py build`` runs on it in-process.

The property: the command returns 0, 1 or 2 and never raises; with 2 it says what is wrong in
``error:`` lines, at least one naming ``publication.yaml`` or a section file; with 0 the output
exists. Every failure is a bug in the program, never in the manuscript.
"""

from __future__ import annotations

import contextlib
import io
import re
import string
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from pressroom.cli import main
from pressroom.diagnostics import LOGGER

IMAGE = "photo.jpg"  # the one real image in images/
SECTION_NAMES = ("01-opening.md", "02-middle part.md", "03-émigré.md", "10-end.md")

# -- text ---------------------------------------------------------------------------------------

HOSTILE = (
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
    "\u0645\u0631\u062d\u0628\u0627",  # Arabic
    "\u202eevil\u202c", "\u200f", "\u200e",  # bidi overrides and marks
    "e\u0301\u0302\u0303\u0304", "\u0301",  # combining marks, one with nothing to combine with
    "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero width, word joiner, BOM, soft hyphen
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029",
    "\ufffd", "\uffff", "\U0001f600", "\U0001f1e9\U0001f1ea", "\U000e0001",
    "x" * 3000, "\u6f22\u5b57" * 200,  # a very long word, CJK without spaces
    "&amp;", "&#0;", "&#12;", "&#x110000;", "&bogus;",  # entities: NUL, a form feed, no such
    "\\", "`", "*", "_", "[", "]", "<", ">", "{", "}",
)
#: What XML 1.0, so every output, cannot hold: C0 controls but tab and line ends, U+FFFE, U+FFFF.
UNPUBLISHABLE = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF]))
plain_words = st.text(string.ascii_letters + string.digits + "-'", min_size=1, max_size=12)
words = st.one_of(plain_words, plain_words, st.sampled_from(HOSTILE),
                  st.text(min_size=1, max_size=8))  # any code point, lone surrogates too
publishable_words = st.one_of(  # hostile, but what a source may hold
    plain_words, plain_words,
    st.sampled_from([w for w in HOSTILE if not set(w) & set(UNPUBLISHABLE) and w != "&#12;"]),
    st.text(st.characters(codec="utf-8", exclude_characters=UNPUBLISHABLE), min_size=1,
            max_size=8))
any_text = st.text(max_size=80)
publishable_text = st.text(st.characters(codec="utf-8", exclude_characters=UNPUBLISHABLE),
                           max_size=80)


@dataclass(frozen=True)
class Mode:
    """How a publication is generated: ``valid``, it keeps to the source contract (titles,
    existing images with alt text, defined footnotes, known keys...); ``clean``, its text holds
    only characters an output can hold (hostile ones included: RTL, combining, zero-width)."""

    valid: bool
    clean: bool


#: Clean and valid (the text reaches the outputs), valid with any character (control characters
#: must be reported, not crash the writers), and broken anywhere.
MODES = (Mode(True, True), Mode(True, True), Mode(True, False), Mode(False, False))


def words_for(mode: Mode):
    return publishable_words if mode.clean else words


@st.composite
def inline(draw, mode: Mode, max_pieces: int = 8) -> str:
    """Running text: words, emphasis, code, links, footnote calls, inline notes, images."""
    pieces = []
    for _ in range(draw(st.integers(1, max_pieces))):
        word = draw(words_for(mode))
        kind = draw(st.sampled_from(["word"] * 6 + ["em", "strong", "code", "link", "note",
                                                   "inline-note", "image", "html", "attrs"]))
        if kind == "em":
            word = f"*{word}*"
        elif kind == "strong":
            word = f"**{word}**"
        elif kind == "code":
            word = f"`{word}`"
        elif kind == "link":
            target = draw(st.sampled_from(VALID_LINKS if mode.valid else VALID_LINKS + BAD_LINKS))
            word = f"[{word}]({target})" + draw(st.sampled_from(["", "{.x}"] if mode.valid else
                                                                ["", "{.x}", "{#id}"]))
        elif kind == "note":  # when valid, a definition is added at the end of the section
            word = f"{word}[^{draw(st.sampled_from(['1', 'a', 'note', 'ü', 'x y', '']))}]"
        elif kind == "inline-note":
            word = f"{word}^[{draw(words_for(mode))}]"
        elif kind == "image":
            name = IMAGE if mode.valid else draw(image_names)
            word = f"{word} ![{draw(plain_words) if mode.valid else word}]({name})"
        elif kind == "html":
            word = draw(html)
        elif kind == "attrs" and not mode.valid:
            word = f"{word}{draw(attributes)}"
        pieces.append(word)
    return " ".join(pieces)


VALID_LINKS = ["https://example.org/a?b=c", "mailto:someone@example.org", "https://x.test/\u00e9"]
BAD_LINKS = ["01-opening.md", "02-middle%20part.md", "10-end.md#nowhere", "#top", "missing.md",
             "../outside.md", "javascript:alert(1)", "", "images/photo.jpg", "http://[broken",
             "01-opening.md#"]
image_names = st.sampled_from([IMAGE, IMAGE, "images/photo.jpg", "Photo.JPG", "missing.jpg",
                               "../secret.jpg", "/etc/passwd", "https://example.org/p.jpg",
                               "photo.jpg#frag", "photo%2Ejpg", "", "\x00.jpg", "dir/"])
html = st.sampled_from(["<div>", "</div>", "<script>alert(1)</script>", "<!-- note -->",
                        "<img src=x onerror=alert(1)>", "<br>", "</p>", "<?php ?>",
                        "<![CDATA[x]]>", "<span style='color:red'>", "<math><mi>x</mi></math>"])
attributes = st.sampled_from(["{.pull}", "{#id}", "{#fig-a .half}", "{.full-width .half}",
                              "{.lead}", "{#}", "{key=value}", "{credit=\"Photo\"}", "{.}", "{",
                              "{#dup}", "{#cover}", "{#nav}", "{id=\"a b\"}", "{.full-bleed}"])
VALID_ATTRIBUTES = ["{.pull}", "{.lead}", "{key=value}", "{.x .y}"]
FIGURE_ATTRIBUTES = ["", "{.half}", "{.full-width}", "{.full-bleed credit=\"Photo: Archive\"}"]

# -- blocks -------------------------------------------------------------------------------------


@st.composite
def block(draw, mode: Mode) -> str:
    kind = draw(st.sampled_from(["paragraph"] * 3 + [
        "heading", "list", "ordered", "table", "quote", "fence", "indented", "figure",
        "footnote", "attrs", "html", "rule", "raw"]))
    if kind == "paragraph":
        return draw(inline(mode))
    if kind == "heading":
        level = draw(st.integers(1, 7))  # 7: not a heading at all
        return f"{'#' * level} {draw(inline(mode, 3))}" + draw(
            st.sampled_from(["", " {.x}"] if mode.valid else ["", " {#h}", " {.x}", " {#}"]))
    if kind in ("list", "ordered"):
        items = draw(st.lists(inline(mode, 3), min_size=1, max_size=4))
        marks = ["-", "*", "+"] if kind == "list" else ["1.", "2)", "10."]
        return "\n".join(f"{draw(st.sampled_from(['', '  ', '    ']))}"
                         f"{draw(st.sampled_from(marks))} {item}" for item in items)
    if kind == "table":
        columns = draw(st.integers(1, 4))
        rows = draw(st.lists(st.lists(inline(mode, 2), max_size=5), max_size=3))  # ragged
        lines = ["| " + " | ".join(draw(plain_words) for _ in range(columns)) + " |",
                 "|" + "|".join(draw(st.sampled_from(["---", ":--", "--:", ":-:", "-"]))
                                for _ in range(columns)) + "|"]
        lines += ["| " + " | ".join(row) + (" |" if draw(st.booleans()) else "") for row in rows]
        return "\n".join(lines)
    if kind == "quote":
        return "\n".join("> " * draw(st.integers(1, 3)) + draw(inline(mode, 3))
                         for _ in range(draw(st.integers(1, 3))))
    if kind == "fence":
        return f"```{draw(st.sampled_from(['', 'python', '{.x}']))}\n" \
               f"{draw(publishable_text if mode.clean else any_text)}" \
               + draw(st.sampled_from(["\n```", ""]))  # sometimes never closed
    if kind == "indented":
        return "    " + draw(inline(mode, 3))
    if kind == "figure":
        caption = draw(st.one_of(st.just(""), st.builds(lambda t: f' "{t}"', inline(mode, 3))))
        if mode.valid:
            return f"![{draw(plain_words)} {draw(words_for(mode))}]({IMAGE}{caption})" + draw(
                st.sampled_from(FIGURE_ATTRIBUTES))
        alt = draw(st.one_of(st.just(""), inline(mode, 3)))
        return f"![{alt}]({draw(image_names)}{caption})" + draw(st.one_of(st.just(""), attributes))
    if kind == "footnote":
        label = draw(st.sampled_from(["1", "a", "note", "ü", "unused"]))
        return f"[^{label}]: {draw(inline(mode, 4))}"
    if kind == "attrs":
        return f"{draw(st.sampled_from(VALID_ATTRIBUTES) if mode.valid else attributes)}\n" \
               f"{draw(inline(mode, 4))}"
    if kind == "html":
        return draw(html) + "\n" + draw(inline(mode, 2))
    if kind == "rule":
        return draw(st.sampled_from(["---", "***", "___", "- - -", "==="]))
    return draw(publishable_text if mode.clean else any_text)  # anything at all


@st.composite
def front_matter(draw, mode: Mode) -> str:
    if draw(st.integers(0, 3)) == 0:
        return ""
    if mode.valid:
        fields = draw(st.fixed_dictionaries({}, optional={
            "title": st.builds("{} {}".format, plain_words, publishable_words),
            "kind": st.sampled_from(["front", "body", "back"])}))
    else:
        fields = draw(st.dictionaries(
            st.sampled_from(["title", "id", "kind", "titel", "layout", "x"]),
            st.one_of(plain_words, words,
                      st.sampled_from(["front", "body", "back", "cover", "nav"]), st.integers(),
                      st.none(), st.lists(plain_words, max_size=2), st.booleans()),
            max_size=3))
    text = yaml.safe_dump(fields, allow_unicode=True) if fields or mode.valid else draw(
        st.sampled_from(["", "- a list\n", "title: [unclosed\n", "just text\n", "{}\n"]))
    return f"---\n{text}---\n"


_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


@st.composite
def section(draw, mode: Mode) -> str:
    heading = "# " if mode.valid else draw(st.sampled_from(["# ", "# ", "## ", ""]))
    title = f"{heading}{draw(plain_words)} {draw(inline(mode, 4))}\n\n" if heading else ""
    body = "\n\n".join(draw(st.lists(block(mode), max_size=6)))
    if mode.valid:  # a definition for every footnote call
        labels = dict.fromkeys(_NOTE_CALL.findall(body))
        body += "".join(f"\n\n[^{label}]: {draw(inline(mode, 3))}" for label in labels)
    return draw(front_matter(mode)) + title + body + draw(st.sampled_from(["", "\n", "\n\n\n"]))


# -- publication.yaml ---------------------------------------------------------------------------

GOOD = {"title": "Fuzzed", "language": "en", "subtitle": "A test", "authors": ["A. Author"],
        "publisher": "Press", "date": "2024-03-15", "identifier": "978-3-16-148410-0",
        "description": "Words.", "rights": "CC BY 4.0", "series": "S", "slug": "fuzzed",
        "layout": "brochure", "cover": {"image": IMAGE},
        "print": {"trim": "A5", "bleed": "3mm", "binding": "perfect", "profile": "pdf/x-4",
                  "marks": True, "ink_limit": 300}}
yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), words,
              st.sampled_from(["2024-13-45", "1e999", "A0", "11mm", "book", "../../etc",
                               "missing.jpg", "zz-Latn-ZZ-x", "urn:", "ISBN 0-306-40615-2"])),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(plain_words, children, max_size=3)),
    max_leaves=6)
RAW_YAML = [
    "title: [unclosed\n", "? [a, b]\n: c\n", "? {a: b}\n: c\ntitle: T\nlanguage: en\n",
    "&a [*a]\n", "title: &x T\nlanguage: *x\n", "title: T\nlanguage: en\ntitle: U\n",
    "%YAML 1.1\n---\ntitle: T\n", "!!python/object:os.system x\n", "\t- tab\n",
    "title: !!binary aGk=\nlanguage: en\n", "title: T\nlanguage: !!set {en}\n",
    "---\ntitle: T\n---\nlanguage: en\n", "\x00", "\ufefftitle: T\nlanguage: en\n",
    "title: T\nlanguage: en\n<<: {slug: x}\n", "title: T\nlanguage: en\ncover: photo.jpg\n",
    "title: T\nlanguage: en\nprint: {trim: 0mm 0mm}\n", "title: T\nlanguage: en\n1: x\n",
    "title: T\nlanguage: en\nnull: x\n", "title: T\nlanguage: en\n[a]: x\n"]


@st.composite
def publication_yaml(draw, mode: Mode) -> str:
    kind = "settings" if mode.valid else draw(
        st.sampled_from(["settings"] * 4 + ["raw", "structure"]))
    if kind == "raw":
        return draw(st.one_of(st.text(max_size=80), st.sampled_from(RAW_YAML)))
    if kind == "structure":
        return yaml.safe_dump(draw(yaml_values), allow_unicode=True)
    settings_ = {}
    for key, value in GOOD.items():
        choice = draw(st.sampled_from(
            ["keep"] if mode.valid else ["keep", "keep", "keep", "drop", "wrong"]))
        if choice == "keep" and key not in ("title", "language") and draw(st.booleans()):
            continue  # optional keys are often absent
        if choice == "keep":
            settings_[key] = value
        elif choice == "wrong":
            settings_[key] = draw(yaml_values)
    if not mode.valid:
        for key in draw(st.lists(st.sampled_from(["titel", "langauge", "colour", "print2", ""]),
                                 max_size=2)):
            settings_[key] = draw(yaml_values)
    if "title" in settings_ and draw(st.booleans()):
        settings_["title"] = f"{draw(plain_words)} {draw(inline(mode, 3))}"
    return yaml.safe_dump(settings_, allow_unicode=True, sort_keys=False)


@st.composite
def publications(draw) -> dict[str, str]:
    """File name (in manuscript/) -> text, in one of the MODES."""
    mode = draw(st.sampled_from(MODES))
    names = draw(st.lists(st.sampled_from(SECTION_NAMES), min_size=1, max_size=3, unique=True))
    files = {name: draw(section(mode)) for name in names}
    files["publication.yaml"] = draw(publication_yaml(mode))
    return files


# -- the property -------------------------------------------------------------------------------

NAMES_A_FILE = re.compile(r"^error: .*(publication\.yaml|\.md)(:\d+)?: ", re.M)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), (180, 90, 40)).save(out, "JPEG", dpi=(300, 300))
    return out.getvalue()


JPEG = jpeg()
OUTPUTS = {"epub": "*.epub", "pdf": "*.pdf", "press": "press/*-press.pdf"}  # one file a target


def publish(files: dict[str, str], target: str) -> tuple[int, str, list[str]]:
    """Write the publication into a new folder and run ``publish.py build`` on it in-process:
    (exit code, stderr, the names of the outputs written)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        root = Path(folder)
        (root / "src" / "manuscript").mkdir(parents=True)
        (root / "src" / "images").mkdir()
        (root / "src" / "images" / IMAGE).write_bytes(JPEG)
        for name, text in files.items():
            # a lone surrogate is written as UTF-8 would (surrogatepass): a file that is not UTF-8
            (root / "src" / "manuscript" / name).write_bytes(
                text.encode("utf-8", "surrogatepass"))
        out = root / "out"
        stderr = io.StringIO()
        handlers = list(LOGGER.handlers)
        try:
            with contextlib.redirect_stderr(stderr):
                code = main(["build", "--source", str(root / "src"), "--out", str(out),
                             "--target", target, "-q"])
        finally:
            LOGGER.handlers[:] = handlers  # main adds a handler on every call
        outputs = sorted(path.name for path in out.glob(OUTPUTS[target])) if out.is_dir() else []
    return code, stderr.getvalue(), outputs


def check(files: dict[str, str], target: str) -> None:
    code, stderr, outputs = publish(files, target)
    if code in (130, 143):  # Ctrl-C (or SIGTERM) during the test: main took it; stop the run
        raise KeyboardInterrupt
    event(f"exit {code}")
    assert code in (0, 1, 2), (code, stderr)
    assert "Traceback" not in stderr, stderr
    if code == 2:
        assert NAMES_A_FILE.search(stderr), f"no error line names a file:\n{stderr}"
    if code == 0:
        assert len(outputs) == 1, (outputs, stderr)


#: The same examples in every run (derandomize). Hypothesis also draws literals from the modules
#: loaded, so running this file alone or with the whole suite gives two different, each stable,
#: sets of examples.
FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])
SETTINGS = "title: T\nlanguage: en\n"


#: Bugs found by this test, as their smallest examples (each crashed ``publish.py build``).
@example({"01-opening.md": "# Title \x01\n", "publication.yaml": SETTINGS})  # EbookLib: not XML
@example({"01-opening.md": "# Title \uffff\n", "publication.yaml": SETTINGS})
@example({"01-opening.md": "---\ntitle: \"T \\x01\"\n---\nText.\n", "publication.yaml": SETTINGS})
@example({"01-opening.md": "# Title\n", "publication.yaml": 'title: "T \\x01"\nlanguage: en\n'})
@example({"01-opening.md": "# Title\n", "publication.yaml": 'title: "T \\uD800"\nlanguage: en\n'})
@example({"01-opening.md": "# Title\n", "publication.yaml": "? [a, b]\n: c\n"})  # a list as key
@example({"01-opening.md": "---\n[a]: b\n---\n# Title\n", "publication.yaml": SETTINGS})
@settings(FUZZ, max_examples=400)
@given(publications())
def test_any_manuscript_gives_an_epub_or_errors_naming_the_file(files):
    check(files, "epub")


#: WeasyPrint is slow: fewer examples, and a failure is reported as found (shrinking one takes
#: minutes; add phases=(Phase.explicit, Phase.generate, Phase.shrink) to get the smallest).
@example({"01-opening.md": "# Title\n\nSome words \u2029 more.\n", "publication.yaml": SETTINGS})
@example({"01-opening.md": "# Title\n\nText[^a]\n\n[^a]: P \x85\n", "publication.yaml": SETTINGS})
@example({"01-opening.md": "# Title\n", "publication.yaml": 'title: "T \\u2029 x"\nlanguage: en\n'})
@settings(FUZZ, max_examples=60, phases=(Phase.explicit, Phase.generate))
@given(publications())
def test_any_manuscript_gives_a_pdf_or_errors_naming_the_file(files):
    check(files, "pdf")
