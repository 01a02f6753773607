"""The reparse flow: ``flows.ingest.reparse`` as a Prefect flow, for the deployment."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from prefect import flow, get_run_logger

from flows.ingest.reparse import reparse as reparse_archive
from flows.warehouse_slot import warehouse_slot


@flow(name="reparse", log_prints=True)
def reparse(
    source: str | None = None,
    since: date | None = None,
    db: str | None = None,
    sources_file: str | None = None,
    workers: int | None = None,
) -> dict[str, int]:
    """Re-extract the archived pages (of one source, dated since a day), no network.

    The warehouse is written in short transactions, so that `bulletin sql` answers while
    it runs; under a Prefect API the run holds the warehouse's slot throughout, as the
    ingest runs do (``flows.warehouse_slot``), so that they queue behind it."""
    logger = get_run_logger()

    def progress(done: int, total: int) -> None:
        logger.info("reparsed %d/%d pages", done, total)

    with warehouse_slot():
        counts = reparse_archive(
            db,
            source=source,
            since=since,
            sources_file=sources_file,
            workers=workers,
            progress=progress,
        )
    logger.info("reparse: %s", ", ".join(f"{k} {v}" for k, v in asdict(counts).items()))
    return asdict(counts)
