"""A publication's language as CLDR (Babel) knows it: its locale, its script and its direction.

Every module that needs to know how a language is written asks here: the layouts' font stacks
(by script), the right-to-left mirroring (by direction), the layout's words and dates (by locale).
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

#: ISO 15924 scripts a layout may give faces for, with the name a designer reads.
SCRIPTS = {
    "Latn": "Latin", "Grek": "Greek", "Cyrl": "Cyrillic", "Hans": "Simplified Chinese",
    "Hant": "Traditional Chinese", "Jpan": "Japanese", "Kore": "Korean", "Arab": "Arabic",
    "Hebr": "Hebrew", "Deva": "Devanagari", "Thai": "Thai",
}
#: Scripts set by CJK rules: no hyphenation, breaks between characters, no synthesised italic.
CJK = frozenset({"Hans", "Hant", "Jpan", "Kore"})


@lru_cache(maxsize=None)
def locale(tag: str) -> Locale:
    """The CLDR locale of a BCP 47 tag (``zh-Hans``, ``en-GB``); English for a language CLDR
    does not know."""
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale("en")


@lru_cache(maxsize=None)
def script(tag: str) -> str:
    """The ISO 15924 script a language tag is written in: the tag's own script subtag
    (``zh-Hant``), else CLDR's likely script for the language and region (``zh-TW`` → Hant,
    ``ja`` → Jpan, ``ar`` → Arab)."""
    found = locale(tag)
    if found.script:
        return found.script
    likely = get_global("likely_subtags")
    for key in (f"{found.language}_{found.territory}" if found.territory else None, found.language):
        if key and key in likely:
            parts = likely[key].split("_")
            if len(parts) > 1 and len(parts[1]) == 4:
                return parts[1]
    return "Latn"


def direction(tag: str, given: str | None = None) -> str:
    """``rtl`` or ``ltr``: the publication's own ``dir`` setting, else its language's."""
    return given or locale(tag).text_direction


def is_cjk(tag: str) -> bool:
    return script(tag) in CJK
