"""The ONIX 3.0 message for distributors, stores and libraries: ``<out>/<slug>-onix.xml``.

Written only when the publication has an ISBN (``identifier`` or ``isbn:``); it takes the print
edition's page count from the screen PDF (the press PDF paginates as it does, padded for the
binding), so it needs the screen PDF, not the press files. See :mod:`pressroom.onix`.
"""

from __future__ import annotations

import pikepdf

from ..atomic import atomic_output
from ..imprint import build_time
from ..onix import _isbns, onix_message
from . import Built, Job


def build(job: Job) -> Built:
    settings = job.publication.settings
    path = job.path("-onix.xml")
    if not _isbns(settings) or not settings.publisher:
        path.unlink(missing_ok=True)  # a message of an earlier build would describe another book
        if not _isbns(settings):
            return Built([])  # no ISBN, no product for the book trade: nothing to say
        yaml = job.publication.root / "manuscript" / "publication.yaml"
        return Built([], [f"{yaml}: no ONIX message: it names the publisher as its sender and "
                          "the book's publisher; add 'publisher: ...'"])
    with pikepdf.open(job.path(".pdf")) as pdf:
        pages = len(pdf.pages)
    data = onix_message(job.publication, pages, build_time(),
                        page_list=job.state.current("pdf", key=job.keys["pdf"]))
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)
    return Built([path])
