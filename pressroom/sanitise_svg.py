"""An SVG figure made safe: written again from an allowlist, as raw HTML is (sanitise.py).

:func:`sanitise` parses the SVG with lxml (no network, no entities, no DTD) and writes a new
document holding only SVG 1.1/2 drawing elements (shapes, text, paint servers, clipping,
masks, markers, filters) and presentation attributes. Removed, each with a message saying what
went and that the rest of the picture is kept:

- scripts, ``foreignObject`` (HTML inside a picture), animation (``set``, ``animate``...),
  ``feImage``, links (``a``: the drawing inside is kept) and every other element;
- event handlers (``on...``) and any attribute outside the allowlist;
- references outside the picture: ``href``/``xlink:href`` other than ``#fragment``;
  ``<image>`` other than an embedded PNG or JPEG (``data:image/png;base64,...``);
- in CSS (``<style>``, ``style=""``): ``@import`` and every declaration or rule with a
  ``url()`` other than ``url(#...)``;
- entity references (``&xxe;``) and the ``<!DOCTYPE>`` declaring them.

Editors' bookkeeping (``metadata``, Inkscape and Sodipodi elements and attributes, ``data-*``
attributes, comments) is inert and dropped without a message.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from pathlib import Path

import tinycss2
from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_KEEP = "the rest of the picture is kept"

#: Drawing elements: structure, shapes, text, paint servers, clipping, masks, markers, filters.
ELEMENTS = frozenset({
    "svg", "g", "defs", "desc", "title", "symbol", "use", "switch", "view",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath", "image", "style",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
    "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
    "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
})
#: Elements whose href may name a fragment of the picture.
HREF_ELEMENTS = frozenset({"use", "textPath", "linearGradient", "radialGradient", "pattern",
                           "filter", "image"})

#: Presentation attributes (SVG 1.1 and 2), also valid as CSS properties in style="".
PRESENTATION = frozenset({
    "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
    "color-interpolation", "color-interpolation-filters", "color-profile", "color-rendering",
    "direction", "display", "dominant-baseline", "enable-background", "fill", "fill-opacity",
    "fill-rule", "filter", "flood-color", "flood-opacity", "font", "font-family", "font-size",
    "font-size-adjust", "font-stretch", "font-style", "font-variant", "font-weight",
    "font-feature-settings", "font-kerning", "glyph-orientation-horizontal",
    "glyph-orientation-vertical", "image-rendering", "isolation", "kerning", "letter-spacing",
    "lighting-color", "marker", "marker-end", "marker-mid", "marker-start", "mask",
    "mask-type", "mix-blend-mode", "opacity", "overflow", "paint-order", "pointer-events",
    "shape-rendering", "stop-color", "stop-opacity", "stroke", "stroke-dasharray",
    "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-opacity", "stroke-width", "text-anchor", "text-decoration", "text-rendering",
    "transform", "transform-origin", "transform-box", "unicode-bidi", "vector-effect",
    "visibility", "white-space", "word-spacing", "writing-mode", "line-height", "text-align",
    "text-transform", "font-variant-ligatures", "font-variant-numeric", "inline-size",
})
#: Geometry and other plain attributes of the drawing elements.
GEOMETRY = frozenset({
    "id", "class", "style", "lang", "tabindex", "role", "aria-label", "aria-hidden",
    "aria-labelledby", "aria-describedby", "focusable", "version", "baseProfile",
    "x", "y", "width", "height", "rx", "ry", "cx", "cy", "r", "x1", "y1", "x2", "y2",
    "points", "d", "pathLength", "viewBox", "preserveAspectRatio", "zoomAndPan",
    "gradientUnits", "gradientTransform", "spreadMethod", "fx", "fy", "fr", "offset",
    "patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "markerUnits", "markerWidth", "markerHeight", "refX", "refY",
    "orient", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method",
    "spacing", "side", "path", "filterUnits", "primitiveUnits", "in", "in2", "result",
    "stdDeviation", "mode", "operator", "k1", "k2", "k3", "k4", "type", "values",
    "tableValues", "slope", "intercept", "amplitude", "exponent", "offset", "baseFrequency",
    "numOctaves", "seed", "stitchTiles", "radius", "scale", "xChannelSelector",
    "yChannelSelector", "order", "kernelMatrix", "divisor", "bias", "targetX", "targetY",
    "edgeMode", "preserveAlpha", "surfaceScale", "diffuseConstant", "specularConstant",
    "specularExponent", "kernelUnitLength", "azimuth", "elevation", "z", "pointsAtX",
    "pointsAtY", "pointsAtZ", "limitingConeAngle", "media", "requiredFeatures",
    "systemLanguage",
})
ATTRIBUTES = PRESENTATION | GEOMETRY
#: Namespaces of editors' bookkeeping, dropped without a message.
INERT_NAMESPACES = frozenset({
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://ns.adobe.com/AdobeIllustrator/10.0/", "http://ns.adobe.com/Graphs/1.0/",
    "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/", "http://ns.adobe.com/Extensibility/1.0/",
    "http://ns.adobe.com/Flows/1.0/", "http://ns.adobe.com/ImageReplacement/1.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/", "http://ns.adobe.com/Variables/1.0/",
    "http://www.bohemiancoding.com/sketch/ns", "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
})
_ANIMATION = frozenset({"set", "animate", "animateTransform", "animateMotion", "animateColor",
                        "mpath", "discard"})
_DATA_IMAGE = re.compile(r"^\s*data:image/(png|jpeg|jpg);base64,([A-Za-z0-9+/=\s]+)$", re.I)
#: CSS functions that load something.
_LOADING_FUNCTIONS = frozenset({"url", "src", "image-set", "-webkit-image-set", "image",
                                "cross-fade", "element"})


def _element_advice(name: str) -> str:
    if name == "script":
        return "a book cannot run scripts"
    if name == "foreignObject":
        return "HTML inside a picture cannot be printed; draw the text as SVG <text>"
    if name in _ANIMATION:
        return "a printed page does not move"
    if name == "feImage":
        return "a filter may not load pictures"
    if name in ("iframe", "object", "embed", "video", "audio", "canvas"):
        return "embedded content cannot be printed"
    return "it is not among the SVG drawing elements a publication may use"


class _Sanitiser:
    def __init__(self):
        self.removed: list[str] = []

    def note(self, message: str) -> None:
        message = f"{message}; {_KEEP}"
        if message not in self.removed:
            self.removed.append(message)

    # -- elements --

    def copy(self, source: etree._Element, parent: etree._Element | None) -> etree._Element | None:
        """A sanitised copy of ``source`` appended to ``parent`` (None: the root)."""
        name = etree.QName(source).localname
        namespace = etree.QName(source).namespace
        if namespace in INERT_NAMESPACES or (namespace in (SVG_NS, None) and name == "metadata"):
            return None
        if namespace not in (SVG_NS, None):
            self.note(f"<{name}> of another vocabulary ({namespace}) removed with its content")
            return None
        if name == "a":  # a link cannot be followed from print: its drawing stays, unlinked
            self.note("link <a> removed (its drawing kept)")
            target = parent
            self._append_text(target, source.text)
        elif name not in ELEMENTS:
            self.note(f"SVG <{name}> removed with its content; {_element_advice(name)}")
            return None
        else:
            if name == "image" and not self._embedded_image(source):
                return None
            target = (etree.SubElement(parent, f"{{{SVG_NS}}}{name}") if parent is not None
                      else etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS,
                                                                     "xlink": XLINK_NS}))
            self._attributes(source, target, name)
            if name == "style":
                target.text = self._stylesheet(source.text or "")
                return target
            target.text = source.text
        for child in source:
            if isinstance(child, etree._Entity):
                self.note(f"entity reference {child.text} removed; write the text itself")
                self._append_text(target, child.tail)
            elif isinstance(child, etree._Element) and not isinstance(
                    child, (etree._Comment, etree._ProcessingInstruction)):
                made = self.copy(child, target)
                if made is not None and made.getparent() is target and child.tail:
                    made.tail = child.tail
                elif child.tail and (made is None or made.getparent() is not target):
                    self._append_text(target, child.tail)
            elif child.tail:
                self._append_text(target, child.tail)
        return target

    @staticmethod
    def _append_text(element: etree._Element, text: str | None) -> None:
        if not text:
            return
        if len(element):
            element[-1].tail = (element[-1].tail or "") + text
        else:
            element.text = (element.text or "") + text

    def _embedded_image(self, source: etree._Element) -> bool:
        href = source.get("href") or source.get(f"{{{XLINK_NS}}}href") or ""
        match = _DATA_IMAGE.match(href)
        if match:
            try:
                raw = base64.b64decode(re.sub(r"\s", "", match[2]), validate=True)
                if _picture_format(raw) in ("PNG", "JPEG"):
                    return True
            except (binascii.Error, ValueError):
                pass
        shown = href if len(href) <= 60 else href[:59] + "…"
        self.note(f"SVG <image href=\"{shown}\"> removed; a picture inside an SVG must be "
                  "embedded as a PNG or JPEG data: URL (nothing is fetched)")
        return False

    # -- attributes --

    def _attributes(self, source: etree._Element, target: etree._Element, name: str) -> None:
        for key, value in source.attrib.items():
            qname = etree.QName(key)
            local, namespace = qname.localname, qname.namespace
            if namespace in INERT_NAMESPACES or (namespace is None and local.startswith("data-")):
                continue
            if namespace == XML_NS and local in ("lang", "space"):
                target.set(key, value)
                continue
            if local in ("href",) and namespace in (None, XLINK_NS):
                if name == "image" or (name in HREF_ELEMENTS and value.strip().startswith("#")):
                    target.set(key, value.strip() if name != "image" else value)
                else:
                    shown = value if len(value) <= 60 else value[:59] + "…"
                    self.note(f"reference {'xlink:' if namespace else ''}href=\"{shown}\" "
                              f"removed from SVG <{name}>; an SVG figure may refer only to its "
                              "own parts (#id)")
                continue
            if namespace is not None or local not in ATTRIBUTES:
                why = ("a book cannot run scripts" if local.lower().startswith("on") else
                       "it is not among the SVG attributes a publication may use")
                self.note(f"attribute '{local}' removed from SVG <{name}>; {why}")
                continue
            if local == "style":
                cleaned = self._declarations(value, f"style=\"\" of SVG <{name}>")
                if cleaned:
                    target.set("style", cleaned)
                continue
            if local in PRESENTATION and _loads(tinycss2.parse_component_value_list(value)):
                self.note(f"attribute {local}=\"{value[:60]}\" removed from SVG <{name}>; an SVG "
                          "figure may refer only to its own parts (url(#id))")
                continue
            target.set(local, value)

    # -- CSS --

    def _declarations(self, css: str, where: str) -> str:
        kept = []
        for item in tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True):
            if item.type != "declaration":
                if item.type == "at-rule" and item.lower_at_keyword == "import":
                    self.note(f"@import removed from {where}; an SVG figure loads nothing")
                continue
            if _loads(item.value):
                self.note(f"CSS '{item.name}: {tinycss2.serialize(item.value).strip()[:60]}' "
                          f"removed from {where}; an SVG figure may refer only to its own "
                          "parts (url(#id))")
                continue
            kept.append(f"{item.name}:{tinycss2.serialize(item.value)}"
                        f"{' !important' if item.important else ''}")
        return ";".join(kept)

    def _stylesheet(self, css: str) -> str:
        where = "an SVG <style>"
        out = []
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
            if rule.type == "qualified-rule":
                if _loads(rule.prelude):
                    self.note(f"CSS rule with url() removed from {where}")
                    continue
                out.append(f"{tinycss2.serialize(rule.prelude).strip()}{{"
                           f"{self._declarations(tinycss2.serialize(rule.content), where)}}}")
            elif rule.type == "at-rule":
                keyword = rule.lower_at_keyword
                if keyword in ("media", "supports") and rule.content is not None \
                        and not _loads(rule.prelude):
                    out.append(f"@{keyword} {tinycss2.serialize(rule.prelude).strip()}{{"
                               f"{self._stylesheet(tinycss2.serialize(rule.content))}}}")
                elif keyword == "import":
                    self.note(f"@import removed from {where}; an SVG figure loads nothing")
                else:
                    self.note(f"CSS @{keyword} removed from {where}; it is not among the CSS an "
                              "SVG figure may use (rules, @media)")
        # no "</" can close the element early: the text is written as XML, escaped
        return "\n".join(out)


def _loads(tokens) -> bool:
    """Whether CSS component values load anything: a url() not leading to #id, or another
    function that fetches (image-set(), src()...)."""
    for token in tokens or ():
        if token.type == "url" and not token.value.strip().startswith("#"):
            return True
        if token.type == "function":
            if token.lower_name in _LOADING_FUNCTIONS:
                argument = "".join(t.value for t in token.arguments
                                   if t.type in ("string", "ident", "literal")).strip()
                if token.lower_name != "url" or not argument.startswith("#"):
                    return True
            if _loads(token.arguments):
                return True
        if getattr(token, "content", None) is not None and token.type in (
                "() block", "[] block", "{} block") and _loads(token.content):
            return True
    return False


def _picture_format(data: bytes) -> str | None:
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as img:
            img.verify()
            return img.format
    except Exception:  # Pillow raises many types for broken files
        return None


def sanitise(data: bytes) -> tuple[bytes, list[str]]:
    """The SVG written again from the allowlist (UTF-8, no DOCTYPE), and a message for each
    kind of thing removed. Raises lxml's XMLSyntaxError for a file that is not XML."""
    from .vector import length_px, parser, svg_size, view_box

    root = etree.fromstring(data, parser())
    sanitiser = _Sanitiser()
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and list(dtd.iterentities()):
        names = ", ".join(sorted({entity.name for entity in dtd.iterentities()}))
        sanitiser.note(f"<!DOCTYPE> declaring entities ({names}) removed; nothing is read "
                       "from outside the picture")
    clean = sanitiser.copy(root, None)
    # The natural size written out, for readers that need one (a percentage or no width), and
    # a viewBox, without which a renderer draws the picture at that size whatever the box
    width, height = svg_size(clean, Path("figure.svg"))
    if view_box(clean) is None:
        clean.set("viewBox", f"0 0 {width:g} {height:g}")
    if length_px(clean.get("width")) is None or length_px(clean.get("height")) is None:
        clean.set("width", f"{width:g}")
        clean.set("height", f"{height:g}")
    return (etree.tostring(clean, xml_declaration=True, encoding="UTF-8"),
            sanitiser.removed)
