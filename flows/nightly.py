"""The nightly flow: what each source published since its last successful run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import duckdb
from prefect import flow

from flows.ingest.days import day_of, days_between
from flows.pipeline import MAX_ATTEMPTS, Plan, run_ingest
from flows.runners import task_runner
from flows.sources import Source
from storage.ledger import earliest_unsettled_day
from storage.warehouse import last_success_started_at

# Re-read a day before the last successful run, for pages dated late or edited.
OVERLAP = timedelta(days=1)


def nightly_plan(con: duckdb.DuckDBPyConnection, source: Source, now: datetime) -> Plan:
    """Since the last successful run (less the overlap), or the source's first-run reach.

    A day within the first-run reach that an earlier run left ``failed`` in the ledger
    for a listing page that failed (fewer than MAX_ATTEMPTS times) pulls the reach back
    to it, and the listings are then walked past the pages of known links down to it:
    the failed page may have hidden links that no known page leads back to. Older
    failed days are the backfill's (``bulletin gaps``)."""
    last = last_success_started_at(con, source.name)
    reach = source.first_run_since(now)
    since = last - OVERLAP if last is not None else reach
    first_day = day_of(reach, source.timezone)
    assert first_day is not None
    unsettled = earliest_unsettled_day(con, source.name, first_day, MAX_ATTEMPTS)
    if unsettled is not None:
        start = datetime.combine(unsettled, time.min, tzinfo=ZoneInfo(source.timezone))
        if start < since:
            return replace(_since(source, start, now), stop_at_known=False)
    return _since(source, since, now)


def since_day_plan(day: date) -> Callable[[duckdb.DuckDBPyConnection, Source, datetime], Plan]:
    """A plan that reaches back to a given day, whatever the last run was."""

    def plan(con: duckdb.DuckDBPyConnection, source: Source, now: datetime) -> Plan:
        return _since(
            source, datetime.combine(day, time.min, tzinfo=ZoneInfo(source.timezone)), now
        )

    return plan


def _since(source: Source, since: datetime, now: datetime) -> Plan:
    """What is new since ``since``; the days from then to today go in the ledger."""
    first, last = day_of(since, source.timezone), day_of(now, source.timezone)
    assert first is not None and last is not None
    return Plan(
        since=since,
        until=None,
        stop_at_known=True,
        retry_failures=True,
        days=tuple(days_between(first, last)),
    )


@flow(name="nightly", log_prints=True, task_runner=task_runner())
def nightly(
    sources: list[str] | None = None,
    db: str | None = None,
    sources_file: str | None = None,
    since: date | None = None,
) -> dict[str, object]:
    """Ingest what is new on each source (all enabled sources when none are named).

    ``since`` overrides how far back to reach, for every source.
    """
    plan = nightly_plan if since is None else since_day_plan(since)
    return run_ingest("nightly", sources, plan, db=db, sources_file=sources_file).to_dict()
