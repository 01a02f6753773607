"""Each run's counts per source (``run_sources``), and what the health checks read from
them: how many runs in a row found nothing new."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import duckdb

COUNTS = ("discovered", "fetched", "new", "updated", "unchanged", "failed")


def record_source_counts(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    flow: str,
    per_source: Mapping[str, Mapping[str, int]],
    *,
    now: datetime | None = None,
) -> None:
    """Record one run's counts for each of its sources."""
    rows = [
        [run_id, source, flow, now or datetime.now(UTC), *(counts.get(c, 0) for c in COUNTS)]
        for source, counts in per_source.items()
    ]
    if rows:
        con.executemany(
            "INSERT OR REPLACE INTO run_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )


def nothing_new_streak(con: duckdb.DuckDBPyConnection, source: str, flow: str = "nightly") -> int:
    """How many of the latest ``flow`` runs of ``source``, in a row, found no new article."""
    rows = con.execute(
        "SELECT new FROM run_sources WHERE source = ? AND flow = ? ORDER BY finished_at DESC",
        [source, flow],
    ).fetchall()
    streak = 0
    for (new,) in rows:
        if new:
            break
        streak += 1
    return streak
