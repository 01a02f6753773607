"""The shared HTTP client and one fetch with retries, backoff and named errors."""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx
from protego import Protego

from bulletin.errors import FetchError
from extractors.version import EXTRACTOR_VERSION
from flows.crawling.guard import HostGuard
from flows.crawling.politeness import Politeness, Refused, RobotsTxt
from flows.crawling.timeouts import DEFAULT_TIMEOUTS, Timeouts
from flows.crawling.urls import MalformedURL, check_url
from storage.records import Page

USER_AGENT = (
    f"bulletin/{EXTRACTOR_VERSION} (news-bulletin archiver for Vietnamese government portals; "
    "+https://pypi.org/project/bulletin/)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
MAX_BYTES = 10_000_000  # a page larger than this, once decompressed, is refused
MAX_RETRY_AFTER = 120.0  # seconds a Retry-After may ask us to wait within a run
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 2.5: a crawler may stop parsing robots.txt here
HTML_MEDIA = frozenset({"text/html", "application/xhtml+xml"})


def httpx_timeout(timeouts: Timeouts) -> httpx.Timeout:
    """The connect and read timeouts as httpx takes them (``fetch`` keeps the total)."""
    return httpx.Timeout(timeouts.read, connect=timeouts.connect)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful response: the body and what the fetch log records of it."""

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """A 304 to a conditional request: the page is as it was, and has no body here."""
        return self.status == 304

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def page(self, source: str, kind: str) -> Page:
        """The fetch-log row of this response."""
        full = not self.not_modified
        return Page(
            url=self.url,
            source=source,
            kind=kind,
            status=self.status,
            fetched_at=self.fetched_at,
            bytes=len(self.content) if full else None,
            content_hash=self.content_hash if full else None,
            content_type=self.content_type if full else None,
            etag=self.etag,
            last_modified=self.last_modified,
        )


def make_client(
    *,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """One client for a whole run, shared by its threads: connection pooling, default
    timeouts (``fetch`` sets each source's own) and an honest User-Agent."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Language": "vi,en;q=0.5"},
        timeout=httpx_timeout(timeouts),
        follow_redirects=False,  # fetch follows them itself, checking each hop
        transport=transport,
    )


def fetch(
    client: httpx.Client,
    url: str,
    *,
    attempts: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
    politeness: Politeness | None = None,
    guard: HostGuard | None = None,
    max_bytes: int = MAX_BYTES,
    max_retry_after: float = MAX_RETRY_AFTER,
    validators: tuple[str | None, str | None] | None = None,
    timeouts: Timeouts | None = None,
) -> Fetched:
    """GET ``url``; retry 5xx, 429, timeouts and connection errors with jittered backoff.

    A 429 or 503 with ``Retry-After`` waits as told (up to ``max_retry_after`` seconds;
    longer is a failure). The body is read as a stream and refused past ``max_bytes``
    once decompressed, which also caps gzip bombs; with ``timeouts``, a request that
    takes longer than ``timeouts.total`` in all is a timeout too. With ``politeness``,
    each request waits for its host's turn, holds one of its host's slots while in
    flight, and is refused when robots.txt disallows it or the host's circuit is open.
    ``guard`` (the source's allowed origins, no private addresses unless allowed) checks
    ``url`` first, before its host's robots.txt is even asked for, then robots.txt and
    its redirects, then each redirect hop, at most ``MAX_REDIRECTS``.
    A body cut short (a short Content-Length, an unfinished chunked stream, a
    connection closed before the end of an HTML or XML document) is retried like a
    dropped connection; its reason starts "truncated body: ".
    With ``validators`` (the ETag and Last-Modified seen last time) the request is
    conditional, and a 304 comes back as a ``Fetched`` that is ``not_modified``.
    Raises ``FetchError`` for a 4xx or a refused URL at once, or once ``attempts`` are
    spent.
    """
    headers = {}
    if validators is not None:
        etag, modified = validators
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
    status: int | None = None
    reason = "not attempted"
    try:
        check_url(url)
    except MalformedURL as exc:
        raise FetchError(url, str(exc), None, 1) from None
    if guard is not None:
        try:
            guard.check(url)
        except Refused as exc:
            raise FetchError(url, exc.reason, None, 1) from None

    def robots(origin: str) -> RobotsTxt:
        return read_robots(client, origin, guard=guard, timeouts=timeouts)

    for attempt in range(1, attempts + 1):
        if politeness is not None:
            try:
                politeness.before(url, robots)
            except Refused as exc:
                raise FetchError(url, exc.reason, None, attempt) from None
        delay = backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
        deadline = time.monotonic() + (timeouts.total if timeouts else float("inf"))
        try:
            with (
                politeness.slot(url) if politeness is not None else nullcontext(),
                _follow(client, url, guard, headers, timeouts) as response,
            ):
                status = response.status_code
                if response.is_success or status == 304:
                    content = b""
                    if status != 304:
                        content = _read_capped(response, max_bytes, deadline)
                        _check_complete(response, content)
                    if politeness is not None:
                        politeness.record(url, ok=True)
                    return Fetched(
                        url=url,
                        final_url=str(response.url),
                        status=status,
                        content=content,
                        content_type=response.headers.get("content-type"),
                        fetched_at=datetime.now(UTC),
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
                reason = f"HTTP {status} {response.reason_phrase}".strip()
                wait = retry_after(response.headers.get("retry-after"))
        except httpx.TimeoutException as exc:
            status, reason, wait = None, f"timeout ({type(exc).__name__})", None
        except _TotalTimeout:
            assert timeouts is not None
            status, reason, wait = None, f"timeout (over {timeouts.total:g} s in all)", None
        except _Truncated as exc:  # before TransportError: a cut body is not a refusal
            status, wait = None, None
            reason = f"truncated body: {exc}"
        except httpx.TooManyRedirects:
            raise FetchError(url, f"more than {MAX_REDIRECTS} redirects", None, attempt) from None
        except Refused as exc:
            raise FetchError(url, exc.reason, None, attempt) from None
        except MalformedURL as exc:  # a redirect's Location
            raise FetchError(url, f"redirect to a {exc}", None, attempt) from None
        except httpx.TransportError as exc:
            status, wait = None, None
            reason = f"connection error ({type(exc).__name__}: {exc})"
        except httpx.DecodingError as exc:  # a cut or corrupt compressed stream
            status, wait = None, None
            reason = f"undecodable body ({exc})"
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # ValueError: httpx
            # reading a redirect's Location with idna (IDNAError)
            raise FetchError(url, f"{type(exc).__name__}: {exc}", status, attempt) from None
        except _TooLarge:
            reason = f"response larger than {max_bytes} bytes"
            raise FetchError(url, reason, status, attempt) from None
        if status is not None and status not in RETRY_STATUSES:
            if politeness is not None:  # the host answered: it is up
                politeness.record(url, ok=True)
            raise FetchError(url, reason, status, attempt)
        if politeness is not None:
            politeness.record(url, ok=False, reason=reason)
        if wait is not None and status in (429, 503):
            if wait > max_retry_after:
                raise FetchError(url, f"{reason} (Retry-After {wait:.0f} s)", status, attempt)
            delay = wait
        if attempt < attempts:
            sleep(delay)
    raise FetchError(url, f"{reason} after {attempts} attempts", status, attempts)


class _TooLarge(Exception):
    pass


class _TotalTimeout(Exception):
    pass


class _Truncated(Exception):
    """The body ended before its end: the reason says how."""


@contextmanager
def _follow(
    client: httpx.Client,
    url: str,
    guard: HostGuard | None,
    headers: dict[str, str],
    timeouts: Timeouts | None,
) -> Iterator[httpx.Response]:
    """The streamed response at the end of ``url``'s redirects, each hop guarded."""
    target = url
    timeout = httpx_timeout(timeouts) if timeouts is not None else httpx.USE_CLIENT_DEFAULT
    for _ in range(MAX_REDIRECTS + 1):
        if guard is not None:
            guard.check(target)
        with client.stream(
            "GET", target, headers=headers, follow_redirects=False, timeout=timeout
        ) as response:
            location = response.headers.get("location")
            if not (response.is_redirect and location):
                yield response
                return
        try:
            target = urljoin(target, location)
        except ValueError as exc:  # an unclosed IPv6 bracket
            raise MalformedURL(location, str(exc)) from None
        check_url(target)
    raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=None)


def _read_capped(
    response: httpx.Response, max_bytes: int, deadline: float, *, keep_first: bool = False
) -> bytes:
    """The decoded body: ``_TooLarge`` past ``max_bytes`` (with ``keep_first``, its first
    ``max_bytes`` instead, the rest never read), ``_TotalTimeout`` past ``deadline``, and
    ``_Truncated`` when the connection breaks before the framing says the body ends."""
    declared = response.headers.get("content-length")
    if not keep_first and declared and declared.isdigit() and int(declared) > max_bytes:
        raise _TooLarge
    chunks = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                if not keep_first:
                    raise _TooLarge
                chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                break
            if time.monotonic() > deadline:
                raise _TotalTimeout
            chunks.append(chunk)
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        # h11's "peer closed connection without sending complete message body
        # (received 9 bytes, expected 100)" or "(incomplete chunked read)", or a reset
        raise _Truncated(str(exc) or type(exc).__name__) from exc
    return b"".join(chunks)


def _close_delimited(response: httpx.Response) -> bool:
    """Whether the body ends where the connection closed (no Content-Length, not
    chunked): then only its content can tell whether it is whole."""
    headers = response.headers
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    return "content-length" not in headers and not chunked


_HTML_END = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
_END_TAG = re.compile(rb"(?:</[A-Za-z][A-Za-z0-9:-]*\s*>|-->)$")
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_HTML_TAIL = 4096  # how near its end a whole page closes </html> or </body>


def html_looks_whole(content: bytes) -> bool:
    """Whether an HTML document ends as a whole one does: a ``</html>`` or ``</body>``
    within its last 4 KiB, or, failing that, an end tag (or a comment) as its very last
    thing (pages that omit both end with ``</script>`` or ``</style>``; pages streamed
    after ``</html>`` with ``</footer>``). Of the 716 real pages of ../shared/corpus
    none fails this; of 30 cuts at random places in each, 95.6% do."""
    if _HTML_END.search(content[-_HTML_TAIL:]):
        return True
    return _END_TAG.search(content.rstrip()[-256:]) is not None


def xml_looks_whole(content: bytes) -> bool:
    """Whether an XML document (a sitemap, a feed) closes its root element: its last
    thing, trailing comments aside, is the root's end tag (or the root is empty)."""
    root = _XML_ROOT.search(content)
    if root is None:
        return False
    tail = content.rstrip()
    while tail.endswith(b"-->") and b"<!--" in tail:
        tail = tail[: tail.rindex(b"<!--")].rstrip()
    name = re.escape(root.group(1))
    if re.search(rb"</" + name + rb"\s*>$", tail):
        return True
    start_end = content.find(b">", root.end())
    return start_end != -1 and content[start_end - 1 : start_end] == b"/" and tail.endswith(b"/>")


def _check_complete(response: httpx.Response, content: bytes) -> None:
    """Raise ``_Truncated`` for a close-delimited HTML or XML body cut mid-document."""
    if not _close_delimited(response):
        return  # h11 has checked the Content-Length or the chunked framing
    media = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media in HTML_MEDIA:
        if not html_looks_whole(content):
            raise _Truncated(
                f"the connection closed after {len(content)} bytes, before the end of the "
                "HTML document (no </html> or </body>)"
            )
    elif media.endswith(("/xml", "+xml")):
        if not xml_looks_whole(content):
            raise _Truncated(
                f"the connection closed after {len(content)} bytes, before the end of the "
                "XML document (its root element is not closed)"
            )


def read_robots(
    client: httpx.Client,
    origin: str,
    *,
    guard: HostGuard | None = None,
    timeouts: Timeouts | None = None,
    max_bytes: int = ROBOTS_MAX_BYTES,
) -> RobotsTxt:
    """The robots.txt of ``origin``, read as RFC 9309 says, in one request.

    The request and each redirect hop (at most ``MAX_REDIRECTS``) go through ``guard``
    like any other; the whole read is held to ``timeouts.total``. A 2xx is parsed,
    its first ``max_bytes`` only (2.5; a line cut there is dropped). A 4xx (404
    included) or more redirects than allowed mean no rules (2.3.1.2, 2.3.1.3). A 5xx, a
    429, a timeout, a connection error, a cut body or a redirect the guard refuses mean
    the host's robots.txt is unreachable, and every request to it is refused for now
    (2.3.1.4): the reason says so, and a later run asks again.
    """
    url = f"{origin}/robots.txt"
    total = timeouts.total if timeouts is not None else DEFAULT_TIMEOUTS.total
    deadline = time.monotonic() + total

    def unreachable(why: str) -> RobotsTxt:
        return RobotsTxt(refusal=f"robots.txt unreachable ({why}): disallowed for now")

    try:
        with _follow(client, url, guard, {}, timeouts) as response:
            status = response.status_code
            if status == 429 or status >= 500:
                return unreachable(f"HTTP {status}")
            if 400 <= status < 500:
                return RobotsTxt()
            if not response.is_success:  # a 1xx, or a 3xx without a Location
                return unreachable(f"HTTP {status}")
            content = _read_capped(response, max_bytes + 1, deadline, keep_first=True)
    except httpx.TooManyRedirects:
        return RobotsTxt()
    except Refused as exc:
        return unreachable(exc.reason)
    except httpx.TimeoutException as exc:
        return unreachable(f"timeout: {type(exc).__name__}")
    except _TotalTimeout:
        return unreachable(f"timeout: over {total:g} s in all")
    except _Truncated as exc:
        return unreachable(f"truncated body: {exc}")
    except MalformedURL as exc:  # a redirect's Location
        return unreachable(f"redirect to a {exc}")
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # ValueError: IDNA
        return unreachable(f"{type(exc).__name__}: {exc}")
    if len(content) > max_bytes:  # cut at the cap: drop the line it cut
        content = content[:max_bytes]
        content = content[: content.rfind(b"\n") + 1]
    return RobotsTxt(rules=Protego.parse(content.decode("utf-8-sig", errors="replace")))


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
