"""Run bookkeeping: the ``runs`` table (one row per run of a flow: when, where, how it
ended and what it counted) and ``run_sources`` (each run's counts per source), with
what the flows read back from them (the last successful run, crashed runs, how many
runs in a row found nothing new)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

import duckdb

# What a run counts, in total (``runs``) and per source (``run_sources``): a column of
# each table, in this order.
RUN_COUNTS = ("discovered", "fetched", "new", "updated", "unchanged", "failed")


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    flow: str,
    sources: Iterable[str],
    *,
    date_from: object = None,
    date_to: object = None,
    now: datetime | None = None,
    host: str | None = None,
    pid: int | None = None,
    process_start: str | None = None,
) -> None:
    """Record that a run started, in the process ``pid`` on ``host`` (started at
    ``process_start``, which a later process given the same pid does not share)."""
    con.execute(
        "INSERT INTO runs (run_id, flow, sources, started_at, status, date_from, date_to, "
        "host, pid, process_start) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)",
        [
            run_id,
            flow,
            list(sources),
            now or datetime.now(UTC),
            date_from,
            date_to,
            host,
            pid,
            process_start,
        ],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    counts: dict[str, int],
    *,
    message: str | None = None,
    now: datetime | None = None,
) -> None:
    """Record how a run ended and what it counted (RUN_COUNTS; a missing count is 0)."""
    sets = ", ".join(f"{c} = ?" for c in RUN_COUNTS)
    counted = [counts.get(c, 0) for c in RUN_COUNTS]
    con.execute(
        f"UPDATE runs SET status = ?, finished_at = ?, message = ?, {sets} WHERE run_id = ?",
        [status, now or datetime.now(UTC), message, *counted, run_id],
    )


CRASHED = (
    "crashed: its process (pid {pid} on {host}) ended without finishing the run "
    "(found by the next run on the host)"
)


def mark_crashed_runs(
    con: duckdb.DuckDBPyConnection,
    host: str,
    is_running: Callable[[int, str | None], bool],
    *,
    now: datetime | None = None,
) -> list[str]:
    """Mark the runs still ``running`` on ``host`` whose process is gone
    (``is_running(pid, process_start)`` is false) as ``crashed``, finished ``now``, with
    a message saying so; returns their run ids. Runs of other hosts are left alone (this
    host cannot see their processes), and so are runs recorded before migration 12,
    which have no host."""
    rows = con.execute(
        "SELECT run_id, pid, process_start FROM runs "
        "WHERE status = 'running' AND host = ? AND pid IS NOT NULL ORDER BY started_at",
        [host],
    ).fetchall()
    dead = [(run_id, pid) for run_id, pid, start in rows if not is_running(pid, start)]
    for run_id, pid in dead:
        con.execute(
            "UPDATE runs SET status = 'crashed', finished_at = ?, message = ? "
            "WHERE run_id = ? AND status = 'running'",
            [now or datetime.now(UTC), CRASHED.format(pid=pid, host=host), run_id],
        )
    return [run_id for run_id, _ in dead]


def last_success_started_at(
    con: duckdb.DuckDBPyConnection, source: str, flow: str = "nightly"
) -> datetime | None:
    """When the last successful ``flow`` run that covered ``source`` started (a backfill
    of an old range says nothing of what is new)."""
    row = con.execute(
        "SELECT max(started_at) FROM runs WHERE status = 'completed' AND flow = ? "
        "AND list_contains(sources, ?)",
        [flow, source],
    ).fetchone()
    return row[0] if row else None


def record_source_counts(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    flow: str,
    per_source: Mapping[str, Mapping[str, int]],
    *,
    now: datetime | None = None,
) -> None:
    """Record one run's counts (RUN_COUNTS; a missing count is 0) for each of its
    sources; a source recorded for the run before is replaced."""
    rows = [
        [run_id, source, flow, now or datetime.now(UTC), *(counts.get(c, 0) for c in RUN_COUNTS)]
        for source, counts in per_source.items()
    ]
    if rows:
        columns = ", ".join(("run_id", "source", "flow", "finished_at", *RUN_COUNTS))
        marks = ", ".join("?" * (4 + len(RUN_COUNTS)))
        con.executemany(f"INSERT OR REPLACE INTO run_sources ({columns}) VALUES ({marks})", rows)


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
