"""Bookkeeping that stays true when a run is killed: a run whose process died is marked
crashed by the next run, a failure counts only real fetch attempts and is given up in
the write of its third, and a reparse (no fetch) leaves attempts alone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.ingest.processes import is_running, process_start, this_process
from storage.records import Failure
from storage.runs import CRASHED, last_success_started_at, mark_crashed_runs, start_run
from storage.warehouse import (
    connect,
    failure_reasons,
    given_up_failures,
    record_failures,
    record_reparse_failures,
    retry_given_up,
    retryable_failures,
)

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
URL = "http://p.test/a"
RUN_COLUMNS = "run_id, flow, status, started_at, finished_at, message, host, pid, process_start"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def dead_process() -> tuple[int, str | None]:
    """The pid and start of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    start = process_start(child.pid)
    child.kill()
    child.wait()
    return child.pid, start


def test_this_process_is_running_and_an_ended_one_is_not() -> None:
    me = this_process()
    assert (me.host, me.pid) == (socket.gethostname(), os.getpid())
    assert me.start is not None and me.start.count(":") == 1
    assert is_running(me.pid, me.start)
    assert not is_running(me.pid, me.start + "0")  # another process given the same pid
    pid, start = dead_process()
    assert start is not None
    assert not is_running(pid, start)


def test_the_next_run_marks_the_runs_of_dead_processes_crashed(
    con: duckdb.DuckDBPyConnection,
) -> None:
    me = this_process()
    pid, start = dead_process()
    start_run(con, "dead", "backfill", ["s"], now=T0, host=me.host, pid=pid, process_start=start)
    start_run(
        con,
        "alive",
        "nightly",
        ["s"],
        now=T0 + HOUR,
        host=me.host,
        pid=me.pid,
        process_start=me.start,
    )
    start_run(
        con,
        "elsewhere",
        "nightly",
        ["s"],
        now=T0,
        host="another-host",
        pid=pid,
        process_start=start,
    )
    start_run(con, "before-12", "nightly", ["s"], now=T0)  # recorded before migration 12

    assert mark_crashed_runs(con, me.host, is_running, now=T0 + 2 * HOUR) == ["dead"]

    rows = con.execute(f"SELECT {RUN_COLUMNS} FROM runs ORDER BY run_id").fetchall()
    assert rows == [
        ("alive", "nightly", "running", T0 + HOUR, None, None, me.host, me.pid, me.start),
        ("before-12", "nightly", "running", T0, None, None, None, None, None),
        (
            "dead",
            "backfill",
            "crashed",
            T0,
            T0 + 2 * HOUR,
            CRASHED.format(pid=pid, host=me.host),
            me.host,
            pid,
            start,
        ),
        ("elsewhere", "nightly", "running", T0, None, None, "another-host", pid, start),
    ]
    assert rows[2][5] == (
        f"crashed: its process (pid {pid} on {me.host}) ended without finishing the run "
        "(found by the next run on the host)"
    )
    # Marked once: the next run finds nothing more to mark.
    assert mark_crashed_runs(con, me.host, is_running, now=T0 + 3 * HOUR) == []


def test_a_crashed_run_is_not_a_success(con: duckdb.DuckDBPyConnection) -> None:
    me = this_process()
    pid, start = dead_process()
    start_run(con, "ok", "nightly", ["s"], now=T0)
    con.execute("UPDATE runs SET status = 'completed' WHERE run_id = 'ok'")
    start_run(
        con,
        "killed",
        "nightly",
        ["s"],
        now=T0 + HOUR,
        host=me.host,
        pid=pid,
        process_start=start,
    )
    mark_crashed_runs(con, me.host, is_running, now=T0 + 2 * HOUR)
    assert last_success_started_at(con, "s") == T0


def test_five_runs_failing_a_page_count_three_attempts_and_give_it_up_once(
    con: duckdb.DuckDBPyConnection,
) -> None:
    failure = Failure(URL, "s", "fetch", "HTTP 503 Service Unavailable", 503)
    for run in range(5):  # five runs (restarts of a killed one included) record it
        record_failures(con, [failure], now=T0 + run * HOUR, backoff=60)
    assert con.execute("SELECT * FROM failures").fetchall() == [
        (
            URL,
            "s",
            "fetch",
            "gave up after 3 attempts: HTTP 503 Service Unavailable",
            3,
            503,
            T0,
            T0 + 2 * HOUR,  # the third attempt's: the later ones were not counted
            None,
        )
    ]
    assert retryable_failures(con, "s", now=T0 + 9 * HOUR) == []
    assert given_up_failures(con, "s") == {
        URL: "gave up after 3 attempts: HTTP 503 Service Unavailable"
    }


def test_given_up_pages_are_the_ones_a_run_does_not_fetch(con: duckdb.DuckDBPyConnection) -> None:
    """What ``_ingest_source`` leaves out of the URLs it fetches, a backfill's
    rediscovered ones included: given-up article pages, not pages still being retried,
    nor discovery and skip failures (final, but not article pages to give up)."""
    record_failures(
        con,
        [
            Failure(URL, "s", "fetch", "HTTP 404 Not Found", 404),
            Failure("http://p.test/b", "s", "extract", "no title found", 200),
            Failure("http://p.test/list", "s", "discover", "HTTP 500", 500),
            Failure("http://p.test/doc.pdf", "s", "skip", "not an HTML page (pdf)", 200),
            Failure("http://q.test/a", "q", "fetch", "HTTP 404 Not Found", 404),
        ],
        now=T0,
    )
    for _ in range(3):
        record_failures(con, [Failure(URL, "s", "fetch", "HTTP 404 Not Found", 404)], now=T0)
        record_failures(con, [Failure("http://p.test/list", "s", "discover", "HTTP 500", 500)])
    assert given_up_failures(con, "s") == {URL: "gave up after 3 attempts: HTTP 404 Not Found"}
    assert given_up_failures(con, "q") == {}
    assert failure_reasons(con, "s") == {
        URL: "gave up after 3 attempts: HTTP 404 Not Found",
        "http://p.test/b": "no title found",
        "http://p.test/list": "HTTP 500",
        "http://p.test/doc.pdf": "not an HTML page (pdf)",
    }
    assert retryable_failures(con, "s", now=T0 + 9 * HOUR) == ["http://p.test/b"]


def test_a_given_up_page_is_handed_back_to_the_runs_by_retry_given_up(
    con: duckdb.DuckDBPyConnection,
) -> None:
    failure = Failure(URL, "s", "fetch", "HTTP 404 Not Found", 404)
    for run in range(3):
        record_failures(con, [failure], now=T0 + run * HOUR, backoff=60)
    assert retry_given_up(con, "other") == 0
    assert retry_given_up(con, "s", [URL], now=T0 + 5 * HOUR) == 1
    assert con.execute("SELECT * FROM failures").fetchall() == [
        (URL, "s", "fetch", "HTTP 404 Not Found", 0, 404, T0, T0 + 2 * HOUR, T0 + 5 * HOUR)
    ]
    assert retryable_failures(con, "s", now=T0 + 5 * HOUR) == [URL]
    assert given_up_failures(con, "s") == {}
    record_failures(con, [failure], now=T0 + 6 * HOUR, backoff=60)  # attempt 1 again
    assert con.execute("SELECT attempts, reason, next_retry_at FROM failures").fetchall() == [
        (1, "HTTP 404 Not Found", T0 + 6 * HOUR + timedelta(seconds=60))
    ]


def test_a_reparse_failure_counts_no_attempt(con: duckdb.DuckDBPyConnection) -> None:
    record_failures(con, [Failure(URL, "s", "extract", "no title found", 200)], now=T0)
    for run in range(1, 3):
        record_failures(
            con, [Failure(URL, "s", "extract", "no title found", 200)], now=T0 + run * HOUR
        )
    record_failures(con, [Failure("http://p.test/b", "s", "extract", "no body found", 200)], now=T0)
    before = con.execute("SELECT * FROM failures ORDER BY url").fetchall()
    assert before[0][3:5] == ("gave up after 3 attempts: no title found", 3)

    record_reparse_failures(
        con,
        [
            Failure(URL, "s", "extract", "no date found", 200),
            Failure("http://p.test/b", "s", "extract", "no body found", 200),
            Failure("http://p.test/c", "s", "extract", "no title found", 200),
        ],
        now=T0 + 9 * HOUR,
    )

    assert con.execute("SELECT * FROM failures ORDER BY url").fetchall() == [
        # the latest reason; attempts, times and next retry as they were
        (URL, "s", "extract", "gave up after 3 attempts: no date found", *before[0][4:]),
        before[1],
        # a page stored as an article that no longer extracts: no attempt yet, due now
        (
            "http://p.test/c",
            "s",
            "extract",
            "no title found",
            0,
            200,
            T0 + 9 * HOUR,
            T0 + 9 * HOUR,
            T0 + 9 * HOUR,
        ),
    ]
