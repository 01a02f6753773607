"""The sample portal's faults over real HTTP, one kind at a time, and its count of
requests in flight: what a client sees, and what the portal's request log records."""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit

import httpx
import pytest

from sample_portal import Fault, PortalConfig, SamplePortal
from sample_portal import faults as kinds
from sample_portal.jpeg import JPEG

IMAGE = "/image/journal/article?img_id=5&t=1700000000000"  # JPEG is 159 bytes: 3 pieces


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SamplePortal, str]]:
    portal = SamplePortal(PortalConfig(count=20, end=date(2026, 11, 20)))
    with portal.serve() as base_url:
        yield portal, base_url


@pytest.fixture
def portal(served: tuple[SamplePortal, str]) -> Iterator[SamplePortal]:
    """The shared portal, with no faults and an empty log at the start of each test."""
    portal = served[0]
    portal.faults.clear()
    portal.clear_requests()
    yield portal
    portal.faults.clear()


@pytest.fixture
def base_url(served: tuple[SamplePortal, str]) -> str:
    return served[1]


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=5) as http:
        yield http


def article_paths(portal: SamplePortal) -> list[str]:
    """Paths of the articles that are served whole (200, well-formed)."""
    return [a.path for a in portal.articles if not (a.missing or a.malformed)]


def logged(portal: SamplePortal) -> list[tuple[str, str, int]]:
    return [(method, target, status) for _, method, target, status in portal.requests]


def raw_get(base_url: str, target: str) -> socket.socket:
    """A socket that has sent ``GET target`` (Connection: close) and not read yet."""
    address = urlsplit(base_url)
    assert address.hostname is not None and address.port is not None
    connection = socket.create_connection((address.hostname, address.port), timeout=5)
    request = f"GET {target} HTTP/1.1\r\nHost: {address.netloc}\r\nConnection: close\r\n\r\n"
    connection.sendall(request.encode())
    return connection


def read_to_end(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


# -- the Fault record --------------------------------------------------------------------


def test_an_unknown_kind_or_a_status_with_a_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kind 'teapot'; known kinds: charset, "):
        Fault("/", kind="teapot")
    with pytest.raises(ValueError, match="a fault has a status or a kind, not both"):
        Fault("/", status=500, kind=kinds.EMPTY)
    assert Fault("/", kind=kinds.EMPTY).kind == "empty"
    assert kinds.KINDS == {
        "charset",
        "cut-by-close",
        "cut-chunked",
        "deep",
        "empty",
        "gzip-bomb",
        "huge",
        "invalid-bytes",
        "login-wall",
        "maintenance",
        "not-html",
        "offsite",
        "other-port",
        "redirect-loop",
        "reset",
        "slow",
        "truncate",
    }


@pytest.mark.parametrize(
    ("target", "after"),
    [
        ("/a", "/a?loop=1"),
        ("/a?x=1", "/a?x=1&loop=1"),
        ("/a?loop=1", "/a?loop=2"),
        ("/a?x=1&loop=9&y=2", "/a?x=1&loop=10&y=2"),
        ("/a?xloop=3", "/a?xloop=3&loop=1"),
    ],
)
def test_the_loop_counter_is_added_then_incremented(target: str, after: str) -> None:
    assert kinds.next_loop_target(target) == after


# -- one test per kind ---------------------------------------------------------------------


def test_reset_aborts_the_connection_and_the_portal_keeps_serving(
    portal: SamplePortal, base_url: str, client: httpx.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    path = article_paths(portal)[0]
    portal.faults.add(Fault(path, kind=kinds.RESET, times=2))
    with pytest.raises(httpx.ReadError, match="Connection reset by peer"):
        client.get(path)
    with raw_get(base_url, path) as connection, pytest.raises(ConnectionResetError):
        connection.recv(65536)
    assert client.get(path).status_code == 200
    assert logged(portal) == [("GET", path, 0), ("GET", path, 0), ("GET", path, 200)]
    assert capfd.readouterr().err == ""


def test_truncate_sends_the_full_length_and_half_the_body(
    portal: SamplePortal, base_url: str, client: httpx.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    path = article_paths(portal)[1]
    whole = client.get(path).content
    portal.faults.add(Fault(path, kind=kinds.TRUNCATE))
    with raw_get(base_url, path) as connection:
        head, _, body = read_to_end(connection).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert f"Content-Length: {len(whole)}".encode() in head.split(b"\r\n")
    assert body == whole[: len(whole) // 2]
    message = f"received {len(whole) // 2} bytes, expected {len(whole)}"
    with pytest.raises(httpx.RemoteProtocolError, match=message):
        client.get(path)
    assert [status for _, _, status in logged(portal)] == [200, 200, 200]
    assert capfd.readouterr().err == ""


def test_slow_trickles_the_body_so_only_a_total_timeout_would_fire(
    portal: SamplePortal, client: httpx.Client
) -> None:
    portal.faults.add(Fault(IMAGE, kind=kinds.SLOW, delay=0.1))
    pieces = -(-len(JPEG) // kinds.SLOW_CHUNK)
    started = time.monotonic()
    response = client.get(IMAGE, timeout=httpx.Timeout(5, read=0.25))
    elapsed = time.monotonic() - started
    assert (response.status_code, response.content, pieces) == (200, JPEG, 3)
    assert 0.3 <= elapsed < 1.0
    assert logged(portal) == [("GET", IMAGE, 200)]


def test_charset_declares_latin1_for_utf8_bytes(portal: SamplePortal, client: httpx.Client) -> None:
    path = article_paths(portal)[2]
    normal = client.get(path)
    portal.faults.add(Fault(path, kind=kinds.WRONG_CHARSET))
    wrong = client.get(path)
    assert wrong.headers["Content-Type"] == "text/html; charset=ISO-8859-1"
    assert wrong.content == normal.content
    assert wrong.text == normal.content.decode("iso-8859-1") != normal.text
    assert wrong.status_code == 200
    assert "ETag" in normal.headers and "ETag" not in wrong.headers


def test_redirect_loop_never_ends(
    portal: SamplePortal, base_url: str, client: httpx.Client
) -> None:
    path = article_paths(portal)[3]
    portal.faults.add(Fault(path, kind=kinds.REDIRECT_LOOP))
    target, locations = path, []
    for _ in range(4):
        response = client.get(target)
        assert response.status_code == 302
        locations.append(response.headers["Location"])
        target = locations[-1].removeprefix(base_url)
    assert locations == [f"{base_url}{path}?loop={n}" for n in (1, 2, 3, 4)]
    with pytest.raises(httpx.TooManyRedirects):
        client.get(path, follow_redirects=True)
    assert {status for _, _, status in logged(portal)} == {302}


def test_offsite_redirects_to_another_host(portal: SamplePortal, client: httpx.Client) -> None:
    path = article_paths(portal)[4]
    portal.faults.add(Fault(path, kind=kinds.OFFSITE))
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "http://offsite.example.invalid" + path
    assert logged(portal) == [("GET", path, 302)]


def test_huge_streams_twenty_mebibytes_of_html(portal: SamplePortal, client: httpx.Client) -> None:
    path = article_paths(portal)[5]
    portal.faults.add(Fault(path, kind=kinds.HUGE))
    received, start = 0, b""
    with client.stream("GET", path) as response:
        assert response.headers["Content-Length"] == str(20 * 1024 * 1024)
        assert response.headers["Content-Type"] == "text/html;charset=UTF-8"
        for chunk in response.iter_raw():
            start = start or chunk[:15]
            received += len(chunk)
    assert (response.status_code, received, start) == (200, 20 * 1024 * 1024, b"<!DOCTYPE html>")
    assert logged(portal) == [("GET", path, 200)]


def test_gzip_bomb_is_small_on_the_wire_and_inflates_without_end_in_sight(
    portal: SamplePortal, client: httpx.Client
) -> None:
    path = article_paths(portal)[6]
    portal.faults.add(Fault(path, kind=kinds.GZIP_BOMB))
    wanted = 4 * 1024 * 1024
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    inflated = b""
    with client.stream("GET", path) as response:
        size = int(response.headers["Content-Length"])
        assert response.headers["Content-Encoding"] == "gzip"
        for chunk in response.iter_raw():
            inflated += inflater.decompress(chunk, wanted - len(inflated))
            if len(inflated) == wanted:
                break
    assert size == len(kinds.gzip_bomb()) < 1024 * 1024
    assert kinds.GZIP_BOMB_SIZE >= 200 * 1024 * 1024
    assert len(inflated) == wanted and not inflater.eof
    assert inflated.startswith(b"<!DOCTYPE html>\n<html")
    assert inflated.endswith(b" " * 1024)
    assert logged(portal) == [("GET", path, 200)]


def test_not_html_answers_a_pdf(portal: SamplePortal, client: httpx.Client) -> None:
    path = article_paths(portal)[8]
    portal.faults.add(Fault(path, kind=kinds.NOT_HTML))
    response = client.get(path)
    assert (response.status_code, response.headers["Content-Type"]) == (200, "application/pdf")
    assert response.content == kinds.PDF_BODY
    assert response.content.startswith(b"%PDF-1.4\n")


def test_empty_answers_200_with_no_body(portal: SamplePortal, client: httpx.Client) -> None:
    path = article_paths(portal)[9]
    portal.faults.add(Fault(path, kind=kinds.EMPTY))
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html;charset=UTF-8"
    assert (response.headers["Content-Length"], response.content) == ("0", b"")


@pytest.mark.parametrize(
    ("kind", "body"),
    [(kinds.MAINTENANCE, kinds.MAINTENANCE_PAGE), (kinds.LOGIN_WALL, kinds.LOGIN_PAGE)],
)
def test_soft_errors_answer_200_with_another_page(
    portal: SamplePortal, client: httpx.Client, kind: str, body: bytes
) -> None:
    path = article_paths(portal)[13]
    portal.faults.add(Fault(path, kind=kind))
    response = client.get(path)
    assert (response.status_code, response.content) == (200, body)
    assert logged(portal) == [("GET", path, 200)]


def sent(base_url: str, path: str) -> bytes:
    """Everything the portal sends for ``GET path`` until it closes the connection."""
    with raw_get(base_url, path) as connection:
        return read_to_end(connection)


def test_a_body_cut_by_a_close_has_no_length(portal: SamplePortal, base_url: str) -> None:
    path = article_paths(portal)[14]
    whole = httpx.get(base_url + path).content
    portal.clear_requests()
    portal.faults.add(Fault(path, kind=kinds.CUT_BY_CLOSE))
    head, _, body = sent(base_url, path).partition(b"\r\n\r\n")
    assert b"Content-Length" not in head and b"Transfer-Encoding" not in head
    assert body == whole[: len(whole) // 2]


def test_a_cut_chunked_stream_has_no_last_chunk(portal: SamplePortal, base_url: str) -> None:
    path = article_paths(portal)[14]
    whole = httpx.get(base_url + path).content
    portal.faults.add(Fault(path, kind=kinds.CUT_CHUNKED))
    head, _, body = sent(base_url, path).partition(b"\r\n\r\n")
    half = whole[: len(whole) // 2]
    assert b"Transfer-Encoding: chunked" in head and b"Content-Length" not in head
    assert body == f"{len(half):x}\r\n".encode() + half + b"\r\n"


def test_invalid_bytes_and_deep_nesting_change_only_the_body(
    portal: SamplePortal, client: httpx.Client
) -> None:
    path = article_paths(portal)[15]
    whole = client.get(path).content
    portal.faults.add(Fault(path, kind=kinds.INVALID_BYTES, times=1))
    portal.faults.add(Fault(path, kind=kinds.DEEP, times=1))
    invalid = client.get(path).content
    changed = [i for i, (a, b) in enumerate(zip(whole, invalid, strict=True)) if a != b]
    assert len(changed) == kinds.INVALID_COUNT and min(changed) >= len(whole) // 2
    assert {invalid[i] for i in changed} == {0xFF}
    deep = client.get(path).content
    assert deep.count(b"<div>") - whole.count(b"<div>") == kinds.DEEP_LEVELS
    assert (
        deep.replace(b"<div>" * kinds.DEEP_LEVELS, b"").replace(b"</div>" * kinds.DEEP_LEVELS, b"")
        == whole
    )


def test_other_port_redirects_to_the_next_port_up(
    portal: SamplePortal, client: httpx.Client, base_url: str
) -> None:
    path = article_paths(portal)[16]
    portal.faults.add(Fault(path, kind=kinds.OTHER_PORT))
    response = client.get(path)
    host, _, port = base_url.rpartition(":")
    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"{host}:{int(port) + 1}{path}",
    )


# -- what all kinds share -------------------------------------------------------------------


def test_times_limits_a_kind_and_a_prefix_covers_what_it_starts(
    portal: SamplePortal, client: httpx.Client
) -> None:
    portal.faults.add(Fault("/kinh-te", kind=kinds.EMPTY, times=2))
    sizes = [len(client.get(p).content) for p in ("/kinh-te", "/kinh-te?_101_cur=2", "/kinh-te")]
    assert sizes[:2] == [0, 0] and sizes[2] > 1000
    assert [status for _, _, status in logged(portal)] == [200, 200, 200]


def test_a_kind_waits_its_delay_first(portal: SamplePortal, client: httpx.Client) -> None:
    path = article_paths(portal)[10]
    portal.faults.add(Fault(path, kind=kinds.NOT_HTML, delay=0.2))
    started = time.monotonic()
    response = client.get(path)
    assert time.monotonic() - started >= 0.2
    assert response.headers["Content-Type"] == "application/pdf"


def test_normal_answers_keep_their_etag_and_304(portal: SamplePortal, client: httpx.Client) -> None:
    path = article_paths(portal)[11]
    etag = client.get(path).headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    assert [status for _, _, status in logged(portal)] == [200, 304]


# -- requests in flight --------------------------------------------------------------------


def test_the_peak_of_requests_in_flight_is_counted_and_reset(
    portal: SamplePortal, base_url: str
) -> None:
    path = article_paths(portal)[12]
    portal.faults.add(Fault(path, delay=0.3))
    statuses: list[int] = []

    def get() -> None:
        statuses.append(httpx.get(base_url + path, timeout=5).status_code)

    threads = [threading.Thread(target=get) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (statuses, portal.peak_in_flight) == ([200, 200, 200], 3)
    deadline = time.monotonic() + 1
    while portal.in_flight and time.monotonic() < deadline:  # handlers finish after sending
        time.sleep(0.01)
    portal.clear_requests()
    assert (portal.in_flight, portal.peak_in_flight, portal.requests) == (0, 0, [])
    httpx.get(base_url + "/robots.txt", timeout=5)
    assert portal.peak_in_flight == 1
