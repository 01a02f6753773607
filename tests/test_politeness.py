"""Politeness and safety of the fetch loop, against httpx.MockTransport."""

from __future__ import annotations

import gzip

import httpx
import pytest

from flows.http import FetchError, fetch, make_client, retry_after
from flows.politeness import Politeness

ROBOTS = "User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n"


class Clock:
    """A fake monotonic clock whose sleep moves time on and remembers each wait."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds


def portal(routes: dict[str, httpx.Response], seen: list[str]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return routes.get(request.url.path, httpx.Response(404))

    return make_client(transport=httpx.MockTransport(handler))


def test_robots_disallow_is_obeyed_and_crawl_delay_paces_requests() -> None:
    seen: list[str] = []
    client = portal(
        {"/robots.txt": httpx.Response(200, text=ROBOTS), "/a": httpx.Response(200, text="a")},
        seen,
    )
    clock = Clock()
    polite = Politeness(client, rate=2.0, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        fetch(client, "http://portal.test/a", politeness=polite, sleep=clock.sleep)
    with pytest.raises(FetchError) as info:
        fetch(client, "http://portal.test/private/x", politeness=polite, sleep=clock.sleep)
    assert info.value.reason == "disallowed by robots.txt"
    assert seen == ["/robots.txt", "/a", "/a", "/a"]  # robots.txt read once; nothing private
    assert clock.waits == [3.0, 3.0]  # the crawl-delay (3 s) outweighs the rate (0.5 s)


def test_rate_is_held_per_host_without_robots() -> None:
    seen: list[str] = []
    client = portal({"/a": httpx.Response(200, text="a")}, seen)
    clock = Clock()
    polite = Politeness(client, rate=1.0, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        fetch(client, "http://portal.test/a", politeness=polite)
    assert clock.waits == [1.0, 1.0]
    assert seen == ["/robots.txt", "/a", "/a", "/a"]


def test_circuit_breaker_skips_a_failing_host_for_the_rest_of_the_run() -> None:
    seen: list[str] = []
    client = portal({"/robots.txt": httpx.Response(404), "/a": httpx.Response(503)}, seen)
    clock = Clock()
    polite = Politeness(client, rate=0, breaker_threshold=5, clock=clock, sleep=clock.sleep)
    for _ in range(2):
        with pytest.raises(FetchError):
            fetch(client, "http://portal.test/a", politeness=polite, sleep=clock.sleep)
    with pytest.raises(FetchError) as info:
        fetch(client, "http://portal.test/a", politeness=polite, sleep=clock.sleep)
    assert info.value.reason == (
        "host skipped for the rest of the run after 5 consecutive failures "
        "(last: HTTP 503 Service Unavailable)"
    )
    assert seen.count("/a") == 5


def test_retry_after_is_honoured_and_a_long_one_is_a_failure() -> None:
    answers = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(200, text="ok"),
        httpx.Response(503, headers={"Retry-After": "3600"}),
    ]
    client = make_client(transport=httpx.MockTransport(lambda request: answers.pop(0)))
    clock = Clock()
    assert fetch(client, "http://portal.test/a", sleep=clock.sleep).content == b"ok"
    assert clock.waits == [7.0]
    with pytest.raises(FetchError) as info:
        fetch(client, "http://portal.test/a", sleep=clock.sleep)
    assert info.value.reason == "HTTP 503 Service Unavailable (Retry-After 3600 s)"
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after("soon") is None


def test_size_cap_holds_for_plain_and_compressed_bodies() -> None:
    bomb = gzip.compress(b"a" * 2_000_000)  # ~2 KB on the wire, 2 MB once inflated
    answers = [
        httpx.Response(200, content=b"x" * 2_000),
        httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"}),
    ]
    client = make_client(transport=httpx.MockTransport(lambda request: answers.pop(0)))
    for _ in range(2):
        with pytest.raises(FetchError) as info:
            fetch(client, "http://portal.test/big", max_bytes=1_000)
        assert info.value.reason == "response larger than 1000 bytes"
