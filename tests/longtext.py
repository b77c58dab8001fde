"""A long, deterministic publication for testing book layouts: prose, notes, figures, tables.

    python tests/longtext.py OUTDIR [--chapters 12] [--seed 1] [--layout book]

writes a complete source folder (manuscript/ and images/) following the source contract in
README.md: a preface (front matter), ``chapters`` chapters of 1500-3000 words each, and a
note on the text (back matter). Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw

DET = "the the the the a a this that their his her every one".split()
ADJ = ("quiet narrow distant early patient careful heavy bright common ordinary remote northern "
       "western ancient modest curious steady broad slow grey green small long old new").split()
NOUNS = ("harbour river town archive letter winter morning printer paper engine workshop market "
         "bridge island lamp garden window ledger voyage quarry orchard station village "
         "lighthouse council survey weather season merchant teacher family road canal mill "
         "chapel library museum machine record journey coast valley forest").split()
VERBS = ("measured carried remembered opened described followed built returned crossed kept "
         "gathered noticed printed reckoned repaired counted named found praised doubted").split()
PREP = "of in on with from into under over after before between across beyond near".split()
JOIN = (", and", ", but", "; meanwhile", ", while", " when", ", which is why", " because", ", so")
LONG_NOUNS = ("internationalisation responsibilities misunderstanding telecommunications "
              "incomprehensibility photolithography").split()
LONG_ADVERBS = "characteristically extraordinarily disproportionately".split()
COLOURS = {"slate blue": (70, 90, 140), "amber": (225, 160, 60), "sea green": (60, 140, 120),
           "brick red": (170, 70, 50), "ochre": (200, 150, 70), "ivory": (240, 232, 210),
           "charcoal": (50, 50, 55), "rose": (215, 140, 150)}
IMAGES = 6


def make_image(path: Path, rng: random.Random) -> str:
    """A 1800 x 1200, 300 dpi JPEG: a two-colour gradient with shapes. Returns its alt text."""
    (top_name, top), (bottom_name, bottom) = rng.sample(sorted(COLOURS.items()), 2)
    image = Image.new("RGB", (1800, 1200))
    draw = ImageDraw.Draw(image)
    for y in range(1200):
        t = y / 1199
        draw.line([(0, y), (1799, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _ in range(rng.randint(5, 9)):
        x, y, r = rng.randint(0, 1800), rng.randint(0, 1200), rng.randint(60, 320)
        colour = rng.choice(list(COLOURS.values()))
        if rng.random() < 0.5:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour, outline=(255, 255, 255), width=6)
        else:
            draw.rectangle([x - r, y - r // 3, x + r, y + r // 3], fill=colour)
    image.save(path, "JPEG", quality=85, dpi=(300, 300), optimize=True)
    return (f"An abstract composition of circles and bars over a gradient that runs from "
            f"{top_name} at the top to {bottom_name} at the bottom.")


def noun_phrase(rng: random.Random) -> str:
    det = rng.choice(DET)
    words = [rng.choice(ADJ)] if rng.random() < 0.5 else []
    words.append(rng.choice(LONG_NOUNS) if rng.random() < 0.04 else rng.choice(NOUNS))
    if det == "a" and words[0][0] in "aeiou":
        det = "an"
    if rng.random() < 0.06:  # a number
        det = rng.choice([f"some {rng.randint(3, 90)}", f"in {rng.randint(1780, 1990)} the",
                          f"{rng.randint(1, 9)},{rng.randint(100, 999)}"])
    return " ".join([det, *words])


def clause(rng: random.Random) -> str:
    verb = rng.choice(VERBS)
    if rng.random() < 0.05:
        verb = f"{rng.choice(LONG_ADVERBS)} {verb}"
    words = [noun_phrase(rng), verb, noun_phrase(rng)]
    if rng.random() < 0.6:
        words += [rng.choice(PREP), noun_phrase(rng)]
    if rng.random() < 0.1:  # a quotation
        words.insert(2, f'"{clause(rng)}"' if rng.random() < 0.3 else f'"{rng.choice(NOUNS)}"')
    return " ".join(words)


def sentence(rng: random.Random) -> str:
    text = clause(rng)
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        text += f"{rng.choice(JOIN)} {clause(rng)}"
    if rng.random() < 0.1:  # an aside between em dashes
        head, _, tail = text.partition(" ")
        text = f"{head} --- {noun_phrase(rng)} {rng.choice(PREP)} {noun_phrase(rng)} --- {tail}"
    return text[0].upper() + text[1:] + ("?" if rng.random() < 0.06 else ".")


def paragraph(rng: random.Random, sentences: int | None = None) -> str:
    count = sentences or rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8, 9])
    return " ".join(sentence(rng) for _ in range(count))


def title(rng: random.Random) -> str:
    noun, other = (w.capitalize() for w in rng.sample(NOUNS, 2))
    return rng.choice([f"The {noun} and the {other}", f"The {noun} in Winter",
                       f"Notes on the {noun}", f"The {noun} at Dawn", f"{noun} and {other}"])


def figures(number: int, alts: list[str], rng: random.Random) -> list[str]:
    """One or two blocks of figures; two halves are one block, so they stay side by side."""
    def plate(k: int) -> int:  # ~6 images, reused across the book
        return (number * 2 + k) % IMAGES + 1

    def figure(k: int, placement: str) -> str:
        caption = f"Plate {plate(k)}: {title(rng).lower().capitalize()}"
        return (f'![{alts[plate(k) - 1]}](plate-{plate(k)}.jpg "{caption}")'
                f'{{#fig-{number}-{k + 1} .{placement} credit="Drawing: Pressroom test generator"}}')
    if number % 4 == 2:
        return [figure(0, "half") + "\n\n" + figure(1, "half")]
    out = [figure(0, "full-bleed" if number % 5 == 3 else "full-width")]
    return out + [figure(1, "full-width")] if number % 3 == 0 else out


def table(rng: random.Random) -> str:
    rows = ["| Year | Place | Letters | Share |", "|------|-------|--------:|------:|"]
    for _ in range(rng.randint(4, 6)):
        rows.append(f"| {rng.randint(1820, 1960)} | {rng.choice(NOUNS).capitalize()} | "
                    f"{rng.randint(12, 4800):,} | {rng.randint(1, 99)}% |")
    return "\n".join(rows)


def chapter(number: int, alts: list[str], rng: random.Random) -> str:
    blocks, notes, words = [], [], 0
    target = rng.randint(1350, 2250)  # + notes, lists, quotes, table
    while words < target:
        blocks.append(paragraph(rng))
        words += len(blocks[-1].split())
    *noted, inline = rng.sample(range(len(blocks)), rng.randint(3, 6))  # one note a paragraph
    for k, at in enumerate(sorted(noted)):
        call = f".[^{k + 1}] "
        blocks[at] = (blocks[at].replace(". ", call, 1) if ". " in blocks[at]
                      else blocks[at] + call.strip(". "))
        notes.append(f"[^{k + 1}]: {paragraph(rng, rng.randint(1, 3))}")
    blocks[inline] += f"^[{sentence(rng)}]"
    extras = [f"> {paragraph(rng, rng.randint(2, 4))}",
              "\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 5)))]
    extras += figures(number, alts, rng)
    if number % 3 == 1:
        extras.append(table(rng))
    for extra in extras:
        blocks.insert(rng.randrange(2, len(blocks) - 1), extra)
    for k in range(rng.randint(1, 3)):  # subheadings, spread over the chapter
        at = (k + 1) * len(blocks) // 4
        while at < len(blocks) - 1 and blocks[at].startswith(("!", ">", "-", "|")):
            at += 1
        blocks.insert(at, f"## {title(rng)}")
    return f"# {title(rng)}\n\n" + "\n\n".join(blocks + notes) + "\n"


def write_long_publication(folder: Path, chapters: int = 12, seed: int = 1,
                           layout: str | None = None) -> Path:
    """Write a long publication into ``folder`` (created if needed); return ``folder``."""
    folder = Path(folder)
    manuscript, images = folder / "manuscript", folder / "images"
    manuscript.mkdir(parents=True, exist_ok=True)
    images.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    alts = [make_image(images / f"plate-{k}.jpg", random.Random(seed * 100 + k))
            for k in range(1, IMAGES + 1)]
    settings = ['title: "The Long Text: A Test of Book Typography"',
                f"subtitle: {chapters} chapters of generated prose, with notes, plates and tables",
                "authors: [Ada Placeholder, Ben Filler]", "publisher: Pressroom Test Press",
                "date: 2024-09-01", "language: en-GB", "identifier: 978-1-86197-876-9",
                "description: Generated prose that exercises a long-text layout.",
                'rights: "© 2024 Pressroom Test Press. Generated text; no rights reserved."',
                "slug: long-text", "cover:", "  image: plate-1.jpg"]
    if layout:
        settings.append(f"layout: {layout}")
    (manuscript / "publication.yaml").write_text("\n".join(settings) + "\n", encoding="utf-8")
    (manuscript / "00-preface.md").write_text(
        "---\ntitle: Preface\nkind: front\n---\n" + "\n\n".join(
            paragraph(rng) for _ in range(6)) + "\n", encoding="utf-8")
    digits = max(2, len(str(chapters + 1)))  # file names sort in reading order
    for number in range(1, chapters + 1):
        (manuscript / f"{number:0{digits}d}-chapter-{number}.md").write_text(
            chapter(number, alts, rng), encoding="utf-8")
    (manuscript / f"{chapters + 1:0{digits}d}-note-on-the-text.md").write_text(
        "---\ntitle: A Note on the Text\nkind: back\n---\n" + "\n\n".join(
            paragraph(rng) for _ in range(4)) + "\n", encoding="utf-8")
    return folder


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the publication folder to write")
    parser.add_argument("--chapters", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--layout", default=None, help="layout: in publication.yaml (e.g. book)")
    arguments = parser.parse_args()
    print(write_long_publication(arguments.out, arguments.chapters, arguments.seed,
                                 arguments.layout))
