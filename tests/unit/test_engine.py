"""pressroom.engine: the one module that knows WeasyPrint and pydyf, and the versions it supports."""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from pathlib import Path

import pytest

from pressroom import engine
from pressroom.cli import main
from pressroom.diagnostics import SourceError

REPOSITORY = Path(__file__).resolve().parent.parent.parent


def fake_versions(monkeypatch, **versions: str) -> None:
    """WeasyPrint or pydyf saying they are ``versions``, and the engine not yet imported, as in
    a fresh process."""
    for name, version in versions.items():
        monkeypatch.setattr(importlib.import_module(name), "__version__", version)
    monkeypatch.delitem(sys.modules, "pressroom.engine")  # put back when the test ends


def test_the_installed_versions_are_supported():
    engine.check_versions()
    assert engine.installed_versions() == dict(zip(("weasyprint", "pydyf"), engine.versions()))
    assert engine.versions() == (importlib.metadata.version("weasyprint"),
                                 importlib.metadata.version("pydyf"))


@pytest.mark.parametrize("installed, named", [
    ({"weasyprint": "71.0", "pydyf": "0.13.0"}, "WeasyPrint 71.0 is installed"),
    ({"weasyprint": "69.2", "pydyf": "0.13.0"}, "WeasyPrint 69.2 is installed"),
    ({"weasyprint": "70.1", "pydyf": "0.14.0"}, "pydyf 0.14.0 is installed"),
    ({"weasyprint": "70.0", "pydyf": None}, "pydyf is not installed"),
])
def test_another_version_is_refused_naming_both(installed, named):
    with pytest.raises(engine.EngineVersionError) as raised:
        engine.check_versions(installed)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(named)
    assert "Pressroom supports WeasyPrint >=70,<71 and pydyf >=0.13,<0.14" in message


def test_a_patch_release_and_a_pre_release_of_the_supported_major_pass():
    engine.check_versions({"weasyprint": "70.2", "pydyf": "0.13.1"})
    engine.check_versions({"weasyprint": "70.0b1", "pydyf": "0.13.0"})


def test_importing_the_engine_with_another_weasyprint_raises(monkeypatch):
    fake_versions(monkeypatch, weasyprint="71.0")
    with pytest.raises(SourceError) as raised:  # the module's own class is made anew
        importlib.import_module("pressroom.engine")
    assert type(raised.value).__name__ == "EngineVersionError"
    assert str(raised.value).startswith("WeasyPrint 71.0 is installed, but Pressroom supports "
                                        "WeasyPrint >=70,<71")
    assert "pressroom.engine" not in sys.modules


def test_a_version_that_fails_to_import_is_named(monkeypatch):
    """Another WeasyPrint may not even import; its metadata still says which it is."""
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: {"weasyprint": "72.0", "pydyf": "0.13.0"}[name])
    monkeypatch.delitem(sys.modules, "pressroom.engine")
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint: ImportError
    with pytest.raises(SourceError, match=r"^WeasyPrint 72\.0 is installed, but Pressroom"):
        importlib.import_module("pressroom.engine")


def test_the_command_line_reports_another_version_in_one_line(monkeypatch, tmp_path, capsys):
    fake_versions(monkeypatch, pydyf="1.0.0")
    code = main(["build", "-q", "--target", "pdf", "--source", str(REPOSITORY),
                 "--out", str(tmp_path / "out")])
    error = capsys.readouterr().err
    assert code == 2
    assert error.splitlines() == [
        "error: pydyf 1.0.0 is installed, but Pressroom supports WeasyPrint >=70,<71 and pydyf "
        ">=0.13,<0.14; install those: .venv/bin/pip install 'weasyprint>=70,<71' "
        "'pydyf>=0.13,<0.14'"]
    assert not (tmp_path / "out" / "people-to-people-diplomacy-enterprises.pdf").exists()


def test_the_package_requires_the_supported_versions():
    import tomllib

    with (REPOSITORY / "pyproject.toml").open("rb") as file:
        dependencies = tomllib.load(file)["project"]["dependencies"]
    for package in engine.SUPPORTED:
        assert f"{package}{engine.supported_range(package)}" in dependencies
