"""Runs in their own processes: a backfill killed (SIGKILL) mid-run and run again ends
with the same warehouse as a run never interrupted; a nightly run and a backfill started
together both complete while a reader queries.

Each command runs in a session (and process group) of its own, marked with an id of its
own (``process_tree.start``): a command is killed with its whole group, and what carries
its mark, wherever it went (its reaper, a process handed on to init), must be gone soon
after; after each test, whatever is left of its commands is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from cli_reader import count_articles
from process_tree import describe, end_all, of_run, run_id, start, wait_marked

from sample_portal import PortalConfig, SamplePortal

pytestmark = pytest.mark.slow

FIRST, LAST = "2026-08-25", "2026-11-20"
CONTENT = {
    "articles": "SELECT article_id, source, url, canonical_url, title, published_at, lead, "
    "body_text, author, source_unit, category, content_hash FROM articles",
    "figures": "SELECT * FROM figures",
    "stats": "SELECT * FROM stats",
    "doc_refs": "SELECT * FROM doc_refs",
    "people": "SELECT * FROM people",
    "failures": "SELECT url, stage, reason FROM failures",
}


_started: list[subprocess.Popen[bytes]] = []  # this test's commands, ended after it
GONE_WITHIN = 30.0  # seconds what a command started has to end once the command has ended


@pytest.fixture(autouse=True)
def nothing_left_running() -> Iterator[None]:
    """Whatever a test started (the command, its Prefect server, its parsing processes,
    its reaper, and what any of them left to init) is ended when the test ends, passed
    or failed: every command's, even when one of them cannot be."""
    yield
    problems = []
    while _started:
        try:
            end_all(_started.pop())
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, problems


def left_of(run: subprocess.Popen[bytes]) -> list[str]:
    """What is still running of ``run`` (ended) after up to GONE_WITHIN seconds, by its
    mark: the processes it started, wherever they went."""
    token = run_id(run)
    assert token is not None
    return describe(wait_marked(token, GONE_WITHIN))


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SamplePortal, str]]:
    portal = SamplePortal(PortalConfig(count=500, days=90, end=date(2026, 11, 20)))
    with portal.serve() as base_url:
        yield portal, base_url


def backfill(db: Path, sources: Path, home: Path) -> subprocess.Popen[bytes]:
    return bulletin(
        ["backfill", "--source", "sample", "--from", FIRST, "--to", LAST],
        db,
        sources,
        home,
    )


def bulletin(args: list[str], db: Path, sources: Path, home: Path) -> subprocess.Popen[bytes]:
    """The CLI in a process of its own, with a Prefect home of its own, in a session
    (and process group) of its own, so that killing the group ends what it started, and
    marked, so that what left the group is found too (``process_tree.start``)."""
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        # A busy machine (other runs, the other tests) can take past the default 20 s.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "bulletin.cli", *args]
    command += ["--db", str(db), "--sources", str(sources)]
    process = start(command, env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _started.append(process)
    return process


def contents(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(con.execute(q).fetchall(), key=str) for t, q in CONTENT.items()}
    finally:
        con.close()


def test_killed_backfills_run_again_match_an_uninterrupted_one(
    served, tmp_path: Path, write_sources
) -> None:
    portal, base_url = served
    sources = write_sources(tmp_path, base_url)
    home = tmp_path / "prefect"

    whole = tmp_path / "whole.duckdb"
    done = backfill(whole, sources, home)
    assert done.wait(timeout=600) == 0, done.stderr.read() if done.stderr else ""
    assert left_of(done) == []
    expected = contents(whole)
    first, last = date.fromisoformat(FIRST), date.fromisoformat(LAST)
    in_range = [
        a
        for a in portal.articles
        if first <= a.published_at.date() <= last and not (a.malformed or a.missing)
    ]
    assert sorted(r[2] for r in expected["articles"]) == sorted(base_url + a.path for a in in_range)

    for kill_after in (80, 260, 450):  # requests the portal has answered for this run
        db = tmp_path / f"killed-{kill_after}.duckdb"
        portal.clear_requests()
        run = backfill(db, sources, home)
        deadline = time.monotonic() + 600
        while len(portal.requests) < kill_after and run.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert run.poll() is None, "it ended before it was killed"
        started = describe(of_run(run))  # it, its Prefect server, parsing processes, reaper
        os.killpg(run.pid, signal.SIGKILL)  # its process group: it and what it started
        assert run.wait(timeout=60) == -signal.SIGKILL  # killed mid-run, not finished
        # Its reaper, in a session of its own, ends once it sees the command gone.
        assert left_of(run) == [], f"killed after {kill_after} requests; it ran {started}"
        again = backfill(db, sources, home)
        assert again.wait(timeout=600) == 0, again.stderr.read() if again.stderr else ""
        assert left_of(again) == []
        assert contents(db) == expected, f"killed after {kill_after} requests"


def test_a_nightly_run_and_a_backfill_at_once_both_complete_while_a_reader_queries(
    served, tmp_path: Path, write_sources
) -> None:
    portal, base_url = served
    sources = write_sources(tmp_path, base_url)
    db = tmp_path / "shared.duckdb"
    runs = [
        bulletin(
            ["ingest", "--source", "sample", "--since", "2026-10-01"], db, sources, tmp_path / "p1"
        ),
        bulletin(
            ["backfill", "--source", "sample", "--from", FIRST, "--to", LAST],
            db,
            sources,
            tmp_path / "p2",
        ),
    ]
    waits: list[float] = []
    while any(run.poll() is None for run in runs):
        if db.exists():
            wait, answer = count_articles(db)
            waits.append(wait)
            assert answer.returncode == 0, answer.stderr
        time.sleep(0.5)
    for run in runs:
        assert run.wait() == 0, run.stderr.read() if run.stderr else ""
        assert left_of(run) == []
    print(f"reader: {len(waits)} queries, longest wait {max(waits):.2f} s")
    assert waits and max(waits) < 5.0
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs_rows = con.execute("SELECT flow, status FROM runs ORDER BY flow").fetchall()
        stored = {r[0] for r in con.execute("SELECT url FROM articles").fetchall()}
    finally:
        con.close()
    assert runs_rows == [("backfill", "completed"), ("nightly", "completed")]
    first, last = date.fromisoformat(FIRST), date.fromisoformat(LAST)
    assert stored == {
        base_url + a.path
        for a in portal.articles
        if first <= a.published_at.date() <= last and not (a.malformed or a.missing)
    }
