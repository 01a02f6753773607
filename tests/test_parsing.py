"""Parsing on every core: the pool gives what parsing in-process gives, in order, a batch
can be submitted before the last one is done, and a pool that cannot run falls back to
this process instead of failing the run."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any

import pytest

import flows.ingest.parsing as parsing
from extractors import Article, ExtractionError, parse_listing
from flows.ingest.parsing import Parsed, ParseJob, Parser, Usage, parse_all
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
    with Parser(2) as parser:
        pooled = parser.parse(pages)
        usage = parser.take_usage()
    assert pooled == parse_all(pages, workers=1)
    # Parsed on the pool's processes, not here; the parser counts what it did.
    assert usage.pages == len(pages)
    assert 1 <= len(usage.processes) <= 2
    assert os.getpid() not in usage.processes
    assert parser.take_usage() == Usage(0, frozenset())
    assert pooled.errors == [None] * (len(pages) - 1) + ["no title found"]
    assert pooled.positions() == [*range(len(pages) - 1), None]
    # The rows are those of the articles extracted here, whole.
    extracted = [parsing.parse_one(j) for j in pages[:-1]]
    assert pooled.rows == article_rows([a for a in extracted if isinstance(a, Article)])
    assert pooled.rows.column("url") == [j.url for j in pages[:-1]]


def test_a_pool_that_cannot_run_falls_back_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(workers: int) -> parsing.Executor:
        raise BrokenProcessPool("A child process terminated abruptly")

    pages = jobs()
    parser = Parser(2, start_pool=broken)
    with pytest.warns(RuntimeWarning, match="parsing in one process: .*BrokenProcessPool"):
        first = parser.parse(pages)
    assert first == parse_all(pages, workers=1)
    assert parser.broken == "BrokenProcessPool: A child process terminated abruptly"
    # Another run's parser is not this one: a broken pool stays with its run.
    assert Parser(2).broken is None


class PendingPool:
    """A pool that only records what it is given: each chunk's future waits for ``run``."""

    def __init__(self) -> None:
        self.submitted: list[tuple[Future[Parsed], list[ParseJob]]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        _, chunk = args  # _with_pid(the chunk's parse, chunk)
        self.submitted.append((future, chunk))
        return future

    def run(self) -> None:
        for future, chunk in self.submitted:
            future.set_result((4242, parsing._parse_chunk(chunk)))


def pending_parser() -> tuple[Parser, PendingPool]:
    """A parser whose processes are a PendingPool, which works when told to."""
    pool = PendingPool()
    return Parser(2, start_pool=lambda workers: pool), pool


def counting_parse_one(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs parse_one is called with in this process, from now on."""
    calls: list[str] = []
    original = parsing.parse_one

    def counted(job: ParseJob) -> Article | str:
        calls.append(job.url)
        return original(job)

    monkeypatch.setattr(parsing, "parse_one", counted)
    return calls


def test_submit_returns_before_the_pool_has_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = jobs()
    expected = parse_all(pages, workers=1)
    parser, pool = pending_parser()
    monkeypatch.setattr(parsing, "CHUNKS_PER_WORKER", 2)
    calls = counting_parse_one(monkeypatch)
    pending = parser.submit(pages)
    assert calls == []  # nothing parsed yet
    # 14 pages, 2 workers, 2 chunks per worker: chunks of 14 // 4 = 3 pages, in order
    assert len(pages) == 14
    assert [len(chunk) for _, chunk in pool.submitted] == [3, 3, 3, 3, 2]
    assert [page for _, chunk in pool.submitted for page in chunk] == pages
    pool.run()
    assert pending.result() == expected
    assert calls == [page.url for page in pages]  # by the fake pool's chunks, in order
    assert parser.take_usage() == Usage(len(pages), frozenset({4242}))


def test_submit_on_the_pool_gives_each_batch_in_order() -> None:
    pages = jobs()
    first, second = pages[:9], pages[9:]
    with Parser(2) as parser:
        pending = [parser.submit(first), parser.submit(second)]
        results = [p.result() for p in pending]
    assert results[0] == parse_all(first, workers=1)
    assert results[1] == parse_all(second, workers=1)  # 5 pages: in this process
    assert results[1].errors[-1] == "no title found"
    assert results[0].rows.column("url") == [j.url for j in first]


def test_submit_with_one_worker_parses_here_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_pool(workers: int) -> parsing.Executor:
        raise AssertionError("a pool was started")

    calls = counting_parse_one(monkeypatch)
    pages = jobs()
    pending = Parser(1, start_pool=no_pool).submit(pages)
    assert calls == []
    results = pending.result()
    assert calls == [page.url for page in pages]
    assert results.errors[-1] == "no title found"
    assert results.rows.column("url") == [j.url for j in pages[:-1]]


def test_a_pool_that_breaks_under_pending_batches_falls_back_with_one_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parser, pool = pending_parser()
    pages = jobs()
    expected = parse_all(pages, workers=1)
    pending = [parser.submit(pages), parser.submit(pages)]
    for future, _ in pool.submitted:
        future.set_exception(BrokenProcessPool("A child process terminated abruptly"))
    with pytest.warns(RuntimeWarning) as warned:
        results = [p.result() for p in pending]
    assert results == [expected, expected]
    assert [str(w.message) for w in warned] == [
        "parsing in one process: the parsing processes could not run "
        "(BrokenProcessPool: A child process terminated abruptly)"
    ]
    assert parser.broken == "BrokenProcessPool: A child process terminated abruptly"
    assert len(pool.submitted) == 28
    parser.submit(pages).result()  # in this process from now on
    assert len(pool.submitted) == 28


def test_a_batch_whose_pool_was_closed_under_it_is_parsed_here_without_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parser, pool = pending_parser()
    pages = jobs()
    pending = parser.submit(pages)
    assert all(future.cancel() for future, _ in pool.submitted)  # as close() does
    assert pending.result() == parse_all(pages, workers=1)
    assert parser.broken is None


def test_listing_pages_parse_on_the_pool_as_in_this_process() -> None:
    portal = SamplePortal(PortalConfig(count=40, end=date(2026, 11, 20)))
    body = respond(portal, "/tin-tuc-su-kien", None).body
    url = "http://p.test/tin-tuc-su-kien"
    how = {"profile": "liferay-6.2", "timezone": "Asia/Ho_Chi_Minh", "content_type": None}
    with Parser(2) as parser:
        on_pool = parser.listing_parser()
        pooled = on_pool(body, url, **how)
        with pytest.raises(ExtractionError) as pooled_error:
            on_pool(b"", url, **how)
    assert pooled == parse_listing(body, url, **how)
    assert len(pooled.items) == 10
    with pytest.raises(ExtractionError) as here:
        parse_listing(b"", url, **how)
    assert (pooled_error.value.url, pooled_error.value.reason) == (url, here.value.reason)
    assert Parser(1).listing_parser() is parse_listing


def test_a_parser_travels_as_a_one_process_parser_without_its_pool() -> None:
    import pickle

    with Parser(2) as parser:
        parser.parse(jobs())  # its pool started
        copy = pickle.loads(pickle.dumps(parser))
    assert (copy.workers, copy.broken, copy.take_usage()) == (1, None, Usage(0, frozenset()))
    assert copy.listing_parser() is parse_listing
