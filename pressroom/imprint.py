"""The imprint's machine-readable parts: the build's date and the EAN-13 barcode of an ISBN,
as vector art."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os


def build_time() -> dt.datetime:
    """The build's timestamp: SOURCE_DATE_EPOCH when set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def isbn_barcode(isbn13: str) -> str:
    """An EAN-13 barcode of ``isbn13`` as an SVG data URL (bars only: layouts set the digits)."""
    import barcode
    from barcode.writer import SVGWriter

    code = barcode.get("ean13", isbn13, writer=SVGWriter())
    svg = io.BytesIO()
    code.write(svg, options={"module_width": 0.33, "module_height": 20.0, "quiet_zone": 3.63,
                             "write_text": False, "background": "white", "foreground": "black"})
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode("ascii")
