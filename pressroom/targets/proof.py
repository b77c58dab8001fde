"""The proof sheet: every page of the screen PDF as reader spreads in one PNG, drawn from the
written PDF (see :mod:`pressroom.proof`); the photos' small copies are kept in the cache."""

from __future__ import annotations

from . import Built, Job


def build(job: Job) -> Built:
    from ..proof import write_proof

    job.progress.step("drawing the proof sheet", 0, 1)
    return Built([write_proof(job.path(".pdf"), job.path("-proof.png"),
                              processes=job.processes, thumbnails=job.cache / "proof")])
