"""Politeness and retries against the sample portal over real HTTP, seen from the server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from flows.crawling.client import USER_AGENT, fetch, make_client
from flows.crawling.discover import discover
from flows.crawling.fetcher import Fetcher
from flows.crawling.politeness import Politeness
from flows.ingest.steps import fetch_articles
from flows.sources import Source
from sample_portal import Fault, PortalConfig, SamplePortal

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def served() -> Iterator[tuple[SamplePortal, str]]:
    """A portal of our own per test, since these tests switch faults on."""
    portal = SamplePortal(PortalConfig(count=40, end=date(2026, 11, 20)))
    with portal.serve() as base_url:
        yield portal, base_url


def source_for(base_url: str, rate: float) -> Source:
    listings = ("/tin-tuc-su-kien", "/kinh-te", "/van-hoa-xa-hoi")
    return Source(
        name="sample",
        base_url=base_url,
        listings=listings,
        rate=rate,
        allow_private=True,
        listing_urls=tuple(base_url + p for p in listings),
    )


def test_the_per_host_rate_is_held_as_the_server_sees_it(served) -> None:
    portal, base_url = served
    with make_client() as client:
        polite = Politeness(client, rate=4.0, user_agent=USER_AGENT)
        for article in portal.articles[:6]:
            fetch(client, base_url + article.path, politeness=polite)
    times = [t for t, _, path, _ in portal.requests if path != "/robots.txt"]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 5
    # 4 requests/s: 0.25 s apart as sent. On a busy machine the server may see one late
    # and the next on time, so a single gap may shrink, but never to a burst (half the
    # interval), and never the whole span.
    assert min(gaps) >= 0.125
    assert times[-1] - times[0] >= 5 * 0.25 - 0.01


def test_a_robots_disallow_is_obeyed_and_recorded(served) -> None:
    portal, base_url = served
    portal.faults.disallow("/kinh-te")
    with make_client() as client:
        polite = Politeness(client, rate=0, user_agent=USER_AGENT)
        found = discover(
            Fetcher(client, politeness=polite),
            source_for(base_url, 0),
            since=datetime(2026, 11, 1, tzinfo=HCM),
        )
    paths = [path for _, _, path, _ in portal.requests]
    assert not [p for p in paths if p.startswith("/kinh-te")]
    assert [(f.url, f.stage, f.reason) for f in found.failures] == [
        (base_url + "/kinh-te", "discover", "disallowed by robots.txt")
    ]
    assert found.items and all("/kinh-te/" not in i.url for i in found.items)


def test_a_burst_of_500s_and_a_429_are_retried(served) -> None:
    portal, base_url = served
    article = portal.articles[0]
    portal.faults.add(Fault(prefix=article.path, status=500, times=2))
    with make_client() as client:
        fetched = fetch(client, base_url + article.path, backoff=0.05)
        portal.faults.add(Fault(prefix=article.path, status=429, retry_after=1, times=1))
        started = portal.requests[-1][0]
        again = fetch(client, base_url + article.path, backoff=0.05)
    assert (fetched.status, again.status) == (200, 200)
    tail = [(path, status) for _, _, path, status in portal.requests]
    assert tail == [(article.path, s) for s in (500, 500, 200, 429, 200)]
    assert portal.requests[-1][0] - started >= 1.0  # Retry-After: 1 was honoured


def test_per_host_concurrency_and_rate_hold_together(served) -> None:
    portal, base_url = served
    articles = [a for a in portal.articles if not (a.missing or a.malformed)][:8]
    for article in articles:  # each page takes 0.3 s to answer
        portal.faults.add(Fault(prefix=article.path, delay=0.3))
    urls = [base_url + a.path for a in articles]
    with make_client() as client:
        for concurrency, rate in ((2, 0.0), (3, 0.0), (2, 10.0)):
            source = replace(source_for(base_url, rate), concurrency=concurrency)
            polite = Politeness(client, rate=rate, concurrency=concurrency, user_agent=USER_AGENT)
            portal.clear_requests()
            batch = fetch_articles(Fetcher(client, politeness=polite), source, urls)
            assert batch.rows.column("url") == urls  # in order, none lost
            # Never more than the cap at once, and the cap is used (a loaded machine may
            # keep a worker from catching up, so the peak may fall short of 3).
            assert 2 <= portal.peak_in_flight <= concurrency
            starts = [t for t, _, path, _ in portal.requests if path != "/robots.txt"]
            if rate:
                gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
                assert min(gaps) >= 0.09  # 10 requests/s, less timer granularity
