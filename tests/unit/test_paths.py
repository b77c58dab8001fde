"""pressroom.paths in a checkout: the repository's own layouts/ and its sample, and one set of
paths for every module (tests/e2e/test_wheel.py checks an installed wheel)."""

from pathlib import Path

from pressroom import cache, ebookcheck, layouts, paths, serve

REPOSITORY = Path(__file__).resolve().parents[2]


def test_a_checkout_reads_its_own_layouts_and_defaults_to_the_sample():
    assert paths.REPOSITORY == REPOSITORY
    assert paths.BUILTIN_LAYOUTS == REPOSITORY / "layouts"
    assert paths.DEFAULT_SOURCE == REPOSITORY
    assert paths.COMMAND == "publish.py"
    assert paths.SCAFFOLD_TEMPLATE == REPOSITORY / "pressroom" / "scaffold" / "template"
    assert not (paths.PACKAGE / "builtin_layouts").exists()  # only a wheel's copy has it


def test_every_module_takes_its_paths_from_one_place():
    assert layouts.BUILTIN is cache.BUILTIN_LAYOUTS is serve.BUILTIN is paths.BUILTIN_LAYOUTS
    assert cache.CODE is paths.PACKAGE
    assert ebookcheck.ACE_PROGRAM == REPOSITORY / "node_modules" / ".bin" / "ace-cli"
