"""The backfill ledger: one row per (source, day) saying whether that day was ingested.

A day is ``success`` when a run covered it and every page listed for it ended as an
article, else ``failed`` with the first reason. A backfill re-run takes only the days
that are not ``success``; ``gaps`` lists the days no run has covered successfully.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb
import pyarrow as pa

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


_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("day", pa.date32()),
        ("status", pa.string()),
        ("failures", pa.int32()),
        ("error", pa.string()),
    ]
)


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
    table = pa.Table.from_pylist(
        [
            {
                "source": o.source,
                "day": o.day,
                "status": o.status,
                "failures": o.failures,
                "error": o.error,
            }
            for o in outcomes
        ],
        schema=_SCHEMA,
    )
    con.register("_batch_days", table)
    try:
        con.execute(
            """
            INSERT INTO partitions
            SELECT d.source, d.day, d.status, 1,
                   (SELECT count(*) FROM articles a WHERE a.source = d.source
                      AND CAST(timezone($tz, a.published_at) AS DATE) = d.day),
                   d.failures, $run, $flow, d.error, $now
            FROM _batch_days d
            ON CONFLICT (source, day) DO UPDATE SET
                status = excluded.status, attempts = partitions.attempts + 1,
                articles = excluded.articles, failures = excluded.failures,
                last_run_id = excluded.last_run_id, flow = excluded.flow,
                error = excluded.error, updated_at = excluded.updated_at
            """,
            {"tz": timezone, "run": run_id, "flow": flow, "now": now or datetime.now(UTC)},
        )
    finally:
        con.unregister("_batch_days")


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
