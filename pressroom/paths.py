"""Where Pressroom's own files are: the one place that knows whether it runs from a checkout
of the repository or from an installed wheel.

- In a checkout (run in place, or installed with ``pip install -e .``), the built-in layouts
  are the repository's ``layouts/``, where designers edit them, and the repository itself is
  the sample publication, the default ``--source``.
- From a wheel (``pipx install .``, ``pip install pressroom-*.whl``), the built-in layouts are
  the package data ``pressroom/builtin_layouts/`` (the wheel maps the repository's
  ``layouts/`` there, see ``pyproject.toml``); there is no sample and no ``node_modules/``, and
  the default ``--source`` is the current folder.

Only this module computes these paths; everything else imports them from here.
"""

from __future__ import annotations

from pathlib import Path

#: The ``pressroom`` package (its code, hashed into the build cache's keys).
PACKAGE = Path(__file__).resolve().parent
#: The publication ``publish new`` starts from (settings, sections and README templates).
SCAFFOLD_TEMPLATE = PACKAGE / "scaffold" / "template"

_INSTALLED_LAYOUTS = PACKAGE / "builtin_layouts"  # only in a wheel's copy of the package

if _INSTALLED_LAYOUTS.is_dir():
    #: The repository checkout Pressroom runs from, or None when installed from a wheel.
    REPOSITORY: Path | None = None
    #: The built-in layouts (templates, CSS per medium, fonts, ICC profiles).
    BUILTIN_LAYOUTS = _INSTALLED_LAYOUTS
else:
    REPOSITORY = PACKAGE.parent
    BUILTIN_LAYOUTS = REPOSITORY / "layouts"

#: The default ``--source``: the sample in a checkout, else the current folder (resolved when
#: the command runs).
DEFAULT_SOURCE = REPOSITORY if REPOSITORY is not None else Path(".")
#: Where ``scripts/setup.sh`` installs the Node packages (DAISY Ace): a checkout only.
NODE_MODULES = REPOSITORY / "node_modules" if REPOSITORY is not None else None
#: How the build command is spelled in messages: the script in a checkout, the console script
#: when installed.
COMMAND = "publish.py" if REPOSITORY is not None else "publish"
