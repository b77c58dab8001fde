"""Pressroom installed like any Python tool (``pipx install .``): the wheel carries the built-in
layouts and the scaffold, and its ``publish`` command makes and builds a publication far from
the repository without reading a file of it.

The wheel is built without the network from a copy of the files it is made of (so the checkout
gets no ``build/`` folder) and installed by pip, with its console script, into a fresh virtual
environment. That environment gets the dependencies from the project's own environment through
a ``.pth`` file holding the path of its site-packages: a plain path line, so the editable
install's finder there stays inactive and ``import pressroom`` finds the installed copy. Every
file the installed command opens is logged by an audit hook that a second ``.pth`` file loads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pikepdf
import pytest

from ..conftest import REPOSITORY

#: Loaded in the installed environment by a .pth line: appends the absolute path of every file
#: Python opens (modules included) to $PRESSROOM_TEST_OPEN_LOG, forked processes too.
AUDIT = """\
import os, sys
_log = os.environ.get("PRESSROOM_TEST_OPEN_LOG")
if _log:
    _fd = os.open(_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def _opened(event, args):
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            os.write(_fd, os.fsencode(os.path.abspath(os.fsdecode(args[0]))) + b"\\n")

    sys.addaudithook(_opened)
"""


def layout_files() -> list[str]:
    """The files of the repository's layouts/, relative to it (editor files left out)."""
    root = REPOSITORY / "layouts"
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts
                  and not any(part.startswith(".") for part in path.relative_to(root).parts))


def scaffold_files() -> list[str]:
    root = REPOSITORY / "pressroom" / "scaffold" / "template"
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True,
                          timeout=600, check=False, **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of pyproject.toml, README.md, pressroom/ and layouts/."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPOSITORY / name, source / name)
    for name in ("pressroom", "layouts"):
        shutil.copytree(REPOSITORY / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "--no-index", "-q", "-w", work / "dist", source], cwd=work)
    assert built.returncode == 0, (
        "building the wheel needs setuptools>=70.1 in the project's environment (pyproject's "
        f"test extra; scripts/setup.sh installs it):\n{built.stdout}\n{built.stderr}")
    [found] = (work / "dist").glob("pressroom-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh virtual environment with the wheel installed by pip (console script included),
    the project's dependencies reachable, and the audit hook; ``env`` runs it cleanly."""
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                .stdout.strip())
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin"
    # pip of the project's environment, run for the new one (--python): the console script's
    # first line names the new environment's python
    install = run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
                   "--no-index", "-q", wheel], env=env)
    assert install.returncode == 0, install.stdout + install.stderr
    assert (site / "pressroom" / "__init__.py").is_file(), install.stdout + install.stderr
    # after the install: pip must not see (nor touch) the project's own pressroom there
    dependencies = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site / "pressroom-test-dependencies.pth").write_text(
        "".join(f"{path}\n" for path in dependencies), encoding="utf-8")
    (site / "pressroom_test_audit.py").write_text(AUDIT, encoding="utf-8")
    (site / "pressroom-test-audit.pth").write_text("import pressroom_test_audit\n",
                                                   encoding="utf-8")
    work = root / "work"  # the working folder: outside the repository
    work.mkdir()
    return venv, site, env, work


def test_the_wheel_carries_the_layouts_and_the_scaffold(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(name).decode() for name in names
                            if name.endswith(".dist-info/entry_points.txt"))
    layouts = {f"pressroom/builtin_layouts/{name}" for name in layout_files()}
    scaffold = {f"pressroom/scaffold/template/{name}" for name in scaffold_files()}
    assert layouts <= names, sorted(layouts - names)
    assert scaffold <= names, sorted(scaffold - names)
    for kind in (".ttf", ".otf", ".icc", ".html", ".xhtml", ".css", "layout.yaml"):
        assert any(name.endswith(kind) for name in layouts), kind
    assert "pressroom/paths.py" in names and "pressroom/targets/pdf.py" in names
    assert "publish = pressroom.cli:main" in entry_points
    assert not any(name.startswith(("layouts/", "manuscript/", "images/", "tests/"))
                   for name in names)


def test_the_installed_publish_command_makes_and_builds_a_publication(installed):
    venv, site, env, work = installed
    publish = venv / "bin" / "publish"
    assert publish.is_file() and os.access(publish, os.X_OK)
    where = run([venv / "bin" / "python", "-c",
                 "import pressroom, pressroom.paths as p; "
                 "print(pressroom.__file__, p.BUILTIN_LAYOUTS, p.REPOSITORY, sep='\\n')"],
                cwd=work, env=env)
    assert where.returncode == 0, where.stderr
    module, layouts, repository = where.stdout.splitlines()
    assert Path(module) == site / "pressroom" / "__init__.py"
    assert Path(layouts) == site / "pressroom" / "builtin_layouts"
    assert repository == "None"

    log = work / "opened.log"
    env = dict(env, PRESSROOM_TEST_OPEN_LOG=str(log))
    made = run([publish, "new", "mybook", "--title", "Installed"], cwd=work, env=env)
    assert made.returncode == 0, made.stderr
    assert made.stderr.splitlines()[-1] == "next: publish build --source mybook"
    assert "publish build --source mybook" in (work / "mybook" / "README.md").read_text()
    built = run([publish, "build", "--source", "mybook", "--out", "out", "-q"], cwd=work, env=env)
    assert (built.returncode, built.stderr) == (0, "")

    out = work / "out"
    with pikepdf.open(out / "installed.pdf") as pdf:
        assert len(pdf.pages) > 0
    with zipfile.ZipFile(out / "installed.epub") as epub:
        assert epub.read("mimetype") == b"application/epub+zip"
    for name in ("installed-proof.png", "press/installed-press.pdf",
                 "press/installed-imposed.pdf", "press/installed-preflight.json",
                 "press/installed-job.json"):
        assert (out / name).stat().st_size > 0, name
    with pikepdf.open(out / "press" / "installed-press.pdf") as pdf:
        assert len(pdf.pages) > 0

    opened = {Path(line).resolve() for line in log.read_text().splitlines()}
    repository, environment = REPOSITORY.resolve(), Path(sys.prefix).resolve()
    from_checkout = sorted(str(path) for path in opened if path.is_relative_to(repository)
                           and not path.is_relative_to(environment))
    assert from_checkout == []
    builtin = (site / "pressroom" / "builtin_layouts" / "brochure").resolve()
    for name in ("print.html", "print.css", "epub/section.xhtml", "fonts/Inter-Regular.otf",
                 "profiles/FOGRA39L-coated.icc"):
        assert builtin / name in opened, name  # the installed copy's layout was used


def test_installed_the_default_source_is_the_current_folder(installed):
    venv, _, env, work = installed
    empty = work / "not-a-publication"
    empty.mkdir()
    for command in ("build", "check"):
        result = run([venv / "bin" / "publish", command], cwd=empty, env=env)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            "error: .: is not a publication (it has no manuscript/ folder); give one with "
            "--source DIR, or start one with 'publish new DIR'"]
    assert not (empty / "output").exists()
    ace = run([venv / "bin" / "python", "-c",
               "from pressroom.ebookcheck import AceUnavailable, ace_command\n"
               "try:\n    ace_command()\nexcept AceUnavailable as why:\n    print(why)"],
              cwd=work, env=env)
    assert ace.stdout.startswith("DAISY Ace is not available; install it with"), ace.stdout
