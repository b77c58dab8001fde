"""Layouts are data: a folder of Jinja2 templates, CSS per medium and fonts.

A source's own ``layouts/<name>/`` comes first, file by file, before the built-in layout of
that name; ``layout.yaml`` may say which layout this one ``extends``. Templates
autoescape everything and treat an undefined variable as an error; template mistakes are
reported with the template's file and line.

A publication may carry its own layouts, so a template is untrusted input: it runs in Jinja2's
sandbox (:class:`LayoutSandbox`), which refuses attributes starting with ``_`` (the way from
any object to Python's internals), changing the values it is given, and file access through
the paths of the model; ``{% include %}`` and ``{% extends %}`` reach only the layout's own
templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePath

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .config import PRINT_FIELDS, _choice, parse_yaml, print_fields, read_mapping
from .crossref import NUMBERING_SCOPES, NUMERAL_STYLES, Numbering
from .diagnostics import Problem, SourceError
from .fonts import FONT_FIELDS, Faces, faces_table
from .manuscript import typographic
from .paths import BUILTIN_LAYOUTS
from .words import Words, load as load_words, template_filters

BUILTIN = BUILTIN_LAYOUTS  # the built-in layouts (see paths)

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass(frozen=True)
class Layout:
    """A layout: the folders searched for its files, most specific first, and its defaults.

    A source's ``layouts/<name>/`` comes before the built-in ``layouts/<name>/``, so a source
    may override a single file (say ``print.css``) and keep the rest. ``layout.yaml`` may name
    a layout it ``extends``; that layout's folders follow.
    """

    name: str
    folders: tuple[Path, ...]
    print_defaults: dict = field(default_factory=dict)  # PrintSettings fields, from layout.yaml
    fonts: dict[str, Faces] = field(default_factory=dict)  # script -> faces, from layout.yaml
    fonts_file: Path | None = None                          # the layout.yaml that names them
    numbering: Numbering = Numbering()  # how figures and tables are numbered, from layout.yaml

    @property
    def folder(self) -> Path:
        return self.folders[0]

    def path(self, relative: str) -> Path:
        """A file of the layout (CSS, font, profile), from the first folder that has it."""
        for folder in self.folders:
            if (folder / relative).is_file():
                if not (folder / relative).resolve().is_relative_to(folder.resolve()):
                    raise SourceError(Problem("is a link to a file outside the layout; copy the "
                                              "file into the layout folder", folder / relative))
                return folder / relative
        raise SourceError(Problem(f"layout '{self.name}' has no {relative}; add it to the layout",
                                  self.folder))

    def locate(self, path: Path) -> Path | None:
        """Where a file asked for inside one of the layout's folders really is (or None).

        A stylesheet's ``url(fonts/x.ttf)`` resolves against the stylesheet's own folder; when
        an overriding folder lacks the font, the same relative path in a later folder is used.
        """
        for folder in self.folders:
            if path.is_relative_to(folder):
                relative = path.relative_to(folder)
                return next((f / relative for f in self.folders if (f / relative).is_file()), None)
        return None

    def words(self, language: str) -> Words:
        """The layout's words (``words/<tag>.yaml``) and date formats for a language tag;
        their ``warnings`` belong in the build report."""
        return load_words(self, language)

    def render(self, template: str, **context) -> str:
        """Render one of the layout's templates; errors name the template file and line."""
        env = LayoutSandbox(loader=LayoutLoader(self.folders),
                            autoescape=True, undefined=jinja2.StrictUndefined,
                            trim_blocks=True, lstrip_blocks=True)
        env.filters["roman"] = roman
        env.filters["typographic"] = typographic
        env.filters.update(template_filters())  # long_date, month_year, number, fill
        try:
            if any((folder / template).is_file() for folder in self.folders):
                self.path(template)  # not a link out of the layout
            return env.get_template(template).render(**context)
        except jinja2.TemplateNotFound as error:
            raise SourceError(Problem(f"layout '{self.name}' has no template {error.name}",
                                      self.folder)) from None
        except SecurityError as error:
            why = str(error).rstrip(".")
            if why.startswith("access to "):  # Jinja2's words for an attribute or a method
                why += "; a layout's template may show the values it is given, not reach past them"
            raise SourceError(Problem(f"template error: not allowed: {why}",
                                      *_template_frame(error, self.folders))) from None
        except jinja2.TemplateSyntaxError as error:
            raise SourceError(Problem(f"template error: {error.message}",
                                      Path(error.filename or self.folder / template),
                                      error.lineno)) from None
        except jinja2.TemplateError as error:
            raise SourceError(Problem(f"template error: {error}",
                                      *_template_frame(error, self.folders))) from None


class LayoutSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's sandbox, where lists, dicts and sets cannot be changed, and where a path of the
    model (``publication.root``, ``section.source``, an image's ``path``) shows its name but
    offers no method: no template reads, writes or lists a file through it."""

    PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix", "suffixes"})

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if isinstance(obj, PurePath) and attr not in self.PATH_ATTRIBUTES:
            return False
        return super().is_safe_attribute(obj, attr, value)


class LayoutLoader(jinja2.FileSystemLoader):
    """The layout's folders, most specific first. A template name leading out of them (``..``,
    an absolute path) or a template that is a link to a file elsewhere is refused."""

    def get_source(self, environment, template: str):
        pieces = template.replace("\\", "/").split("/")
        if template.startswith(("/", "\\")) or ".." in pieces:
            raise SecurityError(f"template '{template}' is outside the layout; a template may "
                                "include, import or extend only the layout's own templates.")
        for folder in map(Path, self.searchpath):
            if (folder / template).is_file():
                if not (folder / template).resolve().is_relative_to(folder.resolve()):
                    raise SecurityError(f"template '{template}' is a link to a file outside the "
                                        "layout; copy the file into the layout folder.")
                break
        return super().get_source(environment, template)


NUMBERING_FIELDS = {"scope": _choice(*NUMBERING_SCOPES), "sections": _choice(*NUMERAL_STYLES)}
LAYOUT_FIELDS = {"extends": lambda value: str(value), "print": ("mapping", PRINT_FIELDS, ()),
                 "fonts": ("mapping", FONT_FIELDS, ()),
                 "numbering": ("mapping", NUMBERING_FIELDS, ())}


def find_layout(name: str, root: Path) -> Layout:
    """The layout named in publication.yaml, with the layouts it extends."""
    folders: list[Path] = []
    defaults: list[dict] = []
    fonts: list[dict] = []
    fonts_file = None
    numbering: list[dict] = []
    asked_by = root / "manuscript" / "publication.yaml"
    current: str | None = name
    while current:
        found = [f for f in dict.fromkeys((root / "layouts" / current, BUILTIN / current))
                 if f.is_dir()]  # one folder when the source is this repository
        if not found:
            known = sorted({p.name for base in (root / "layouts", BUILTIN) if base.is_dir()
                            for p in base.iterdir() if p.is_dir()})
            raise SourceError(Problem(f"layout '{current}' not found; use one of: "
                                      f"{', '.join(known)} (or add layouts/{current}/ to the source)",
                                      asked_by))
        if found[0] in folders:
            raise SourceError(Problem(f"layout '{current}' extends itself in a loop", asked_by))
        folders += found
        settings_file = next((f / "layout.yaml" for f in found if (f / "layout.yaml").is_file()), None)
        values = _layout_settings(settings_file) if settings_file else {}
        defaults.insert(0, print_fields(values.get("print", {})))
        fonts.insert(0, faces_table(values.get("fonts", {})))
        numbering.insert(0, values.get("numbering", {}))
        if values.get("fonts") and fonts_file is None:
            fonts_file = settings_file
        current, asked_by = values.get("extends"), settings_file
    merged = {key: value for layer in defaults for key, value in layer.items()}
    scripts = {code: faces for layer in fonts for code, faces in layer.items()}
    numbers = Numbering(**{key: value for layer in numbering for key, value in layer.items()})
    return Layout(name, tuple(folders), merged, scripts, fonts_file, numbers)


def _layout_settings(path: Path) -> dict:
    problems: list[Problem] = []
    values = read_mapping(parse_yaml(path.read_text(encoding="utf-8"), path), LAYOUT_FIELDS,
                          path, 1, problems)
    if problems:
        raise SourceError(problems)
    return values


def roman(number: int | None) -> str:
    """1 -> I, 4 -> IV (section numbers, front-matter folios)."""
    if not number:
        return ""
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _template_frame(error: Exception, folders: tuple[Path, ...]) -> tuple[Path, int | None]:
    """The innermost template file and line of a rendering error's traceback."""
    tb, found = error.__traceback__, (folders[0], None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if any(filename.startswith(str(folder)) for folder in folders):
            found = (Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found
