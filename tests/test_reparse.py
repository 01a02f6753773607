"""Reparse in overlapping batches: the next batch is read and parsed while this one is
saved, and the warehouse, counts and progress come out as when it runs on one process."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import flows.ingest.reparse as module
from flows.ingest.parsing import ParseJob, close_pools, parse_all
from flows.ingest.reparse import ReparseCounts, reparse
from sample_portal import PortalConfig, SamplePortal
from sample_portal.render import article_page
from storage.packs import copy_warehouse
from storage.records import Failure, Page
from storage.warehouse import connect, record_failures, save_bodies, save_pages, save_rows

BASE = "http://p.test"
MALFORMED = BASE + "/x"
TIMES = {
    "articles": "EXCLUDE (first_seen_at, updated_at)",
    "failures": "EXCLUDE (first_failed_at, last_failed_at, next_retry_at)",
}
TABLES = ("articles", "figures", "attachments", "stats", "doc_refs", "people", "failures")


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """Archived pages of a 30-article portal and a malformed page, every stored article
    stale, and the first article's page gone from the archive."""
    portal = SamplePortal(PortalConfig(count=30, end=date(2026, 11, 20)))
    pages = {
        BASE + a.path: article_page(a, BASE + a.path, portal.related(a)).encode()
        for a in portal.articles
        if not a.missing
    }
    pages[MALFORMED] = b"<html></html>"
    db = tmp_path / "base.duckdb"
    con = connect(db)
    now = datetime.now(UTC)
    digests = {url: hashlib.sha256(body).hexdigest() for url, body in pages.items()}
    save_bodies(con, {digests[url]: body for url, body in pages.items()})
    save_pages(
        con,
        [
            Page(url, "sample", "article", 200, now, len(body), digests[url], "text/html")
            for url, body in pages.items()
        ],
    )
    jobs = [
        ParseJob(url, body, "text/html", "liferay-6.2", "Asia/Ho_Chi_Minh")
        for url, body in pages.items()
    ]
    save_rows(con, "sample", parse_all(jobs).rows)
    record_failures(con, [Failure(MALFORMED, "sample", "extract", "no title found", 200)])
    con.execute("UPDATE articles SET content_hash = 'stale'")
    con.execute("DELETE FROM pages WHERE url = (SELECT min(url) FROM articles)")
    con.close()
    return db


@pytest.fixture
def sources(tmp_path: Path, write_sources: Callable[..., Path]) -> str:
    return str(write_sources(tmp_path, BASE))


def run(
    base: Path, sources: str, workers: int
) -> tuple[ReparseCounts, list[tuple[int, int]], dict[str, list[tuple[Any, ...]]]]:
    """Reparse a copy of ``base`` in batches of 8: counts, progress and the tables."""
    db = base.with_name(f"w{workers}.duckdb")
    copy_warehouse(base, db)
    progress: list[tuple[int, int]] = []
    con = connect(db)
    try:
        counts = reparse(
            con,
            sources_file=sources,
            workers=workers,
            progress=lambda done, total: progress.append((done, total)),
        )
        tables = {
            t: sorted(con.execute(f"SELECT * {TIMES.get(t, '')} FROM {t}").fetchall(), key=str)
            for t in TABLES
        }
    finally:
        con.close()
        close_pools()
    return counts, progress, tables


def test_two_workers_save_what_one_saves(
    warehouse: Path, sources: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "BATCH_SIZE", 8)
    one = run(warehouse, sources, workers=1)
    two = run(warehouse, sources, workers=2)
    counts, progress, tables = two
    total = counts.pages + counts.missing
    assert counts == ReparseCounts(
        pages=total - 1, updated=total - 2, unchanged=0, new=0, failed=1, missing=1
    )
    assert progress == [(min(done, total), total) for done in range(8, total + 8, 8)]
    assert len(tables["articles"]) == total - 1  # the stale one without a page is kept
    assert one == two


def test_the_next_batch_is_read_and_parsed_before_this_one_is_saved(
    warehouse: Path, sources: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []

    def logged(name: str) -> None:
        original = getattr(module, name)

        def call(*args: Any) -> Any:
            items = next(a for a in args if isinstance(a, list))  # the URLs, jobs, failures
            events.append(f"{name} {len(items)}")
            return original(*args)

        monkeypatch.setattr(module, name, call)

    for name in ("archived_pages", "submit_all", "record_reparse_failures"):
        logged(name)
    monkeypatch.setattr(module, "BATCH_SIZE", 12)
    counts, progress, _ = run(warehouse, sources, workers=2)
    total = counts.pages + counts.missing
    assert total == 30  # 29 articles and the malformed page: batches of 12, 12 and 6
    assert progress == [(12, 30), (24, 30), (30, 30)]
    assert events == [
        "archived_pages 12",
        "submit_all 11",  # the first article has no archived page
        "archived_pages 12",
        "submit_all 12",
        "record_reparse_failures 0",
        "archived_pages 6",
        "submit_all 6",
        "record_reparse_failures 0",
        "record_reparse_failures 1",
    ]


def test_a_reparse_leaves_the_attempts_and_retry_times_of_failures_alone(
    warehouse: Path, sources: str
) -> None:
    """No page is fetched: a failure that extracts no better keeps its whole row, given
    up or still due for a retry."""
    con = connect(warehouse)
    try:
        record_failures(con, [Failure(BASE + "/y", "sample", "fetch", "HTTP 503", 503)])
        for _ in range(2):  # the malformed page: three failed fetches, given up
            record_failures(con, [Failure(MALFORMED, "sample", "extract", "no title found", 200)])
        before = con.execute("SELECT * FROM failures ORDER BY url").fetchall()
        counts = reparse(con, sources_file=sources, workers=1)
        after = con.execute("SELECT * FROM failures ORDER BY url").fetchall()
    finally:
        con.close()
        close_pools()
    assert counts.failed == 1
    assert [row[:6] for row in before] == [
        (MALFORMED, "sample", "extract", "gave up after 3 attempts: no title found", 3, 200),
        (BASE + "/y", "sample", "fetch", "HTTP 503", 1, 503),
    ]
    assert before[0][8] is None and before[1][8] is not None  # given up; due in an hour
    assert after == before
