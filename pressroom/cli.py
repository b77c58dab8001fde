"""The command line: parse arguments, call the pipeline, map errors to exit codes."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .build import TARGETS, build
from .diagnostics import EXIT_OK, EXIT_USER_ERROR, LOGGER, SourceError, display_path

REPOSITORY = Path(__file__).resolve().parent.parent


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="publish.py",
        description="Publish a manuscript (Markdown sections + captioned images) as a designed "
                    "screen PDF and an EPUB.",
        epilog="Exit codes: 0 success, 1 preflight failure, 2 a problem in the source "
               "(the message names the file and line).")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_cmd = commands.add_parser(
        "build", help="build the publication's outputs",
        description="Read SOURCE/manuscript and SOURCE/images, lay them out with the layout "
                    "named in publication.yaml, and write OUT/<slug>.pdf and OUT/<slug>.epub. "
                    "A failed build leaves earlier outputs untouched.")
    build_cmd.add_argument("--source", type=Path, default=REPOSITORY, metavar="DIR",
                           help="publication folder holding manuscript/ and images/ "
                                "(default: the repository root, i.e. the sample)")
    build_cmd.add_argument("--out", type=Path, default=None, metavar="DIR",
                           help="where outputs go (default: output/ in the source folder)")
    build_cmd.add_argument("--target", choices=(*TARGETS, "all"), default="all",
                           help="pdf: the designers' screen PDF; epub: the e-book; "
                                "all: both (default)")
    build_cmd.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.WARNING if args.quiet else logging.INFO)
    source = args.source.resolve()
    out = (args.out or source / "output").resolve()
    targets = TARGETS if args.target == "all" else (args.target,)
    try:
        report = build(source, out, targets)
    except SourceError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as error:  # e.g. the output folder is not writable or the disk is full
        where = f"{display_path(Path(error.filename))}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}; check the folder's permissions and "
              "free space", file=sys.stderr)
        return EXIT_USER_ERROR
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for path in report.outputs:
        LOGGER.info("wrote %s (%.1f MB)", display_path(path), path.stat().st_size / 1e6)
    return EXIT_OK
