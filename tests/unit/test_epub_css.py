"""Every layout's e-book stylesheet leaves reader themes and screen sizes alone: no absolute
sizes, no text or background colour that would fight a dark or sepia theme."""

from __future__ import annotations

from pathlib import Path

import pytest
import tinycss2
import tinycss2.color3

LAYOUTS = Path(__file__).resolve().parents[2] / "layouts"
STYLESHEETS = sorted(LAYOUTS.glob("*/epub.css"))
ABSOLUTE_UNITS = {"px", "pt", "pc", "cm", "mm", "in", "q"}
COLOUR_PROPERTIES = {"color", "background", "background-color"}


def declarations(css: str):
    """``(selector, declaration, in a dark-theme media query)`` for every declaration."""
    def walk(rules, dark):
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "media":
                query = tinycss2.serialize(rule.prelude)
                yield from walk(tinycss2.parse_rule_list(rule.content, skip_whitespace=True,
                                                         skip_comments=True),
                                dark or "prefers-color-scheme: dark" in query.replace("  ", " "))
            elif rule.type == "qualified-rule":
                selector = tinycss2.serialize(rule.prelude).strip()
                for declaration in tinycss2.parse_declaration_list(
                        rule.content, skip_whitespace=True, skip_comments=True):
                    if declaration.type == "declaration":
                        yield selector, declaration, dark
    return walk(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True), False)


def luminance(colour) -> float:
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(colour.red) + 0.7152 * linear(colour.green) + 0.0722 * linear(colour.blue)


def test_there_is_an_epub_stylesheet():
    assert STYLESHEETS, "no layouts/*/epub.css found"


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda p: p.parent.name)
def test_no_absolute_sizes(stylesheet):
    """Absolute lengths break reflow and the reader's font size; 1px (hairlines, the
    visually-hidden pattern) is the exception."""
    for selector, declaration, _ in declarations(stylesheet.read_text(encoding="utf-8")):
        for token in declaration.value:
            if token.type == "dimension" and token.lower_unit in ABSOLUTE_UNITS:
                assert token.value <= 1 and token.lower_unit == "px", (
                    f"{stylesheet}: {selector} {{ {declaration.name}: "
                    f"{tinycss2.serialize(declaration.value).strip()} }} is an absolute size")


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda p: p.parent.name)
def test_no_author_colours(stylesheet):
    """No text or background colour, not even in a dark-theme media query: reading systems'
    themes set them, and converters that ignore media queries (calibre for Kindle) would put a
    dark theme's colour on a white page. Only transparent and currentColor are allowed."""
    for selector, declaration, dark in declarations(stylesheet.read_text(encoding="utf-8")):
        if declaration.lower_name not in COLOUR_PROPERTIES:
            continue
        for token in declaration.value:
            colour = tinycss2.color3.parse_color(token)
            if colour is None or colour == "currentColor" or colour.alpha == 0:
                continue
            pytest.fail(f"{stylesheet}: {selector} {{ {declaration.name}: "
                           f"{tinycss2.serialize([token])} }}"
                           f"{' (dark theme)' if dark else ''}: leave colours to the reader's theme")

