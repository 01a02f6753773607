"""The reparse flow: ``flows.ingest.reparse`` as a Prefect flow, for the deployment."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from prefect import flow, get_run_logger

from flows.ingest.reparse import reparse as reparse_archive
from storage.warehouse import writing


@flow(name="reparse", log_prints=True)
def reparse(
    source: str | None = None,
    since: date | None = None,
    db: str | None = None,
    sources_file: str | None = None,
    workers: int | None = None,
) -> dict[str, int]:
    """Re-extract the archived pages (of one source, dated since a day), no network."""
    logger = get_run_logger()
    with writing(db) as con:
        counts = reparse_archive(
            con,
            source=source,
            since=since,
            sources_file=sources_file,
            workers=workers,
            progress=lambda done, total: logger.info("reparsed %d/%d pages", done, total),
        )
    return asdict(counts)
