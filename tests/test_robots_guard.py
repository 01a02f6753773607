"""robots.txt is asked for like any other page: through the source's guard (its
origins, no private addresses, each redirect hop checked), capped at 500 KiB, held to
the total timeout, and its failures read as RFC 9309 says."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator

import httpx
import pytest
from raw_server import Answer, head, serve

from flows.crawling.client import ROBOTS_MAX_BYTES, FetchError, fetch, make_client, read_robots
from flows.crawling.guard import HostGuard
from flows.crawling.politeness import Politeness
from flows.crawling.timeouts import Timeouts

GIB = 1 << 30
PAGE = b"<html><body><p>trang</p></body></html>"


def stub(host: str) -> list[str]:
    """A resolver without DNS: the test hosts, and an IP literal as itself."""
    table = {"portal.test": ["93.184.216.34"], "metadata.test": ["169.254.169.254"]}
    return table.get(host) or ([host] if host[:1].isdigit() else [])


def no_sleep(seconds: float) -> None:
    pass


def mock_portal(robots: httpx.Response | dict[str, str]) -> tuple[httpx.Client, list[str]]:
    """A portal.test whose robots.txt answers ``robots`` (or redirects as a chain of
    URL -> Location says), and every other URL a small page; ``seen`` lists each URL
    asked for, whatever its host."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        seen.append(url)
        if isinstance(robots, dict):
            if url in robots:
                return httpx.Response(302, headers={"Location": robots[url]})
        elif request.url.path == "/robots.txt":
            return robots
        return httpx.Response(200, content=PAGE, headers={"Content-Type": "text/html"})

    return make_client(transport=httpx.MockTransport(handler)), seen


def fetch_politely(client: httpx.Client, guard: HostGuard, *urls: str) -> list[str]:
    """Fetch each URL with politeness and the guard: its content, or its refusal."""
    polite = Politeness(client, rate=0)
    outcomes = []
    for url in urls:
        try:
            fetched = fetch(client, url, politeness=polite, guard=guard, sleep=no_sleep)
        except FetchError as exc:
            outcomes.append(f"{exc.reason} (attempts {exc.attempts})")
        else:
            outcomes.append(fetched.content.decode())
    return outcomes


PORTAL = HostGuard({"http://portal.test"}, resolver=stub)


def test_a_robots_redirect_to_a_private_address_is_refused_without_contacting_it() -> None:
    client, seen = mock_portal(
        {"http://portal.test/robots.txt": "http://metadata.test/latest/meta-data/"}
    )
    guard = HostGuard({"http://portal.test", "http://metadata.test"}, resolver=stub)
    assert fetch_politely(client, guard, "http://portal.test/a") == [
        "robots.txt unreachable (host metadata.test resolves to the private address "
        "169.254.169.254; the source does not allow private addresses): disallowed for now "
        "(attempts 1)"
    ]
    assert seen == ["http://portal.test/robots.txt"]


def test_a_robots_redirect_to_a_literal_metadata_address_is_refused() -> None:
    client, seen = mock_portal(
        {"http://portal.test/robots.txt": "http://169.254.169.254/latest/meta-data/"}
    )
    assert fetch_politely(client, PORTAL, "http://portal.test/a") == [
        "robots.txt unreachable (host 169.254.169.254 is not in the source's allowed hosts): "
        "disallowed for now (attempts 1)"
    ]
    assert seen == ["http://portal.test/robots.txt"]


def test_a_robots_redirect_to_another_origin_is_refused() -> None:
    client, seen = mock_portal(
        {"http://portal.test/robots.txt": "http://portal.test:8080/robots.txt"}
    )
    assert (
        fetch_politely(client, PORTAL, "http://portal.test/a", "http://portal.test/b")
        == [
            "robots.txt unreachable (origin http://portal.test:8080 is not one of the source's "
            "allowed origins for portal.test (http://portal.test, https://portal.test)): "
            "disallowed for now (attempts 1)"
        ]
        * 2
    )
    assert seen == ["http://portal.test/robots.txt"]  # asked once for the run


def test_a_robots_redirect_within_the_origins_is_followed() -> None:
    client, seen = mock_portal(
        {"http://portal.test/robots.txt": "https://portal.test/static/robots.txt"}
    )
    assert fetch_politely(client, PORTAL, "http://portal.test/a") == [PAGE.decode()]
    assert seen == [
        "http://portal.test/robots.txt",
        "https://portal.test/static/robots.txt",
        "http://portal.test/a",
    ]


def test_more_than_five_robots_redirects_mean_no_rules() -> None:
    chain = {f"http://portal.test/robots.txt{'x' * i}": f"/robots.txt{'x' * (i + 1)}"
             for i in range(10)}  # fmt: skip
    client, seen = mock_portal(chain)
    assert read_robots(client, "http://portal.test", guard=PORTAL).rules is None
    assert len(seen) == 6


def test_another_origin_is_refused_before_its_robots_txt_is_asked_for() -> None:
    client, seen = mock_portal(httpx.Response(200, text="User-agent: *\nDisallow:\n"))
    assert fetch_politely(client, PORTAL, "http://portal.test:8080/a", "http://other.test/a") == [
        "origin http://portal.test:8080 is not one of the source's allowed origins for "
        "portal.test (http://portal.test, https://portal.test) (attempts 1)",
        "host other.test is not in the source's allowed hosts (attempts 1)",
    ]
    assert seen == []


@pytest.mark.parametrize("status", [404, 403, 410])
def test_a_4xx_robots_txt_means_no_rules(status: int) -> None:
    client, seen = mock_portal(httpx.Response(status))
    assert fetch_politely(client, PORTAL, "http://portal.test/private/a") == [PAGE.decode()]
    assert seen == ["http://portal.test/robots.txt", "http://portal.test/private/a"]


@pytest.mark.parametrize(
    ("status", "why"), [(503, "HTTP 503"), (500, "HTTP 500"), (429, "HTTP 429")]
)
def test_a_5xx_robots_txt_disallows_everything_for_now(status: int, why: str) -> None:
    client, seen = mock_portal(httpx.Response(status))
    assert (
        fetch_politely(client, PORTAL, "http://portal.test/a", "http://portal.test/b")
        == [f"robots.txt unreachable ({why}): disallowed for now (attempts 1)"] * 2
    )
    assert seen == ["http://portal.test/robots.txt"]


def test_an_unreachable_robots_txt_disallows_everything_for_now() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = make_client(transport=httpx.MockTransport(refuse))
    assert fetch_politely(client, PORTAL, "http://portal.test/a") == [
        "robots.txt unreachable (ConnectError: refused): disallowed for now (attempts 1)"
    ]


def padding(size: int) -> Iterator[bytes]:
    """``size`` bytes of comment lines, 64 KiB at a time, made as they are sent."""
    block = (b"#" * 63 + b"\n") * 1024
    while size > 0:
        yield block[:size]
        size -= len(block)


def test_a_gigabyte_robots_txt_is_read_up_to_500_kib_only() -> None:
    # The cap falls inside "Disallow: /straddle/": the cut line is dropped, not read as
    # "Disallow: /". Rules past the cap are never read.
    rules = b"User-agent: *\nDisallow: /early/\n"
    before = ROBOTS_MAX_BYTES - len(b"Disallow: /") - len(rules)
    first = rules + b"".join(padding(before - 64)) + b"#" * 63 + b"\n"
    assert len(first) + len(b"Disallow: /") == ROBOTS_MAX_BYTES
    first += b"Disallow: /straddle/\n"
    late = b"Disallow: /late/\n"

    def handler(path: str) -> Answer:
        yield head("200 OK", "Content-Type: text/plain", f"Content-Length: {GIB}")
        yield first
        yield from padding(100_000)
        yield late
        yield from padding(GIB - len(first) - 100_000 - len(late))

    with serve(handler) as served, make_client() as client:
        robots = read_robots(client, served.base_url, timeouts=Timeouts(total=10))
    assert robots.rules is not None and robots.refusal is None
    allowed = {
        path: robots.rules.can_fetch(served.base_url + path, "bulletin")
        for path in ("/early/a", "/straddle/a", "/late/a", "/other")
    }
    assert allowed == {"/early/a": False, "/straddle/a": True, "/late/a": True, "/other": True}
    # What the server could write before the client hung up: the 500 KiB read, plus
    # what the sockets' buffers held. Never the gigabyte.
    assert served.paths == ["/robots.txt"]
    assert served.sent[0] < 64 << 20


def test_a_gzip_bomb_robots_txt_is_read_up_to_500_kib_once_inflated() -> None:
    def handler(path: str) -> Answer:
        """Rules, then zeros without end, gzipped as they are sent: never finishes."""
        yield head("200 OK", "Content-Type: text/plain", "Content-Encoding: gzip")
        pack = zlib.compressobj(1, zlib.DEFLATED, 31)
        yield pack.compress(b"User-agent: *\nDisallow: /early/\n") + pack.flush(zlib.Z_SYNC_FLUSH)
        zeros = bytes(1 << 20)
        while True:
            yield pack.compress(zeros)

    started = time.monotonic()
    with serve(handler) as served, make_client() as client:
        robots = read_robots(client, served.base_url, timeouts=Timeouts(total=10))
    assert time.monotonic() - started < 8  # stopped at the cap, not at the total timeout
    assert robots.rules is not None and robots.refusal is None
    assert robots.rules.can_fetch(served.base_url + "/early/a", "bulletin") is False
    assert robots.rules.can_fetch(served.base_url + "/other", "bulletin") is True


def test_a_trickled_robots_txt_trips_the_total_timeout_and_disallows_the_host() -> None:
    def handler(path: str) -> Answer:
        if path != "/robots.txt":
            return (head("200 OK", "Content-Type: text/html"), PAGE)
        trickle: list[bytes | float] = [b"#", 0.5] * 40  # a byte every 0.5 s
        return (head("200 OK", "Content-Type: text/plain"), *trickle)

    started = time.monotonic()
    with serve(handler) as served, make_client() as client:
        polite = Politeness(client, rate=0)
        with pytest.raises(FetchError) as info:
            fetch(
                client,
                served.base_url + "/a",
                politeness=polite,
                guard=HostGuard({served.base_url}, allow_private=True),
                timeouts=Timeouts(connect=1, read=5, total=1.5),
                sleep=no_sleep,
            )
        elapsed = time.monotonic() - started
    assert (info.value.reason, info.value.status, info.value.attempts) == (
        "robots.txt unreachable (timeout: over 1.5 s in all): disallowed for now",
        None,
        1,
    )
    assert 1.5 <= elapsed < 3.5
    assert served.paths == ["/robots.txt"]  # the page itself was never asked for


def test_robots_txt_is_read_only_from_the_source_origin_on_the_same_machine() -> None:
    # allow_private, as the sample portal: 127.0.0.1 on another port is another service
    with (
        serve(lambda path: (head("200 OK", "Content-Type: text/html"), PAGE)) as source,
        serve(lambda path: (head("200 OK", "Content-Type: text/html"), PAGE)) as other,
        make_client() as client,
    ):
        guard = HostGuard({source.base_url}, allow_private=True)
        outcomes = fetch_politely(client, guard, source.base_url + "/a", other.base_url + "/a")
    assert outcomes == [
        PAGE.decode(),
        f"origin {other.base_url} is not one of the source's allowed origins for "
        f"127.0.0.1 ({source.base_url}) (attempts 1)",
    ]
    assert (source.paths, other.paths) == (["/robots.txt", "/a"], [])
