"""Reparse in overlapping batches, each read and written in short writes of its own: the
next batch is read and parsed while this one is saved, the warehouse, counts and progress
come out as when it runs on one process, and failures keep their attempts and retry
times."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import flows.ingest.reparse as module
from flows.ingest.parsing import ParseJob, Parser, Parsing, parse_all
from flows.ingest.reparse import ReparseCounts, reparse
from sample_portal import PortalConfig, SamplePortal
from sample_portal.render import article_page
from storage.errors import StorageError
from storage.packs import copy_warehouse
from storage.records import Failure, Page
from storage.warehouse import (
    connect,
    record_failures,
    save_bodies,
    save_pages,
    save_rows,
    writing,
)

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


def tables_of(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The tables a reparse writes, less the times a write sets."""
    con = connect(db, read_only=True)
    try:
        return {
            t: sorted(con.execute(f"SELECT * {TIMES.get(t, '')} FROM {t}").fetchall(), key=str)
            for t in TABLES
        }
    finally:
        con.close()


def failures_of(db: Path) -> list[tuple[Any, ...]]:
    """Every failures row, whole (times included), by URL."""
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT * FROM failures ORDER BY url").fetchall()
    finally:
        con.close()


def run(
    base: Path, sources: str, workers: int
) -> tuple[ReparseCounts, list[tuple[int, int]], dict[str, list[tuple[Any, ...]]]]:
    """Reparse a copy of ``base``: counts, progress and the tables."""
    db = base.with_name(f"w{workers}.duckdb")
    copy_warehouse(base, db)
    progress: list[tuple[int, int]] = []
    counts = reparse(
        db,
        sources_file=sources,
        workers=workers,
        progress=lambda done, total: progress.append((done, total)),
    )
    return counts, progress, tables_of(db)


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


def test_a_reparse_rewrites_what_extracts_differently_and_keeps_no_version(
    warehouse: Path, sources: str
) -> None:
    """Every stored article's output changed (the fixture's stale hashes): each one is
    rewritten, and none is kept in article_versions, since no page changed."""
    counts, _, tables = run(warehouse, sources, workers=1)
    assert counts.updated == len(tables["articles"]) - 1  # all but the one with no page
    con = connect(warehouse.with_name("w1.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT * FROM article_versions").fetchall() == []
    finally:
        con.close()


def test_each_batch_is_read_and_saved_in_short_writes_and_parsed_between_them(
    warehouse: Path, sources: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warehouse is open only to list the pages, to read a batch's archived pages,
    to save a batch and to checkpoint at the end; parsing, and the wait for it, happen
    with it closed. The next batch is read and its parse started before this one is
    saved."""
    events: list[str] = []
    real_writing = module.writing

    @contextmanager
    def logged_writing(db: Any, **kwargs: Any) -> Iterator[Any]:
        events.append("open" if kwargs.get("checkpoint", True) is False else "open+checkpoint")
        with real_writing(db, **kwargs) as con:
            yield con
        events.append("close")

    class LoggedParsing:
        def __init__(self, parsing: Parsing, size: int) -> None:
            self.parsing, self.size = parsing, size

        def result(self) -> Any:
            events.append(f"wait {self.size}")
            return self.parsing.result()

    class LoggedParser(Parser):
        def submit(self, jobs: Sequence[ParseJob]) -> Any:
            events.append(f"submit {len(jobs)}")
            return LoggedParsing(super().submit(jobs), len(jobs))

    def logged(name: str) -> None:
        original = getattr(module, name)

        def call(*args: Any) -> Any:
            items = next(a for a in args if isinstance(a, list))  # the URLs, the failures
            events.append(f"{name} {len(items)}")
            return original(*args)

        monkeypatch.setattr(module, name, call)

    for name in ("archived_pages", "record_reparse_failures"):
        logged(name)
    monkeypatch.setattr(module, "writing", logged_writing)
    monkeypatch.setattr(module, "Parser", LoggedParser)
    monkeypatch.setattr(module, "BATCH_SIZE", 12)
    counts, progress, _ = run(warehouse, sources, workers=2)
    total = counts.pages + counts.missing
    assert total == 30  # 29 articles and the malformed page: batches of 12, 12 and 6
    assert progress == [(12, 30), (24, 30), (30, 30)]
    assert events == [
        "open",  # the pages to reparse
        "close",
        "open",
        "archived_pages 12",
        "close",
        "submit 11",  # the first article has no archived page
        "open",
        "archived_pages 12",
        "close",
        "submit 12",
        "wait 11",
        "open",
        "record_reparse_failures 0",
        "close",
        "open",
        "archived_pages 6",
        "close",
        "submit 6",
        "wait 12",
        "open",
        "record_reparse_failures 0",
        "close",
        "wait 6",
        "open",
        "record_reparse_failures 1",
        "close",
        "open+checkpoint",
        "close",
    ]


def test_an_extract_failure_keeps_its_attempts_and_next_retry_over_reparses(
    warehouse: Path, sources: str
) -> None:
    """The malformed page failed twice when fetched: two attempts, a retry due in two
    hours. Reparses that find it failing still count no attempt and move no time."""
    con = connect(warehouse)
    try:
        record_failures(con, [Failure(MALFORMED, "sample", "extract", "no title found", 200)])
    finally:
        con.close()
    before = failures_of(warehouse)
    assert [(r[0], r[2], r[3], r[4]) for r in before] == [
        (MALFORMED, "extract", "no title found", 2)
    ]
    first_failed_at, last_failed_at, next_retry_at = before[0][6], before[0][7], before[0][8]
    assert next_retry_at is not None and next_retry_at > last_failed_at > first_failed_at
    for _ in range(2):
        counts = reparse(warehouse, sources_file=sources, workers=1)
        assert counts.failed == 1
        assert failures_of(warehouse) == before


def test_a_reparse_leaves_the_attempts_and_retry_times_of_failures_alone(
    warehouse: Path, sources: str
) -> None:
    """No page is fetched: a failure that extracts no better keeps its whole row, given
    up or still due for a retry; and a fetch failure of a page whose archived copy is
    rewritten stays as it is (the page still has to be fetched again)."""
    con = connect(warehouse)
    try:
        (rewritten,) = con.execute("SELECT max(url) FROM articles").fetchall()[0]
        record_failures(con, [Failure(BASE + "/y", "sample", "fetch", "HTTP 503", 503)])
        for _ in range(2):  # a stored article's page, fetched again: it failed twice
            record_failures(con, [Failure(rewritten, "sample", "fetch", "HTTP 502", 502)])
        for _ in range(2):  # the malformed page: three failed fetches, given up
            record_failures(con, [Failure(MALFORMED, "sample", "extract", "no title found", 200)])
    finally:
        con.close()
    before = failures_of(warehouse)
    counts = reparse(warehouse, sources_file=sources, workers=1)
    after = failures_of(warehouse)
    assert counts.failed == 1 and counts.updated == 28
    assert [row[:6] for row in before] == [  # by URL
        (rewritten, "sample", "fetch", "HTTP 502", 2, 502),
        (MALFORMED, "sample", "extract", "gave up after 3 attempts: no title found", 3, 200),
        (BASE + "/y", "sample", "fetch", "HTTP 503", 1, 503),
    ]
    # Due in two hours; given up; due in an hour.
    assert [row[8] is None for row in before] == [False, True, False]
    assert after == before
    con = connect(warehouse, read_only=True)
    try:
        assert con.execute(
            "SELECT content_hash <> 'stale' FROM articles WHERE url = ?", [rewritten]
        ).fetchall() == [(True,)]
    finally:
        con.close()


def test_a_page_that_extracts_now_loses_its_extract_failure_even_unchanged(
    warehouse: Path, sources: str
) -> None:
    """A stored article whose last fetch failed to extract (an extractor bug fixed
    since): its output is the stored one, so nothing is rewritten, but its failure goes."""
    reparse(warehouse, sources_file=sources, workers=1)  # every article up to date
    con = connect(warehouse)
    try:
        (fixed,) = con.execute("SELECT max(url) FROM articles").fetchall()[0]
        record_failures(con, [Failure(fixed, "sample", "extract", "no body found", 200)])
    finally:
        con.close()
    counts = reparse(warehouse, sources_file=sources, workers=1)
    assert (counts.updated, counts.unchanged, counts.failed) == (0, 28, 1)
    assert [row[0] for row in failures_of(warehouse)] == [MALFORMED]


def test_a_page_fetched_again_while_its_batch_parses_keeps_what_the_run_saved(
    warehouse: Path, sources: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warehouse is free while a batch parses, so a run may fetch one of its pages
    again and save a newer article: the reparse leaves that one as the run saved it."""
    con = connect(warehouse, read_only=True)
    try:
        (refetched,) = con.execute("SELECT max(url) FROM articles").fetchall()[0]
    finally:
        con.close()

    class RefetchingParser(Parser):
        def submit(self, jobs: Sequence[ParseJob]) -> Parsing:
            parsing = super().submit(jobs)
            if any(job.url == refetched for job in jobs):  # a run saves a newer fetch of it
                with writing(warehouse, checkpoint=False) as con:
                    con.execute(
                        "UPDATE pages SET content_hash = 'newer' WHERE url = ?", [refetched]
                    )
                    con.execute(
                        "UPDATE articles SET content_hash = 'by the run' WHERE url = ?",
                        [refetched],
                    )
            return parsing

    monkeypatch.setattr(module, "Parser", RefetchingParser)
    monkeypatch.setattr(module, "BATCH_SIZE", 8)
    counts = reparse(warehouse, sources_file=sources, workers=1)
    assert counts == ReparseCounts(
        pages=29, updated=27, unchanged=0, new=0, failed=1, missing=1, refetched=1
    )
    con = connect(warehouse, read_only=True)
    try:
        assert con.execute(
            "SELECT content_hash FROM articles WHERE url = ?", [refetched]
        ).fetchall() == [("by the run",)]
    finally:
        con.close()


def test_a_missing_warehouse_is_an_error_and_stays_missing(tmp_path: Path) -> None:
    db = tmp_path / "none.duckdb"
    with pytest.raises(StorageError, match="no warehouse at"):
        reparse(db, workers=1)
    assert not db.exists()
