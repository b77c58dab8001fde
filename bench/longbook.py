"""A synthetic long book for the benchmark: prose, subheadings, footnotes, tables and photos.

    python bench/longbook.py DIR --pages 300 --images 100 [--seed 0] [--language zh-Hans]
    python bench/longbook.py DIR --titles 12 --pages 16 --images 6 [--shared 3]

writes a publication folder (``manuscript/`` and ``images/``; ``layout: book``, A5) whose screen
PDF has about ``pages`` pages (within a few per cent from 30 pages up; never fewer than ~18): a
preface, one chapter per ~10 pages (prose, subheadings, dialogue, a footnote every ~10 pages, a
table in every other chapter), a note on the text, and ``images`` figures spread over the
chapters, each a 2400 x 1600 px, 300 dpi JPEG of its own (~1.2 MB). The text is pseudo-random
English from fixed word lists. It builds without warnings. Same arguments, same bytes.

``--language zh-Hans`` writes the same book in pseudo-Chinese: every English word of the text
becomes one or two characters of GB 2312's first level (the 3,755 most common), chosen by the
word, with Chinese punctuation and no spaces; headings, notes, figures and tables keep their
places. Its page count differs from the English book's (a CJK page holds other amounts); it is
for comparing a CJK book's build with the engine floor on the same book, not for page counts.

``--titles N`` writes a series instead (:func:`make_catalogue`): N such books in ``DIR/series-01``
... (slugs ``series-01`` ...; each its own seed, so its own text, and its own title and place in
the series), of which the first ``--shared`` photos are the same bytes in every title (the series
frontispiece, which is also the cover, then plates) and the others the title's own, with
``DIR/catalogue.yaml`` listing the folders, for ``publish.py build --catalogue``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

# The page budget, fitted to builds of these books (15 to 300 pages): a page holds
# WORDS_PER_PAGE words of text (prose, dialogue and notes); the rest are fixed costs in pages.
WORDS_PER_PAGE = 320
FIXED_PAGES = 9.5           # half-title, frontispiece, title, copyright, contents, the preface's
#                             text; the back matter's two pages and the blank verso before half
OPENER_PAGES = 1.0          # a section's opener drop, its last page's end, half a blank verso
FIGURE_PAGES = 0.75         # a photo and caption, and the space left when it moves to the next page
TABLE_PAGES = 0.25
PAGES_PER_CHAPTER = 10
LINE_CHARS = 80             # more than a line holds (~72): line counts are estimated from below
DIALOGUE_LINES = 36         # a page holds fewer lines (34)
BACK_MATTER_LINES = 32      # more than the first page holds under the opener (~22), with room
#                             for a last paragraph on the second (34)
NOTE_EVERY = 1000           # words of prose between footnotes, on average
NOTE_WORDS = 500            # a note's paragraph and dialogue
PHOTO_SIZE = (2400, 1600)

SUBJECTS = ("the harbour master", "the printer", "a young clerk", "the council", "my grandmother",
            "the ferryman", "a travelling surveyor", "the schoolteacher", "the miller's son",
            "an old sailor", "the archivist", "the lighthouse keeper", "a merchant from the coast",
            "the parish", "the foreman", "her brother", "the village", "the committee")
VERBS = ("kept", "described", "carried", "remembered", "measured", "repaired", "counted",
         "noticed", "printed", "crossed", "followed", "gathered", "recorded", "doubted",
         "praised", "mended", "sold", "copied", "questioned", "rebuilt")
OBJECTS = ("the ledger", "a bundle of letters", "the old bridge", "the winter accounts",
           "every boat in the bay", "the map of the valley", "a crate of type", "the tide tables",
           "the chapel roof", "the price of salt", "a list of names", "the northern road",
           "the mill wheel", "a set of photographs", "the station clock", "the orchard wall",
           "the weather", "a borrowed lantern", "the survey notes", "the canal locks")
PLACES = ("in the harbour", "along the quay", "before the first frost", "after the flood",
          "beyond the river", "near the market", "under the station roof", "across the valley",
          "on the morning of the fair", "between two storms", "at the edge of the town",
          "during the long summer", "behind the workshop", "by lamplight")
JOINS = (", and", ", but", "; meanwhile", ", while", " because", ", so", " until", ", although")
ASIDES = ("as everyone agreed", "or so the story goes", "at least once a year",
          "without much enthusiasm", "to nobody's surprise", "for reasons never explained")
TITLE_NOUNS = ("Harbour", "Ledger", "Bridge", "Winter", "Printer", "Orchard", "Survey", "Lantern",
               "Market", "River", "Station", "Mill", "Archive", "Coast", "Valley", "Road")
TITLE_FORMS = ("The {0} and the {1}", "Notes on the {0}", "The {0} in Winter", "A {0} Remembered",
               "The {0} at Dawn", "{0} and {1}", "After the {0}")
PLACE_NAMES = ("Aldmouth", "Bracken Hill", "Corran", "Dunmere", "Eastwold", "Fairhaven",
               "Glenarm", "Holloway", "Inverloch", "Kestrel Bay")


def make_book(folder: Path, pages: int, images: int, seed: int = 0, language: str = "en-GB",
              series: Series | None = None) -> Path:
    """Write a book of about ``pages`` pages with ``images`` figures into ``folder`` (created;
    it must not hold a manuscript yet); return ``folder``. ``language``: en-GB, or zh-Hans
    (see :func:`sinicise`). ``series``: the book is a title of a series (see
    :func:`make_catalogue`): its slug, title and number, and its first photos copied from the
    series' shared ones."""
    folder = Path(folder)
    manuscript, photos = folder / "manuscript", folder / "images"
    if manuscript.is_dir() and any(manuscript.iterdir()):
        raise FileExistsError(f"{manuscript} is not empty")
    manuscript.mkdir(parents=True, exist_ok=True)
    photos.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    chapters = max(2, round(pages / PAGES_PER_CHAPTER))
    tables = (chapters + 1) // 2
    words = WORDS_PER_PAGE * max(pages - FIXED_PAGES - (chapters + 1) * OPENER_PAGES
                                 - images * FIGURE_PAGES - tables * TABLE_PAGES, chapters)
    shared = series.photos[:images] if series else []
    for k, (path, _) in enumerate(shared, 1):
        shutil.copyfile(path, photos / photo_name(k))
    alts = [alt for _, alt in shared] + [make_photo(photos / photo_name(k), seed, k)
                                         for k in range(len(shared) + 1, images + 1)]
    (manuscript / "publication.yaml").write_text(settings(chapters, images, language, series),
                                                 encoding="utf-8")
    (manuscript / "00-preface.md").write_text(preface(rng), encoding="utf-8")
    digits = len(str(chapters))
    for number, plates in enumerate(share(range(1, images + 1), chapters), 1):
        text = chapter(rng, number, round(words / chapters), plates, alts, number % 2 == 1)
        (manuscript / f"{number:0{digits}d}-chapter-{number}.md").write_text(text, encoding="utf-8")
    (manuscript / f"{chapters + 1:0{digits}d}-note-on-the-text.md").write_text(
        note_on_the_text(rng), encoding="utf-8")
    if language == "zh-Hans":
        for path in manuscript.glob("*.md"):
            path.write_text(sinicise(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


#: GB 2312 level 1: the 3,755 most common Chinese characters (rows 16 to 55).
HANZI = "".join(bytes([row, cell]).decode("gb2312") for row in range(0xB0, 0xD8)
                for cell in range(0xA1, 0xFF) if (row, cell) != (0xD7, 0xFA)
                and not (row == 0xD7 and cell > 0xF9))
#: What stays as written: footnote labels, link targets, attribute blocks, image markup, front
#: matter keys and fences, table rules, the settings' keys.
_KEEP = re.compile(r"(\[\^[^\]]+\]:?|\]\([^)]*\)|\{[^}]*\}|!\[|\(See |^---$|^kind: \w+$|^title: |"
                   r"^\|[-:|]+\|$|^[a-z]+: |^  image: .*$|^#+ )", re.M)
_PUNCTUATION = {",": "，", ".": "。", ";": "；", ":": "：", "?": "？", "!": "！", "---": "——"}


def sinicise(text: str) -> str:
    """English prose as pseudo-Chinese (see the module's doc): words to characters, spaces out,
    punctuation to its full-width forms, quotation marks to “ ”; markup kept."""
    parts = _KEEP.split(text)
    for index in range(0, len(parts), 2):                   # the text between kept markup
        parts[index] = _chinese(parts[index])
    return "".join(parts)


def _chinese(text: str) -> str:
    def word(found: re.Match) -> str:
        digest = hashlib.sha256(found.group(0).lower().encode()).digest()
        return "".join(HANZI[(digest[2 * k] << 8 | digest[2 * k + 1]) % len(HANZI)]
                       for k in range(1 + digest[31] % 2))

    text = re.sub(r"[A-Za-z']+", word, text)
    text = re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)   # no space between characters
    for latin, chinese in _PUNCTUATION.items():
        text = re.sub(rf"(?<=[^\x00-\x7f]){re.escape(latin)} ?", chinese, text)
    quotes = iter(["“", "”"] * text.count('"'))
    return re.sub('"', lambda _: next(quotes), text)


def settings(chapters: int, images: int, language: str = "en-GB",
             series: Series | None = None) -> str:
    """publication.yaml: the book layout (A5), a cover photo when there are photos; a series'
    title has its own slug and title, and the series' name and its number."""
    title, subtitle = ("The Long Book: A Benchmark of Book Typography",
                       f"{chapters} chapters of generated prose, with {images} photographs")
    if language == "zh-Hans":
        title, subtitle = "长篇：书籍排版基准", f"生成的文字{chapters}章，照片{images}幅"
    if series:
        title = f"{SERIES_NAME}, Volume {series.number}: {series.title}"
    lines = [f'title: "{title}"', f"subtitle: {subtitle}",
             "authors: [Ada Placeholder]", "publisher: Pressroom Bench Press", "date: 2024-09-01",
             f"language: {language}", f"slug: {series.slug if series else 'longbook'}",
             "layout: book",
             "description: Generated prose, notes, tables and photographs for benchmarks.",
             'rights: "Generated text; no rights reserved."']
    if series:
        lines += [f'series: "{SERIES_NAME}"', f"series_number: {series.number}"]
    if images:
        lines += ["cover:", f"  image: {photo_name(1)}"]
    return "\n".join(lines) + "\n"


SERIES_NAME = "Harbour Papers"
SERIES_SEED = 1000          # the series' shared photos; title n has seed n


@dataclass
class Series:
    """A book's place in a generated series: its slug, number and own title, and the series'
    shared photos (file, alt text), the first of each title's photos."""

    slug: str
    number: int
    title: str
    photos: list[tuple[Path, str]]


def make_catalogue(folder: Path, titles: int = 12, pages: int = 16, images: int = 6,
                   shared: int = 3) -> Path:
    """Write a series of ``titles`` books of about ``pages`` pages and ``images`` photos into
    ``folder/series-01`` ... and ``folder/catalogue.yaml`` listing them; return the catalogue
    file. Title n has seed n (its own text) and slug ``series-NN``; its first ``shared`` photos
    (the frontispiece, also its cover, then plates) are the same bytes in every title, made
    once in ``folder/shared-photos``; its other photos are its own."""
    folder = Path(folder)
    common = folder / "shared-photos"
    common.mkdir(parents=True, exist_ok=True)
    photos = [(common / photo_name(k), make_photo(common / photo_name(k), SERIES_SEED, k))
              for k in range(1, min(shared, images) + 1)]
    digits = max(2, len(str(titles)))
    slugs = [f"series-{number:0{digits}d}" for number in range(1, titles + 1)]
    for number, slug in enumerate(slugs, 1):
        rng = random.Random(f"series-{number}")
        make_book(folder / slug, pages, images, seed=number,
                  series=Series(slug, number, title(rng), photos))
    catalogue = folder / "catalogue.yaml"
    catalogue.write_text(f"# {SERIES_NAME}: {titles} titles, written by bench/longbook.py\n"
                         + "".join(f"- {slug}\n" for slug in slugs), encoding="utf-8")
    return catalogue


def share(items: range, parts: int) -> list[list[int]]:
    """``items`` in ``parts`` consecutive runs of nearly equal length."""
    items = list(items)
    return [items[len(items) * k // parts:len(items) * (k + 1) // parts] for k in range(parts)]


def photo_name(k: int) -> str:
    return f"photo-{k:03d}.jpg"


def make_photo(path: Path, seed: int, k: int) -> str:
    """A print-resolution photo: a blurred landscape of hills under a graded sky, with blotches,
    texture and grain so it compresses like a real photo (~1.2 MB). Returns its alt text."""
    rng = random.Random(f"{seed}-{k}")
    size = width, height = PHOTO_SIZE
    top, foot = Image.new("RGB", size, colour(rng)), Image.new("RGB", size, colour(rng))
    image = Image.composite(foot, top, Image.linear_gradient("L").resize(size))  # a graded sky
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(height // 3, 2 * height // 3)
    hills = rng.randint(3, 6)
    for _ in range(hills):
        x, r = rng.randrange(width), rng.randint(400, 1200)
        draw.ellipse([x - r, horizon - r // 3, x + r, horizon + r], fill=colour(rng))
    draw.rectangle([0, horizon + 200, width, height], fill=colour(rng))
    for _ in range(rng.randint(2, 5)):
        x, y, r = rng.randrange(width), rng.randrange(horizon, height), rng.randint(60, 250)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour(rng))
    image = image.filter(ImageFilter.GaussianBlur(6))
    for mode, scale, weight in (("RGB", 40, 0.15), ("L", 3, 0.12), ("L", 1, 0.08)):
        noise = noise_image(rng, mode, (width // scale, height // scale))
        image = Image.blend(image, noise.resize(size, Image.BICUBIC).convert("RGB"), weight)
    image.save(path, "JPEG", quality=90, dpi=(300, 300))
    return (f"A hazy landscape: {hills} rounded hills below a graded sky, "
            f"with a field in the foreground near {rng.choice(PLACE_NAMES)}.")


def colour(rng: random.Random) -> tuple[int, int, int]:
    return rng.randrange(40, 230), rng.randrange(40, 230), rng.randrange(40, 230)


def noise_image(rng: random.Random, mode: str, size: tuple[int, int]) -> Image.Image:
    """Uniform random pixels (deterministic: from ``rng``)."""
    return Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * len(mode)))


def sentence(rng: random.Random) -> str:
    """One sentence of one to three clauses, now and then a quotation."""
    text = clause(rng)
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        text += f"{rng.choice(JOINS)} {clause(rng)}"
    if rng.random() < 0.05:
        text += f" in {rng.randint(1820, 1960)}"
    text = text[0].upper() + text[1:]
    if rng.random() < 0.06:
        return f'"{text}," said {rng.choice(SUBJECTS)}.'
    return text + "."


def clause(rng: random.Random, asides: bool = True) -> str:
    words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)]
    if asides and rng.random() < 0.06:
        words.insert(1, f"--- {rng.choice(ASIDES)} ---")
    if rng.random() < 0.6:
        words.append(rng.choice(PLACES))
    return " ".join(words)


def paragraph(rng: random.Random, sentences: int | None = None) -> str:
    return " ".join(sentence(rng) for _ in range(sentences or rng.randint(2, 8)))


def title(rng: random.Random) -> str:
    return rng.choice(TITLE_FORMS).format(*rng.sample(TITLE_NOUNS, 2))


def preface(rng: random.Random) -> str:
    """The front matter: a short preface."""
    paragraphs = "\n\n".join(paragraph(rng) for _ in range(5))
    return f"---\ntitle: Preface\nkind: front\n---\n{paragraphs}\n"


def note_on_the_text(rng: random.Random) -> str:
    """The back matter: two pages, whatever came before. It opens on a right-hand page, so the
    book has an even number of pages, as a perfect binding wants (no blank page is added)."""
    paragraphs: list[str] = []
    while sum(map(len, paragraphs)) < BACK_MATTER_LINES * LINE_CHARS:
        paragraphs.append(paragraph(rng, rng.randint(3, 5)))
    return "---\ntitle: A Note on the Text\nkind: back\n---\n" + "\n\n".join(paragraphs) + "\n"


def chapter(rng: random.Random, number: int, words: int, plates: list[int], alts: list[str],
            with_table: bool) -> str:
    """A chapter of about ``words`` words: a subheading every ~1200 words, a footnote with its
    dialogue (see :func:`noted`) every NOTE_EVERY words of prose, the ``plates`` spread evenly,
    each right after a paragraph that refers to it, and perhaps a table."""
    paragraphs: list[str] = []
    headings: dict[int, str] = {}                    # a subheading before paragraph i
    after: dict[int, list[str]] = defaultdict(list)  # figures, notes and dialogue, a table
    written = notes = 0
    while written < words:
        text, at = paragraph(rng), len(paragraphs)
        if at and rng.random() < len(text.split()) / 1200:
            headings[at] = title(rng)
        if written + NOTE_WORDS < words and rng.random() < len(text.split()) / NOTE_EVERY:
            notes += 1
            after[at] += noted(rng, f"c{number}n{notes}")
        paragraphs.append(text)
        written += sum(len(block.split()) for block in [text, *after[at]])
    for at, plate in zip(spread(len(paragraphs), len(plates)), plates):
        paragraphs[at] += f" (See [plate {plate}](#fig-{plate}).)"
        after[at].insert(0, figure(plate, alts, rng))
    if with_table:
        after[len(paragraphs) // 2].append(table(rng))
    blocks = [f"# {title(rng)}"]
    for at, text in enumerate(paragraphs):
        blocks += [f"## {headings[at]}"] if at in headings else []
        blocks += [text, *after[at]]
    return "\n\n".join(blocks) + "\n"


def noted(rng: random.Random, label: str) -> list[str]:
    """A short paragraph calling note ``label``, the note, then a page of dialogue.

    WeasyPrint 70 moves a page's footnotes to the next page to avoid an orphan when a paragraph
    of four lines or more breaks at the page foot. So the note's paragraph, and all that follows
    it for a page, are paragraphs of at most three lines (150 characters): dialogue."""
    call = short(rng, 70) + f".[^{label}] " + short(rng, 70) + "."
    lines, dialogue = 0, []
    while lines < DIALOGUE_LINES:
        line = short(rng, 110)
        dialogue.append(f'"{line}," said {rng.choice(SUBJECTS)}.' if rng.random() < 0.6
                        else f"{line}.")
        lines += len(dialogue[-1]) // LINE_CHARS + 1
    return [call, f"[^{label}]: {sentence(rng)}", *dialogue]


def short(rng: random.Random, limit: int) -> str:
    """One capitalised clause of at most ``limit`` characters."""
    while len(text := clause(rng, asides=False)) > limit:
        pass
    return text[0].upper() + text[1:]


def spread(length: int, count: int) -> list[int]:
    """``count`` indexes spread evenly over ``length`` items, away from both ends."""
    return [length * (2 * k + 1) // (2 * count) for k in range(count)]


def figure(plate: int, alts: list[str], rng: random.Random) -> str:
    caption = f"Plate {plate}: {rng.choice(PLACE_NAMES)} from the {rng.choice(TITLE_NOUNS).lower()}"
    return (f'![{alts[plate - 1]}]({photo_name(plate)} "{caption}")'
            f'{{#fig-{plate} credit="Photo: Pressroom bench generator"}}')


def table(rng: random.Random) -> str:
    """A small table of figures by year and place."""
    rows = ["| Year | Place | Boats | Letters | Share |", "|---|---|--:|--:|--:|"]
    for _ in range(rng.randint(4, 7)):
        rows.append(f"| {rng.randint(1820, 1960)} | {rng.choice(PLACE_NAMES)} | "
                    f"{rng.randint(2, 90)} | {rng.randint(12, 4800):,} | {rng.randint(1, 99)}% |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the publication folder to write")
    parser.add_argument("--pages", type=int, default=300, help="about this many PDF pages")
    parser.add_argument("--images", type=int, default=100, help="this many photographs")
    parser.add_argument("--seed", type=int, default=0, help="another seed, another book")
    parser.add_argument("--language", choices=("en-GB", "zh-Hans"), default="en-GB",
                        help="the book's language (zh-Hans: pseudo-Chinese, see above)")
    parser.add_argument("--titles", type=int, default=0, help="a series of this many books "
                        "(slugs series-01 ...) and its catalogue.yaml instead of one book")
    parser.add_argument("--shared", type=int, default=3, help="with --titles: the first this "
                        "many photos of every title are the same bytes (default 3)")
    arguments = parser.parse_args()
    if arguments.titles:
        print(make_catalogue(arguments.folder, arguments.titles, arguments.pages,
                             arguments.images, arguments.shared))
    else:
        print(make_book(arguments.folder, arguments.pages, arguments.images, arguments.seed,
                        arguments.language))


if __name__ == "__main__":
    main()
