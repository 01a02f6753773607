"""The backfill flow: every article a source dated within a range of days."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import duckdb
from prefect import flow

from flows.pipeline import Plan, run_ingest
from flows.sources import Source


def backfill_window(source: Source, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The range of days as aware datetimes in the source's timezone, both ends included."""
    tz = ZoneInfo(source.timezone)
    return (
        datetime.combine(date_from, time.min, tzinfo=tz),
        datetime.combine(date_to, time.max, tzinfo=tz),
    )


@flow(name="backfill", log_prints=True)
def backfill(
    source: str,
    date_from: date,
    date_to: date,
    db: str | None = None,
    sources_file: str | None = None,
) -> dict[str, object]:
    """Ingest the articles of ``source`` dated from ``date_from`` to ``date_to``."""
    if date_from > date_to:
        raise ValueError(f"date_from {date_from} is after date_to {date_to}")

    def plan(con: duckdb.DuckDBPyConnection, src: Source, now: datetime) -> Plan:
        since, until = backfill_window(src, date_from, date_to)
        return Plan(since=since, until=until, stop_at_known=False, retry_failures=False)

    summary = run_ingest(
        "backfill",
        [source],
        plan,
        db=db,
        sources_file=sources_file,
        date_from=date_from,
        date_to=date_to,
    )
    return summary.to_dict()
