"""Parsing on every core: the pool gives what parsing in-process gives, in order, and a
pool that cannot run falls back to this process instead of failing the run."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from datetime import date

import pytest

import flows.parsing as parsing
from flows.parsing import ParseJob, parse_all
from flows.sample_portal import PortalConfig, SamplePortal
from flows.sample_portal.render import article_page


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
    assert pooled[-1] == "no title found"
    assert [a.url for a in pooled[:-1] if not isinstance(a, str)] == [j.url for j in pages[:-1]]


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
