"""What a run covers, per source: the nightly plan (since the last successful run) and
the backfill plan (the days of a range the ledger does not hold as done). Plain
functions of the warehouse's state, the source and the time; no Prefect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import duckdb

from flows.ingest.days import DEFAULT_BATCH_DAYS, day_of, days_between
from flows.sources import Source
from storage.ledger import earliest_unsettled_day, successful_days
from storage.runs import last_success_started_at
from storage.warehouse import MAX_ATTEMPTS

# Re-read a day before the last successful run, for pages dated late or edited.
OVERLAP = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Plan:
    """What one source's run covers: the date window, how discovery stops, and the days
    it records in the ledger (``days``, newest first; pages listed on ``skip_days`` are
    left alone), saved ``batch_days`` days at a time. With ``refetch``, the articles the
    warehouse holds are fetched again when listed, to find those edited since."""

    since: datetime | None
    until: datetime | None
    stop_at_known: bool
    retry_failures: bool
    days: tuple[date, ...] = ()
    skip_days: frozenset[date] = frozenset()
    batch_days: int = DEFAULT_BATCH_DAYS
    done: bool = False  # every day asked for is in the ledger as done: nothing to fetch
    refetch: bool = False  # fetch the listed articles the warehouse holds again

    @property
    def window(self) -> tuple[datetime, datetime] | None:
        """The dates an article must carry to be kept (a backfill's range), or None."""
        if self.since is not None and self.until is not None and not self.stop_at_known:
            return (self.since, self.until)
        return None


# How a run plans each source: from the warehouse, the source and the run's start.
Planner = Callable[[duckdb.DuckDBPyConnection, Source, datetime], Plan]


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


def since_day_plan(day: date) -> Planner:
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


def backfill_plan(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    date_from: date,
    date_to: date,
    batch_days: int = DEFAULT_BATCH_DAYS,
    force: bool = False,
    refetch: bool = False,
) -> Plan:
    """The days of the range not yet ingested successfully (the ledger; with ``force``,
    every day), and the window that covers them; pages listed on the days already done
    are left alone. ``refetch`` is ``force``, and the articles already stored are
    fetched again (their edits since are kept as versions)."""
    everyday = force or refetch
    done = set() if everyday else successful_days(con, source.name, date_from, date_to)
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
        refetch=refetch,
    )


def backfill_planner(
    date_from: date,
    date_to: date,
    batch_days: int = DEFAULT_BATCH_DAYS,
    force: bool = False,
    refetch: bool = False,
) -> Planner:
    """``backfill_plan`` of a range, as a run asks for it."""

    def plan(con: duckdb.DuckDBPyConnection, source: Source, now: datetime) -> Plan:
        return backfill_plan(con, source, date_from, date_to, batch_days, force, refetch)

    return plan


def backfill_window(source: Source, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The range of days as aware datetimes in the source's timezone, both ends included."""
    tz = ZoneInfo(source.timezone)
    return (
        datetime.combine(date_from, time.min, tzinfo=tz),
        datetime.combine(date_to, time.max, tzinfo=tz),
    )
