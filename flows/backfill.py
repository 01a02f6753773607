"""The backfill flow: every article a source dated within a range of days."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import duckdb
from prefect import flow

from flows.ingest.days import DEFAULT_BATCH_DAYS, days_between
from flows.pipeline import Plan, run_ingest
from flows.runners import task_runner
from flows.sources import Source
from storage.ledger import successful_days


def backfill_plan(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    date_from: date,
    date_to: date,
    batch_days: int = DEFAULT_BATCH_DAYS,
    force: bool = False,
) -> Plan:
    """The days of the range not yet ingested successfully (the ledger; with ``force``,
    every day), and the window that covers them; pages listed on the days already done
    are left alone."""
    done = set() if force else successful_days(con, source.name, date_from, date_to)
    pending = [d for d in days_between(date_from, date_to) if d not in done]
    if not pending:
        return Plan(since=None, until=None, stop_at_known=False, retry_failures=False, done=True)
    since, until = backfill_window(source, min(pending), max(pending))
    return Plan(
        since=since,
        until=until,
        stop_at_known=False,
        retry_failures=False,
        days=tuple(pending),
        skip_days=frozenset(done),
        batch_days=batch_days,
    )


def backfill_window(source: Source, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The range of days as aware datetimes in the source's timezone, both ends included."""
    tz = ZoneInfo(source.timezone)
    return (
        datetime.combine(date_from, time.min, tzinfo=tz),
        datetime.combine(date_to, time.max, tzinfo=tz),
    )


@flow(name="backfill", log_prints=True, task_runner=task_runner())
def backfill(
    source: str,
    date_from: date,
    date_to: date,
    db: str | None = None,
    sources_file: str | None = None,
    batch_days: int = DEFAULT_BATCH_DAYS,
    force: bool = False,
) -> dict[str, object]:
    """Ingest the articles of ``source`` dated from ``date_from`` to ``date_to``: the
    days the ledger does not hold as done (with ``force``, every day: listing pages are
    asked for conditionally and known articles are not fetched again), ``batch_days``
    days at a time."""
    if date_from > date_to:
        raise ValueError(f"date_from {date_from} is after date_to {date_to}")

    def plan(con: duckdb.DuckDBPyConnection, src: Source, now: datetime) -> Plan:
        return backfill_plan(con, src, date_from, date_to, batch_days, force)

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
