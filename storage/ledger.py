"""The backfill ledger: one row per (source, day) saying whether that day was ingested.

A day is ``success`` when a run covered it and every page listed for it ended as an
article, else ``failed`` with the first reason. A backfill re-run takes only the days
that are not ``success``; ``gaps`` lists the days no run has covered successfully.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from storage import schemas
from storage.memory import bounded_scan

SUCCESS = "success"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DayOutcome:
    """What one run found for one day of one source."""

    source: str
    day: date
    failures: int
    error: str | None  # the first reason, when the day failed

    @property
    def status(self) -> str:
        return FAILED if self.failures or self.error else SUCCESS


# A batch of day outcomes: the partitions columns but those record_days sets itself.
_DAYS = schemas.without(schemas.PARTITIONS, ("attempts", "last_run_id", "flow", "updated_at"))


def record_days(
    con: duckdb.DuckDBPyConnection,
    outcomes: Sequence[DayOutcome],
    *,
    run_id: str,
    flow: str,
    timezone: str,
    now: datetime | None = None,
) -> None:
    """Record each day's outcome (one more attempt), with the articles the warehouse
    now holds for that day in ``timezone``."""
    if not outcomes:
        return
    held = articles_by_day(con, outcomes, timezone)
    table = pa.Table.from_pylist(
        [
            {
                "source": o.source,
                "day": o.day,
                "status": o.status,
                "articles": held.get((o.source, o.day), 0),
                "failures": o.failures,
                "error": o.error,
            }
            for o in outcomes
        ],
        schema=_DAYS,
    )
    con.register("_batch_days", table)
    try:
        con.execute(
            """
            INSERT INTO partitions BY NAME
            SELECT *, 1 AS attempts, $run AS last_run_id, $flow AS flow, $now AS updated_at
            FROM _batch_days
            ON CONFLICT (source, day) DO UPDATE SET
                status = excluded.status, attempts = partitions.attempts + 1,
                articles = excluded.articles, failures = excluded.failures,
                last_run_id = excluded.last_run_id, flow = excluded.flow,
                error = excluded.error, updated_at = excluded.updated_at
            """,
            {"run": run_id, "flow": flow, "now": now or datetime.now(UTC)},
        )
    finally:
        con.unregister("_batch_days")


def articles_by_day(
    con: duckdb.DuckDBPyConnection, outcomes: Sequence[DayOutcome], timezone: str
) -> dict[tuple[str, date], int]:
    """How many articles the warehouse holds for each (source, day) of ``outcomes``, a
    day being the date of ``published_at`` in ``timezone``.

    The scan is bounded by the outcomes' span of days on ``published_at`` itself, so
    DuckDB skips the row groups whose min and max fall outside it (a backfill saves day
    after day, so it reads few), and it keeps little of what it reads
    (``storage.memory.bounded_scan``): a count over the whole table at every ledger
    write grew a long backfill's memory with the warehouse."""
    zone = ZoneInfo(timezone)
    first = datetime.combine(min(o.day for o in outcomes), time(), zone)
    end = datetime.combine(max(o.day for o in outcomes) + timedelta(days=1), time(), zone)
    rows = bounded_scan(
        con,
        "SELECT source, CAST(timezone($tz, published_at) AS DATE) AS day, count(*) "
        "FROM articles WHERE list_contains($sources, source) "
        "AND published_at >= $first AND published_at < $end GROUP BY ALL",
        {
            "tz": timezone,
            "sources": sorted({o.source for o in outcomes}),
            "first": first,
            "end": end,
        },
    )
    return {(source, day): n for source, day, n in rows}


def successful_days(
    con: duckdb.DuckDBPyConnection, source: str, first: date, last: date
) -> set[date]:
    """The days of ``source`` from ``first`` to ``last`` already ingested successfully."""
    rows = con.execute(
        "SELECT day FROM partitions WHERE source = ? AND status = 'success' "
        "AND day BETWEEN ? AND ?",
        [source, first, last],
    ).fetchall()
    return {r[0] for r in rows}


def earliest_unsettled_day(
    con: duckdb.DuckDBPyConnection, source: str, since: date, max_attempts: int
) -> date | None:
    """The earliest day of ``source`` from ``since`` on that a run left ``failed``
    because a listing page failed (its ``error`` starts "listing "), short of
    ``max_attempts``: the links of such a day may never have been seen. (A day whose
    articles failed has them in ``failures``, which runs retry.)"""
    row = con.execute(
        "SELECT min(day) FROM partitions WHERE source = ? AND status = 'failed' "
        "AND starts_with(error, 'listing ') AND day >= ? AND attempts < ?",
        [source, since, max_attempts],
    ).fetchone()
    return row[0] if row else None


LEDGER_SQL = """\
SELECT source, day, status, attempts, articles, failures, flow, updated_at, error
FROM partitions
WHERE ($source IS NULL OR source = $source)
  AND ($first IS NULL OR day >= $first) AND ($last IS NULL OR day <= $last)
ORDER BY source, day DESC"""


def gaps(con: duckdb.DuckDBPyConnection, source: str, first: date, last: date) -> list[date]:
    """The days from ``first`` to ``last`` with no successful run, newest first."""
    done = successful_days(con, source, first, last)
    span = (last - first).days + 1
    days = (last - timedelta(days=k) for k in range(span))
    return [d for d in days if d not in done]


def first_day(con: duckdb.DuckDBPyConnection, source: str) -> date | None:
    """The earliest day of ``source`` in the ledger."""
    row = con.execute("SELECT min(day) FROM partitions WHERE source = ?", [source]).fetchone()
    return row[0] if row else None
