"""The faces a layout sets each script in, and where they come from.

A layout's ``layout.yaml`` names, per ISO 15924 script, a text face and a display face
(``fonts: {Hans: {text: Noto Serif CJK SC, display: Noto Sans CJK SC, package: fonts-noto-cjk}}``).
A face is either the layout's own (an ``@font-face`` of its CSS, a file in ``fonts/``) or a
system face that fontconfig finds, installed by the Debian package the entry names
(``scripts/setup.sh`` installs them). From that table come:

- the font stacks of a publication (``--font-text`` and ``--font-display``): its own script's
  face first, then every other script's, so a quotation in another script still has its face;
- the faces a render may use: a glyph drawn from any other face, or not drawn at all
  (``.notdef``), is a build error (pagecheck);
- the identity of each system face (file, face index, version) for the build key, so that a
  font update rebuilds what it sets.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

import tinycss2

from .diagnostics import Problem, SourceError
from .language import SCRIPTS, script as script_of

#: The Unicode scripts (fontTools) a layout's script entries cover: Han characters belong to
#: whichever CJK entry the publication's language picks; kana to Japanese, Hangul to Korean.
UNICODE_SCRIPTS = {
    "Latn": "Latn", "Grek": "Grek", "Cyrl": "Cyrl", "Arab": "Arab", "Hebr": "Hebr",
    "Deva": "Deva", "Thai": "Thai", "Hira": "Jpan", "Kana": "Jpan", "Hang": "Kore",
}
CJK_ORDER = ("Hans", "Hant", "Jpan", "Kore")


#: The roles a script's faces play; Pressroom writes each as ``--font-<role>``. A script entry
#: without a role uses the face of the role it falls back to (small: text, label: display,
#: display: text).
ROLES = ("text", "display", "small", "label")
FALLBACK = {"display": "text", "small": "text", "label": "display"}


@dataclass(frozen=True)
class Faces:
    """One script's faces by role (text, display, small, label) and the Debian package that
    installs them when they are system faces."""

    roles: tuple[tuple[str, str], ...]
    package: str | None = None

    def face(self, role: str) -> str:
        given = dict(self.roles)
        while role not in given:
            role = FALLBACK[role]
        return given[role]

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(family for _, family in self.roles))


def _family(value) -> str:
    if not isinstance(value, str) or not value.strip() or any(c in value for c in "\"';{}\\"):
        raise ValueError("must be a font family name, e.g. Noto Serif CJK SC")
    return value.strip()


def _package(value) -> str:
    if not isinstance(value, str) or not value.replace("-", "").replace(".", "").isalnum():
        raise ValueError("must be a Debian package name, e.g. fonts-noto-cjk")
    return value


#: layout.yaml's ``fonts:``: one entry per script code.
SCRIPT_FIELDS = {**{role: _family for role in ROLES}, "package": _package}
FONT_FIELDS = {code: ("mapping", SCRIPT_FIELDS, ("text",)) for code in SCRIPTS}


def faces_table(values: dict) -> dict[str, Faces]:
    """layout.yaml's parsed ``fonts:`` as Faces."""
    return {code: Faces(tuple((role, entry[role]) for role in ROLES if role in entry),
                        entry.get("package"))
            for code, entry in values.items()}


def stacks(fonts: dict[str, Faces], language: str) -> dict[str, tuple[str, ...]]:
    """Each role's font stack for a publication in ``language``: its script's face first, then
    Latin's, then every other script's in the layout's order. A Chinese, Japanese or Korean
    publication takes Han characters from its own CJK face; the other CJK entries come last so
    they never set its Han characters."""
    own = script_of(language)
    order = [own, "Latn"] + [code for code in fonts if code not in CJK_ORDER]
    order += [code for code in CJK_ORDER if code in fonts]
    roles = [role for role in ROLES if any(role in dict(faces.roles) for faces in fonts.values())]
    return {role: tuple(dict.fromkeys(fonts[code].face(role) for code in dict.fromkeys(order)
                                      if code in fonts))
            for role in roles}


def stacks_css(fonts: dict[str, Faces], language: str) -> str:
    """The custom properties of :func:`stacks`, for a ``:root`` rule."""
    return " ".join(f"--font-{role}: {css_stack(families)};"
                    for role, families in stacks(fonts, language).items())


def css_stack(families) -> str:
    return ", ".join(f'"{family}"' for family in families)


#: Unicode's "scripts" of symbols, punctuation and marks shared by every script.
SHARED = frozenset({"Zyyy", "Zinh", "Zzzz"})


def script_name(char: str, language: str) -> str:
    """The script a character is written in, as a designer reads it ('Simplified Chinese',
    'Arabic', 'symbols'); a Han character counts as the publication's CJK script."""
    from fontTools import unicodedata as ucd

    code = script_code(char, language)
    if code in SHARED:
        return "symbols"
    return SCRIPTS.get(code) or ucd.script_name(code, default=code)


def is_symbol(char: str) -> bool:
    """Whether a character belongs to no one script (symbols, shared punctuation, marks)."""
    from fontTools import unicodedata as ucd

    return ucd.script(char) in SHARED


def script_code(char: str, language: str) -> str:
    """The layout's script entry a character needs (``Hans``, ``Arab``), or its Unicode
    script code when no entry could hold it."""
    from fontTools import unicodedata as ucd

    code = ucd.script(char)
    if code == "Hani":
        own = script_of(language)
        return own if own in CJK_ORDER else "Hans"
    return UNICODE_SCRIPTS.get(code, code)


def font_face_families(css: str) -> set[str]:
    """The families a stylesheet's ``@font-face`` rules declare: a layout's own fonts."""
    families = set()
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face" and rule.content:
            for item in tinycss2.parse_blocks_contents(rule.content, True, True):
                if item.type == "declaration" and item.lower_name == "font-family":
                    families.add(" ".join(token.value for token in item.value
                                          if token.type in ("string", "ident")))
    return families


# ---------- System faces ----------

@dataclass(frozen=True)
class SystemFace:
    family: str
    style: str
    file: str
    index: int
    version: str


@lru_cache(maxsize=1)
def system_faces() -> tuple[SystemFace, ...]:
    """Every face fontconfig knows (``fc-list``), read once per process."""
    command = shutil.which("fc-list")
    if command is None:
        return ()
    listing = subprocess.run(
        [command, "--format", "%{family}\t%{style}\t%{file}\t%{index}\t%{fontversion}\n"],
        capture_output=True, text=True, check=False).stdout
    faces = []
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) != 5:
            continue
        families, style, file, index, version = parts
        for family in families.split(","):
            faces.append(SystemFace(family.strip(), style.split(",")[0], file,
                                    int(index or 0), version))
    return tuple(sorted(set(faces), key=lambda face: (face.family, face.style, face.file)))


def installed(family: str) -> list[SystemFace]:
    wanted = family.casefold()
    return [face for face in system_faces() if face.family.casefold() == wanted]


def check_installed(fonts: dict[str, Faces], own_families: set[str], layout_name: str,
                    settings_file) -> None:
    """A source error naming each face the layout wants that is neither its own (@font-face)
    nor installed, with the package that installs it."""
    own = {family.casefold() for family in own_families}
    problems = []
    for code, faces in fonts.items():
        for family in faces.families:
            if family.casefold() in own or installed(family):
                continue
            how = (f"install the Debian package {faces.package} (scripts/setup.sh does)"
                   if faces.package else "add its files to the layout's fonts/ with an @font-face")
            problems.append(Problem(
                f"layout '{layout_name}' sets {SCRIPTS.get(code, code)} in '{family}', which is "
                f"not installed; {how}", settings_file))
    if problems:
        raise SourceError(problems)


def system_key(fonts: dict[str, Faces], own_families: set[str]) -> list[str]:
    """The identity of every system face the layout uses (file, face index, version), for the
    build key: a font update rebuilds the outputs it sets."""
    own = {family.casefold() for family in own_families}
    found = []
    for faces in fonts.values():
        for family in faces.families:
            if family.casefold() not in own:
                found += [f"{face.family}|{face.style}|{face.file}|{face.index}|{face.version}"
                          for face in installed(family)]
    return sorted(set(found))


# ---------- Faces for the web edition ----------

#: CSS weights the web edition's faces are made in, and the style names fontconfig gives them.
WEB_WEIGHTS = {400: "Regular", 700: "Bold"}
SUBSET_VERSION = 1  # bump to remake the subsets in the cache


def scripts_used(text: str, language: str, fonts: dict[str, Faces]) -> list[str]:
    """The layout's script entries whose characters ``text`` holds, the publication's first."""
    own = script_of(language)
    found = {script_code(char, language) for char in set(text) if ord(char) > 0x2FF}
    found = [code for code in fonts if code in found]
    return sorted(found, key=lambda code: code != own)


def subset_woff2(face: SystemFace, text: str, cache) -> bytes:
    """The system face, with only the glyphs ``text`` needs (and its OpenType features), as
    WOFF2; kept in ``cache`` by face, version and characters."""
    import hashlib
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    characters = "".join(sorted(set(text)))
    key = hashlib.sha256(f"{face.file}|{face.index}|{face.version}|{SUBSET_VERSION}|"
                         f"{characters}".encode()).hexdigest()[:24]

    def subsetted() -> bytes:
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.recalc_timestamp = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        out = io.BytesIO()
        with TTFont(face.file, fontNumber=face.index, lazy=True, recalcTimestamp=False) as font:
            subsetter.subset(font)
            font.flavor = "woff2"
            font.save(out)
        return out.getvalue()

    from .atomic import made_once

    return made_once(cache / f"web-subset-{key}.woff2", subsetted)


def face_file(family: str, weight: int) -> SystemFace | None:
    """The installed face of ``family`` for a CSS weight (Regular for 400, Bold for 700)."""
    faces = installed(family)
    wanted = WEB_WEIGHTS[weight]
    return next((face for face in faces if face.style == wanted), faces[0] if faces else None)


def licence_of(package: str | None) -> tuple[str, bytes] | None:
    """The licence Debian installs with a font package (its copyright file): name, text."""
    from pathlib import Path

    doc = Path("/usr/share/doc") / (package or "-") / "copyright"
    return (f"LICENSE-{package}.txt", doc.read_bytes()) if package and doc.is_file() else None
