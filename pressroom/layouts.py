"""Layouts are data: a folder of Jinja2 templates, CSS per medium and fonts.

A source's own ``layouts/<name>/`` replaces the built-in layout of that name. Templates
autoescape everything and treat an undefined variable as an error; template mistakes are
reported with the template's file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from .config import PRINT_FIELDS, parse_yaml, print_fields, read_mapping
from .diagnostics import Problem, SourceError
from .manuscript import typographic

BUILTIN = Path(__file__).resolve().parent.parent / "layouts"

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass(frozen=True)
class Layout:
    name: str
    folder: Path

    @property
    def print_defaults(self) -> dict:
        """The layout's own ``print:`` defaults from ``layout.yaml`` (e.g. trim A5 for a book)."""
        path = self.folder / "layout.yaml"
        if not path.is_file():
            return {}
        problems: list[Problem] = []
        node = parse_yaml(path.read_text(encoding="utf-8"), path)
        values = read_mapping(node, {"print": ("mapping", PRINT_FIELDS, ())}, path, 1, problems)
        if problems:
            raise SourceError(problems)
        return print_fields(values.get("print", {}))

    def path(self, relative: str) -> Path:
        """A file of the layout (CSS, font, profile); missing files are the layout's error."""
        path = self.folder / relative
        if not path.is_file():
            raise SourceError(Problem(f"layout '{self.name}' has no {relative}; add it or copy "
                                      f"it from {BUILTIN / self.name / relative}", self.folder))
        return path

    def render(self, template: str, **context) -> str:
        """Render one of the layout's templates; errors name the template file and line."""
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(self.folder),
                                 autoescape=True, undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True)
        env.filters["roman"] = roman
        env.filters["typographic"] = typographic
        try:
            return env.get_template(template).render(**context)
        except jinja2.TemplateNotFound as error:
            raise SourceError(Problem(f"layout '{self.name}' has no template {error.name}",
                                      self.folder)) from None
        except jinja2.TemplateSyntaxError as error:
            raise SourceError(Problem(f"template error: {error.message}",
                                      Path(error.filename or self.folder / template),
                                      error.lineno)) from None
        except jinja2.TemplateError as error:
            raise SourceError(Problem(f"template error: {error}",
                                      *_template_frame(error, self.folder))) from None


def find_layout(name: str, root: Path) -> Layout:
    """The layout named in publication.yaml: the source's own first, then the built-in one."""
    for folder in (root / "layouts" / name, BUILTIN / name):
        if folder.is_dir():
            return Layout(name, folder)
    known = sorted({p.name for base in (root / "layouts", BUILTIN) if base.is_dir()
                    for p in base.iterdir() if p.is_dir()})
    raise SourceError(Problem(f"layout '{name}' not found; use one of: {', '.join(known)} "
                              "(or add layouts/" + name + "/ to the source)",
                              root / "manuscript" / "publication.yaml"))


def roman(number: int | None) -> str:
    """1 -> I, 4 -> IV (section numbers, front-matter folios)."""
    if not number:
        return ""
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _template_frame(error: Exception, folder: Path) -> tuple[Path, int | None]:
    """The innermost template file and line of a rendering error's traceback."""
    tb, found = error.__traceback__, (folder, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(str(folder)):
            found = (Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found
