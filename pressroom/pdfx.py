"""PDF/X, the standard press files follow: the versions Pressroom writes and how each is named.

A publication's ``print.profile`` is one of :data:`PROFILES`; ``targets.press`` writes the file
and its identification, ``preflight`` checks both against the same table.
"""

from __future__ import annotations

#: Each profile's GTS_PDFXVersion: what identifies the file as that PDF/X version.
PDFX_VERSION = {"pdf/x-4": "PDF/X-4", "pdf/x-1a": "PDF/X-1a:2003"}
#: The profiles a publication may name, the default first.
PROFILES = tuple(PDFX_VERSION)
#: The highest PDF version each allows (its header and the catalog's /Version).
MAX_PDF_VERSION = {"pdf/x-4": (1, 6), "pdf/x-1a": (1, 4)}
