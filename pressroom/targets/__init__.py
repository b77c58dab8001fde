"""Output targets: each reads the finished model and writes its files, nothing else."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_output(path: Path):
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds.

    An error (or a kill) part-way leaves the previous output untouched and no half file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_time() -> dt.datetime:
    """The build's timestamp: SOURCE_DATE_EPOCH when set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
