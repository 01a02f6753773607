"""Politeness and safety of the fetch loop, against httpx.MockTransport."""

from __future__ import annotations

import gzip

import httpx
import pytest

from flows.crawling.client import FetchError, fetch, make_client, retry_after
from flows.crawling.guard import HostGuard
from flows.crawling.politeness import Politeness, Refused
from flows.sources import Source

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


def redirecting(chain: dict[str, str]) -> tuple[httpx.Client, list[str]]:
    """A transport where each path in ``chain`` redirects to its value; others answer 200."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        target = chain.get(str(request.url))
        if target:
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, text="page")

    return make_client(transport=httpx.MockTransport(handler)), seen


def public(host: str) -> list[str]:
    """A stub resolver (no DNS): an IP literal is itself."""
    table = {"portal.test": ["93.184.216.34"], "intranet.test": ["10.1.2.3"]}
    return table.get(host) or ([host] if host[:1].isdigit() else [])


def test_redirects_stay_within_the_allowed_hosts() -> None:
    guard = HostGuard({"portal.test"}, resolver=public)
    client, seen = redirecting(
        {"http://portal.test/a": "/b", "http://portal.test/b": "https://portal.test/c"}
    )
    fetched = fetch(client, "http://portal.test/a", guard=guard)
    assert (fetched.final_url, fetched.content) == ("https://portal.test/c", b"page")
    assert seen == ["http://portal.test/a", "http://portal.test/b", "https://portal.test/c"]

    client, seen = redirecting({"http://portal.test/a": "http://elsewhere.test/x"})
    with pytest.raises(FetchError) as info:
        fetch(client, "http://portal.test/a", guard=guard)
    assert info.value.reason == "host elsewhere.test is not in the source's allowed hosts"
    assert seen == ["http://portal.test/a"]


def test_a_redirect_loop_ends_after_five_hops() -> None:
    client, seen = redirecting({"http://portal.test/a": "/b", "http://portal.test/b": "/a"})
    with pytest.raises(FetchError) as info:
        fetch(client, "http://portal.test/a", guard=HostGuard({"portal.test"}, resolver=public))
    assert info.value.reason == "more than 5 redirects"
    assert len(seen) == 6


def test_private_addresses_are_refused_unless_the_source_allows_them() -> None:
    client, seen = redirecting({})
    guard = HostGuard({"intranet.test", "127.0.0.1"}, resolver=public)
    for url, address in (
        ("http://intranet.test/a", "10.1.2.3"),
        ("http://127.0.0.1/a", "127.0.0.1"),
    ):
        with pytest.raises(FetchError) as info:
            fetch(client, url, guard=guard)
        host = url.split("/")[2]
        assert info.value.reason == (
            f"host {host} resolves to the private address {address}; "
            "the source does not allow private addresses"
        )
    assert seen == []
    allowed = HostGuard({"127.0.0.1"}, allow_private=True, resolver=public)
    assert fetch(client, "http://127.0.0.1/a", guard=allowed).content == b"page"


def verdict(guard: HostGuard, url: str) -> str:
    """``ok``, or the reason the guard refuses ``url``."""
    try:
        guard.check(url)
    except Refused as exc:
        return exc.reason
    return "ok"


def test_the_allowlist_is_by_origin_with_default_ports_normalised() -> None:
    local = HostGuard({"http://127.0.0.1:8765"}, allow_private=True, resolver=public)
    portal = HostGuard({"https://portal.test"}, resolver=public)
    verdicts = {
        url: verdict(guard, url)
        for guard, urls in (
            (local, ["http://127.0.0.1:8765/a", "http://127.0.0.1:8766/a"]),
            (local, ["https://127.0.0.1:8765/a", "http://localhost:8765/a"]),
            (portal, ["https://portal.test/a", "https://portal.test:443/a"]),
            (portal, ["http://portal.test:80/a", "https://portal.test:8443/a"]),
            (portal, ["ftp://portal.test/a", "http://portal.test:99999/a"]),
        )
        for url in urls
    }
    assert verdicts == {
        "http://127.0.0.1:8765/a": "ok",
        "http://127.0.0.1:8766/a": "origin http://127.0.0.1:8766 is not one of the source's "
        "allowed origins for 127.0.0.1 (http://127.0.0.1:8765)",
        "https://127.0.0.1:8765/a": "origin https://127.0.0.1:8765 is not one of the source's "
        "allowed origins for 127.0.0.1 (http://127.0.0.1:8765)",
        "http://localhost:8765/a": "host localhost is not in the source's allowed hosts",
        "https://portal.test/a": "ok",
        "https://portal.test:443/a": "ok",
        "http://portal.test:80/a": "ok",  # the same server on its other default port
        "https://portal.test:8443/a": "origin https://portal.test:8443 is not one of the "
        "source's allowed origins for portal.test (http://portal.test, https://portal.test)",
        "ftp://portal.test/a": "scheme 'ftp' is not fetched",
        "http://portal.test:99999/a": "no valid host and port in http://portal.test:99999/a",
    }


def test_a_bare_allowed_host_means_its_default_ports_or_the_port_it_names() -> None:
    guard = HostGuard({"cdn.test", "media.test:8080"}, resolver=public)
    urls = [
        "http://cdn.test/x",
        "https://cdn.test/x",
        "http://cdn.test:8080/x",
        "http://media.test:8080/x",
        "https://media.test:8080/x",
        "http://media.test/x",
    ]
    assert [verdict(guard, url) for url in urls] == [
        "ok",
        "ok",
        "origin http://cdn.test:8080 is not one of the source's allowed origins for cdn.test "
        "(http://cdn.test, https://cdn.test)",
        "ok",
        "ok",
        "origin http://media.test is not one of the source's allowed origins for media.test "
        "(http://media.test:8080, https://media.test:8080)",
    ]


def test_a_source_allows_the_origins_of_its_urls_and_its_allowed_hosts() -> None:
    source = Source(
        name="s",
        base_url="http://127.0.0.1:8765",
        listings=("/tin-tuc",),
        allowed_hosts=("CDN.test",),
        front="http://127.0.0.1:8765/",
        listing_urls=("http://127.0.0.1:8765/tin-tuc", "HTTPS://Portal.test:443/rss"),
    )
    assert source.hosts == frozenset({"http://127.0.0.1:8765", "https://portal.test", "cdn.test"})
    guard = HostGuard(source.hosts, allow_private=True, resolver=public)
    assert guard.allowed == {
        ("http", "127.0.0.1", 8765),
        ("http", "portal.test", 80),
        ("https", "portal.test", 443),
        ("http", "cdn.test", 80),
        ("https", "cdn.test", 443),
    }
