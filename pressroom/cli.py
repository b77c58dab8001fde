"""The command line: parse arguments, call the pipeline, map errors to exit codes."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from pathlib import Path

from .atomic import output_lock
from .build import BuildReport, build, build_strict
from .cache import CACHE
from .editions import build_editions
from .diagnostics import (EXIT_OK, EXIT_PREFLIGHT, EXIT_USER_ERROR, LOGGER, Problem, SourceError,
                          display_path, internal_error, stopped)
from .paths import COMMAND, DEFAULT_SOURCE
from .progress import LiveProgress, PlainProgress, Progress
from .interrupt import interruptible
from .targets import REGISTRY, wanted


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="publish.py",
        description="Publish a manuscript (Markdown sections + captioned images) as a designed "
                    "screen PDF, an EPUB and press files for printers.",
        epilog="Exit codes: 0 success, 1 preflight failure (press files a printer would refuse), "
               "2 a problem in the source (the message names the file and line), 3 an internal "
               "error (the message names the report file), 128 + N stopped by signal N.")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_cmd = commands.add_parser(
        "build", help="build the publication's outputs",
        description="Read SOURCE/manuscript and SOURCE/images, lay them out with the layout "
                    "named in publication.yaml, and write OUT/<slug>.pdf, its proof sheet "
                    "OUT/<slug>-proof.png, OUT/<slug>.epub and the press folder OUT/press/. A "
                    "failed build leaves earlier outputs untouched.")
    check_cmd = commands.add_parser(
        "check", help="check the outputs already built, as printers and retailers do",
        description="Run the preflight on OUT/press/<slug>-press.pdf, and EPUBCheck and "
                    "DAISY Ace (when Node.js and Chromium are installed) on OUT/<slug>.epub "
                    "(whichever exist), and print their findings; exit 1 if a file would be "
                    "refused.")
    from . import serve
    serve.add_parser(commands)
    from . import scaffold
    scaffold.add_parser(commands)
    from . import wordimport
    wordimport.add_parser(commands)
    check_cmd.add_argument("--source", type=Path, default=DEFAULT_SOURCE, metavar="DIR",
                           help="publication folder holding manuscript/ and images/ (default: "
                                "the sample in a checkout of Pressroom, else the current folder)")
    build_cmd.add_argument("--source", type=Path, action="append", metavar="DIR",
                           help="publication folder holding manuscript/ and images/ (default: "
                                "the sample in a checkout of Pressroom, else the current "
                                "folder); give it again for more titles: a catalogue build")
    build_cmd.add_argument("--catalogue", type=Path, metavar="FILE",
                           help="build every title a YAML file lists (a list of publication "
                                "folders, relative to the file), each into OUT/<slug>/")
    build_cmd.add_argument("--workers", type=_positive, metavar="N",
                           help="a catalogue: build N titles at once, each in its own process "
                                f"(default: the number of cores, {os.cpu_count()})")
    build_cmd.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                           help="a catalogue: build the titles on this Dask distributed "
                                "cluster; every worker must see the sources and OUT at the "
                                "same paths (a shared filesystem)")
    for command in (build_cmd, check_cmd):
        command.add_argument("--out", type=Path, default=None, metavar="DIR",
                             help="where outputs go (default: output/ in the source folder; "
                                  "for a catalogue, output/ beside the catalogue file or in "
                                  "the current folder)")
        command.add_argument("--cache", type=Path, default=None, metavar="DIR",
                             help="keep the work done by content (CMYK separations, e-reader "
                                  "images, fonts, drawings, covers) in DIR, which other builds "
                                  "may share (default: OUT/.cache)")
        command.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    build_cmd.add_argument("--strict", action="store_true",
                           help="treat every warning (page checks, engine warnings, removed "
                                "HTML) as an error: exit 2")
    build_cmd.add_argument("--json", action="store_true",
                           help="print a machine-readable report on stdout: outputs (size, "
                                "pages, rebuilt or unchanged), warnings, preflight errors, "
                                "timings")
    build_cmd.add_argument("--edition", action="append", metavar="TAG",
                           help="build only this edition: a translation's tag (translations/"
                                "TAG/) or the original's language; repeat for more (default: "
                                "the original and every translation, each translation into "
                                "OUT/TAG/)")
    build_cmd.add_argument("--target", choices=(*REGISTRY, "all"), default="all",
                           help="; ".join(f"{target.name}: {target.summary}" + (
                               f" (with {', '.join(target.needs)})" if target.needs else "")
                               for target in REGISTRY.values()) + "; all: everything (default)")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.WARNING if args.quiet else logging.INFO)
    try:
        return run(args)
    except BrokenPipeError:  # the reader of the output went away (``| head``): as a shell would
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the exit's flush does not fail again
        return 128 + 13  # SIGPIPE
    except Exception as error:  # noqa: BLE001 - a fault of ours: one line and a report file
        out = getattr(args, "out", None) or _source(args) / "output"
        return internal_error(error, Path(out).resolve() / ".cache")
    finally:
        LOGGER.removeHandler(handler)  # main() may run many times in one process (tests)


def run(args: argparse.Namespace) -> int:
    """Carry out a parsed command; the exit code."""
    if args.command == "serve":
        from . import serve
        return serve.run(args)
    if args.command == "new":
        from . import scaffold
        return scaffold.run(args)
    if args.command == "import":
        from . import wordimport
        return wordimport.run(args)
    if args.command == "build" and (args.catalogue or len(args.source or ()) > 1):
        return catalogue(args)
    if args.command == "build" and (args.workers or args.scheduler):
        print("error: --workers and --scheduler build a catalogue: give --catalogue FILE or "
              "--source more than once", file=sys.stderr)
        return EXIT_USER_ERROR
    source = _source(args).resolve()
    out = (args.out or source / "output").resolve()
    cache = args.cache.resolve() if args.cache else None
    try:
        publication_folder(source)
        with interruptible():  # SIGTERM and SIGHUP unwind like Ctrl-C: no temporary file stays
            if args.command == "check":
                return check(source, out, cache)
            names = (args.target,)
            with _progress(args.quiet or args.json) as progress, output_lock(out, lambda: (
                    LOGGER.warning("waiting for another build into %s to end",
                                   display_path(out)))):
                report = build_editions(source, out, names, progress, args.edition,
                                        build_strict if args.strict else build, cache)
    except (KeyboardInterrupt, SourceError, OSError) as error:  # OSError: e.g. a full disk
        return stopped(error, "interrupted; unfinished outputs were left unchanged")
    reports = {"": report, **{f"{tag}: ": edition for tag, edition in report.editions.items()}}
    warnings = [f"{tag}{warning}" for tag, each in reports.items() for warning in each.warnings]
    errors = [f"{tag}{error}" for tag, each in reports.items() for error in each.preflight_errors]
    if args.strict and warnings:
        for warning in warnings:
            print(f"error: {warning}", file=sys.stderr)
        print(f"error: --strict: {len(warnings)} warning"
              f"{'s' * (len(warnings) != 1)} above; fix them or build without --strict",
              file=sys.stderr)
        return EXIT_USER_ERROR
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    code = EXIT_PREFLIGHT if errors else EXIT_OK
    if args.json:
        data = _json_report(report, names, code)
        data["editions"] = {tag: _json_report(edition, names, code)
                            for tag, edition in report.editions.items()}
        print(json.dumps(data, indent=2))
    else:
        for tag, each in reports.items():
            if each.publication is not None or each.outputs:
                LOGGER.info("%s%s", tag, summary(each, names))
    return code


def catalogue(args: argparse.Namespace) -> int:
    """Build every title of a catalogue (``--catalogue`` and the ``--source`` folders), each
    into OUT/<slug>/, and print the summary table (or the JSON report); the worst title's
    exit code."""
    import time

    from . import catalogue as titles

    started = time.monotonic()
    listed = [(source.resolve(), None) for source in args.source or ()]
    try:
        if args.catalogue:
            listed += titles.read_catalogue(args.catalogue.resolve())
        base = args.catalogue.resolve().parent if args.catalogue else Path.cwd()
        out = (args.out or base / "output").resolve()
        options = ["--target", args.target, *(["--strict"] if args.strict else []),
                   *[option for tag in args.edition or () for option in ("--edition", tag)]]
        workers = args.workers or os.cpu_count() or 1
        with interruptible():
            outcomes = titles.build_catalogue(titles.plan(listed), out, options, workers,
                                              args.scheduler, titles.log_outcome)
    except (KeyboardInterrupt, SourceError, OSError) as error:
        return stopped(error, "interrupted; the titles not finished keep their earlier outputs")
    code = titles.exit_code(outcomes)
    if args.json:
        print(json.dumps(titles.as_json(outcomes, time.monotonic() - started, workers,
                                        args.scheduler), indent=2))
    elif not args.quiet or code:
        print(titles.table(outcomes), file=sys.stderr)
        LOGGER.info("%d title%s in %.1f s into %s", len(outcomes), "s" * (len(outcomes) != 1),
                    time.monotonic() - started, display_path(out))
    return code


def _source(args: argparse.Namespace) -> Path:
    """The publication folder of a command about one publication (build's ``--source`` is a
    list: a catalogue when it holds more than one; ``new`` has none: the current folder)."""
    source = getattr(args, "source", Path())
    return (source[0] if isinstance(source, list) else source) or DEFAULT_SOURCE


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return int(text)


def publication_folder(source: Path) -> None:
    """Raise a SourceError, one line, when ``source`` has no ``manuscript/`` folder (say the
    command runs, installed, in a folder that is not a publication)."""
    if not (source / "manuscript").is_dir():
        raise SourceError(Problem(f"is not a publication (it has no manuscript/ folder); give "
                                  f"one with --source DIR, or start one with '{COMMAND} new DIR'",
                                  source))


def check(source: Path, out: Path, cache: Path | None = None) -> int:
    """Check the outputs already built: the press PDF (preflight) and the EPUB (EPUBCheck).
    Print the findings; 1 if a printer or a retailer would refuse a file."""
    from .build import load_publication

    publication, layout = load_publication(source)
    slug = publication.settings.slug
    press_pdf, ebook = out / "press" / f"{slug}-press.pdf", out / f"{slug}.epub"
    screen_pdf = out / f"{slug}.pdf"
    if not press_pdf.is_file() and not ebook.is_file() and not screen_pdf.is_file():
        raise SourceError(Problem("nothing to check; run 'publish.py build' first", out))
    failed = False
    if screen_pdf.is_file():
        from .preflight import empty_boxes

        failed |= _report(screen_pdf, "the glyph check", "finding",
                          empty_boxes(screen_pdf))
    if press_pdf.is_file():
        from .preflight import preflight
        from .targets.press import PROFILE_FILE, image_names, press_variants

        settings = publication.settings.print
        variants = press_variants(publication, layout.path(PROFILE_FILE),
                                  (cache or out / CACHE) / "press")
        report = preflight(press_pdf, settings.profile, settings.binding, settings.bleed_mm,
                           image_names(publication, variants), paper=settings.paper,
                           printer=settings.printer)
        print(report.to_text())
        failed |= bool(report.errors)
        cover = press_pdf.with_name(f"{publication.settings.slug}-cover.pdf")
        if cover.is_file():
            report = preflight(cover, settings.profile, "none", settings.bleed_mm,
                               image_names(publication, variants))
            print(report.to_text())
            failed |= bool(report.errors)
    if ebook.is_file():
        from .ebookcheck import AceUnavailable, ace, epubcheck

        failed |= _report(ebook, "EPUBCheck", "message", epubcheck(ebook))
        try:
            failed |= _report(ebook, "DAISY Ace", "violation", ace(ebook))
        except AceUnavailable as why:
            print(f"SKIP  {ebook.name} not checked for accessibility: {why}")
    return EXIT_PREFLIGHT if failed else EXIT_OK


def _report(path: Path, checker: str, noun: str, findings: list[str]) -> bool:
    """Print one checker's verdict and findings; True when there are findings."""
    print(f"{'FAIL' if findings else 'PASS'}  {path.name} checked with {checker}: "
          f"{len(findings)} {noun}{'s' * (len(findings) != 1)}")
    for line in findings:
        print(f"  {line}")
    return bool(findings)


@contextlib.contextmanager
def _progress(quiet: bool):
    """How the build shows its progress: live on a terminal, a line per stage otherwise (or
    with TERM=dumb), nothing when quiet."""
    if quiet:
        yield Progress()
    elif sys.stderr.isatty() and os.environ.get("TERM") != "dumb":
        with LiveProgress() as live:  # rich leaves out colour when NO_COLOR is set
            yield live
    else:
        yield PlainProgress()


def summary(report: BuildReport, names: tuple[str, ...]) -> str:
    """One line: how long, what was rebuilt, and each output with its size and page count."""
    kept = [target.name for target in wanted(names) if target.name not in report.rebuilt]
    what = ("nothing changed" if not report.rebuilt else
            "built " + ", ".join(report.rebuilt) + (f"; {', '.join(kept)} unchanged" if kept else ""))
    files = ", ".join(f"{display_path(path)} ({_pages(report, path)}{_size(path)})"
                      for path in report.outputs)
    return f"done in {report.timings.get('total', 0):.1f} s ({what}): {files}"


def _json_report(report: BuildReport, names: tuple[str, ...], code: int) -> dict:
    """The build report as data, for scripts and CI."""
    return {
        "exit_code": code,
        "targets": {target.name: "rebuilt" if target.name in report.rebuilt else "unchanged"
                    for target in wanted(names)},
        "outputs": [{"path": str(path), "bytes": path.stat().st_size,
                     "pages": report.pages.get(path)} for path in report.outputs],
        "warnings": report.warnings,
        "preflight_errors": report.preflight_errors,
        "timings": {stage: round(seconds, 3) for stage, seconds in report.timings.items()},
    }


def _pages(report: BuildReport, path: Path) -> str:
    pages = report.pages.get(path)
    return "" if pages is None else f"{pages} page{'s' * (pages != 1)}, "


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"
