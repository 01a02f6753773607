"""Parsing on every core: the pool gives what parsing in-process gives, in order, a batch
can be submitted before the last one is done, and a pool that cannot run falls back to
this process instead of failing the run."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any

import pytest

import flows.ingest.parsing as parsing
from extractors import Article, ExtractionError, parse_listing
from flows.ingest.parsing import Parsed, ParseJob, parse_all, submit_all
from sample_portal import PortalConfig, SamplePortal
from sample_portal.render import article_page
from sample_portal.routes import respond
from storage.rows import article_rows


def jobs() -> list[ParseJob]:
    portal = SamplePortal(PortalConfig(count=14, end=date(2026, 11, 20)))
    found = [
        ParseJob(
            "http://p.test" + a.path,
            article_page(a, "http://p.test" + a.path, portal.related(a)).encode(),
            "text/html; charset=utf-8",
            "liferay-6.2",
            "Asia/Ho_Chi_Minh",
        )
        for a in portal.articles
        if not a.missing
    ]
    return [*found, ParseJob("http://p.test/x", b"<html></html>", None, None, "UTC")]


def test_the_pool_gives_what_one_process_gives_in_order() -> None:
    pages = jobs()
    try:
        pooled = parse_all(pages, workers=2)
    finally:
        parsing.close_pools()
    assert pooled == parse_all(pages, workers=1)
    assert pooled.errors == [None] * (len(pages) - 1) + ["no title found"]
    assert pooled.positions() == [*range(len(pages) - 1), None]
    # The rows are those of the articles extracted here, whole.
    extracted = [parsing.parse_one(j) for j in pages[:-1]]
    assert pooled.rows == article_rows([a for a in extracted if isinstance(a, Article)])
    assert pooled.rows.column("url") == [j.url for j in pages[:-1]]


def test_a_pool_that_cannot_run_falls_back_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(workers: int) -> object:
        raise BrokenProcessPool("A child process terminated abruptly")

    monkeypatch.setattr(parsing, "_pool", broken)
    monkeypatch.setattr(parsing, "_pool_broken", None)
    pages = jobs()
    with pytest.warns(RuntimeWarning, match="parsing in one process: .*BrokenProcessPool"):
        first = parse_all(pages, workers=2)
    assert first == parse_all(pages, workers=1)
    assert parsing._pool_broken == "BrokenProcessPool: A child process terminated abruptly"


class PendingPool:
    """A pool that only records what it is given: each chunk's future waits for ``run``."""

    def __init__(self) -> None:
        self.submitted: list[tuple[Future[Parsed], list[ParseJob]]] = []

    def submit(self, fn: Callable[..., Any], chunk: list[ParseJob]) -> Future[Any]:
        future: Future[Any] = Future()
        self.submitted.append((future, chunk))
        return future

    def run(self) -> None:
        for future, chunk in self.submitted:
            future.set_result(parsing._parse_chunk(chunk))


def pending_pool(monkeypatch: pytest.MonkeyPatch) -> PendingPool:
    """A PendingPool in place of the parsing processes, which work until now."""
    pool = PendingPool()
    monkeypatch.setattr(parsing, "_pool", lambda workers: pool)
    monkeypatch.setattr(parsing, "_pool_broken", None)
    return pool


def counting_parse_one(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs parse_one is called with in this process, from now on."""
    calls: list[str] = []
    original = parsing.parse_one

    def counted(job: ParseJob) -> Article | str:
        calls.append(job.url)
        return original(job)

    monkeypatch.setattr(parsing, "parse_one", counted)
    return calls


def test_submit_all_returns_before_the_pool_has_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = jobs()
    expected = parse_all(pages, workers=1)
    pool = pending_pool(monkeypatch)
    monkeypatch.setattr(parsing, "CHUNKS_PER_WORKER", 2)
    calls = counting_parse_one(monkeypatch)
    pending = submit_all(pages, workers=2)
    assert calls == []  # nothing parsed yet
    # 14 pages, 2 workers, 2 chunks per worker: chunks of 14 // 4 = 3 pages, in order
    assert len(pages) == 14
    assert [len(chunk) for _, chunk in pool.submitted] == [3, 3, 3, 3, 2]
    assert [page for _, chunk in pool.submitted for page in chunk] == pages
    pool.run()
    assert pending.result() == expected
    assert calls == [page.url for page in pages]  # by the fake pool's chunks, in order


def test_submit_all_on_the_pool_gives_each_batch_in_order() -> None:
    pages = jobs()
    first, second = pages[:9], pages[9:]
    try:
        pending = [submit_all(first, workers=2), submit_all(second, workers=2)]
        results = [p.result() for p in pending]
    finally:
        parsing.close_pools()
    assert results[0] == parse_all(first, workers=1)
    assert results[1] == parse_all(second, workers=1)  # 5 pages: in this process
    assert results[1].errors[-1] == "no title found"
    assert results[0].rows.column("url") == [j.url for j in first]


def test_submit_all_with_one_worker_parses_here_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_pool(workers: int) -> object:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parsing, "_pool", no_pool)
    calls = counting_parse_one(monkeypatch)
    pages = jobs()
    pending = submit_all(pages, workers=1)
    assert calls == []
    results = pending.result()
    assert calls == [page.url for page in pages]
    assert results.errors[-1] == "no title found"
    assert results.rows.column("url") == [j.url for j in pages[:-1]]


def test_a_pool_that_breaks_under_pending_batches_falls_back_with_one_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = pending_pool(monkeypatch)
    pages = jobs()
    expected = parse_all(pages, workers=1)
    pending = [submit_all(pages, workers=2), submit_all(pages, workers=2)]
    for future, _ in pool.submitted:
        future.set_exception(BrokenProcessPool("A child process terminated abruptly"))
    with pytest.warns(RuntimeWarning) as warned:
        results = [p.result() for p in pending]
    assert results == [expected, expected]
    assert [str(w.message) for w in warned] == [
        "parsing in one process: the parsing processes could not run "
        "(BrokenProcessPool: A child process terminated abruptly)"
    ]
    assert parsing._pool_broken == "BrokenProcessPool: A child process terminated abruptly"
    assert len(pool.submitted) == 28
    submit_all(pages, workers=2).result()  # in this process from now on
    assert len(pool.submitted) == 28


def test_a_batch_whose_pool_was_closed_under_it_is_parsed_here_without_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = pending_pool(monkeypatch)
    pages = jobs()
    pending = submit_all(pages, workers=2)
    assert all(future.cancel() for future, _ in pool.submitted)  # as close_pools() does
    assert pending.result() == parse_all(pages, workers=1)
    assert parsing._pool_broken is None


def test_listing_pages_parse_on_the_pool_as_in_this_process() -> None:
    portal = SamplePortal(PortalConfig(count=40, end=date(2026, 11, 20)))
    body = respond(portal, "/tin-tuc-su-kien", None).body
    url = "http://p.test/tin-tuc-su-kien"
    how = {"profile": "liferay-6.2", "timezone": "Asia/Ho_Chi_Minh", "content_type": None}
    on_pool = parsing.listing_parser(2)
    try:
        pooled = on_pool(body, url, **how)
        with pytest.raises(ExtractionError) as pooled_error:
            on_pool(b"", url, **how)
    finally:
        parsing.close_pools()
    assert pooled == parse_listing(body, url, **how)
    assert len(pooled.items) == 10
    with pytest.raises(ExtractionError) as here:
        parse_listing(b"", url, **how)
    assert (pooled_error.value.url, pooled_error.value.reason) == (url, here.value.reason)
    assert parsing.listing_parser(1) is parse_listing
